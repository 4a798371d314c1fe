import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ChannelPost {
  version: number
  channel: string
  author: Uint8Array<ArrayBuffer>
  text: string
  sentAt: number
  id: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace ChannelPost {
  let _codec: Codec<ChannelPost>

  export const codec = (): Codec<ChannelPost> => {
    if (_codec == null) {
      _codec = message<ChannelPost>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.channel != null && obj.channel !== '')) {
          w.uint32(18)
          w.string(obj.channel)
        }

        if ((obj.author != null && obj.author.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.author)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(34)
          w.string(obj.text)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.sentAt)
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.id)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          channel: '',
          author: uint8ArrayAlloc(0),
          text: '',
          sentAt: 0,
          id: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
              break
            }
            case 2: {
              obj.channel = reader.string()
              break
            }
            case 3: {
              obj.author = reader.bytes()
              break
            }
            case 4: {
              obj.text = reader.string()
              break
            }
            case 5: {
              obj.sentAt = reader.uint64Number()
              break
            }
            case 6: {
              obj.id = reader.bytes()
              break
            }
            case 7: {
              obj.signature = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.channel`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.author`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface ChannelPostVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ChannelPostChannelFieldEvent {
    field: '$.channel'
    value: string
  }

  export interface ChannelPostAuthorFieldEvent {
    field: '$.author'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelPostTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface ChannelPostSentAtFieldEvent {
    field: '$.sentAt'
    value: number
  }

  export interface ChannelPostIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChannelPostSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ChannelPost>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ChannelPost.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPost>): ChannelPost {
    return decodeMessage(buf, ChannelPost.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChannelPost>): Generator<ChannelPostVersionFieldEvent | ChannelPostChannelFieldEvent | ChannelPostAuthorFieldEvent | ChannelPostTextFieldEvent | ChannelPostSentAtFieldEvent | ChannelPostIdFieldEvent | ChannelPostSignatureFieldEvent> {
    return streamMessage(buf, ChannelPost.codec(), opts)
  }
}
