import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SignedRecord {
  version: number
  kind: number
  body: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedRecord {
  let _codec: Codec<SignedRecord>

  export const codec = (): Codec<SignedRecord> => {
    if (_codec == null) {
      _codec = message<SignedRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.kind != null && obj.kind !== 0)) {
          w.uint32(16)
          w.uint32(obj.kind)
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.body)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          kind: 0,
          body: uint8ArrayAlloc(0),
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
              obj.kind = reader.uint32()
              break
            }
            case 3: {
              obj.body = reader.bytes()
              break
            }
            case 4: {
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
                field: `${prefix}.kind`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.body`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
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

  export interface SignedRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SignedRecordKindFieldEvent {
    field: '$.kind'
    value: number
  }

  export interface SignedRecordBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedRecord>): SignedRecord {
    return decodeMessage(buf, SignedRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedRecord>): Generator<SignedRecordVersionFieldEvent | SignedRecordKindFieldEvent | SignedRecordBodyFieldEvent | SignedRecordSignatureFieldEvent> {
    return streamMessage(buf, SignedRecord.codec(), opts)
  }
}

export interface DeviceEntry {
  deviceId: number
  deviceKey: Uint8Array<ArrayBuffer>
}

export namespace DeviceEntry {
  let _codec: Codec<DeviceEntry>

  export const codec = (): Codec<DeviceEntry> => {
    if (_codec == null) {
      _codec = message<DeviceEntry>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(8)
          w.uint32(obj.deviceId)
        }

        if ((obj.deviceKey != null && obj.deviceKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.deviceKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          deviceId: 0,
          deviceKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.deviceId = reader.uint32()
              break
            }
            case 2: {
              obj.deviceKey = reader.bytes()
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
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.deviceKey`,
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

  export interface DeviceEntryDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface DeviceEntryDeviceKeyFieldEvent {
    field: '$.deviceKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DeviceEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceEntry.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceEntry>): DeviceEntry {
    return decodeMessage(buf, DeviceEntry.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceEntry>): Generator<DeviceEntryDeviceIdFieldEvent | DeviceEntryDeviceKeyFieldEvent> {
    return streamMessage(buf, DeviceEntry.codec(), opts)
  }
}

export interface DeviceList {
  version: number
  identityKey: Uint8Array<ArrayBuffer>
  seq: number
  expiresAt: number
  devices: DeviceEntry[]
  accessVerifier?: Uint8Array<ArrayBuffer>
}

export namespace DeviceList {
  let _codec: Codec<DeviceList>

  export const codec = (): Codec<DeviceList> => {
    if (_codec == null) {
      _codec = message<DeviceList>((obj, w, opts = {}) => {
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

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.seq)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.expiresAt)
        }

        if (obj.devices != null && obj.devices.length > 0) {
          for (const value of obj.devices) {
            w.uint32(42)
            DeviceEntry.codec().encode(value, w)
          }
        }

        if (obj.accessVerifier != null) {
          w.uint32(50)
          w.bytes(obj.accessVerifier)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identityKey: uint8ArrayAlloc(0),
          seq: 0,
          expiresAt: 0,
          devices: []
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
              obj.seq = reader.uint64Number()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 5: {
              if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              if (obj.devices.length === 16) {
                throw new MaxLengthError('Decode error - repeated field "devices" had too many elements')
              }

              obj.devices.push(DeviceEntry.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.devices$
              }))
              break
            }
            case 6: {
              obj.accessVerifier = reader.bytes()
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
        const obj = {
          devices: 16
        }

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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
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
              if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              if (obj.devices === 16) {
                throw new MaxLengthError('Streaming decode error - repeated field "devices" had too many elements')
              }

              for (const evt of DeviceEntry.codec().stream(reader, reader.uint32(), `${prefix}.devices[]`, {
                limits: opts.limits?.devices$
              })) {
                yield {
                  ...evt,
                  index: obj.devices
                }
              }

              obj.devices++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.accessVerifier`,
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

  export interface DeviceListVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DeviceListIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceListSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface DeviceListExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface DeviceListDevicesDeviceIdFieldEvent {
    field: '$.devices[].deviceId'
    value: number
    index: number
  }

  export interface DeviceListDevicesDeviceKeyFieldEvent {
    field: '$.devices[].deviceKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceListAccessVerifierFieldEvent {
    field: '$.accessVerifier'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<DeviceList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceList.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceList>): DeviceList {
    return decodeMessage(buf, DeviceList.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<DeviceList>): Generator<DeviceListVersionFieldEvent | DeviceListIdentityKeyFieldEvent | DeviceListSeqFieldEvent | DeviceListExpiresAtFieldEvent | DeviceListDevicesDeviceIdFieldEvent | DeviceListDevicesDeviceKeyFieldEvent | DeviceListAccessVerifierFieldEvent> {
    return streamMessage(buf, DeviceList.codec(), opts)
  }
}

export interface SignedPreKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedPreKey {
  let _codec: Codec<SignedPreKey>

  export const codec = (): Codec<SignedPreKey> => {
    if (_codec == null) {
      _codec = message<SignedPreKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface SignedPreKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface SignedPreKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedPreKeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedPreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedPreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPreKey>): SignedPreKey {
    return decodeMessage(buf, SignedPreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedPreKey>): Generator<SignedPreKeyIdFieldEvent | SignedPreKeyPublicKeyFieldEvent | SignedPreKeySignatureFieldEvent> {
    return streamMessage(buf, SignedPreKey.codec(), opts)
  }
}

export interface KemPreKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace KemPreKey {
  let _codec: Codec<KemPreKey>

  export const codec = (): Codec<KemPreKey> => {
    if (_codec == null) {
      _codec = message<KemPreKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
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

  export interface KemPreKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface KemPreKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KemPreKeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<KemPreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KemPreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KemPreKey>): KemPreKey {
    return decodeMessage(buf, KemPreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KemPreKey>): Generator<KemPreKeyIdFieldEvent | KemPreKeyPublicKeyFieldEvent | KemPreKeySignatureFieldEvent> {
    return streamMessage(buf, KemPreKey.codec(), opts)
  }
}

export interface PreKeyBundle {
  version: number
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  seq: number
  expiresAt: number
  signedPrekey?: SignedPreKey
  kemPrekey?: KemPreKey
  pqRatchetVersion?: number
}

export namespace PreKeyBundle {
  let _codec: Codec<PreKeyBundle>

  export const codec = (): Codec<PreKeyBundle> => {
    if (_codec == null) {
      _codec = message<PreKeyBundle>((obj, w, opts = {}) => {
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

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.seq)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.expiresAt)
        }

        if (obj.signedPrekey != null) {
          w.uint32(50)
          SignedPreKey.codec().encode(obj.signedPrekey, w)
        }

        if (obj.kemPrekey != null) {
          w.uint32(58)
          KemPreKey.codec().encode(obj.kemPrekey, w)
        }

        if (obj.pqRatchetVersion != null) {
          w.uint32(64)
          w.uint32(obj.pqRatchetVersion)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          seq: 0,
          expiresAt: 0
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
              obj.seq = reader.uint64Number()
              break
            }
            case 5: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 6: {
              obj.signedPrekey = SignedPreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.signedPrekey
              })
              break
            }
            case 7: {
              obj.kemPrekey = KemPreKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.kemPrekey
              })
              break
            }
            case 8: {
              obj.pqRatchetVersion = reader.uint32()
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield * SignedPreKey.codec().stream(reader, reader.uint32(), `${prefix}.signedPrekey`, {
                limits: opts.limits?.signedPrekey
              })

              break
            }
            case 7: {
              yield * KemPreKey.codec().stream(reader, reader.uint32(), `${prefix}.kemPrekey`, {
                limits: opts.limits?.kemPrekey
              })

              break
            }
            case 8: {
              yield {
                field: `${prefix}.pqRatchetVersion`,
                value: reader.uint32()
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

  export interface PreKeyBundleVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PreKeyBundleIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface PreKeyBundleSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface PreKeyBundleExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface PreKeyBundleSignedPrekeyIdFieldEvent {
    field: '$.signedPrekey.id'
    value: number
  }

  export interface PreKeyBundleSignedPrekeyPublicKeyFieldEvent {
    field: '$.signedPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleSignedPrekeySignatureFieldEvent {
    field: '$.signedPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleKemPrekeyIdFieldEvent {
    field: '$.kemPrekey.id'
    value: number
  }

  export interface PreKeyBundleKemPrekeyPublicKeyFieldEvent {
    field: '$.kemPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundleKemPrekeySignatureFieldEvent {
    field: '$.kemPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyBundlePqRatchetVersionFieldEvent {
    field: '$.pqRatchetVersion'
    value: number
  }

  export function encode (obj: Partial<PreKeyBundle>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyBundle.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyBundle>): PreKeyBundle {
    return decodeMessage(buf, PreKeyBundle.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyBundle>): Generator<PreKeyBundleVersionFieldEvent | PreKeyBundleIdentityKeyFieldEvent | PreKeyBundleDeviceIdFieldEvent | PreKeyBundleSeqFieldEvent | PreKeyBundleExpiresAtFieldEvent | PreKeyBundleSignedPrekeyIdFieldEvent | PreKeyBundleSignedPrekeyPublicKeyFieldEvent | PreKeyBundleSignedPrekeySignatureFieldEvent | PreKeyBundleKemPrekeyIdFieldEvent | PreKeyBundleKemPrekeyPublicKeyFieldEvent | PreKeyBundleKemPrekeySignatureFieldEvent | PreKeyBundlePqRatchetVersionFieldEvent> {
    return streamMessage(buf, PreKeyBundle.codec(), opts)
  }
}

export interface OneTimePreKey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
}

export namespace OneTimePreKey {
  let _codec: Codec<OneTimePreKey>

  export const codec = (): Codec<OneTimePreKey> => {
    if (_codec == null) {
      _codec = message<OneTimePreKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== 0)) {
          w.uint32(8)
          w.uint32(obj.id)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: 0,
          publicKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.uint32()
              break
            }
            case 2: {
              obj.publicKey = reader.bytes()
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
                field: `${prefix}.id`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.publicKey`,
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

  export interface OneTimePreKeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface OneTimePreKeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<OneTimePreKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, OneTimePreKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePreKey>): OneTimePreKey {
    return decodeMessage(buf, OneTimePreKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<OneTimePreKey>): Generator<OneTimePreKeyIdFieldEvent | OneTimePreKeyPublicKeyFieldEvent> {
    return streamMessage(buf, OneTimePreKey.codec(), opts)
  }
}

export interface Presence {
  version: number
  identityKey: Uint8Array<ArrayBuffer>
  deviceId: number
  nodeId: Uint8Array<ArrayBuffer>
  online: boolean
  seq: number
  expiresAt: number
}

export namespace Presence {
  let _codec: Codec<Presence>

  export const codec = (): Codec<Presence> => {
    if (_codec == null) {
      _codec = message<Presence>((obj, w, opts = {}) => {
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

        if ((obj.nodeId != null && obj.nodeId.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.nodeId)
        }

        if ((obj.online != null && obj.online !== false)) {
          w.uint32(40)
          w.bool(obj.online)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(48)
          w.uint64Number(obj.seq)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.expiresAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identityKey: uint8ArrayAlloc(0),
          deviceId: 0,
          nodeId: uint8ArrayAlloc(0),
          online: false,
          seq: 0,
          expiresAt: 0
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
              obj.nodeId = reader.bytes()
              break
            }
            case 5: {
              obj.online = reader.bool()
              break
            }
            case 6: {
              obj.seq = reader.uint64Number()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64Number()
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
                field: `${prefix}.nodeId`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.online`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
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

  export interface PresenceVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PresenceIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface PresenceNodeIdFieldEvent {
    field: '$.nodeId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceOnlineFieldEvent {
    field: '$.online'
    value: boolean
  }

  export interface PresenceSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface PresenceExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export function encode (obj: Partial<Presence>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Presence.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Presence {
    return decodeMessage(buf, Presence.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Presence>): Generator<PresenceVersionFieldEvent | PresenceIdentityKeyFieldEvent | PresenceDeviceIdFieldEvent | PresenceNodeIdFieldEvent | PresenceOnlineFieldEvent | PresenceSeqFieldEvent | PresenceExpiresAtFieldEvent> {
    return streamMessage(buf, Presence.codec(), opts)
  }
}

export interface Profile {
  version: number
  identityKey: Uint8Array<ArrayBuffer>
  seq: number
  expiresAt: number
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace Profile {
  let _codec: Codec<Profile>

  export const codec = (): Codec<Profile> => {
    if (_codec == null) {
      _codec = message<Profile>((obj, w, opts = {}) => {
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

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.seq)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identityKey: uint8ArrayAlloc(0),
          seq: 0,
          expiresAt: 0,
          ciphertext: uint8ArrayAlloc(0)
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
              obj.seq = reader.uint64Number()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 5: {
              obj.ciphertext = reader.bytes()
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
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
                field: `${prefix}.ciphertext`,
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

  export interface ProfileVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ProfileIdentityKeyFieldEvent {
    field: '$.identityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface ProfileExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface ProfileCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Profile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Profile.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Profile {
    return decodeMessage(buf, Profile.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Generator<ProfileVersionFieldEvent | ProfileIdentityKeyFieldEvent | ProfileSeqFieldEvent | ProfileExpiresAtFieldEvent | ProfileCiphertextFieldEvent> {
    return streamMessage(buf, Profile.codec(), opts)
  }
}

export interface ProfileContent {
  version: number
  name: string
  avatar: Uint8Array<ArrayBuffer>
  avatarType: string
  padding: Uint8Array<ArrayBuffer>
}

export namespace ProfileContent {
  let _codec: Codec<ProfileContent>

  export const codec = (): Codec<ProfileContent> => {
    if (_codec == null) {
      _codec = message<ProfileContent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if ((obj.avatar != null && obj.avatar.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.avatar)
        }

        if ((obj.avatarType != null && obj.avatarType !== '')) {
          w.uint32(34)
          w.string(obj.avatarType)
        }

        if ((obj.padding != null && obj.padding.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.padding)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          name: '',
          avatar: uint8ArrayAlloc(0),
          avatarType: '',
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
              obj.name = reader.string()
              break
            }
            case 3: {
              obj.avatar = reader.bytes()
              break
            }
            case 4: {
              obj.avatarType = reader.string()
              break
            }
            case 5: {
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
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.avatar`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.avatarType`,
                value: reader.string()
              }
              break
            }
            case 5: {
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

  export interface ProfileContentVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ProfileContentNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ProfileContentAvatarFieldEvent {
    field: '$.avatar'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileContentAvatarTypeFieldEvent {
    field: '$.avatarType'
    value: string
  }

  export interface ProfileContentPaddingFieldEvent {
    field: '$.padding'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ProfileContent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProfileContent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileContent>): ProfileContent {
    return decodeMessage(buf, ProfileContent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProfileContent>): Generator<ProfileContentVersionFieldEvent | ProfileContentNameFieldEvent | ProfileContentAvatarFieldEvent | ProfileContentAvatarTypeFieldEvent | ProfileContentPaddingFieldEvent> {
    return streamMessage(buf, ProfileContent.codec(), opts)
  }
}

export interface PresenceBlob {
  version: number
  publicKey: Uint8Array<ArrayBuffer>
  seq: number
  expiresAt: number
  ciphertext: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace PresenceBlob {
  let _codec: Codec<PresenceBlob>

  export const codec = (): Codec<PresenceBlob> => {
    if (_codec == null) {
      _codec = message<PresenceBlob>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.publicKey != null && obj.publicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.publicKey)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.seq)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.ciphertext)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          publicKey: uint8ArrayAlloc(0),
          seq: 0,
          expiresAt: 0,
          ciphertext: uint8ArrayAlloc(0),
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
              obj.publicKey = reader.bytes()
              break
            }
            case 3: {
              obj.seq = reader.uint64Number()
              break
            }
            case 4: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 5: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 6: {
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
                field: `${prefix}.publicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
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
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
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

  export interface PresenceBlobVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PresenceBlobPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceBlobSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface PresenceBlobExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface PresenceBlobCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceBlobSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PresenceBlob>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceBlob.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceBlob>): PresenceBlob {
    return decodeMessage(buf, PresenceBlob.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceBlob>): Generator<PresenceBlobVersionFieldEvent | PresenceBlobPublicKeyFieldEvent | PresenceBlobSeqFieldEvent | PresenceBlobExpiresAtFieldEvent | PresenceBlobCiphertextFieldEvent | PresenceBlobSignatureFieldEvent> {
    return streamMessage(buf, PresenceBlob.codec(), opts)
  }
}

export interface PresenceState {
  version: number
  online: boolean
  at: number
  padding: Uint8Array<ArrayBuffer>
}

export namespace PresenceState {
  let _codec: Codec<PresenceState>

  export const codec = (): Codec<PresenceState> => {
    if (_codec == null) {
      _codec = message<PresenceState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.online != null && obj.online !== false)) {
          w.uint32(16)
          w.bool(obj.online)
        }

        if ((obj.at != null && obj.at !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.at)
        }

        if ((obj.padding != null && obj.padding.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.padding)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          online: false,
          at: 0,
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
              obj.online = reader.bool()
              break
            }
            case 3: {
              obj.at = reader.uint64Number()
              break
            }
            case 4: {
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
                field: `${prefix}.online`,
                value: reader.bool()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.at`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
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

  export interface PresenceStateVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PresenceStateOnlineFieldEvent {
    field: '$.online'
    value: boolean
  }

  export interface PresenceStateAtFieldEvent {
    field: '$.at'
    value: number
  }

  export interface PresenceStatePaddingFieldEvent {
    field: '$.padding'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PresenceState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceState>): PresenceState {
    return decodeMessage(buf, PresenceState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceState>): Generator<PresenceStateVersionFieldEvent | PresenceStateOnlineFieldEvent | PresenceStateAtFieldEvent | PresenceStatePaddingFieldEvent> {
    return streamMessage(buf, PresenceState.codec(), opts)
  }
}
