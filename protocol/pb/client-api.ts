import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface AttachChallenge {
  version: number
  nonce: Uint8Array<ArrayBuffer>
  nodeId: Uint8Array<ArrayBuffer>
}

export namespace AttachChallenge {
  let _codec: Codec<AttachChallenge>

  export const codec = (): Codec<AttachChallenge> => {
    if (_codec == null) {
      _codec = message<AttachChallenge>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.nonce)
        }

        if ((obj.nodeId != null && obj.nodeId.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.nodeId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          nonce: uint8ArrayAlloc(0),
          nodeId: uint8ArrayAlloc(0)
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
              obj.nonce = reader.bytes()
              break
            }
            case 3: {
              obj.nodeId = reader.bytes()
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
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.nodeId`,
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

  export interface AttachChallengeVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AttachChallengeNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachChallengeNodeIdFieldEvent {
    field: '$.nodeId'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AttachChallenge>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttachChallenge.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachChallenge>): AttachChallenge {
    return decodeMessage(buf, AttachChallenge.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachChallenge>): Generator<AttachChallengeVersionFieldEvent | AttachChallengeNonceFieldEvent | AttachChallengeNodeIdFieldEvent> {
    return streamMessage(buf, AttachChallenge.codec(), opts)
  }
}

export interface AttachRequest {
  version: number
  deviceList: Uint8Array<ArrayBuffer>
  deviceId: number
  signature: Uint8Array<ArrayBuffer>
  presenceOnline: Uint8Array<ArrayBuffer>
  presenceOffline: Uint8Array<ArrayBuffer>
}

export namespace AttachRequest {
  let _codec: Codec<AttachRequest>

  export const codec = (): Codec<AttachRequest> => {
    if (_codec == null) {
      _codec = message<AttachRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.deviceList != null && obj.deviceList.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.deviceList)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(24)
          w.uint32(obj.deviceId)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signature)
        }

        if ((obj.presenceOnline != null && obj.presenceOnline.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.presenceOnline)
        }

        if ((obj.presenceOffline != null && obj.presenceOffline.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.presenceOffline)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          deviceList: uint8ArrayAlloc(0),
          deviceId: 0,
          signature: uint8ArrayAlloc(0),
          presenceOnline: uint8ArrayAlloc(0),
          presenceOffline: uint8ArrayAlloc(0)
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
              obj.deviceList = reader.bytes()
              break
            }
            case 3: {
              obj.deviceId = reader.uint32()
              break
            }
            case 4: {
              obj.signature = reader.bytes()
              break
            }
            case 5: {
              obj.presenceOnline = reader.bytes()
              break
            }
            case 6: {
              obj.presenceOffline = reader.bytes()
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
                field: `${prefix}.deviceList`,
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
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.presenceOnline`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.presenceOffline`,
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

  export interface AttachRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AttachRequestDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachRequestDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface AttachRequestSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachRequestPresenceOnlineFieldEvent {
    field: '$.presenceOnline'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachRequestPresenceOfflineFieldEvent {
    field: '$.presenceOffline'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AttachRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttachRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachRequest>): AttachRequest {
    return decodeMessage(buf, AttachRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachRequest>): Generator<AttachRequestVersionFieldEvent | AttachRequestDeviceListFieldEvent | AttachRequestDeviceIdFieldEvent | AttachRequestSignatureFieldEvent | AttachRequestPresenceOnlineFieldEvent | AttachRequestPresenceOfflineFieldEvent> {
    return streamMessage(buf, AttachRequest.codec(), opts)
  }
}

export interface AttachEvent {
  version: number
  status: Status
  errorCode: string
  errorMessage: string
  envelope: Uint8Array<ArrayBuffer>
  lowPrekeys: number
  prekeysRemaining?: number
}

export namespace AttachEvent {
  let _codec: Codec<AttachEvent>

  export const codec = (): Codec<AttachEvent> => {
    if (_codec == null) {
      _codec = message<AttachEvent>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(16)
          Status.codec().encode(obj.status, w)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(26)
          w.string(obj.errorCode)
        }

        if ((obj.errorMessage != null && obj.errorMessage !== '')) {
          w.uint32(34)
          w.string(obj.errorMessage)
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.envelope)
        }

        if ((obj.lowPrekeys != null && obj.lowPrekeys !== 0)) {
          w.uint32(48)
          w.uint32(obj.lowPrekeys)
        }

        if (obj.prekeysRemaining != null) {
          w.uint32(56)
          w.uint32(obj.prekeysRemaining)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          status: Status.OK,
          errorCode: '',
          errorMessage: '',
          envelope: uint8ArrayAlloc(0),
          lowPrekeys: 0
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
              obj.status = Status.codec().decode(reader)
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
              obj.envelope = reader.bytes()
              break
            }
            case 6: {
              obj.lowPrekeys = reader.uint32()
              break
            }
            case 7: {
              obj.prekeysRemaining = reader.uint32()
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
                value: Status.codec().decode(reader)
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
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.lowPrekeys`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.prekeysRemaining`,
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

  export interface AttachEventVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AttachEventStatusFieldEvent {
    field: '$.status'
    value: Status
  }

  export interface AttachEventErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface AttachEventErrorMessageFieldEvent {
    field: '$.errorMessage'
    value: string
  }

  export interface AttachEventEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachEventLowPrekeysFieldEvent {
    field: '$.lowPrekeys'
    value: number
  }

  export interface AttachEventPrekeysRemainingFieldEvent {
    field: '$.prekeysRemaining'
    value: number
  }

  export function encode (obj: Partial<AttachEvent>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttachEvent.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachEvent>): AttachEvent {
    return decodeMessage(buf, AttachEvent.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachEvent>): Generator<AttachEventVersionFieldEvent | AttachEventStatusFieldEvent | AttachEventErrorCodeFieldEvent | AttachEventErrorMessageFieldEvent | AttachEventEnvelopeFieldEvent | AttachEventLowPrekeysFieldEvent | AttachEventPrekeysRemainingFieldEvent> {
    return streamMessage(buf, AttachEvent.codec(), opts)
  }
}

export interface AttachUpdate {
  version: number
  presenceOnline: Uint8Array<ArrayBuffer>
  presenceOffline: Uint8Array<ArrayBuffer>
}

export namespace AttachUpdate {
  let _codec: Codec<AttachUpdate>

  export const codec = (): Codec<AttachUpdate> => {
    if (_codec == null) {
      _codec = message<AttachUpdate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.presenceOnline != null && obj.presenceOnline.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.presenceOnline)
        }

        if ((obj.presenceOffline != null && obj.presenceOffline.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.presenceOffline)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          presenceOnline: uint8ArrayAlloc(0),
          presenceOffline: uint8ArrayAlloc(0)
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
              obj.presenceOnline = reader.bytes()
              break
            }
            case 3: {
              obj.presenceOffline = reader.bytes()
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
                field: `${prefix}.presenceOnline`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.presenceOffline`,
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

  export interface AttachUpdateVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface AttachUpdatePresenceOnlineFieldEvent {
    field: '$.presenceOnline'
    value: Uint8Array<ArrayBuffer>
  }

  export interface AttachUpdatePresenceOfflineFieldEvent {
    field: '$.presenceOffline'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<AttachUpdate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, AttachUpdate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachUpdate>): AttachUpdate {
    return decodeMessage(buf, AttachUpdate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<AttachUpdate>): Generator<AttachUpdateVersionFieldEvent | AttachUpdatePresenceOnlineFieldEvent | AttachUpdatePresenceOfflineFieldEvent> {
    return streamMessage(buf, AttachUpdate.codec(), opts)
  }
}

export enum Status {
  OK = 'OK',
  ERROR = 'ERROR'
}

enum __StatusValues {
  OK = 0,
  ERROR = 1
}

export namespace Status {
  export const codec = (): Codec<Status> => {
    return enumeration<Status>(__StatusValues)
  }
}

export enum RequestType {
  NONE = 'NONE',
  PUBLISH = 'PUBLISH',
  SEND = 'SEND',
  FETCH = 'FETCH',
  ACK = 'ACK',
  UPLOAD_PREKEYS = 'UPLOAD_PREKEYS',
  CLAIM_PREKEY = 'CLAIM_PREKEY',
  GET_USER = 'GET_USER',
  STATUS = 'STATUS',
  PRESENCE_GET = 'PRESENCE_GET',
  CHANNEL_POST = 'CHANNEL_POST',
  CHANNEL_READ = 'CHANNEL_READ'
}

enum __RequestTypeValues {
  NONE = 0,
  PUBLISH = 1,
  SEND = 2,
  FETCH = 3,
  ACK = 4,
  UPLOAD_PREKEYS = 5,
  CLAIM_PREKEY = 6,
  GET_USER = 7,
  STATUS = 8,
  PRESENCE_GET = 9,
  CHANNEL_POST = 10,
  CHANNEL_READ = 11
}

export namespace RequestType {
  export const codec = (): Codec<RequestType> => {
    return enumeration<RequestType>(__RequestTypeValues)
  }
}

export interface SendAccess {
  userId: string
  accessKey: Uint8Array<ArrayBuffer>
}

export namespace SendAccess {
  let _codec: Codec<SendAccess>

  export const codec = (): Codec<SendAccess> => {
    if (_codec == null) {
      _codec = message<SendAccess>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.userId != null && obj.userId !== '')) {
          w.uint32(10)
          w.string(obj.userId)
        }

        if ((obj.accessKey != null && obj.accessKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.accessKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          userId: '',
          accessKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.userId = reader.string()
              break
            }
            case 2: {
              obj.accessKey = reader.bytes()
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
                field: `${prefix}.userId`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.accessKey`,
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

  export interface SendAccessUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export interface SendAccessAccessKeyFieldEvent {
    field: '$.accessKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SendAccess>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SendAccess.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SendAccess>): SendAccess {
    return decodeMessage(buf, SendAccess.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SendAccess>): Generator<SendAccessUserIdFieldEvent | SendAccessAccessKeyFieldEvent> {
    return streamMessage(buf, SendAccess.codec(), opts)
  }
}

export interface ClientRequest {
  version: number
  type: RequestType
  records: Uint8Array<ArrayBuffer>[]
  envelopeId: Uint8Array<ArrayBuffer>
  mailboxes: Uint8Array<ArrayBuffer>[]
  payload: Uint8Array<ArrayBuffer>
  expiresAt: number
  after: string
  limit: number
  ids: Uint8Array<ArrayBuffer>[]
  signature: Uint8Array<ArrayBuffer>
  prekeys: Uint8Array<ArrayBuffer>[]
  userId: string
  requestId: number
  access: SendAccess[]
  stamp: Uint8Array<ArrayBuffer>
  stampMinute: number
  presenceIds: Uint8Array<ArrayBuffer>[]
  onlineOnly: boolean
  channelPost: Uint8Array<ArrayBuffer>
  channel: string
  since: number
}

export namespace ClientRequest {
  let _codec: Codec<ClientRequest>

  export const codec = (): Codec<ClientRequest> => {
    if (_codec == null) {
      _codec = message<ClientRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.type != null && __RequestTypeValues[obj.type] !== 0) {
          w.uint32(16)
          RequestType.codec().encode(obj.type, w)
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(26)
            w.bytes(value)
          }
        }

        if ((obj.envelopeId != null && obj.envelopeId.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.envelopeId)
        }

        if (obj.mailboxes != null && obj.mailboxes.length > 0) {
          for (const value of obj.mailboxes) {
            w.uint32(42)
            w.bytes(value)
          }
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.payload)
        }

        if ((obj.expiresAt != null && obj.expiresAt !== 0)) {
          w.uint32(56)
          w.uint64Number(obj.expiresAt)
        }

        if ((obj.after != null && obj.after !== '')) {
          w.uint32(66)
          w.string(obj.after)
        }

        if ((obj.limit != null && obj.limit !== 0)) {
          w.uint32(72)
          w.uint32(obj.limit)
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(82)
            w.bytes(value)
          }
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.signature)
        }

        if (obj.prekeys != null && obj.prekeys.length > 0) {
          for (const value of obj.prekeys) {
            w.uint32(98)
            w.bytes(value)
          }
        }

        if ((obj.userId != null && obj.userId !== '')) {
          w.uint32(106)
          w.string(obj.userId)
        }

        if ((obj.requestId != null && obj.requestId !== 0)) {
          w.uint32(112)
          w.uint32(obj.requestId)
        }

        if (obj.access != null && obj.access.length > 0) {
          for (const value of obj.access) {
            w.uint32(122)
            SendAccess.codec().encode(value, w)
          }
        }

        if ((obj.stamp != null && obj.stamp.byteLength > 0)) {
          w.uint32(130)
          w.bytes(obj.stamp)
        }

        if ((obj.stampMinute != null && obj.stampMinute !== 0)) {
          w.uint32(136)
          w.uint64Number(obj.stampMinute)
        }

        if (obj.presenceIds != null && obj.presenceIds.length > 0) {
          for (const value of obj.presenceIds) {
            w.uint32(146)
            w.bytes(value)
          }
        }

        if ((obj.onlineOnly != null && obj.onlineOnly !== false)) {
          w.uint32(152)
          w.bool(obj.onlineOnly)
        }

        if ((obj.channelPost != null && obj.channelPost.byteLength > 0)) {
          w.uint32(162)
          w.bytes(obj.channelPost)
        }

        if ((obj.channel != null && obj.channel !== '')) {
          w.uint32(170)
          w.string(obj.channel)
        }

        if ((obj.since != null && obj.since !== 0)) {
          w.uint32(176)
          w.uint64Number(obj.since)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          type: RequestType.NONE,
          records: [],
          envelopeId: uint8ArrayAlloc(0),
          mailboxes: [],
          payload: uint8ArrayAlloc(0),
          expiresAt: 0,
          after: '',
          limit: 0,
          ids: [],
          signature: uint8ArrayAlloc(0),
          prekeys: [],
          userId: '',
          requestId: 0,
          access: [],
          stamp: uint8ArrayAlloc(0),
          stampMinute: 0,
          presenceIds: [],
          onlineOnly: false,
          channelPost: uint8ArrayAlloc(0),
          channel: '',
          since: 0
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
              obj.type = RequestType.codec().decode(reader)
              break
            }
            case 3: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              if (obj.records.length === 32) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(reader.bytes())
              break
            }
            case 4: {
              obj.envelopeId = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.mailboxes != null && obj.mailboxes.length === opts.limits.mailboxes) {
                throw new MaxLengthError('Decode error - repeated field "mailboxes" had too many elements')
              }

              if (obj.mailboxes.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "mailboxes" had too many elements')
              }

              obj.mailboxes.push(reader.bytes())
              break
            }
            case 6: {
              obj.payload = reader.bytes()
              break
            }
            case 7: {
              obj.expiresAt = reader.uint64Number()
              break
            }
            case 8: {
              obj.after = reader.string()
              break
            }
            case 9: {
              obj.limit = reader.uint32()
              break
            }
            case 10: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              if (obj.ids.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.bytes())
              break
            }
            case 11: {
              obj.signature = reader.bytes()
              break
            }
            case 12: {
              if (opts.limits?.prekeys != null && obj.prekeys.length === opts.limits.prekeys) {
                throw new MaxLengthError('Decode error - repeated field "prekeys" had too many elements')
              }

              if (obj.prekeys.length === 1000) {
                throw new MaxLengthError('Decode error - repeated field "prekeys" had too many elements')
              }

              obj.prekeys.push(reader.bytes())
              break
            }
            case 13: {
              obj.userId = reader.string()
              break
            }
            case 14: {
              obj.requestId = reader.uint32()
              break
            }
            case 15: {
              if (opts.limits?.access != null && obj.access.length === opts.limits.access) {
                throw new MaxLengthError('Decode error - repeated field "access" had too many elements')
              }

              if (obj.access.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "access" had too many elements')
              }

              obj.access.push(SendAccess.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.access$
              }))
              break
            }
            case 16: {
              obj.stamp = reader.bytes()
              break
            }
            case 17: {
              obj.stampMinute = reader.uint64Number()
              break
            }
            case 18: {
              if (opts.limits?.presenceIds != null && obj.presenceIds.length === opts.limits.presenceIds) {
                throw new MaxLengthError('Decode error - repeated field "presenceIds" had too many elements')
              }

              if (obj.presenceIds.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "presenceIds" had too many elements')
              }

              obj.presenceIds.push(reader.bytes())
              break
            }
            case 19: {
              obj.onlineOnly = reader.bool()
              break
            }
            case 20: {
              obj.channelPost = reader.bytes()
              break
            }
            case 21: {
              obj.channel = reader.string()
              break
            }
            case 22: {
              obj.since = reader.uint64Number()
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
          records: 32,
          mailboxes: 1024,
          ids: 1024,
          prekeys: 1000,
          access: 256,
          presenceIds: 256
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
                value: RequestType.codec().decode(reader)
              }
              break
            }
            case 3: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              if (obj.records === 32) {
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
                field: `${prefix}.envelopeId`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.mailboxes != null && obj.mailboxes === opts.limits.mailboxes) {
                throw new MaxLengthError('Streaming decode error - repeated field "mailboxes" had too many elements')
              }

              if (obj.mailboxes === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "mailboxes" had too many elements')
              }

              yield {
                field: `${prefix}.mailboxes[]`,
                index: obj.mailboxes,
                value: reader.bytes()
              }

              obj.mailboxes++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
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
            case 8: {
              yield {
                field: `${prefix}.after`,
                value: reader.string()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.limit`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
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
            case 11: {
              yield {
                field: `${prefix}.signature`,
                value: reader.bytes()
              }
              break
            }
            case 12: {
              if (opts.limits?.prekeys != null && obj.prekeys === opts.limits.prekeys) {
                throw new MaxLengthError('Streaming decode error - repeated field "prekeys" had too many elements')
              }

              if (obj.prekeys === 1000) {
                throw new MaxLengthError('Streaming decode error - repeated field "prekeys" had too many elements')
              }

              yield {
                field: `${prefix}.prekeys[]`,
                index: obj.prekeys,
                value: reader.bytes()
              }

              obj.prekeys++

              break
            }
            case 13: {
              yield {
                field: `${prefix}.userId`,
                value: reader.string()
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
              if (opts.limits?.access != null && obj.access === opts.limits.access) {
                throw new MaxLengthError('Streaming decode error - repeated field "access" had too many elements')
              }

              if (obj.access === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "access" had too many elements')
              }

              for (const evt of SendAccess.codec().stream(reader, reader.uint32(), `${prefix}.access[]`, {
                limits: opts.limits?.access$
              })) {
                yield {
                  ...evt,
                  index: obj.access
                }
              }

              obj.access++

              break
            }
            case 16: {
              yield {
                field: `${prefix}.stamp`,
                value: reader.bytes()
              }
              break
            }
            case 17: {
              yield {
                field: `${prefix}.stampMinute`,
                value: reader.uint64Number()
              }
              break
            }
            case 18: {
              if (opts.limits?.presenceIds != null && obj.presenceIds === opts.limits.presenceIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "presenceIds" had too many elements')
              }

              if (obj.presenceIds === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "presenceIds" had too many elements')
              }

              yield {
                field: `${prefix}.presenceIds[]`,
                index: obj.presenceIds,
                value: reader.bytes()
              }

              obj.presenceIds++

              break
            }
            case 19: {
              yield {
                field: `${prefix}.onlineOnly`,
                value: reader.bool()
              }
              break
            }
            case 20: {
              yield {
                field: `${prefix}.channelPost`,
                value: reader.bytes()
              }
              break
            }
            case 21: {
              yield {
                field: `${prefix}.channel`,
                value: reader.string()
              }
              break
            }
            case 22: {
              yield {
                field: `${prefix}.since`,
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

  export interface ClientRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ClientRequestTypeFieldEvent {
    field: '$.type'
    value: RequestType
  }

  export interface ClientRequestRecordsFieldEvent {
    field: '$.records[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestEnvelopeIdFieldEvent {
    field: '$.envelopeId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestMailboxesFieldEvent {
    field: '$.mailboxes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestExpiresAtFieldEvent {
    field: '$.expiresAt'
    value: number
  }

  export interface ClientRequestAfterFieldEvent {
    field: '$.after'
    value: string
  }

  export interface ClientRequestLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export interface ClientRequestIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestPrekeysFieldEvent {
    field: '$.prekeys[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export interface ClientRequestRequestIdFieldEvent {
    field: '$.requestId'
    value: number
  }

  export interface ClientRequestAccessUserIdFieldEvent {
    field: '$.access[].userId'
    value: string
    index: number
  }

  export interface ClientRequestAccessAccessKeyFieldEvent {
    field: '$.access[].accessKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ClientRequestStampFieldEvent {
    field: '$.stamp'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestStampMinuteFieldEvent {
    field: '$.stampMinute'
    value: number
  }

  export interface ClientRequestPresenceIdsFieldEvent {
    field: '$.presenceIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestOnlineOnlyFieldEvent {
    field: '$.onlineOnly'
    value: boolean
  }

  export interface ClientRequestChannelPostFieldEvent {
    field: '$.channelPost'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientRequestChannelFieldEvent {
    field: '$.channel'
    value: string
  }

  export interface ClientRequestSinceFieldEvent {
    field: '$.since'
    value: number
  }

  export function encode (obj: Partial<ClientRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientRequest>): ClientRequest {
    return decodeMessage(buf, ClientRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientRequest>): Generator<ClientRequestVersionFieldEvent | ClientRequestTypeFieldEvent | ClientRequestRecordsFieldEvent | ClientRequestEnvelopeIdFieldEvent | ClientRequestMailboxesFieldEvent | ClientRequestPayloadFieldEvent | ClientRequestExpiresAtFieldEvent | ClientRequestAfterFieldEvent | ClientRequestLimitFieldEvent | ClientRequestIdsFieldEvent | ClientRequestSignatureFieldEvent | ClientRequestPrekeysFieldEvent | ClientRequestUserIdFieldEvent | ClientRequestRequestIdFieldEvent | ClientRequestAccessUserIdFieldEvent | ClientRequestAccessAccessKeyFieldEvent | ClientRequestStampFieldEvent | ClientRequestStampMinuteFieldEvent | ClientRequestPresenceIdsFieldEvent | ClientRequestOnlineOnlyFieldEvent | ClientRequestChannelPostFieldEvent | ClientRequestChannelFieldEvent | ClientRequestSinceFieldEvent> {
    return streamMessage(buf, ClientRequest.codec(), opts)
  }
}

export interface SendResult {
  mailbox: Uint8Array<ArrayBuffer>
  replicas: number
  errorCode: string
}

export namespace SendResult {
  let _codec: Codec<SendResult>

  export const codec = (): Codec<SendResult> => {
    if (_codec == null) {
      _codec = message<SendResult>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.mailbox != null && obj.mailbox.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.mailbox)
        }

        if ((obj.replicas != null && obj.replicas !== 0)) {
          w.uint32(16)
          w.uint32(obj.replicas)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(26)
          w.string(obj.errorCode)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          mailbox: uint8ArrayAlloc(0),
          replicas: 0,
          errorCode: ''
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
              obj.replicas = reader.uint32()
              break
            }
            case 3: {
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
                field: `${prefix}.mailbox`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.replicas`,
                value: reader.uint32()
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

  export interface SendResultMailboxFieldEvent {
    field: '$.mailbox'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SendResultReplicasFieldEvent {
    field: '$.replicas'
    value: number
  }

  export interface SendResultErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export function encode (obj: Partial<SendResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SendResult.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SendResult>): SendResult {
    return decodeMessage(buf, SendResult.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SendResult>): Generator<SendResultMailboxFieldEvent | SendResultReplicasFieldEvent | SendResultErrorCodeFieldEvent> {
    return streamMessage(buf, SendResult.codec(), opts)
  }
}

export interface ClientResponse {
  version: number
  status: Status
  errorCode: string
  errorMessage: string
  sent: SendResult[]
  envelopes: Uint8Array<ArrayBuffer>[]
  more: boolean
  prekey: Uint8Array<ArrayBuffer>
  remaining: number
  records: Uint8Array<ArrayBuffer>[]
  statusJson: string
  requestId: number
  stampBits: number
  presence: Uint8Array<ArrayBuffer>[]
  channelPosts: Uint8Array<ArrayBuffer>[]
}

export namespace ClientResponse {
  let _codec: Codec<ClientResponse>

  export const codec = (): Codec<ClientResponse> => {
    if (_codec == null) {
      _codec = message<ClientResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.status != null && __StatusValues[obj.status] !== 0) {
          w.uint32(16)
          Status.codec().encode(obj.status, w)
        }

        if ((obj.errorCode != null && obj.errorCode !== '')) {
          w.uint32(26)
          w.string(obj.errorCode)
        }

        if ((obj.errorMessage != null && obj.errorMessage !== '')) {
          w.uint32(34)
          w.string(obj.errorMessage)
        }

        if (obj.sent != null && obj.sent.length > 0) {
          for (const value of obj.sent) {
            w.uint32(42)
            SendResult.codec().encode(value, w)
          }
        }

        if (obj.envelopes != null && obj.envelopes.length > 0) {
          for (const value of obj.envelopes) {
            w.uint32(50)
            w.bytes(value)
          }
        }

        if ((obj.more != null && obj.more !== false)) {
          w.uint32(56)
          w.bool(obj.more)
        }

        if ((obj.prekey != null && obj.prekey.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.prekey)
        }

        if ((obj.remaining != null && obj.remaining !== 0)) {
          w.uint32(72)
          w.uint32(obj.remaining)
        }

        if (obj.records != null && obj.records.length > 0) {
          for (const value of obj.records) {
            w.uint32(82)
            w.bytes(value)
          }
        }

        if ((obj.statusJson != null && obj.statusJson !== '')) {
          w.uint32(90)
          w.string(obj.statusJson)
        }

        if ((obj.requestId != null && obj.requestId !== 0)) {
          w.uint32(96)
          w.uint32(obj.requestId)
        }

        if ((obj.stampBits != null && obj.stampBits !== 0)) {
          w.uint32(104)
          w.uint32(obj.stampBits)
        }

        if (obj.presence != null && obj.presence.length > 0) {
          for (const value of obj.presence) {
            w.uint32(114)
            w.bytes(value)
          }
        }

        if (obj.channelPosts != null && obj.channelPosts.length > 0) {
          for (const value of obj.channelPosts) {
            w.uint32(122)
            w.bytes(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          status: Status.OK,
          errorCode: '',
          errorMessage: '',
          sent: [],
          envelopes: [],
          more: false,
          prekey: uint8ArrayAlloc(0),
          remaining: 0,
          records: [],
          statusJson: '',
          requestId: 0,
          stampBits: 0,
          presence: [],
          channelPosts: []
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
              obj.status = Status.codec().decode(reader)
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
              if (opts.limits?.sent != null && obj.sent.length === opts.limits.sent) {
                throw new MaxLengthError('Decode error - repeated field "sent" had too many elements')
              }

              if (obj.sent.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "sent" had too many elements')
              }

              obj.sent.push(SendResult.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.sent$
              }))
              break
            }
            case 6: {
              if (opts.limits?.envelopes != null && obj.envelopes.length === opts.limits.envelopes) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              if (obj.envelopes.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "envelopes" had too many elements')
              }

              obj.envelopes.push(reader.bytes())
              break
            }
            case 7: {
              obj.more = reader.bool()
              break
            }
            case 8: {
              obj.prekey = reader.bytes()
              break
            }
            case 9: {
              obj.remaining = reader.uint32()
              break
            }
            case 10: {
              if (opts.limits?.records != null && obj.records.length === opts.limits.records) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              if (obj.records.length === 64) {
                throw new MaxLengthError('Decode error - repeated field "records" had too many elements')
              }

              obj.records.push(reader.bytes())
              break
            }
            case 11: {
              obj.statusJson = reader.string()
              break
            }
            case 12: {
              obj.requestId = reader.uint32()
              break
            }
            case 13: {
              obj.stampBits = reader.uint32()
              break
            }
            case 14: {
              if (opts.limits?.presence != null && obj.presence.length === opts.limits.presence) {
                throw new MaxLengthError('Decode error - repeated field "presence" had too many elements')
              }

              if (obj.presence.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "presence" had too many elements')
              }

              obj.presence.push(reader.bytes())
              break
            }
            case 15: {
              if (opts.limits?.channelPosts != null && obj.channelPosts.length === opts.limits.channelPosts) {
                throw new MaxLengthError('Decode error - repeated field "channelPosts" had too many elements')
              }

              if (obj.channelPosts.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "channelPosts" had too many elements')
              }

              obj.channelPosts.push(reader.bytes())
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
          sent: 1024,
          envelopes: 1024,
          records: 64,
          presence: 256,
          channelPosts: 256
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
                value: Status.codec().decode(reader)
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
              if (opts.limits?.sent != null && obj.sent === opts.limits.sent) {
                throw new MaxLengthError('Streaming decode error - repeated field "sent" had too many elements')
              }

              if (obj.sent === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "sent" had too many elements')
              }

              for (const evt of SendResult.codec().stream(reader, reader.uint32(), `${prefix}.sent[]`, {
                limits: opts.limits?.sent$
              })) {
                yield {
                  ...evt,
                  index: obj.sent
                }
              }

              obj.sent++

              break
            }
            case 6: {
              if (opts.limits?.envelopes != null && obj.envelopes === opts.limits.envelopes) {
                throw new MaxLengthError('Streaming decode error - repeated field "envelopes" had too many elements')
              }

              if (obj.envelopes === 1024) {
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
            case 7: {
              yield {
                field: `${prefix}.more`,
                value: reader.bool()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.prekey`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.remaining`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              if (opts.limits?.records != null && obj.records === opts.limits.records) {
                throw new MaxLengthError('Streaming decode error - repeated field "records" had too many elements')
              }

              if (obj.records === 64) {
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
            case 11: {
              yield {
                field: `${prefix}.statusJson`,
                value: reader.string()
              }
              break
            }
            case 12: {
              yield {
                field: `${prefix}.requestId`,
                value: reader.uint32()
              }
              break
            }
            case 13: {
              yield {
                field: `${prefix}.stampBits`,
                value: reader.uint32()
              }
              break
            }
            case 14: {
              if (opts.limits?.presence != null && obj.presence === opts.limits.presence) {
                throw new MaxLengthError('Streaming decode error - repeated field "presence" had too many elements')
              }

              if (obj.presence === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "presence" had too many elements')
              }

              yield {
                field: `${prefix}.presence[]`,
                index: obj.presence,
                value: reader.bytes()
              }

              obj.presence++

              break
            }
            case 15: {
              if (opts.limits?.channelPosts != null && obj.channelPosts === opts.limits.channelPosts) {
                throw new MaxLengthError('Streaming decode error - repeated field "channelPosts" had too many elements')
              }

              if (obj.channelPosts === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "channelPosts" had too many elements')
              }

              yield {
                field: `${prefix}.channelPosts[]`,
                index: obj.channelPosts,
                value: reader.bytes()
              }

              obj.channelPosts++

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

  export interface ClientResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ClientResponseStatusFieldEvent {
    field: '$.status'
    value: Status
  }

  export interface ClientResponseErrorCodeFieldEvent {
    field: '$.errorCode'
    value: string
  }

  export interface ClientResponseErrorMessageFieldEvent {
    field: '$.errorMessage'
    value: string
  }

  export interface ClientResponseSentMailboxFieldEvent {
    field: '$.sent[].mailbox'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ClientResponseSentReplicasFieldEvent {
    field: '$.sent[].replicas'
    value: number
    index: number
  }

  export interface ClientResponseSentErrorCodeFieldEvent {
    field: '$.sent[].errorCode'
    value: string
    index: number
  }

  export interface ClientResponseEnvelopesFieldEvent {
    field: '$.envelopes[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientResponseMoreFieldEvent {
    field: '$.more'
    value: boolean
  }

  export interface ClientResponsePrekeyFieldEvent {
    field: '$.prekey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientResponseRemainingFieldEvent {
    field: '$.remaining'
    value: number
  }

  export interface ClientResponseRecordsFieldEvent {
    field: '$.records[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientResponseStatusJsonFieldEvent {
    field: '$.statusJson'
    value: string
  }

  export interface ClientResponseRequestIdFieldEvent {
    field: '$.requestId'
    value: number
  }

  export interface ClientResponseStampBitsFieldEvent {
    field: '$.stampBits'
    value: number
  }

  export interface ClientResponsePresenceFieldEvent {
    field: '$.presence[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClientResponseChannelPostsFieldEvent {
    field: '$.channelPosts[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ClientResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClientResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientResponse>): ClientResponse {
    return decodeMessage(buf, ClientResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ClientResponse>): Generator<ClientResponseVersionFieldEvent | ClientResponseStatusFieldEvent | ClientResponseErrorCodeFieldEvent | ClientResponseErrorMessageFieldEvent | ClientResponseSentMailboxFieldEvent | ClientResponseSentReplicasFieldEvent | ClientResponseSentErrorCodeFieldEvent | ClientResponseEnvelopesFieldEvent | ClientResponseMoreFieldEvent | ClientResponsePrekeyFieldEvent | ClientResponseRemainingFieldEvent | ClientResponseRecordsFieldEvent | ClientResponseStatusJsonFieldEvent | ClientResponseRequestIdFieldEvent | ClientResponseStampBitsFieldEvent | ClientResponsePresenceFieldEvent | ClientResponseChannelPostsFieldEvent> {
    return streamMessage(buf, ClientResponse.codec(), opts)
  }
}
