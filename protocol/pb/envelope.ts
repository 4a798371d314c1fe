import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Envelope {
  version: number
  id: Uint8Array<ArrayBuffer>
  mailbox: Uint8Array<ArrayBuffer>
  expiresAt: number
  payload: Uint8Array<ArrayBuffer>
}

export namespace Envelope {
  let _codec: Codec<Envelope>

  export const codec = (): Codec<Envelope> => {
    if (_codec == null) {
      _codec = message<Envelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.id)
        }

        if ((obj.mailbox != null && obj.mailbox.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.mailbox)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.payload)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          id: uint8ArrayAlloc(0),
          mailbox: uint8ArrayAlloc(0),
          expiresAt: 0,
          payload: uint8ArrayAlloc(0)
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
              obj.id = reader.bytes()
              break
            }
            case 3: {
              obj.mailbox = reader.bytes()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 5: {
              obj.payload = reader.bytes()
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
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.mailbox`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.payload`,
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

  export interface EnvelopeVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface EnvelopeIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeMailboxFieldEvent {
    field: '$.mailbox'
    value: Uint8Array<ArrayBuffer>
  }

  export interface EnvelopeExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface EnvelopePayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Envelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Envelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Envelope {
    return decodeMessage(buf, Envelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Envelope>): Generator<EnvelopeVersionFieldEvent | EnvelopeIdFieldEvent | EnvelopeMailboxFieldEvent | EnvelopeExpiresAtFieldEvent | EnvelopePayloadFieldEvent> {
    return streamMessage(buf, Envelope.codec(), opts)
  }
}
