import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum ReplicaStatus {
  REPLICA_OK = 'REPLICA_OK',
  REPLICA_ERROR = 'REPLICA_ERROR'
}

enum __ReplicaStatusValues {
  REPLICA_OK = 0,
  REPLICA_ERROR = 1
}

export namespace ReplicaStatus {
  export const codec = (): Codec<ReplicaStatus> => {
    return enumeration<ReplicaStatus>(__ReplicaStatusValues)
  }
}

export enum ReplicaRequestType {
  REPLICA_NONE = 'REPLICA_NONE',
  REPLICA_STORE = 'REPLICA_STORE',
  REPLICA_DELIVER = 'REPLICA_DELIVER',
  REPLICA_FETCH = 'REPLICA_FETCH',
  REPLICA_ACK = 'REPLICA_ACK',
  REPLICA_DIGEST = 'REPLICA_DIGEST',
  REPLICA_SYNC = 'REPLICA_SYNC',
  REPLICA_PROOFS = 'REPLICA_PROOFS',
  REPLICA_WATCH = 'REPLICA_WATCH',
  REPLICA_PUSH_ONLINE = 'REPLICA_PUSH_ONLINE'
}

enum __ReplicaRequestTypeValues {
  REPLICA_NONE = 0,
  REPLICA_STORE = 1,
  REPLICA_DELIVER = 2,
  REPLICA_FETCH = 3,
  REPLICA_ACK = 4,
  REPLICA_DIGEST = 5,
  REPLICA_SYNC = 6,
  REPLICA_PROOFS = 7,
  REPLICA_WATCH = 8,
  REPLICA_PUSH_ONLINE = 9
}

export namespace ReplicaRequestType {
  export const codec = (): Codec<ReplicaRequestType> => {
    return enumeration<ReplicaRequestType>(__ReplicaRequestTypeValues)
  }
}

export enum StoreOutcome {
  STORE_REJECTED = 'STORE_REJECTED',
  STORE_STORED = 'STORE_STORED',
  STORE_DUPLICATE = 'STORE_DUPLICATE',
  STORE_ACKED = 'STORE_ACKED'
}

enum __StoreOutcomeValues {
  STORE_REJECTED = 0,
  STORE_STORED = 1,
  STORE_DUPLICATE = 2,
  STORE_ACKED = 3
}

export namespace StoreOutcome {
  export const codec = (): Codec<StoreOutcome> => {
    return enumeration<StoreOutcome>(__StoreOutcomeValues)
  }
}

export interface MailboxDigest {
  mailbox: Uint8Array<ArrayBuffer>
  digest: Uint8Array<ArrayBuffer>
  count: number
  ackedDigest: Uint8Array<ArrayBuffer>
  ackedCount: number
}

export namespace MailboxDigest {
  let _codec: Codec<MailboxDigest>

  export const codec = (): Codec<MailboxDigest> => {
    if (_codec == null) {
      _codec = message<MailboxDigest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.mailbox != null && obj.mailbox.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.mailbox)
        }

        if ((obj.digest != null && obj.digest.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.digest)
        }

        if ((obj.count != null && obj.count !== 0)) {
          w.uint32(24)
          w.uint32(obj.count)
        }

        if ((obj.ackedDigest != null && obj.ackedDigest.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ackedDigest)
        }

