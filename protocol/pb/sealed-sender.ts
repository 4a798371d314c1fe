import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SealedSender {
  version: number
  ephemeralKey: Uint8Array<ArrayBuffer>
  encryptedStatic: Uint8Array<ArrayBuffer>
  encryptedMessage: Uint8Array<ArrayBuffer>
}

export namespace SealedSender {
  let _codec: Codec<SealedSender>

  export const codec = (): Codec<SealedSender> => {
    if (_codec == null) {
      _codec = message<SealedSender>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.encryptedStatic != null && obj.encryptedStatic.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.encryptedStatic)
        }

        if ((obj.encryptedMessage != null && obj.encryptedMessage.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.encryptedMessage)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          ephemeralKey: uint8ArrayAlloc(0),
          encryptedStatic: uint8ArrayAlloc(0),
          encryptedMessage: uint8ArrayAlloc(0)
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
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 3: {
              obj.encryptedStatic = reader.bytes()
              break
            }
            case 4: {
              obj.encryptedMessage = reader.bytes()
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
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.encryptedStatic`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.encryptedMessage`,
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

  export interface SealedSenderVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SealedSenderEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedSenderEncryptedStaticFieldEvent {
    field: '$.encryptedStatic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedSenderEncryptedMessageFieldEvent {
    field: '$.encryptedMessage'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SealedSender>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedSender.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedSender>): SealedSender {
    return decodeMessage(buf, SealedSender.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedSender>): Generator<SealedSenderVersionFieldEvent | SealedSenderEphemeralKeyFieldEvent | SealedSenderEncryptedStaticFieldEvent | SealedSenderEncryptedMessageFieldEvent> {
    return streamMessage(buf, SealedSender.codec(), opts)
  }
}

export interface SealedContent {
  senderIdentityKey: Uint8Array<ArrayBuffer>
  senderDeviceId: number
  contentType: number
  content: Uint8Array<ArrayBuffer>
}

export namespace SealedContent {
  let _codec: Codec<SealedContent>

  export const codec = (): Codec<SealedContent> => {
    if (_codec == null) {
      _codec = message<SealedContent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.senderIdentityKey != null && obj.senderIdentityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.senderIdentityKey)
        }

        if ((obj.senderDeviceId != null && obj.senderDeviceId !== 0)) {
          w.uint32(16)
          w.uint32(obj.senderDeviceId)
        }

        if ((obj.contentType != null && obj.contentType !== 0)) {
          w.uint32(24)
          w.uint32(obj.contentType)
        }

        if ((obj.content != null && obj.content.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.content)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          senderIdentityKey: uint8ArrayAlloc(0),
          senderDeviceId: 0,
          contentType: 0,
          content: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.senderIdentityKey = reader.bytes()
              break
            }
            case 2: {
              obj.senderDeviceId = reader.uint32()
              break
            }
            case 3: {
              obj.contentType = reader.uint32()
              break
            }
            case 4: {
              obj.content = reader.bytes()
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
                field: `${prefix}.senderIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.senderDeviceId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.contentType`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.content`,
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

  export interface SealedContentSenderIdentityKeyFieldEvent {
    field: '$.senderIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedContentSenderDeviceIdFieldEvent {
    field: '$.senderDeviceId'
    value: number
  }

  export interface SealedContentContentTypeFieldEvent {
    field: '$.contentType'
    value: number
  }

  export interface SealedContentContentFieldEvent {
    field: '$.content'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SealedContent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedContent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedContent>): SealedContent {
    return decodeMessage(buf, SealedContent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedContent>): Generator<SealedContentSenderIdentityKeyFieldEvent | SealedContentSenderDeviceIdFieldEvent | SealedContentContentTypeFieldEvent | SealedContentContentFieldEvent> {
    return streamMessage(buf, SealedContent.codec(), opts)
  }
}
