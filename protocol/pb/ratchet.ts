import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface RatchetMessage {
  version: number
  ratchetKey: Uint8Array<ArrayBuffer>
  counter: number
  previousCounter: number
  ciphertext: Uint8Array<ArrayBuffer>
  pqRatchet: Uint8Array<ArrayBuffer>
}

export namespace RatchetMessage {
  let _codec: Codec<RatchetMessage>

  export const codec = (): Codec<RatchetMessage> => {
    if (_codec == null) {
      _codec = message<RatchetMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.ratchetKey != null && obj.ratchetKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ratchetKey)
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(24)
          w.uint32(obj.counter)
        }

        if ((obj.previousCounter != null && obj.previousCounter !== 0)) {
          w.uint32(32)
          w.uint32(obj.previousCounter)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.ciphertext)
        }

        if ((obj.pqRatchet != null && obj.pqRatchet.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.pqRatchet)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          ratchetKey: uint8ArrayAlloc(0),
          counter: 0,
          previousCounter: 0,
          ciphertext: uint8ArrayAlloc(0),
          pqRatchet: uint8ArrayAlloc(0)
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
              obj.ratchetKey = reader.bytes()
              break
            }
            case 3: {
              obj.counter = reader.uint32()
              break
            }
            case 4: {
              obj.previousCounter = reader.uint32()
              break
            }
            case 5: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 6: {
              obj.pqRatchet = reader.bytes()
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
                field: `${prefix}.ratchetKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.counter`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.previousCounter`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.pqRatchet`,
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

  export interface RatchetMessageVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface RatchetMessageRatchetKeyFieldEvent {
    field: '$.ratchetKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetMessageCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface RatchetMessagePreviousCounterFieldEvent {
    field: '$.previousCounter'
    value: number
  }

  export interface RatchetMessageCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RatchetMessagePqRatchetFieldEvent {
    field: '$.pqRatchet'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RatchetMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RatchetMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetMessage>): RatchetMessage {
    return decodeMessage(buf, RatchetMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RatchetMessage>): Generator<RatchetMessageVersionFieldEvent | RatchetMessageRatchetKeyFieldEvent | RatchetMessageCounterFieldEvent | RatchetMessagePreviousCounterFieldEvent | RatchetMessageCiphertextFieldEvent | RatchetMessagePqRatchetFieldEvent> {
    return streamMessage(buf, RatchetMessage.codec(), opts)
  }
}

export interface PqxdhInitial {
  version: number
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  ephemeralKey: Uint8Array<ArrayBuffer>
  signedPrekeyId: number
  oneTimePrekeyId?: number
  kemPrekeyId: number
  kemCiphertext: Uint8Array<ArrayBuffer>
  message?: RatchetMessage
}

export namespace PqxdhInitial {
  let _codec: Codec<PqxdhInitial>

  export const codec = (): Codec<PqxdhInitial> => {
    if (_codec == null) {
      _codec = message<PqxdhInitial>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(24)
          w.uint32(obj.deviceId)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.signedPrekeyId != null && obj.signedPrekeyId !== 0)) {
          w.uint32(40)
          w.uint32(obj.signedPrekeyId)
        }

        if (obj.oneTimePrekeyId != null) {
          w.uint32(48)
          w.uint32(obj.oneTimePrekeyId)
        }

        if ((obj.kemPrekeyId != null && obj.kemPrekeyId !== 0)) {
          w.uint32(56)
          w.uint32(obj.kemPrekeyId)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.kemCiphertext)
        }

        if (obj.message != null) {
          w.uint32(74)
          RatchetMessage.codec().encode(obj.message, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          ephemeralKey: uint8ArrayAlloc(0),
          signedPrekeyId: 0,
          kemPrekeyId: 0,
          kemCiphertext: uint8ArrayAlloc(0)
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
              obj.identityKey = reader.bytes()
              break
            }
            case 3: {
              obj.deviceId = reader.uint32()
              break
            }
            case 4: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 5: {
              obj.signedPrekeyId = reader.uint32()
              break
            }
            case 6: {
              obj.oneTimePrekeyId = reader.uint32()
              break
            }
            case 7: {
              obj.kemPrekeyId = reader.uint32()
              break
            }
            case 8: {
              obj.kemCiphertext = reader.bytes()
              break
            }
            case 9: {
              obj.message = RatchetMessage.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.message
              })
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.signedPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.oneTimePrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.kemPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.kemCiphertext`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield * RatchetMessage.codec().stream(reader, reader.uint32(), `${prefix}.message`, {
                limits: opts.limits?.message
              })

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

  export interface PqxdhInitialVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PqxdhInitialIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqxdhInitialDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface PqxdhInitialEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqxdhInitialSignedPrekeyIdFieldEvent {
    field: '$.signedPrekeyId'
    value: number
  }

  export interface PqxdhInitialOneTimePrekeyIdFieldEvent {
    field: '$.oneTimePrekeyId'
    value: number
  }

  export interface PqxdhInitialKemPrekeyIdFieldEvent {
    field: '$.kemPrekeyId'
    value: number
  }

  export interface PqxdhInitialKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqxdhInitialMessageVersionFieldEvent {
    field: '$.message.version'
    value: number
  }

  export interface PqxdhInitialMessageRatchetKeyFieldEvent {
    field: '$.message.ratchetKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqxdhInitialMessageCounterFieldEvent {
    field: '$.message.counter'
    value: number
  }

  export interface PqxdhInitialMessagePreviousCounterFieldEvent {
    field: '$.message.previousCounter'
    value: number
  }

  export interface PqxdhInitialMessageCiphertextFieldEvent {
    field: '$.message.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PqxdhInitialMessagePqRatchetFieldEvent {
    field: '$.message.pqRatchet'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PqxdhInitial>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PqxdhInitial.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PqxdhInitial>): PqxdhInitial {
    return decodeMessage(buf, PqxdhInitial.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PqxdhInitial>): Generator<PqxdhInitialVersionFieldEvent | PqxdhInitialIdentityKeyFieldEvent | PqxdhInitialDeviceIdFieldEvent | PqxdhInitialEphemeralKeyFieldEvent | PqxdhInitialSignedPrekeyIdFieldEvent | PqxdhInitialOneTimePrekeyIdFieldEvent | PqxdhInitialKemPrekeyIdFieldEvent | PqxdhInitialKemCiphertextFieldEvent | PqxdhInitialMessageVersionFieldEvent | PqxdhInitialMessageRatchetKeyFieldEvent | PqxdhInitialMessageCounterFieldEvent | PqxdhInitialMessagePreviousCounterFieldEvent | PqxdhInitialMessageCiphertextFieldEvent | PqxdhInitialMessagePqRatchetFieldEvent> {
    return streamMessage(buf, PqxdhInitial.codec(), opts)
  }
}
