import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface NodeRecord {
  version: number
  peerId: Uint8Array<ArrayBuffer>
  multiaddrs: Uint8Array<ArrayBuffer>[]
  seq: number
  expiresAt: number
  idNonce: Uint8Array<ArrayBuffer>
  admission: Uint8Array<ArrayBuffer>
}

export namespace NodeRecord {
  let _codec: Codec<NodeRecord>

  export const codec = (): Codec<NodeRecord> => {
    if (_codec == null) {
      _codec = message<NodeRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.peerId)
        }

        if (obj.multiaddrs != null && obj.multiaddrs.length > 0) {
          for (const value of obj.multiaddrs) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.seq)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.idNonce != null && obj.idNonce.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.idNonce)
        }

        if ((obj.admission != null && obj.admission.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.admission)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          peerId: uint8ArrayAlloc(0),
          multiaddrs: [],
          seq: 0,
          expiresAt: 0,
          idNonce: uint8ArrayAlloc(0),
          admission: uint8ArrayAlloc(0)
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
              obj.peerId = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs.length === opts.limits.multiaddrs) {
                throw new MaxLengthError('Decode error - repeated field "multiaddrs" had too many elements')
              }

              if (obj.multiaddrs.length === 16) {
                throw new MaxLengthError('Decode error - repeated field "multiaddrs" had too many elements')
              }

              obj.multiaddrs.push(reader.bytes())
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
              obj.idNonce = reader.bytes()
              break
            }
            case 7: {
              obj.admission = reader.bytes()
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
          multiaddrs: 16
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
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.multiaddrs != null && obj.multiaddrs === opts.limits.multiaddrs) {
                throw new MaxLengthError('Streaming decode error - repeated field "multiaddrs" had too many elements')
              }

              if (obj.multiaddrs === 16) {
                throw new MaxLengthError('Streaming decode error - repeated field "multiaddrs" had too many elements')
              }

              yield {
                field: `${prefix}.multiaddrs[]`,
                index: obj.multiaddrs,
                value: reader.bytes()
              }

              obj.multiaddrs++

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
              yield {
                field: `${prefix}.idNonce`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.admission`,
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

  export interface NodeRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface NodeRecordPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NodeRecordMultiaddrsFieldEvent {
    field: '$.multiaddrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface NodeRecordSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface NodeRecordExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface NodeRecordIdNonceFieldEvent {
    field: '$.idNonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NodeRecordAdmissionFieldEvent {
    field: '$.admission'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<NodeRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NodeRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeRecord>): NodeRecord {
    return decodeMessage(buf, NodeRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeRecord>): Generator<NodeRecordVersionFieldEvent | NodeRecordPeerIdFieldEvent | NodeRecordMultiaddrsFieldEvent | NodeRecordSeqFieldEvent | NodeRecordExpiresAtFieldEvent | NodeRecordIdNonceFieldEvent | NodeRecordAdmissionFieldEvent> {
    return streamMessage(buf, NodeRecord.codec(), opts)
  }
}

export interface AdmissionGrant {
  version: number
  meshPublicKey: Uint8Array<ArrayBuffer>
  peerId: Uint8Array<ArrayBuffer>
  notAfter: number
}

export namespace AdmissionGrant {
  let _codec: Codec<AdmissionGrant>

  export const codec = (): Codec<AdmissionGrant> => {
    if (_codec == null) {
      _codec = message<AdmissionGrant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.meshPublicKey != null && obj.meshPublicKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.meshPublicKey)
        }

        if ((obj.peerId != null && obj.peerId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.peerId)
        }

        if ((obj.notAfter != null && obj.notAfter !== 0)) {
          w.uint32(32)
          w.uint64Number(obj.notAfter)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          meshPublicKey: uint8ArrayAlloc(0),
          peerId: uint8ArrayAlloc(0),
          notAfter: 0
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
              obj.meshPublicKey = reader.bytes()
              break
            }
            case 3: {
              obj.peerId = reader.bytes()
              break
            }
            case 4: {
              obj.notAfter = reader.uint64Number()
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
                field: `${prefix}.meshPublicKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.peerId`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.notAfter`,
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

  export interface AdmissionGrantVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AdmissionGrantMeshPublicKeyFieldEvent {
    field: '$.meshPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdmissionGrantPeerIdFieldEvent {
    field: '$.peerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdmissionGrantNotAfterFieldEvent {
    field: '$.notAfter'
    value: number
  }

  export function encode (obj: Partial<AdmissionGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AdmissionGrant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdmissionGrant>): AdmissionGrant {
    return decodeMessage(buf, AdmissionGrant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdmissionGrant>): Generator<AdmissionGrantVersionFieldEvent | AdmissionGrantMeshPublicKeyFieldEvent | AdmissionGrantPeerIdFieldEvent | AdmissionGrantNotAfterFieldEvent> {
    return streamMessage(buf, AdmissionGrant.codec(), opts)
  }
}

export interface AdmissionCertificate {
  version: number
  grant: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace AdmissionCertificate {
  let _codec: Codec<AdmissionCertificate>

  export const codec = (): Codec<AdmissionCertificate> => {
    if (_codec == null) {
      _codec = message<AdmissionCertificate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.grant != null && obj.grant.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.grant)
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
          version: 0,
          grant: uint8ArrayAlloc(0),
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
              obj.grant = reader.bytes()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.grant`,
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

  export interface AdmissionCertificateVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AdmissionCertificateGrantFieldEvent {
    field: '$.grant'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AdmissionCertificateSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AdmissionCertificate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AdmissionCertificate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdmissionCertificate>): AdmissionCertificate {
    return decodeMessage(buf, AdmissionCertificate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AdmissionCertificate>): Generator<AdmissionCertificateVersionFieldEvent | AdmissionCertificateGrantFieldEvent | AdmissionCertificateSignatureFieldEvent> {
    return streamMessage(buf, AdmissionCertificate.codec(), opts)
  }
}

export interface SignedNodeRecord {
  version: number
  record: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedNodeRecord {
  let _codec: Codec<SignedNodeRecord>

  export const codec = (): Codec<SignedNodeRecord> => {
    if (_codec == null) {
      _codec = message<SignedNodeRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.record != null && obj.record.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.record)
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
          version: 0,
          record: uint8ArrayAlloc(0),
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
              obj.record = reader.bytes()
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
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.record`,
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

  export interface SignedNodeRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SignedNodeRecordRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedNodeRecordSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedNodeRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedNodeRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedNodeRecord>): SignedNodeRecord {
    return decodeMessage(buf, SignedNodeRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedNodeRecord>): Generator<SignedNodeRecordVersionFieldEvent | SignedNodeRecordRecordFieldEvent | SignedNodeRecordSignatureFieldEvent> {
    return streamMessage(buf, SignedNodeRecord.codec(), opts)
  }
}

export interface RecordBatch {
  version: number
  records: Uint8Array<ArrayBuffer>[]
}

export namespace RecordBatch {
  let _codec: Codec<RecordBatch>

  export const codec = (): Codec<RecordBatch> => {
    if (_codec == null) {
      _codec = message<RecordBatch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          records: []
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
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              if (obj.records.length === 128) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(reader.bytes())
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
          records: 128
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
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              if (obj.records === 128) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              yield {
                field: `${prefix}.records[]`,
                index: obj.records,
                value: reader.bytes()
              }

              obj.records++

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

  export interface RecordBatchVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface RecordBatchRecordsFieldEvent {
    field: '$.records[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<RecordBatch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RecordBatch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecordBatch>): RecordBatch {
    return decodeMessage(buf, RecordBatch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RecordBatch>): Generator<RecordBatchVersionFieldEvent | RecordBatchRecordsFieldEvent> {
    return streamMessage(buf, RecordBatch.codec(), opts)
  }
}

export interface NodeRecordPage {
  version: number
  records: Uint8Array<ArrayBuffer>[]
  done: boolean
}

export namespace NodeRecordPage {
  let _codec: Codec<NodeRecordPage>

  export const codec = (): Codec<NodeRecordPage> => {
    if (_codec == null) {
      _codec = message<NodeRecordPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(18)
            w.bytes(value)
          }
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(24)
          w.bool(obj.done)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          records: [],
          done: false
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
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              if (obj.records.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(reader.bytes())
              break
            }
            case 3: {
              obj.done = reader.bool()
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
          records: 256
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
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              if (obj.records === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              yield {
                field: `${prefix}.records[]`,
                index: obj.records,
                value: reader.bytes()
              }

              obj.records++

              break
            }
            case 3: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
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

  export interface NodeRecordPageVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface NodeRecordPageRecordsFieldEvent {
    field: '$.records[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface NodeRecordPageDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export function encode (obj: Partial<NodeRecordPage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NodeRecordPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeRecordPage>): NodeRecordPage {
    return decodeMessage(buf, NodeRecordPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<NodeRecordPage>): Generator<NodeRecordPageVersionFieldEvent | NodeRecordPageRecordsFieldEvent | NodeRecordPageDoneFieldEvent> {
    return streamMessage(buf, NodeRecordPage.codec(), opts)
  }
}

export enum SyncStatus {
  SYNC_OK = 'SYNC_OK',
  SYNC_BUSY = 'SYNC_BUSY',
  SYNC_BAD_REQUEST = 'SYNC_BAD_REQUEST',
  SYNC_UNAUTHORIZED = 'SYNC_UNAUTHORIZED'
}

enum __SyncStatusValues {
  SYNC_OK = 0,
  SYNC_BUSY = 1,
  SYNC_BAD_REQUEST = 2,
  SYNC_UNAUTHORIZED = 3
}

export namespace SyncStatus {
  export const codec = (): Codec<SyncStatus> => {
    return enumeration<SyncStatus>(__SyncStatusValues)
  }
}

export interface SyncRequest {
  version: number
  bucketDigests: Uint8Array<ArrayBuffer>
}

export namespace SyncRequest {
  let _codec: Codec<SyncRequest>

  export const codec = (): Codec<SyncRequest> => {
    if (_codec == null) {
      _codec = message<SyncRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.bucketDigests != null && obj.bucketDigests.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.bucketDigests)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          bucketDigests: uint8ArrayAlloc(0)
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
              obj.bucketDigests = reader.bytes()
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
                field: `${prefix}.bucketDigests`,
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

  export interface SyncRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SyncRequestBucketDigestsFieldEvent {
    field: '$.bucketDigests'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SyncRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): SyncRequest {
    return decodeMessage(buf, SyncRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncRequest>): Generator<SyncRequestVersionFieldEvent | SyncRequestBucketDigestsFieldEvent> {
    return streamMessage(buf, SyncRequest.codec(), opts)
  }
}

export interface SyncPage {
  version: number
  status: SyncStatus
  records: Uint8Array<ArrayBuffer>[]
  done: boolean
}

export namespace SyncPage {
  let _codec: Codec<SyncPage>

  export const codec = (): Codec<SyncPage> => {
    if (_codec == null) {
      _codec = message<SyncPage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.status != null && __SyncStatusValues[obj.status] !== 0) {
          w.uint32(16)
          SyncStatus.codec().encode(obj.status, w)
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.done != null && obj.done !== false)) {
          w.uint32(32)
          w.bool(obj.done)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          status: SyncStatus.SYNC_OK,
          records: [],
          done: false
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
              obj.status = SyncStatus.codec().decode(reader)
              break
            }
            case 3: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              if (obj.records.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(reader.bytes())
              break
            }
            case 4: {
              obj.done = reader.bool()
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
          records: 256
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
                field: `${prefix}.status`,
                value: SyncStatus.codec().decode(reader)
              }
              break
            }
            case 3: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              if (obj.records === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              yield {
                field: `${prefix}.records[]`,
                index: obj.records,
                value: reader.bytes()
              }

              obj.records++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.done`,
                value: reader.bool()
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

  export interface SyncPageVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SyncPageStatusFieldEvent {
    field: '$.status'
    value: SyncStatus
  }

  export interface SyncPageRecordsFieldEvent {
    field: '$.records[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SyncPageDoneFieldEvent {
    field: '$.done'
    value: boolean
  }

  export function encode (obj: Partial<SyncPage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncPage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncPage>): SyncPage {
    return decodeMessage(buf, SyncPage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncPage>): Generator<SyncPageVersionFieldEvent | SyncPageStatusFieldEvent | SyncPageRecordsFieldEvent | SyncPageDoneFieldEvent> {
    return streamMessage(buf, SyncPage.codec(), opts)
  }
}

export interface SyncNext {
  version: number
}

export namespace SyncNext {
  let _codec: Codec<SyncNext>

  export const codec = (): Codec<SyncNext> => {
    if (_codec == null) {
      _codec = message<SyncNext>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.version = reader.uint32()
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

  export interface SyncNextVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export function encode (obj: Partial<SyncNext>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SyncNext.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncNext>): SyncNext {
    return decodeMessage(buf, SyncNext.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SyncNext>): Generator<SyncNextVersionFieldEvent> {
    return streamMessage(buf, SyncNext.codec(), opts)
  }
}

export interface StoredRecord {
  version: number
  seq: number
  expiresAt: number
  digest: Uint8Array<ArrayBuffer>
  receivedAt: number
  record: Uint8Array<ArrayBuffer>
}

export namespace StoredRecord {
  let _codec: Codec<StoredRecord>

  export const codec = (): Codec<StoredRecord> => {
    if (_codec == null) {
      _codec = message<StoredRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.seq)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.digest != null && obj.digest.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.digest)
        }

        if ((obj.receivedAt != null && obj.receivedAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.receivedAt)
        }

        if ((obj.record != null && obj.record.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.record)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          seq: 0,
          expiresAt: 0,
          digest: uint8ArrayAlloc(0),
          receivedAt: 0,
          record: uint8ArrayAlloc(0)
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
              obj.seq = reader.uint64Number()
              break
            }
            case 3: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 4: {
              obj.digest = reader.bytes()
              break
            }
            case 5: {
              obj.receivedAt = reader.uint64Number()
              break
            }
            case 6: {
              obj.record = reader.bytes()
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
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.expiresAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.digest`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.receivedAt`,
                value: reader.uint64Number()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.record`,
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

  export interface StoredRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface StoredRecordSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface StoredRecordExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface StoredRecordDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface StoredRecordReceivedAtFieldEvent {
    field: '$.receivedAt'
    value: number
  }

  export interface StoredRecordRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<StoredRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoredRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredRecord>): StoredRecord {
    return decodeMessage(buf, StoredRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoredRecord>): Generator<StoredRecordVersionFieldEvent | StoredRecordSeqFieldEvent | StoredRecordExpiresAtFieldEvent | StoredRecordDigestFieldEvent | StoredRecordReceivedAtFieldEvent | StoredRecordRecordFieldEvent> {
    return streamMessage(buf, StoredRecord.codec(), opts)
  }
}