        if ((obj.ackedCount != null && obj.ackedCount !== 0)) {
          w.uint32(40)
          w.uint32(obj.ackedCount)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          mailbox: uint8ArrayAlloc(0),
          digest: uint8ArrayAlloc(0),
          count: 0,
          ackedDigest: uint8ArrayAlloc(0),
          ackedCount: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.mailbox = reader.bytes()
              break
            }
            case 2: {
              obj.digest = reader.bytes()
              break
            }
            case 3: {
              obj.count = reader.uint32()
              break
            }
            case 4: {
              obj.ackedDigest = reader.bytes()
              break
            }
            case 5: {
              obj.ackedCount = reader.uint32()
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
                field: `${prefix}.mailbox`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.digest`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.count`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.ackedDigest`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.ackedCount`,
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

  export interface MailboxDigestMailboxFieldEvent {
    field: '$.mailbox'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxDigestDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxDigestCountFieldEvent {
    field: '$.count'
    value: number
  }

  export interface MailboxDigestAckedDigestFieldEvent {
    field: '$.ackedDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxDigestAckedCountFieldEvent {
    field: '$.ackedCount'
    value: number
  }

  export function encode (obj: Partial<MailboxDigest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxDigest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxDigest>): MailboxDigest {
    return decodeMessage(buf, MailboxDigest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<MailboxDigest>): Generator<MailboxDigestMailboxFieldEvent | MailboxDigestDigestFieldEvent | MailboxDigestCountFieldEvent | MailboxDigestAckedDigestFieldEvent | MailboxDigestAckedCountFieldEvent> {
    return streamMessage(buf, MailboxDigest.codec(), opts)
  }
}

export interface AckProof {
  ids: Uint8Array<ArrayBuffer>[]
  signature: Uint8Array<ArrayBuffer>
  deviceList: Uint8Array<ArrayBuffer>
  deviceId: number
}

export namespace AckProof {
  let _codec: Codec<AckProof>

  export const codec = (): Codec<AckProof> => {
    if (_codec == null) {
      _codec = message<AckProof>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(10)
            w.bytes(value)
          }
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if ((obj.deviceList != null && obj.deviceList.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.deviceList)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(32)
          w.uint32(obj.deviceId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ids: [],
          signature: uint8ArrayAlloc(0),
          deviceList: uint8ArrayAlloc(0),
          deviceId: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              if (obj.ids.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            case 3: {
              obj.deviceList = reader.bytes()
              break
            }
            case 4: {
              obj.deviceId = reader.uint32()
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
          ids: 1024
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              if (obj.ids === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.deviceList`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.deviceId`,
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

  export interface AckProofIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface AckProofSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AckProofDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AckProofDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export function encode (obj: Partial<AckProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AckProof.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AckProof>): AckProof {
    return decodeMessage(buf, AckProof.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AckProof>): Generator<AckProofIdsFieldEvent | AckProofSignatureFieldEvent | AckProofDeviceListFieldEvent | AckProofDeviceIdFieldEvent> {
    return streamMessage(buf, AckProof.codec(), opts)
  }
}

export interface FetchGrant {
  nonce: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
  clientPeerId: Uint8Array<ArrayBuffer>
  deviceList: Uint8Array<ArrayBuffer>
  deviceId: number
}

export namespace FetchGrant {
  let _codec: Codec<FetchGrant>

  export const codec = (): Codec<FetchGrant> => {
    if (_codec == null) {
      _codec = message<FetchGrant>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.nonce)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.signature)
        }

        if ((obj.clientPeerId != null && obj.clientPeerId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.clientPeerId)
        }

        if ((obj.deviceList != null && obj.deviceList.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.deviceList)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(40)
          w.uint32(obj.deviceId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          nonce: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0),
          clientPeerId: uint8ArrayAlloc(0),
          deviceList: uint8ArrayAlloc(0),
          deviceId: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.nonce = reader.bytes()
              break
            }
            case 2: {
              obj.signature = reader.bytes()
              break
            }
            case 3: {
              obj.clientPeerId = reader.bytes()
              break
            }
            case 4: {
              obj.deviceList = reader.bytes()
              break
            }
            case 5: {
              obj.deviceId = reader.uint32()
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
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.clientPeerId`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.deviceList`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.deviceId`,
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

  export interface FetchGrantNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchGrantSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchGrantClientPeerIdFieldEvent {
    field: '$.clientPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchGrantDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FetchGrantDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export function encode (obj: Partial<FetchGrant>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FetchGrant.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FetchGrant>): FetchGrant {
    return decodeMessage(buf, FetchGrant.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FetchGrant>): Generator<FetchGrantNonceFieldEvent | FetchGrantSignatureFieldEvent | FetchGrantClientPeerIdFieldEvent | FetchGrantDeviceListFieldEvent | FetchGrantDeviceIdFieldEvent> {
    return streamMessage(buf, FetchGrant.codec(), opts)
  }
}

export interface ReplicaRequest {
  version: number
  type: ReplicaRequestType
  envelopes: Uint8Array<ArrayBuffer>[]
  handover: boolean
  mailbox: Uint8Array<ArrayBuffer>
  ids: Uint8Array<ArrayBuffer>[]
  after: Uint8Array<ArrayBuffer>
  limit: number
  digests: MailboxDigest[]
  expires: number[]
  signature: Uint8Array<ArrayBuffer>
  deviceList: Uint8Array<ArrayBuffer>
  deviceId: number
  requestId: number
  grant?: FetchGrant
  unwatch: boolean
  pushDelayMs: number
}

export namespace ReplicaRequest {
  let _codec: Codec<ReplicaRequest>

  export const codec = (): Codec<ReplicaRequest> => {
    if (_codec == null) {
      _codec = message<ReplicaRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.type != null && __ReplicaRequestTypeValues[obj.type] !== 0) {
          w.uint32(16)
          ReplicaRequestType.codec().encode(obj.type, w)
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.handover != null && obj.handover !== false)) {
          w.uint32(32)
          w.bool(obj.handover)
        }

        if ((obj.mailbox != null && obj.mailbox.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.mailbox)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if ((obj.after != null && obj.after.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.after)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(64)
          w.uint32(obj.limit)
        }

        if (obj.digests != null && obj.digests.length > 0) {
          for (const value of obj.digests) {
            w.uint32(74)
            MailboxDigest.codec().encode(value, w)
          }
        }

        if (obj.expires != null && obj.expires.length > 0) {
          for (const value of obj.expires) {
            w.uint32(80)
            w.uint64Number(value)
          }
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.signature)
        }

        if ((obj.deviceList != null && obj.deviceList.byteLength > 0)) {
          w.uint32(98)
          w.bytes(obj.deviceList)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(104)
          w.uint32(obj.deviceId)
        }

        if ((obj.requestId != null && obj.requestId !== 0)) {
          w.uint32(112)
          w.uint32(obj.requestId)
        }

        if (obj.grant != null) {
          w.uint32(122)
          FetchGrant.codec().encode(obj.grant, w)
        }

        if ((obj.unwatch != null && obj.unwatch !== false)) {
          w.uint32(128)
          w.bool(obj.unwatch)
        }

        if ((obj.pushDelayMs != null && obj.pushDelayMs !== 0)) {
          w.uint32(136)
          w.uint32(obj.pushDelayMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          type: ReplicaRequestType.REPLICA_NONE,
          envelopes: [],
          handover: false,
          mailbox: uint8ArrayAlloc(0),
          ids: [],
          after: uint8ArrayAlloc(0),
          limit: 0,
          digests: [],
          expires: [],
          signature: uint8ArrayAlloc(0),
          deviceList: uint8ArrayAlloc(0),
          deviceId: 0,
          requestId: 0,
          unwatch: false,
          pushDelayMs: 0
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
              obj.type = ReplicaRequestType.codec().decode(reader)
              break
            }
            case 3: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              if (obj.envelopes.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(reader.bytes())
              break
            }
            case 4: {
              obj.handover = reader.bool()
              break
            }
            case 5: {
              obj.mailbox = reader.bytes()
              break
            }
            case 6: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              if (obj.ids.length === 16384) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            case 7: {
              obj.after = reader.bytes()
              break
            }
            case 8: {
              obj.limit = reader.uint32()
              break
            }
            case 9: {
              if (opts.limits?.digests != null && obj.digests.length === opts.limits.digests) {
                throw new MaxLengthError('Decode error - repeated field "digests" had too many elements')
              }

              if (obj.digests.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "digests" had too many elements')
              }

              obj.digests.push(MailboxDigest.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.digests$
              }))
              break
            }
            case 10: {
              if (opts.limits?.expires != null && obj.expires.length === opts.limits.expires) {
                throw new MaxLengthError('Decode error - repeated field "expires" had too many elements')
              }

              if (obj.expires.length === 16384) {
                throw new MaxLengthError('Decode error - repeated field "expires" had too many elements')
              }

              obj.expires.push(reader.uint64Number())
              break
            }
            case 11: {
              obj.signature = reader.bytes()
              break
            }
            case 12: {
              obj.deviceList = reader.bytes()
              break
            }
            case 13: {
              obj.deviceId = reader.uint32()
              break
            }
            case 14: {
              obj.requestId = reader.uint32()
              break
            }
            case 15: {
              obj.grant = FetchGrant.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.grant
              })
              break
            }
            case 16: {
              obj.unwatch = reader.bool()
              break
            }
            case 17: {
              obj.pushDelayMs = reader.uint32()
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
          envelopes: 256,
          ids: 16384,
          digests: 1024,
          expires: 16384
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
                field: `${prefix}.type`,
                value: ReplicaRequestType.codec().decode(reader)
              }
              break
            }
            case 3: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              if (obj.envelopes === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              yield {
                field: `${prefix}.envelopes[]`,
                index: obj.envelopes,
                value: reader.bytes()
              }

              obj.envelopes++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.handover`,
                value: reader.bool()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.mailbox`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              if (obj.ids === 16384) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

              break
            }
            case 7: {
              yield {
                field: `${prefix}.after`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              if (opts.limits?.digests != null && obj.digests === opts.limits.digests) {
                throw new MaxLengthError('Streaming decode error - repeated field "digests" had too many elements')
              }

              if (obj.digests === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "digests" had too many elements')
              }

              for (const evt of MailboxDigest.codec().stream(reader, reader.uint32(), `${prefix}.digests[]`, {
                limits: opts.limits?.digests$
              })) {
                yield {
                  ...evt,
                  index: obj.digests
                }
              }

              obj.digests++

              break
            }
            case 10: {
              if (opts.limits?.expires != null && obj.expires === opts.limits.expires) {
                throw new MaxLengthError('Streaming decode error - repeated field "expires" had too many elements')
              }

              if (obj.expires === 16384) {
                throw new MaxLengthError('Streaming decode error - repeated field "expires" had too many elements')
              }

              yield {
                field: `${prefix}.expires[]`,
                index: obj.expires,
                value: reader.uint64Number()
              }

              obj.expires++

              break
            }
            case 11: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.deviceList`,
                value: reader.bytes()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.deviceId`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              yield {
                field: `${prefix}.requestId`,
                value: reader.uint32()
              }
              break
            }
            case 15: {
              yield * FetchGrant.codec().stream(reader, reader.uint32(), `${prefix}.grant`, {
                limits: opts.limits?.grant
              })

              break
            }
            case 16: {
              yield {
                field: `${prefix}.unwatch`,
                value: reader.bool()
              }
              break
            }
            case 17: {
              yield {
                field: `${prefix}.pushDelayMs`,
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

  export interface ReplicaRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ReplicaRequestTypeFieldEvent {
    field: '$.type'
    value: ReplicaRequestType
  }

  export interface ReplicaRequestEnvelopesFieldEvent {
    field: '$.envelopes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestHandoverFieldEvent {
    field: '$.handover'
    value: boolean
  }

  export interface ReplicaRequestMailboxFieldEvent {
    field: '$.mailbox'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestAfterFieldEvent {
    field: '$.after'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export interface ReplicaRequestDigestsMailboxFieldEvent {
    field: '$.digests[].mailbox'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ReplicaRequestDigestsDigestFieldEvent {
    field: '$.digests[].digest'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ReplicaRequestDigestsCountFieldEvent {
    field: '$.digests[].count'
    value: number
    index: number
  }

  export interface ReplicaRequestDigestsAckedDigestFieldEvent {
    field: '$.digests[].ackedDigest'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ReplicaRequestDigestsAckedCountFieldEvent {
    field: '$.digests[].ackedCount'
    value: number
    index: number
  }

  export interface ReplicaRequestExpiresFieldEvent {
    field: '$.expires[]'
    index: number
    value: number
  }

  export interface ReplicaRequestSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface ReplicaRequestRequestIdFieldEvent {
    field: '$.requestId'
    value: number
  }

  export interface ReplicaRequestGrantNonceFieldEvent {
    field: '$.grant.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestGrantSignatureFieldEvent {
    field: '$.grant.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestGrantClientPeerIdFieldEvent {
    field: '$.grant.clientPeerId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestGrantDeviceListFieldEvent {
    field: '$.grant.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaRequestGrantDeviceIdFieldEvent {
    field: '$.grant.deviceId'
    value: number
  }

  export interface ReplicaRequestUnwatchFieldEvent {
    field: '$.unwatch'
    value: boolean
  }

  export interface ReplicaRequestPushDelayMsFieldEvent {
    field: '$.pushDelayMs'
    value: number
  }

  export function encode (obj: Partial<ReplicaRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReplicaRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReplicaRequest>): ReplicaRequest {
    return decodeMessage(buf, ReplicaRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReplicaRequest>): Generator<ReplicaRequestVersionFieldEvent | ReplicaRequestTypeFieldEvent | ReplicaRequestEnvelopesFieldEvent | ReplicaRequestHandoverFieldEvent | ReplicaRequestMailboxFieldEvent | ReplicaRequestIdsFieldEvent | ReplicaRequestAfterFieldEvent | ReplicaRequestLimitFieldEvent | ReplicaRequestDigestsMailboxFieldEvent | ReplicaRequestDigestsDigestFieldEvent | ReplicaRequestDigestsCountFieldEvent | ReplicaRequestDigestsAckedDigestFieldEvent | ReplicaRequestDigestsAckedCountFieldEvent | ReplicaRequestExpiresFieldEvent | ReplicaRequestSignatureFieldEvent | ReplicaRequestDeviceListFieldEvent | ReplicaRequestDeviceIdFieldEvent | ReplicaRequestRequestIdFieldEvent | ReplicaRequestGrantNonceFieldEvent | ReplicaRequestGrantSignatureFieldEvent | ReplicaRequestGrantClientPeerIdFieldEvent | ReplicaRequestGrantDeviceListFieldEvent | ReplicaRequestGrantDeviceIdFieldEvent | ReplicaRequestUnwatchFieldEvent | ReplicaRequestPushDelayMsFieldEvent> {
    return streamMessage(buf, ReplicaRequest.codec(), opts)
  }
}

export interface StoreResult {
  outcome: StoreOutcome
  errorCode: string
}

export namespace StoreResult {
  let _codec: Codec<StoreResult>

  export const codec = (): Codec<StoreResult> => {
    if (_codec == null) {
      _codec = message<StoreResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.outcome != null && __StoreOutcomeValues[obj.outcome] !== 0) {
          w.uint32(8)
          StoreOutcome.codec().encode(obj.outcome, w)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(18)
          w.string(obj.errorCode)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          outcome: StoreOutcome.STORE_REJECTED,
          errorCode: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.outcome = StoreOutcome.codec().decode(reader)
              break
            }
            case 2: {
              obj.errorCode = reader.string()
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
                field: `${prefix}.outcome`,
                value: StoreOutcome.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.errorCode`,
                value: reader.string()
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

  export interface StoreResultOutcomeFieldEvent {
    field: '$.outcome'
    value: StoreOutcome
  }

  export interface StoreResultErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export function encode (obj: Partial<StoreResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, StoreResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreResult>): StoreResult {
    return decodeMessage(buf, StoreResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<StoreResult>): Generator<StoreResultOutcomeFieldEvent | StoreResultErrorCodeFieldEvent> {
    return streamMessage(buf, StoreResult.codec(), opts)
  }
}

export interface ReplicaResponse {
  version: number
  status: ReplicaStatus
  errorCode: string
  errorMessage: string
  results: StoreResult[]
  count: number
  envelopes: Uint8Array<ArrayBuffer>[]
  more: boolean
  differ: number[]
  missing: Uint8Array<ArrayBuffer>[]
  acked: Uint8Array<ArrayBuffer>[]
  ackedDiffer: number[]
  requestId: number
  proofs: AckProof[]
  watchTtlMs: number
}

export namespace ReplicaResponse {
  let _codec: Codec<ReplicaResponse>

  export const codec = (): Codec<ReplicaResponse> => {
    if (_codec == null) {
      _codec = message<ReplicaResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.status != null && __ReplicaStatusValues[obj.status] !== 0) {
          w.uint32(16)
          ReplicaStatus.codec().encode(obj.status, w)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(26)
          w.string(obj.errorCode)
        }

        if ((obj.errorMessage != null && obj.errorMessage !== '')) {
          w.uint32(34)
          w.string(obj.errorMessage)
        }

        if (obj.results != null && obj.results.length > 0) {
          for (const value of obj.results) {
            w.uint32(42)
            StoreResult.codec().encode(value, w)
          }
        }

        if ((obj.count != null && obj.count !== 0)) {
          w.uint32(48)
          w.uint32(obj.count)
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(58)
            w.bytes(value)
          }
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(64)
          w.bool(obj.more)
        }

        if (obj.differ != null && obj.differ.length > 0) {
          for (const value of obj.differ) {
            w.uint32(72)
            w.uint32(value)
          }
        }

        if (obj.missing != null && obj.missing.length > 0) {
          for (const value of obj.missing) {
            w.uint32(82)
            w.bytes(value)
          }
        }

        if (obj.acked != null && obj.acked.length > 0) {
          for (const value of obj.acked) {
            w.uint32(90)
            w.bytes(value)
          }
        }

        if (obj.ackedDiffer != null && obj.ackedDiffer.length > 0) {
          for (const value of obj.ackedDiffer) {
            w.uint32(96)
            w.uint32(value)
          }
        }

        if ((obj.requestId != null && obj.requestId !== 0)) {
          w.uint32(104)
          w.uint32(obj.requestId)
        }

        if (obj.proofs != null && obj.proofs.length > 0) {
          for (const value of obj.proofs) {
            w.uint32(114)
            AckProof.codec().encode(value, w)
          }
        }

        if ((obj.watchTtlMs != null && obj.watchTtlMs !== 0)) {
          w.uint32(120)
          w.uint32(obj.watchTtlMs)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          status: ReplicaStatus.REPLICA_OK,
          errorCode: '',
          errorMessage: '',
          results: [],
          count: 0,
          envelopes: [],
          more: false,
          differ: [],
          missing: [],
          acked: [],
          ackedDiffer: [],
          requestId: 0,
          proofs: [],
          watchTtlMs: 0
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
              obj.status = ReplicaStatus.codec().decode(reader)
              break
            }
            case 3: {
              obj.errorCode = reader.string()
              break
            }
            case 4: {
              obj.errorMessage = reader.string()
              break
            }
            case 5: {
              if (opts.limits?.results != null && obj.results.length === opts.limits.results) {
                throw new MaxLengthError('Decode error - repeated field "results" had too many elements')
              }

              if (obj.results.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "results" had too many elements')
              }

              obj.results.push(StoreResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.results$
              }))
              break
            }
            case 6: {
              obj.count = reader.uint32()
              break
            }
            case 7: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              if (obj.envelopes.length === 1025) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(reader.bytes())
              break
            }
            case 8: {
              obj.more = reader.bool()
              break
            }
            case 9: {
              if (opts.limits?.differ != null && obj.differ.length === opts.limits.differ) {
                throw new MaxLengthError('Decode error - repeated field "differ" had too many elements')
              }

              if (obj.differ.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "differ" had too many elements')
              }

              obj.differ.push(reader.uint32())
              break
            }
            case 10: {
              if (opts.limits?.missing != null && obj.missing.length === opts.limits.missing) {
                throw new MaxLengthError('Decode error - repeated field "missing" had too many elements')
              }

              if (obj.missing.length === 16384) {
                throw new MaxLengthError('Decode error - repeated field "missing" had too many elements')
              }

              obj.missing.push(reader.bytes())
              break
            }
            case 11: {
              if (opts.limits?.acked != null && obj.acked.length === opts.limits.acked) {
                throw new MaxLengthError('Decode error - repeated field "acked" had too many elements')
              }

              if (obj.acked.length === 16384) {
                throw new MaxLengthError('Decode error - repeated field "acked" had too many elements')
              }

              obj.acked.push(reader.bytes())
              break
            }
            case 12: {
              if (opts.limits?.ackedDiffer != null && obj.ackedDiffer.length === opts.limits.ackedDiffer) {
                throw new MaxLengthError('Decode error - repeated field "ackedDiffer" had too many elements')
              }

              if (obj.ackedDiffer.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "ackedDiffer" had too many elements')
              }

              obj.ackedDiffer.push(reader.uint32())
              break
            }
            case 13: {
              obj.requestId = reader.uint32()
              break
            }
            case 14: {
              if (opts.limits?.proofs != null && obj.proofs.length === opts.limits.proofs) {
                throw new MaxLengthError('Decode error - repeated field "proofs" had too many elements')
              }

              if (obj.proofs.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "proofs" had too many elements')
              }

              obj.proofs.push(AckProof.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.proofs$
              }))
              break
            }
            case 15: {
              obj.watchTtlMs = reader.uint32()
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
          results: 256,
          envelopes: 1025,
          differ: 1024,
          missing: 16384,
          acked: 16384,
          ackedDiffer: 1024,
          proofs: 1024
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
                value: ReplicaStatus.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.errorCode`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.errorMessage`,
                value: reader.string()
              }
              break
            }
            case 5: {
              if (opts.limits?.results != null && obj.results === opts.limits.results) {
                throw new MaxLengthError('Streaming decode error - repeated field "results" had too many elements')
              }

              if (obj.results === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "results" had too many elements')
              }

              for (const evt of StoreResult.codec().stream(reader, reader.uint32(), `${prefix}.results[]`, {
                limits: opts.limits?.results$
              })) {
                yield {
                  ...evt,
                  index: obj.results
                }
              }

              obj.results++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.count`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              if (obj.envelopes === 1025) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              yield {
                field: `${prefix}.envelopes[]`,
                index: obj.envelopes,
                value: reader.bytes()
              }

              obj.envelopes++

              break
            }
            case 8: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            case 9: {
              if (opts.limits?.differ != null && obj.differ === opts.limits.differ) {
                throw new MaxLengthError('Streaming decode error - repeated field "differ" had too many elements')
              }

              if (obj.differ === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "differ" had too many elements')
              }

              yield {
                field: `${prefix}.differ[]`,
                index: obj.differ,
                value: reader.uint32()
              }

              obj.differ++

              break
            }
            case 10: {
              if (opts.limits?.missing != null && obj.missing === opts.limits.missing) {
                throw new MaxLengthError('Streaming decode error - repeated field "missing" had too many elements')
              }

              if (obj.missing === 16384) {
                throw new MaxLengthError('Streaming decode error - repeated field "missing" had too many elements')
              }

              yield {
                field: `${prefix}.missing[]`,
                index: obj.missing,
                value: reader.bytes()
              }

              obj.missing++

              break
            }
            case 11: {
              if (opts.limits?.acked != null && obj.acked === opts.limits.acked) {
                throw new MaxLengthError('Streaming decode error - repeated field "acked" had too many elements')
              }

              if (obj.acked === 16384) {
                throw new MaxLengthError('Streaming decode error - repeated field "acked" had too many elements')
              }

              yield {
                field: `${prefix}.acked[]`,
                index: obj.acked,
                value: reader.bytes()
              }

              obj.acked++

              break
            }
            case 12: {
              if (opts.limits?.ackedDiffer != null && obj.ackedDiffer === opts.limits.ackedDiffer) {
                throw new MaxLengthError('Streaming decode error - repeated field "ackedDiffer" had too many elements')
              }

              if (obj.ackedDiffer === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "ackedDiffer" had too many elements')
              }

              yield {
                field: `${prefix}.ackedDiffer[]`,
                index: obj.ackedDiffer,
                value: reader.uint32()
              }

              obj.ackedDiffer++

              break
            }
            case 13: {
              yield {
                field: `${prefix}.requestId`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              if (opts.limits?.proofs != null && obj.proofs === opts.limits.proofs) {
                throw new MaxLengthError('Streaming decode error - repeated field "proofs" had too many elements')
              }

              if (obj.proofs === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "proofs" had too many elements')
              }

              for (const evt of AckProof.codec().stream(reader, reader.uint32(), `${prefix}.proofs[]`, {
                limits: opts.limits?.proofs$
              })) {
                yield {
                  ...evt,
                  index: obj.proofs
                }
              }

              obj.proofs++

              break
            }
            case 15: {
              yield {
                field: `${prefix}.watchTtlMs`,
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

  export interface ReplicaResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ReplicaResponseStatusFieldEvent {
    field: '$.status'
    value: ReplicaStatus
  }

  export interface ReplicaResponseErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface ReplicaResponseErrorMessageFieldEvent {
    field: '$.errorMessage'
    value: string
  }

  export interface ReplicaResponseResultsOutcomeFieldEvent {
    field: '$.results[].outcome'
    value: StoreOutcome
    index: number
  }

  export interface ReplicaResponseResultsErrorCodeFieldEvent {
    field: '$.results[].errorCode'
    value: string
    index: number
  }

  export interface ReplicaResponseCountFieldEvent {
    field: '$.count'
    value: number
  }

  export interface ReplicaResponseEnvelopesFieldEvent {
    field: '$.envelopes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaResponseMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export interface ReplicaResponseDifferFieldEvent {
    field: '$.differ[]'
    index: number
    value: number
  }

  export interface ReplicaResponseMissingFieldEvent {
    field: '$.missing[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaResponseAckedFieldEvent {
    field: '$.acked[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaResponseAckedDifferFieldEvent {
    field: '$.ackedDiffer[]'
    index: number
    value: number
  }

  export interface ReplicaResponseRequestIdFieldEvent {
    field: '$.requestId'
    value: number
  }

  export interface ReplicaResponseProofsIdsFieldEvent {
    field: '$.proofs[].ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReplicaResponseProofsSignatureFieldEvent {
    field: '$.proofs[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ReplicaResponseProofsDeviceListFieldEvent {
    field: '$.proofs[].deviceList'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ReplicaResponseProofsDeviceIdFieldEvent {
    field: '$.proofs[].deviceId'
    value: number
    index: number
  }

  export interface ReplicaResponseWatchTtlMsFieldEvent {
    field: '$.watchTtlMs'
    value: number
  }

  export function encode (obj: Partial<ReplicaResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReplicaResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReplicaResponse>): ReplicaResponse {
    return decodeMessage(buf, ReplicaResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReplicaResponse>): Generator<ReplicaResponseVersionFieldEvent | ReplicaResponseStatusFieldEvent | ReplicaResponseErrorCodeFieldEvent | ReplicaResponseErrorMessageFieldEvent | ReplicaResponseResultsOutcomeFieldEvent | ReplicaResponseResultsErrorCodeFieldEvent | ReplicaResponseCountFieldEvent | ReplicaResponseEnvelopesFieldEvent | ReplicaResponseMoreFieldEvent | ReplicaResponseDifferFieldEvent | ReplicaResponseMissingFieldEvent | ReplicaResponseAckedFieldEvent | ReplicaResponseAckedDifferFieldEvent | ReplicaResponseRequestIdFieldEvent | ReplicaResponseProofsIdsFieldEvent | ReplicaResponseProofsSignatureFieldEvent | ReplicaResponseProofsDeviceListFieldEvent | ReplicaResponseProofsDeviceIdFieldEvent | ReplicaResponseWatchTtlMsFieldEvent> {
    return streamMessage(buf, ReplicaResponse.codec(), opts)
  }
}

export enum PreKeyRequestType {
  PREKEY_NONE = 'PREKEY_NONE',
  PREKEY_UPLOAD = 'PREKEY_UPLOAD',
  PREKEY_CLAIM = 'PREKEY_CLAIM',
  PREKEY_COUNT = 'PREKEY_COUNT'
}

enum __PreKeyRequestTypeValues {
  PREKEY_NONE = 0,
  PREKEY_UPLOAD = 1,
  PREKEY_CLAIM = 2,
  PREKEY_COUNT = 3
}

export namespace PreKeyRequestType {
  export const codec = (): Codec<PreKeyRequestType> => {
    return enumeration<PreKeyRequestType>(__PreKeyRequestTypeValues)
  }
}

export interface PreKeyRequest {
  version: number
  type: PreKeyRequestType
  mailbox: Uint8Array<ArrayBuffer>
  keys: Uint8Array<ArrayBuffer>[]
}

export namespace PreKeyRequest {
  let _codec: Codec<PreKeyRequest>

  export const codec = (): Codec<PreKeyRequest> => {
    if (_codec == null) {
      _codec = message<PreKeyRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.type != null && __PreKeyRequestTypeValues[obj.type] !== 0) {
          w.uint32(16)
          PreKeyRequestType.codec().encode(obj.type, w)
        }

        if ((obj.mailbox != null && obj.mailbox.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.mailbox)
        }

        if (obj.keys != null && obj.keys.length > 0) {
          for (const value of obj.keys) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          type: PreKeyRequestType.PREKEY_NONE,
          mailbox: uint8ArrayAlloc(0),
          keys: []
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
              obj.type = PreKeyRequestType.codec().decode(reader)
              break
            }
            case 3: {
              obj.mailbox = reader.bytes()
              break
            }
            case 4: {
              if (opts.limits?.keys != null && obj.keys.length === opts.limits.keys) {
                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements')
              }

              if (obj.keys.length === 1000) {
                throw new MaxLengthError('Decode error - repeated field "keys" had too many elements')
              }

              obj.keys.push(reader.bytes())
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
          keys: 1000
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
                field: `${prefix}.type`,
                value: PreKeyRequestType.codec().decode(reader)
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
              if (opts.limits?.keys != null && obj.keys === opts.limits.keys) {
                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements')
              }

              if (obj.keys === 1000) {
                throw new MaxLengthError('Streaming decode error - repeated field "keys" had too many elements')
              }

              yield {
                field: `${prefix}.keys[]`,
                index: obj.keys,
                value: reader.bytes()
              }

              obj.keys++

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

  export interface PreKeyRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PreKeyRequestTypeFieldEvent {
    field: '$.type'
    value: PreKeyRequestType
  }

  export interface PreKeyRequestMailboxFieldEvent {
    field: '$.mailbox'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyRequestKeysFieldEvent {
    field: '$.keys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PreKeyRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyRequest>): PreKeyRequest {
    return decodeMessage(buf, PreKeyRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyRequest>): Generator<PreKeyRequestVersionFieldEvent | PreKeyRequestTypeFieldEvent | PreKeyRequestMailboxFieldEvent | PreKeyRequestKeysFieldEvent> {
    return streamMessage(buf, PreKeyRequest.codec(), opts)
  }
}

export interface PreKeyResponse {
  version: number
  status: ReplicaStatus
  errorCode: string
  errorMessage: string
  key: Uint8Array<ArrayBuffer>
  remaining: number
  accepted: number
}

export namespace PreKeyResponse {
  let _codec: Codec<PreKeyResponse>

  export const codec = (): Codec<PreKeyResponse> => {
    if (_codec == null) {
      _codec = message<PreKeyResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.status != null && __ReplicaStatusValues[obj.status] !== 0) {
          w.uint32(16)
          ReplicaStatus.codec().encode(obj.status, w)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(26)
          w.string(obj.errorCode)
        }

        if ((obj.errorMessage != null && obj.errorMessage !== '')) {
          w.uint32(34)
          w.string(obj.errorMessage)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.key)
        }

        if ((obj.remaining != null && obj.remaining !== 0)) {
          w.uint32(48)
          w.uint32(obj.remaining)
        }

        if ((obj.accepted != null && obj.accepted !== 0)) {
          w.uint32(56)
          w.uint32(obj.accepted)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          status: ReplicaStatus.REPLICA_OK,
          errorCode: '',
          errorMessage: '',
          key: uint8ArrayAlloc(0),
          remaining: 0,
          accepted: 0
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
              obj.status = ReplicaStatus.codec().decode(reader)
              break
            }
            case 3: {
              obj.errorCode = reader.string()
              break
            }
            case 4: {
              obj.errorMessage = reader.string()
              break
            }
            case 5: {
              obj.key = reader.bytes()
              break
            }
            case 6: {
              obj.remaining = reader.uint32()
              break
            }
            case 7: {
              obj.accepted = reader.uint32()
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
                field: `${prefix}.status`,
                value: ReplicaStatus.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.errorCode`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.errorMessage`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.remaining`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.accepted`,
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

  export interface PreKeyResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PreKeyResponseStatusFieldEvent {
    field: '$.status'
    value: ReplicaStatus
  }

  export interface PreKeyResponseErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface PreKeyResponseErrorMessageFieldEvent {
    field: '$.errorMessage'
    value: string
  }

  export interface PreKeyResponseKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PreKeyResponseRemainingFieldEvent {
    field: '$.remaining'
    value: number
  }

  export interface PreKeyResponseAcceptedFieldEvent {
    field: '$.accepted'
    value: number
  }

  export function encode (obj: Partial<PreKeyResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PreKeyResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyResponse>): PreKeyResponse {
    return decodeMessage(buf, PreKeyResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PreKeyResponse>): Generator<PreKeyResponseVersionFieldEvent | PreKeyResponseStatusFieldEvent | PreKeyResponseErrorCodeFieldEvent | PreKeyResponseErrorMessageFieldEvent | PreKeyResponseKeyFieldEvent | PreKeyResponseRemainingFieldEvent | PreKeyResponseAcceptedFieldEvent> {
    return streamMessage(buf, PreKeyResponse.codec(), opts)
  }
}

export enum PresenceRequestType {
  PRESENCE_NONE = 'PRESENCE_NONE',
  PRESENCE_PUT = 'PRESENCE_PUT',
  PRESENCE_FETCH = 'PRESENCE_FETCH'
}

enum __PresenceRequestTypeValues {
  PRESENCE_NONE = 0,
  PRESENCE_PUT = 1,
  PRESENCE_FETCH = 2
}

export namespace PresenceRequestType {
  export const codec = (): Codec<PresenceRequestType> => {
    return enumeration<PresenceRequestType>(__PresenceRequestTypeValues)
  }
}

export interface PresenceRequest {
  version: number
  type: PresenceRequestType
  blobs: Uint8Array<ArrayBuffer>[]
  ids: Uint8Array<ArrayBuffer>[]
}

export namespace PresenceRequest {
  let _codec: Codec<PresenceRequest>

  export const codec = (): Codec<PresenceRequest> => {
    if (_codec == null) {
      _codec = message<PresenceRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.type != null && __PresenceRequestTypeValues[obj.type] !== 0) {
          w.uint32(16)
          PresenceRequestType.codec().encode(obj.type, w)
        }

        if (obj.blobs != null && obj.blobs.length > 0) {
          for (const value of obj.blobs) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(34)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          type: PresenceRequestType.PRESENCE_NONE,
          blobs: [],
          ids: []
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
              obj.type = PresenceRequestType.codec().decode(reader)
              break
            }
            case 3: {
              if (opts.limits?.blobs != null && obj.blobs.length === opts.limits.blobs) {
                throw new MaxLengthError('Decode error - repeated field "blobs" had too many elements')
              }

              if (obj.blobs.length === 128) {
                throw new MaxLengthError('Decode error - repeated field "blobs" had too many elements')
              }

              obj.blobs.push(reader.bytes())
              break
            }
            case 4: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              if (obj.ids.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
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
          blobs: 128,
          ids: 256
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
                field: `${prefix}.type`,
                value: PresenceRequestType.codec().decode(reader)
              }
              break
            }
            case 3: {
              if (opts.limits?.blobs != null && obj.blobs === opts.limits.blobs) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobs" had too many elements')
              }

              if (obj.blobs === 128) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobs" had too many elements')
              }

              yield {
                field: `${prefix}.blobs[]`,
                index: obj.blobs,
                value: reader.bytes()
              }

              obj.blobs++

              break
            }
            case 4: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              if (obj.ids === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.bytes()
              }

              obj.ids++

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

  export interface PresenceRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PresenceRequestTypeFieldEvent {
    field: '$.type'
    value: PresenceRequestType
  }

  export interface PresenceRequestBlobsFieldEvent {
    field: '$.blobs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface PresenceRequestIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PresenceRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceRequest>): PresenceRequest {
    return decodeMessage(buf, PresenceRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceRequest>): Generator<PresenceRequestVersionFieldEvent | PresenceRequestTypeFieldEvent | PresenceRequestBlobsFieldEvent | PresenceRequestIdsFieldEvent> {
    return streamMessage(buf, PresenceRequest.codec(), opts)
  }
}

export interface PresenceResponse {
  version: number
  status: ReplicaStatus
  errorCode: string
  errorMessage: string
  stored: number
  blobs: Uint8Array<ArrayBuffer>[]
}

export namespace PresenceResponse {
  let _codec: Codec<PresenceResponse>

  export const codec = (): Codec<PresenceResponse> => {
    if (_codec == null) {
      _codec = message<PresenceResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.status != null && __ReplicaStatusValues[obj.status] !== 0) {
          w.uint32(16)
          ReplicaStatus.codec().encode(obj.status, w)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(26)
          w.string(obj.errorCode)
        }

        if ((obj.errorMessage != null && obj.errorMessage !== '')) {
          w.uint32(34)
          w.string(obj.errorMessage)
        }

        if ((obj.stored != null && obj.stored !== 0)) {
          w.uint32(40)
          w.uint32(obj.stored)
        }

        if (obj.blobs != null && obj.blobs.length > 0) {
          for (const value of obj.blobs) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          status: ReplicaStatus.REPLICA_OK,
          errorCode: '',
          errorMessage: '',
          stored: 0,
          blobs: []
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
              obj.status = ReplicaStatus.codec().decode(reader)
              break
            }
            case 3: {
              obj.errorCode = reader.string()
              break
            }
            case 4: {
              obj.errorMessage = reader.string()
              break
            }
            case 5: {
              obj.stored = reader.uint32()
              break
            }
            case 6: {
              if (opts.limits?.blobs != null && obj.blobs.length === opts.limits.blobs) {
                throw new MaxLengthError('Decode error - repeated field "blobs" had too many elements')
              }

              if (obj.blobs.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "blobs" had too many elements')
              }

              obj.blobs.push(reader.bytes())
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
          blobs: 256
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
                value: ReplicaStatus.codec().decode(reader)
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.errorCode`,
                value: reader.string()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.errorMessage`,
                value: reader.string()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.stored`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              if (opts.limits?.blobs != null && obj.blobs === opts.limits.blobs) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobs" had too many elements')
              }

              if (obj.blobs === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "blobs" had too many elements')
              }

              yield {
                field: `${prefix}.blobs[]`,
                index: obj.blobs,
                value: reader.bytes()
              }

              obj.blobs++

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

  export interface PresenceResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface PresenceResponseStatusFieldEvent {
    field: '$.status'
    value: ReplicaStatus
  }

  export interface PresenceResponseErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface PresenceResponseErrorMessageFieldEvent {
    field: '$.errorMessage'
    value: string
  }

  export interface PresenceResponseStoredFieldEvent {
    field: '$.stored'
    value: number
  }

  export interface PresenceResponseBlobsFieldEvent {
    field: '$.blobs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<PresenceResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PresenceResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceResponse>): PresenceResponse {
    return decodeMessage(buf, PresenceResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PresenceResponse>): Generator<PresenceResponseVersionFieldEvent | PresenceResponseStatusFieldEvent | PresenceResponseErrorCodeFieldEvent | PresenceResponseErrorMessageFieldEvent | PresenceResponseStoredFieldEvent | PresenceResponseBlobsFieldEvent> {
    return streamMessage(buf, PresenceResponse.codec(), opts)
  }
}
