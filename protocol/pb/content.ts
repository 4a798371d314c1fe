import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum ContentKind {
  CONTENT_NONE = 'CONTENT_NONE',
  TEXT = 'TEXT',
  SESSION_RESET = 'SESSION_RESET',
  GROUP_UPDATE = 'GROUP_UPDATE',
  SENDER_KEY = 'SENDER_KEY',
  FILE = 'FILE',
  RECEIPT = 'RECEIPT',
  PROFILE_KEY = 'PROFILE_KEY',
  EDIT = 'EDIT',
  DELETE = 'DELETE',
  TYPING = 'TYPING',
  RESEND = 'RESEND'
}

enum __ContentKindValues {
  CONTENT_NONE = 0,
  TEXT = 1,
  SESSION_RESET = 2,
  GROUP_UPDATE = 3,
  SENDER_KEY = 4,
  FILE = 5,
  RECEIPT = 6,
  PROFILE_KEY = 7,
  EDIT = 8,
  DELETE = 9,
  TYPING = 10,
  RESEND = 11
}

export namespace ContentKind {
  export const codec = (): Codec<ContentKind> => {
    return enumeration<ContentKind>(__ContentKindValues)
  }
}

export enum TypingState {
  TYPING_NONE = 'TYPING_NONE',
  STARTED = 'STARTED',
  STOPPED = 'STOPPED'
}

enum __TypingStateValues {
  TYPING_NONE = 0,
  STARTED = 1,
  STOPPED = 2
}

export namespace TypingState {
  export const codec = (): Codec<TypingState> => {
    return enumeration<TypingState>(__TypingStateValues)
  }
}

export enum GroupAction {
  GROUP_ACTION_NONE = 'GROUP_ACTION_NONE',
  CREATE = 'CREATE',
  ADD = 'ADD',
  REMOVE = 'REMOVE',
  LEAVE = 'LEAVE',
  RENAME = 'RENAME'
}

enum __GroupActionValues {
  GROUP_ACTION_NONE = 0,
  CREATE = 1,
  ADD = 2,
  REMOVE = 3,
  LEAVE = 4,
  RENAME = 5
}

export namespace GroupAction {
  export const codec = (): Codec<GroupAction> => {
    return enumeration<GroupAction>(__GroupActionValues)
  }
}

export enum ReceiptType {
  RECEIPT_NONE = 'RECEIPT_NONE',
  DELIVERED = 'DELIVERED',
  READ = 'READ'
}

enum __ReceiptTypeValues {
  RECEIPT_NONE = 0,
  DELIVERED = 1,
  READ = 2
}

export namespace ReceiptType {
  export const codec = (): Codec<ReceiptType> => {
    return enumeration<ReceiptType>(__ReceiptTypeValues)
  }
}

export interface GroupUpdate {
  groupId: Uint8Array<ArrayBuffer>
  epoch: number
  name: string
  members: string[]
  action: GroupAction
  target: string
}

export namespace GroupUpdate {
  let _codec: Codec<GroupUpdate>

