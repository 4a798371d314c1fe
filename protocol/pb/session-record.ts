import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PendingPreKey {
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  ephemeralKey: Uint8Array<ArrayBuffer>
  signedPrekeyId: number
  oneTimePrekeyId?: number
  kemPrekeyId: number
  kemCiphertext: Uint8Array<ArrayBuffer>
}

export namespace PendingPreKey {
  let _codec: Codec<PendingPreKey>

  export const codec = (): Codec<PendingPreKey> => {
    if (_codec == null) {
      _codec = message<PendingPreKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.identityKey != null && obj.identityKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.identityKey)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(16)
          w.uint32(obj.deviceId)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.signedPrekeyId != null && obj.signedPrekeyId !== 0)) {
          w.uint32(32)
          w.uint32(obj.signedPrekeyId)
        }

        if (obj.oneTimePrekeyId != null) {
          w.uint32(40)
          w.uint32(obj.oneTimePrekeyId)
        }

        if ((obj.kemPrekeyId != null && obj.kemPrekeyId !== 0)) {
          w.uint32(48)
          w.uint32(obj.kemPrekeyId)
        }

        if ((obj.kemCiphertext != null && obj.kemCiphertext.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.kemCiphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
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
              obj.identityKey = reader.bytes()
              break
            }
            case 2: {
              obj.deviceId = reader.uint32()
              break
            }
            case 3: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 4: {
              obj.signedPrekeyId = reader.uint32()
              break
            }
            case 5: {
              obj.oneTimePrekeyId = reader.uint32()
              break
            }
            case 6: {
              obj.kemPrekeyId = reader.uint32()
              break
            }
            case 7: {
              obj.kemCiphertext = reader.bytes()
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
                field: `${prefix}.identityKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ephemeralKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signedPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.oneTimePrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.kemPrekeyId`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.kemCiphertext`,
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

  export interface PendingPreKeyIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PendingPreKeyDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface PendingPreKeyEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PendingPreKeySignedPrekeyIdFieldEvent {
    field: '$.signedPrekeyId'
    value: number
  }

  export interface PendingPreKeyOneTimePrekeyIdFieldEvent {
    field: '$.oneTimePrekeyId'
    value: number
  }

  export interface PendingPreKeyKemPrekeyIdFieldEvent {
    field: '$.kemPrekeyId'
    value: number
  }

  export interface PendingPreKeyKemCiphertextFieldEvent {
    field: '$.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PendingPreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PendingPreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PendingPreKey>): PendingPreKey {
    return decodeMessage(buf, PendingPreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PendingPreKey>): Generator<PendingPreKeyIdentityKeyFieldEvent | PendingPreKeyDeviceIdFieldEvent | PendingPreKeyEphemeralKeyFieldEvent | PendingPreKeySignedPrekeyIdFieldEvent | PendingPreKeyOneTimePrekeyIdFieldEvent | PendingPreKeyKemPrekeyIdFieldEvent | PendingPreKeyKemCiphertextFieldEvent> {
    return streamMessage(buf, PendingPreKey.codec(), opts)
  }
}

export interface SessionRecord {
  version: number
  ratchet: Uint8Array<ArrayBuffer>
  peerIdentityKey: Uint8Array<ArrayBuffer>
  peerDeviceId: number
  baseKey: Uint8Array<ArrayBuffer>
  initialDigest: Uint8Array<ArrayBuffer>
  pending?: PendingPreKey
  digest: Uint8Array<ArrayBuffer>
}

export namespace SessionRecord {
  let _codec: Codec<SessionRecord>

  export const codec = (): Codec<SessionRecord> => {
    if (_codec == null) {
      _codec = message<SessionRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.ratchet != null && obj.ratchet.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ratchet)
        }

        if ((obj.peerIdentityKey != null && obj.peerIdentityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.peerIdentityKey)
        }

        if ((obj.peerDeviceId != null && obj.peerDeviceId !== 0)) {
          w.uint32(32)
          w.uint32(obj.peerDeviceId)
        }

        if ((obj.baseKey != null && obj.baseKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.baseKey)
        }

        if ((obj.initialDigest != null && obj.initialDigest.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.initialDigest)
        }

        if (obj.pending != null) {
          w.uint32(58)
          PendingPreKey.codec().encode(obj.pending, w)
        }

        if ((obj.digest != null && obj.digest.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.digest)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          ratchet: uint8ArrayAlloc(0),
          peerIdentityKey: uint8ArrayAlloc(0),
          peerDeviceId: 0,
          baseKey: uint8ArrayAlloc(0),
          initialDigest: uint8ArrayAlloc(0),
          digest: uint8ArrayAlloc(0)
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
              obj.ratchet = reader.bytes()
              break
            }
            case 3: {
              obj.peerIdentityKey = reader.bytes()
              break
            }
            case 4: {
              obj.peerDeviceId = reader.uint32()
              break
            }
            case 5: {
              obj.baseKey = reader.bytes()
              break
            }
            case 6: {
              obj.initialDigest = reader.bytes()
              break
            }
            case 7: {
              obj.pending = PendingPreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.pending
              })
              break
            }
            case 15: {
              obj.digest = reader.bytes()
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
                field: `${prefix}.ratchet`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.peerIdentityKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.peerDeviceId`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.baseKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.initialDigest`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield * PendingPreKey.codec().stream(reader, reader.uint32(), `${prefix}.pending`, {
                limits: opts.limits?.pending
              })

              break
            }
            case 15: {
              yield {
                field: `${prefix}.digest`,
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

  export interface SessionRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SessionRecordRatchetFieldEvent {
    field: '$.ratchet'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPeerIdentityKeyFieldEvent {
    field: '$.peerIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPeerDeviceIdFieldEvent {
    field: '$.peerDeviceId'
    value: number
  }

  export interface SessionRecordBaseKeyFieldEvent {
    field: '$.baseKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordInitialDigestFieldEvent {
    field: '$.initialDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingIdentityKeyFieldEvent {
    field: '$.pending.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingDeviceIdFieldEvent {
    field: '$.pending.deviceId'
    value: number
  }

  export interface SessionRecordPendingEphemeralKeyFieldEvent {
    field: '$.pending.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordPendingSignedPrekeyIdFieldEvent {
    field: '$.pending.signedPrekeyId'
    value: number
  }

  export interface SessionRecordPendingOneTimePrekeyIdFieldEvent {
    field: '$.pending.oneTimePrekeyId'
    value: number
  }

  export interface SessionRecordPendingKemPrekeyIdFieldEvent {
    field: '$.pending.kemPrekeyId'
    value: number
  }

  export interface SessionRecordPendingKemCiphertextFieldEvent {
    field: '$.pending.kemCiphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionRecordDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SessionRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): SessionRecord {
    return decodeMessage(buf, SessionRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionRecord>): Generator<SessionRecordVersionFieldEvent | SessionRecordRatchetFieldEvent | SessionRecordPeerIdentityKeyFieldEvent | SessionRecordPeerDeviceIdFieldEvent | SessionRecordBaseKeyFieldEvent | SessionRecordInitialDigestFieldEvent | SessionRecordPendingIdentityKeyFieldEvent | SessionRecordPendingDeviceIdFieldEvent | SessionRecordPendingEphemeralKeyFieldEvent | SessionRecordPendingSignedPrekeyIdFieldEvent | SessionRecordPendingOneTimePrekeyIdFieldEvent | SessionRecordPendingKemPrekeyIdFieldEvent | SessionRecordPendingKemCiphertextFieldEvent | SessionRecordDigestFieldEvent> {
    return streamMessage(buf, SessionRecord.codec(), opts)
  }
}
