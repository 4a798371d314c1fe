import { decodeMessage, encodeMessage, enumeration, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum ContentKind {
  CONTENT_NONE = 'CONTENT_NONE',
  TEXT = 'TEXT',
  SESSION_RESET = 'SESSION_RESET'
}

enum __ContentKindValues {
  CONTENT_NONE = 0,
  TEXT = 1,
  SESSION_RESET = 2
}

export namespace ContentKind {
  export const codec = (): Codec<ContentKind> => {
    return enumeration<ContentKind>(__ContentKindValues)
  }
}

export interface Content {
  version: number
  messageId: Uint8Array<ArrayBuffer>
  sentAt: number
  kind: ContentKind
  text: string
  destination: string
  padding: Uint8Array<ArrayBuffer>
}

export namespace Content {
  let _codec: Codec<Content>

  export const codec = (): Codec<Content> => {
    if (_codec == null) {
      _codec = message<Content>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.messageId != null && obj.messageId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.messageId)
        }

        if ((obj.sentAt != null && obj.sentAt !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.sentAt)
        }

        if (obj.kind != null && __ContentKindValues[obj.kind] !== 0) {
          w.uint32(32)
          ContentKind.codec().encode(obj.kind, w)
        }

        if ((obj.text != null && obj.text !== '')) {
          w.uint32(42)
          w.string(obj.text)
        }

        if ((obj.destination != null && obj.destination !== '')) {
          w.uint32(50)
          w.string(obj.destination)
        }

        if ((obj.padding != null && obj.padding.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.padding)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          messageId: uint8ArrayAlloc(0),
          sentAt: 0,
          kind: ContentKind.CONTENT_NONE,
          text: '',
          destination: '',
          padding: uint8ArrayAlloc(0)
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
              obj.messageId = reader.bytes()
              break
            }
            case 3: {
              obj.sentAt = reader.uint64Number()
              break
            }
            case 4: {
              obj.kind = ContentKind.codec().decode(reader)
              break
            }
            case 5: {
              obj.text = reader.string()
              break
            }
            case 6: {
              obj.destination = reader.string()
              break
            }
            case 15: {
              obj.padding = reader.bytes()
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
                field: `${prefix}.messageId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sentAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.kind`,
                value: ContentKind.codec().decode(reader)
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.text`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.destination`,
                value: reader.string()
              }
              break
            }
            case 15: {
              yield {
                field: `${prefix}.padding`,
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

  export interface ContentVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ContentMessageIdFieldEvent {
    field: '$.messageId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentSentAtFieldEvent {
    field: '$.sentAt'
    value: number
  }

  export interface ContentKindFieldEvent {
    field: '$.kind'
    value: ContentKind
  }

  export interface ContentTextFieldEvent {
    field: '$.text'
    value: string
  }

  export interface ContentDestinationFieldEvent {
    field: '$.destination'
    value: string
  }

  export interface ContentPaddingFieldEvent {
    field: '$.padding'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Content>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Content.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Content {
    return decodeMessage(buf, Content.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Generator<ContentVersionFieldEvent | ContentMessageIdFieldEvent | ContentSentAtFieldEvent | ContentKindFieldEvent | ContentTextFieldEvent | ContentDestinationFieldEvent | ContentPaddingFieldEvent> {
    return streamMessage(buf, Content.codec(), opts)
  }
}