  export const codec = (): Codec<GroupUpdate> => {
    if (_codec == null) {
      _codec = message<GroupUpdate>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.epoch)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(26)
          w.string(obj.name)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (obj.action != null && __GroupActionValues[obj.action] !== 0) {
          w.uint32(40)
          GroupAction.codec().encode(obj.action, w)
        }

        if ((obj.target != null && obj.target !== '')) {
          w.uint32(50)
          w.string(obj.target)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          epoch: 0,
          name: '',
          members: [],
          action: GroupAction.GROUP_ACTION_NONE,
          target: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.groupId = reader.bytes()
              break
            }
            case 2: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 3: {
              obj.name = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              if (obj.members.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(reader.string())
              break
            }
            case 5: {
              obj.action = GroupAction.codec().decode(reader)
              break
            }
            case 6: {
              obj.target = reader.string()
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
          members: 256
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.members != null && obj.members === opts.limits.members) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              if (obj.members === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "members" had too many elements')
              }

              yield {
                field: `${prefix}.members[]`,
                index: obj.members,
                value: reader.string()
              }

              obj.members++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.action`,
                value: GroupAction.codec().decode(reader)
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.target`,
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

  export interface GroupUpdateGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupUpdateEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface GroupUpdateNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface GroupUpdateMembersFieldEvent {
    field: '$.members[]'
    index: number
    value: string
  }

  export interface GroupUpdateActionFieldEvent {
    field: '$.action'
    value: GroupAction
  }

  export interface GroupUpdateTargetFieldEvent {
    field: '$.target'
    value: string
  }

  export function encode (obj: Partial<GroupUpdate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupUpdate.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupUpdate>): GroupUpdate {
    return decodeMessage(buf, GroupUpdate.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupUpdate>): Generator<GroupUpdateGroupIdFieldEvent | GroupUpdateEpochFieldEvent | GroupUpdateNameFieldEvent | GroupUpdateMembersFieldEvent | GroupUpdateActionFieldEvent | GroupUpdateTargetFieldEvent> {
    return streamMessage(buf, GroupUpdate.codec(), opts)
  }
}

export interface GroupFanout {
  fanoutVersion: number
  headers: Uint8Array<ArrayBuffer>[]
  body: Uint8Array<ArrayBuffer>
}

export namespace GroupFanout {
  let _codec: Codec<GroupFanout>

  export const codec = (): Codec<GroupFanout> => {
    if (_codec == null) {
      _codec = message<GroupFanout>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.fanoutVersion != null && obj.fanoutVersion !== 0)) {
          w.uint32(128)
          w.uint32(obj.fanoutVersion)
        }

        if (obj.headers != null && obj.headers.length > 0) {
          for (const value of obj.headers) {
            w.uint32(138)
            w.bytes(value)
          }
        }

        if ((obj.body != null && obj.body.byteLength > 0)) {
          w.uint32(146)
          w.bytes(obj.body)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          fanoutVersion: 0,
          headers: [],
          body: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 16: {
              obj.fanoutVersion = reader.uint32()
              break
            }
            case 17: {
              if (opts.limits?.headers != null && obj.headers.length === opts.limits.headers) {
                throw new MaxLengthError('Decode error - repeated field "headers" had too many elements')
              }

              if (obj.headers.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "headers" had too many elements')
              }

              obj.headers.push(reader.bytes())
              break
            }
            case 18: {
              obj.body = reader.bytes()
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
          headers: 256
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 16: {
              yield {
                field: `${prefix}.fanoutVersion`,
                value: reader.uint32()
              }
              break
            }
            case 17: {
              if (opts.limits?.headers != null && obj.headers === opts.limits.headers) {
                throw new MaxLengthError('Streaming decode error - repeated field "headers" had too many elements')
              }

              if (obj.headers === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "headers" had too many elements')
              }

              yield {
                field: `${prefix}.headers[]`,
                index: obj.headers,
                value: reader.bytes()
              }

              obj.headers++

              break
            }
            case 18: {
              yield {
                field: `${prefix}.body`,
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

  export interface GroupFanoutFanoutVersionFieldEvent {
    field: '$.fanoutVersion'
    value: number
  }

  export interface GroupFanoutHeadersFieldEvent {
    field: '$.headers[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupFanoutBodyFieldEvent {
    field: '$.body'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupFanout>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupFanout.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFanout>): GroupFanout {
    return decodeMessage(buf, GroupFanout.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFanout>): Generator<GroupFanoutFanoutVersionFieldEvent | GroupFanoutHeadersFieldEvent | GroupFanoutBodyFieldEvent> {
    return streamMessage(buf, GroupFanout.codec(), opts)
  }
}

export interface GroupFanoutKey {
  version: number
  key: Uint8Array<ArrayBuffer>
  bodyHash: Uint8Array<ArrayBuffer>
}

export namespace GroupFanoutKey {
  let _codec: Codec<GroupFanoutKey>

  export const codec = (): Codec<GroupFanoutKey> => {
    if (_codec == null) {
      _codec = message<GroupFanoutKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if ((obj.bodyHash != null && obj.bodyHash.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.bodyHash)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          key: uint8ArrayAlloc(0),
          bodyHash: uint8ArrayAlloc(0)
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
              obj.key = reader.bytes()
              break
            }
            case 3: {
              obj.bodyHash = reader.bytes()
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
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.bodyHash`,
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

  export interface GroupFanoutKeyVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface GroupFanoutKeyKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupFanoutKeyBodyHashFieldEvent {
    field: '$.bodyHash'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupFanoutKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupFanoutKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFanoutKey>): GroupFanoutKey {
    return decodeMessage(buf, GroupFanoutKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupFanoutKey>): Generator<GroupFanoutKeyVersionFieldEvent | GroupFanoutKeyKeyFieldEvent | GroupFanoutKeyBodyHashFieldEvent> {
    return streamMessage(buf, GroupFanoutKey.codec(), opts)
  }
}

export interface Content {
  version: number
  messageId: Uint8Array<ArrayBuffer>
  sentAt: number
  kind: ContentKind
  text: string
  destination: string
  groupUpdate?: GroupUpdate
  senderKey: Uint8Array<ArrayBuffer>
  groupId: Uint8Array<ArrayBuffer>
  fileManifest: Uint8Array<ArrayBuffer>
  receiptType: ReceiptType
  receiptIds: Uint8Array<ArrayBuffer>[]
  padding: Uint8Array<ArrayBuffer>
  profileKey: Uint8Array<ArrayBuffer>
  targetId: Uint8Array<ArrayBuffer>
  seq: number
  typing: TypingState
  resendSeqs: number[]
  resendDevice: number
  resendGone: boolean
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

        if (obj.groupUpdate != null) {
          w.uint32(58)
          GroupUpdate.codec().encode(obj.groupUpdate, w)
        }

        if ((obj.senderKey != null && obj.senderKey.byteLength > 0)) {
          w.uint32(66)
          w.bytes(obj.senderKey)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(74)
          w.bytes(obj.groupId)
        }

        if ((obj.fileManifest != null && obj.fileManifest.byteLength > 0)) {
          w.uint32(82)
          w.bytes(obj.fileManifest)
        }

        if (obj.receiptType != null && __ReceiptTypeValues[obj.receiptType] !== 0) {
          w.uint32(88)
          ReceiptType.codec().encode(obj.receiptType, w)
        }

        if (obj.receiptIds != null && obj.receiptIds.length > 0) {
          for (const value of obj.receiptIds) {
            w.uint32(98)
            w.bytes(value)
          }
        }

        if ((obj.padding != null && obj.padding.byteLength > 0)) {
          w.uint32(122)
          w.bytes(obj.padding)
        }

        if ((obj.profileKey != null && obj.profileKey.byteLength > 0)) {
          w.uint32(130)
          w.bytes(obj.profileKey)
        }

        if ((obj.targetId != null && obj.targetId.byteLength > 0)) {
          w.uint32(138)
          w.bytes(obj.targetId)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(144)
          w.uint64Number(obj.seq)
        }

        if (obj.typing != null && __TypingStateValues[obj.typing] !== 0) {
          w.uint32(152)
          TypingState.codec().encode(obj.typing, w)
        }

        if (obj.resendSeqs != null && obj.resendSeqs.length > 0) {
          for (const value of obj.resendSeqs) {
            w.uint32(160)
            w.uint64Number(value)
          }
        }

        if ((obj.resendDevice != null && obj.resendDevice !== 0)) {
          w.uint32(168)
          w.uint32(obj.resendDevice)
        }

        if ((obj.resendGone != null && obj.resendGone !== false)) {
          w.uint32(176)
          w.bool(obj.resendGone)
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
          senderKey: uint8ArrayAlloc(0),
          groupId: uint8ArrayAlloc(0),
          fileManifest: uint8ArrayAlloc(0),
          receiptType: ReceiptType.RECEIPT_NONE,
          receiptIds: [],
          padding: uint8ArrayAlloc(0),
          profileKey: uint8ArrayAlloc(0),
          targetId: uint8ArrayAlloc(0),
          seq: 0,
          typing: TypingState.TYPING_NONE,
          resendSeqs: [],
          resendDevice: 0,
          resendGone: false
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
            case 7: {
              obj.groupUpdate = GroupUpdate.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groupUpdate
              })
              break
            }
            case 8: {
              obj.senderKey = reader.bytes()
              break
            }
            case 9: {
              obj.groupId = reader.bytes()
              break
            }
            case 10: {
              obj.fileManifest = reader.bytes()
              break
            }
            case 11: {
              obj.receiptType = ReceiptType.codec().decode(reader)
              break
            }
            case 12: {
              if (opts.limits?.receiptIds != null && obj.receiptIds.length === opts.limits.receiptIds) {
                throw new MaxLengthError('Decode error - repeated field "receiptIds" had too many elements')
              }

              if (obj.receiptIds.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "receiptIds" had too many elements')
              }

              obj.receiptIds.push(reader.bytes())
              break
            }
            case 15: {
              obj.padding = reader.bytes()
              break
            }
            case 16: {
              obj.profileKey = reader.bytes()
              break
            }
            case 17: {
              obj.targetId = reader.bytes()
              break
            }
            case 18: {
              obj.seq = reader.uint64Number()
              break
            }
            case 19: {
              obj.typing = TypingState.codec().decode(reader)
              break
            }
            case 20: {
              if (opts.limits?.resendSeqs != null && obj.resendSeqs.length === opts.limits.resendSeqs) {
                throw new MaxLengthError('Decode error - repeated field "resendSeqs" had too many elements')
              }

              if (obj.resendSeqs.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "resendSeqs" had too many elements')
              }

              obj.resendSeqs.push(reader.uint64Number())
              break
            }
            case 21: {
              obj.resendDevice = reader.uint32()
              break
            }
            case 22: {
              obj.resendGone = reader.bool()
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
          receiptIds: 256,
          resendSeqs: 256
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
            case 7: {
              yield * GroupUpdate.codec().stream(reader, reader.uint32(), `${prefix}.groupUpdate`, {
                limits: opts.limits?.groupUpdate
              })

              break
            }
            case 8: {
              yield {
                field: `${prefix}.senderKey`,
                value: reader.bytes()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.fileManifest`,
                value: reader.bytes()
              }
              break
            }
            case 11: {
              yield {
                field: `${prefix}.receiptType`,
                value: ReceiptType.codec().decode(reader)
              }
              break
            }
            case 12: {
              if (opts.limits?.receiptIds != null && obj.receiptIds === opts.limits.receiptIds) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiptIds" had too many elements')
              }

              if (obj.receiptIds === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiptIds" had too many elements')
              }

              yield {
                field: `${prefix}.receiptIds[]`,
                index: obj.receiptIds,
                value: reader.bytes()
              }

              obj.receiptIds++

              break
            }
            case 15: {
              yield {
                field: `${prefix}.padding`,
                value: reader.bytes()
              }
              break
            }
            case 16: {
              yield {
                field: `${prefix}.profileKey`,
                value: reader.bytes()
              }
              break
            }
            case 17: {
              yield {
                field: `${prefix}.targetId`,
                value: reader.bytes()
              }
              break
            }
            case 18: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint64Number()
              }
              break
            }
            case 19: {
              yield {
                field: `${prefix}.typing`,
                value: TypingState.codec().decode(reader)
              }
              break
            }
            case 20: {
              if (opts.limits?.resendSeqs != null && obj.resendSeqs === opts.limits.resendSeqs) {
                throw new MaxLengthError('Streaming decode error - repeated field "resendSeqs" had too many elements')
              }

              if (obj.resendSeqs === 256) {
                throw new MaxLengthError('Streaming decode error - repeated field "resendSeqs" had too many elements')
              }

              yield {
                field: `${prefix}.resendSeqs[]`,
                index: obj.resendSeqs,
                value: reader.uint64Number()
              }

              obj.resendSeqs++

              break
            }
            case 21: {
              yield {
                field: `${prefix}.resendDevice`,
                value: reader.uint32()
              }
              break
            }
            case 22: {
              yield {
                field: `${prefix}.resendGone`,
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

  export interface ContentGroupUpdateGroupIdFieldEvent {
    field: '$.groupUpdate.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentGroupUpdateEpochFieldEvent {
    field: '$.groupUpdate.epoch'
    value: number
  }

  export interface ContentGroupUpdateNameFieldEvent {
    field: '$.groupUpdate.name'
    value: string
  }

  export interface ContentGroupUpdateMembersFieldEvent {
    field: '$.groupUpdate.members[]'
    index: number
    value: string
  }

  export interface ContentGroupUpdateActionFieldEvent {
    field: '$.groupUpdate.action'
    value: GroupAction
  }

  export interface ContentGroupUpdateTargetFieldEvent {
    field: '$.groupUpdate.target'
    value: string
  }

  export interface ContentSenderKeyFieldEvent {
    field: '$.senderKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentFileManifestFieldEvent {
    field: '$.fileManifest'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentReceiptTypeFieldEvent {
    field: '$.receiptType'
    value: ReceiptType
  }

  export interface ContentReceiptIdsFieldEvent {
    field: '$.receiptIds[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentPaddingFieldEvent {
    field: '$.padding'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentProfileKeyFieldEvent {
    field: '$.profileKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentTargetIdFieldEvent {
    field: '$.targetId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ContentSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface ContentTypingFieldEvent {
    field: '$.typing'
    value: TypingState
  }

  export interface ContentResendSeqsFieldEvent {
    field: '$.resendSeqs[]'
    index: number
    value: number
  }

  export interface ContentResendDeviceFieldEvent {
    field: '$.resendDevice'
    value: number
  }

  export interface ContentResendGoneFieldEvent {
    field: '$.resendGone'
    value: boolean
  }

  export function encode (obj: Partial<Content>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Content.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Content {
    return decodeMessage(buf, Content.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Content>): Generator<ContentVersionFieldEvent | ContentMessageIdFieldEvent | ContentSentAtFieldEvent | ContentKindFieldEvent | ContentTextFieldEvent | ContentDestinationFieldEvent | ContentGroupUpdateGroupIdFieldEvent | ContentGroupUpdateEpochFieldEvent | ContentGroupUpdateNameFieldEvent | ContentGroupUpdateMembersFieldEvent | ContentGroupUpdateActionFieldEvent | ContentGroupUpdateTargetFieldEvent | ContentSenderKeyFieldEvent | ContentGroupIdFieldEvent | ContentFileManifestFieldEvent | ContentReceiptTypeFieldEvent | ContentReceiptIdsFieldEvent | ContentPaddingFieldEvent | ContentProfileKeyFieldEvent | ContentTargetIdFieldEvent | ContentSeqFieldEvent | ContentTypingFieldEvent | ContentResendSeqsFieldEvent | ContentResendDeviceFieldEvent | ContentResendGoneFieldEvent> {
    return streamMessage(buf, Content.codec(), opts)
  }
}
