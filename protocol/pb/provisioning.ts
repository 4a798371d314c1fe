import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export enum ProvisioningKind {
  PROVISIONING_NONE = 'PROVISIONING_NONE',
  REQUEST = 'REQUEST',
  RESPONSE = 'RESPONSE'
}

enum __ProvisioningKindValues {
  PROVISIONING_NONE = 0,
  REQUEST = 1,
  RESPONSE = 2
}

export namespace ProvisioningKind {
  export const codec = (): Codec<ProvisioningKind> => {
    return enumeration<ProvisioningKind>(__ProvisioningKindValues)
  }
}

export interface ProvisioningEnvelope {
  provisioningVersion: number
  kind: ProvisioningKind
  nonce: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
  ephemeralKey: Uint8Array<ArrayBuffer>
}

export namespace ProvisioningEnvelope {
  let _codec: Codec<ProvisioningEnvelope>

  export const codec = (): Codec<ProvisioningEnvelope> => {
    if (_codec == null) {
      _codec = message<ProvisioningEnvelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.provisioningVersion != null && obj.provisioningVersion !== 0)) {
          w.uint32(160)
          w.uint32(obj.provisioningVersion)
        }

        if (obj.kind != null && __ProvisioningKindValues[obj.kind] !== 0) {
          w.uint32(168)
          ProvisioningKind.codec().encode(obj.kind, w)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(178)
          w.bytes(obj.nonce)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(186)
          w.bytes(obj.ciphertext)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(194)
          w.bytes(obj.ephemeralKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          provisioningVersion: 0,
          kind: ProvisioningKind.PROVISIONING_NONE,
          nonce: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0),
          ephemeralKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 20: {
              obj.provisioningVersion = reader.uint32()
              break
            }
            case 21: {
              obj.kind = ProvisioningKind.codec().decode(reader)
              break
            }
            case 22: {
              obj.nonce = reader.bytes()
              break
            }
            case 23: {
              obj.ciphertext = reader.bytes()
              break
            }
            case 24: {
              obj.ephemeralKey = reader.bytes()
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
            case 20: {
              yield {
                field: `${prefix}.provisioningVersion`,
                value: reader.uint32()
              }
              break
            }
            case 21: {
              yield {
                field: `${prefix}.kind`,
                value: ProvisioningKind.codec().decode(reader)
              }
              break
            }
            case 22: {
              yield {
                field: `${prefix}.nonce`,
                value: reader.bytes()
              }
              break
            }
            case 23: {
              yield {
                field: `${prefix}.ciphertext`,
                value: reader.bytes()
              }
              break
            }
            case 24: {
              yield {
                field: `${prefix}.ephemeralKey`,
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

  export interface ProvisioningEnvelopeProvisioningVersionFieldEvent {
    field: '$.provisioningVersion'
    value: number
  }

  export interface ProvisioningEnvelopeKindFieldEvent {
    field: '$.kind'
    value: ProvisioningKind
  }

  export interface ProvisioningEnvelopeNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningEnvelopeCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningEnvelopeEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ProvisioningEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProvisioningEnvelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisioningEnvelope>): ProvisioningEnvelope {
    return decodeMessage(buf, ProvisioningEnvelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisioningEnvelope>): Generator<ProvisioningEnvelopeProvisioningVersionFieldEvent | ProvisioningEnvelopeKindFieldEvent | ProvisioningEnvelopeNonceFieldEvent | ProvisioningEnvelopeCiphertextFieldEvent | ProvisioningEnvelopeEphemeralKeyFieldEvent> {
    return streamMessage(buf, ProvisioningEnvelope.codec(), opts)
  }
}

export interface ProvisioningRequest {
  version: number
  deviceKey: Uint8Array<ArrayBuffer>
  replyIdentityKey: Uint8Array<ArrayBuffer>
  ephemeralKey: Uint8Array<ArrayBuffer>
  createdAt: number
}

export namespace ProvisioningRequest {
  let _codec: Codec<ProvisioningRequest>

  export const codec = (): Codec<ProvisioningRequest> => {
    if (_codec == null) {
      _codec = message<ProvisioningRequest>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.deviceKey != null && obj.deviceKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.deviceKey)
        }

        if ((obj.replyIdentityKey != null && obj.replyIdentityKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.replyIdentityKey)
        }

        if ((obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.ephemeralKey)
        }

        if ((obj.createdAt != null && obj.createdAt !== 0)) {
          w.uint32(40)
          w.uint64Number(obj.createdAt)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          deviceKey: uint8ArrayAlloc(0),
          replyIdentityKey: uint8ArrayAlloc(0),
          ephemeralKey: uint8ArrayAlloc(0),
          createdAt: 0
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
              obj.deviceKey = reader.bytes()
              break
            }
            case 3: {
              obj.replyIdentityKey = reader.bytes()
              break
            }
            case 4: {
              obj.ephemeralKey = reader.bytes()
              break
            }
            case 5: {
              obj.createdAt = reader.uint64Number()
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
                field: `${prefix}.deviceKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.replyIdentityKey`,
                value: reader.bytes()
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
                field: `${prefix}.createdAt`,
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

  export interface ProvisioningRequestVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ProvisioningRequestDeviceKeyFieldEvent {
    field: '$.deviceKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningRequestReplyIdentityKeyFieldEvent {
    field: '$.replyIdentityKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningRequestEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningRequestCreatedAtFieldEvent {
    field: '$.createdAt'
    value: number
  }

  export function encode (obj: Partial<ProvisioningRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProvisioningRequest.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisioningRequest>): ProvisioningRequest {
    return decodeMessage(buf, ProvisioningRequest.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisioningRequest>): Generator<ProvisioningRequestVersionFieldEvent | ProvisioningRequestDeviceKeyFieldEvent | ProvisioningRequestReplyIdentityKeyFieldEvent | ProvisioningRequestEphemeralKeyFieldEvent | ProvisioningRequestCreatedAtFieldEvent> {
    return streamMessage(buf, ProvisioningRequest.codec(), opts)
  }
}

export interface ProvisionedContact {
  alias: string
  userId: string
}

export namespace ProvisionedContact {
  let _codec: Codec<ProvisionedContact>

  export const codec = (): Codec<ProvisionedContact> => {
    if (_codec == null) {
      _codec = message<ProvisionedContact>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.alias != null && obj.alias !== '')) {
          w.uint32(10)
          w.string(obj.alias)
        }

        if ((obj.userId != null && obj.userId !== '')) {
          w.uint32(18)
          w.string(obj.userId)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          alias: '',
          userId: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.alias = reader.string()
              break
            }
            case 2: {
              obj.userId = reader.string()
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
                field: `${prefix}.alias`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.userId`,
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

  export interface ProvisionedContactAliasFieldEvent {
    field: '$.alias'
    value: string
  }

  export interface ProvisionedContactUserIdFieldEvent {
    field: '$.userId'
    value: string
  }

  export function encode (obj: Partial<ProvisionedContact>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProvisionedContact.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisionedContact>): ProvisionedContact {
    return decodeMessage(buf, ProvisionedContact.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisionedContact>): Generator<ProvisionedContactAliasFieldEvent | ProvisionedContactUserIdFieldEvent> {
    return streamMessage(buf, ProvisionedContact.codec(), opts)
  }
}

export interface ProvisioningResponse {
  version: number
  identitySeed: Uint8Array<ArrayBuffer>
  deviceId: number
  deviceList: Uint8Array<ArrayBuffer>
  contacts: ProvisionedContact[]
  name: string
  profileKey: Uint8Array<ArrayBuffer>
  groups: ProvisionedGroup[]
}

export namespace ProvisioningResponse {
  let _codec: Codec<ProvisioningResponse>

  export const codec = (): Codec<ProvisioningResponse> => {
    if (_codec == null) {
      _codec = message<ProvisioningResponse>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.identitySeed != null && obj.identitySeed.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.identitySeed)
        }

        if ((obj.deviceId != null && obj.deviceId !== 0)) {
          w.uint32(24)
          w.uint32(obj.deviceId)
        }

        if ((obj.deviceList != null && obj.deviceList.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.deviceList)
        }

        if (obj.contacts != null && obj.contacts.length > 0) {
          for (const value of obj.contacts) {
            w.uint32(42)
            ProvisionedContact.codec().encode(value, w)
          }
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(50)
          w.string(obj.name)
        }

        if ((obj.profileKey != null && obj.profileKey.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.profileKey)
        }

        if (obj.groups != null && obj.groups.length > 0) {
          for (const value of obj.groups) {
            w.uint32(66)
            ProvisionedGroup.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          identitySeed: uint8ArrayAlloc(0),
          deviceId: 0,
          deviceList: uint8ArrayAlloc(0),
          contacts: [],
          name: '',
          profileKey: uint8ArrayAlloc(0),
          groups: []
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
              obj.identitySeed = reader.bytes()
              break
            }
            case 3: {
              obj.deviceId = reader.uint32()
              break
            }
            case 4: {
              obj.deviceList = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.contacts != null && obj.contacts.length === opts.limits.contacts) {
                throw new MaxLengthError('Decode error - repeated field "contacts" had too many elements')
              }

              if (obj.contacts.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "contacts" had too many elements')
              }

              obj.contacts.push(ProvisionedContact.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.contacts$
              }))
              break
            }
            case 6: {
              obj.name = reader.string()
              break
            }
            case 7: {
              obj.profileKey = reader.bytes()
              break
            }
            case 8: {
              if (opts.limits?.groups != null && obj.groups.length === opts.limits.groups) {
                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements')
              }

              if (obj.groups.length === 1024) {
                throw new MaxLengthError('Decode error - repeated field "groups" had too many elements')
              }

              obj.groups.push(ProvisionedGroup.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.groups$
              }))
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
          contacts: 1024,
          groups: 1024
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
                field: `${prefix}.identitySeed`,
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
                field: `${prefix}.deviceList`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.contacts != null && obj.contacts === opts.limits.contacts) {
                throw new MaxLengthError('Streaming decode error - repeated field "contacts" had too many elements')
              }

              if (obj.contacts === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "contacts" had too many elements')
              }

              for (const evt of ProvisionedContact.codec().stream(reader, reader.uint32(), `${prefix}.contacts[]`, {
                limits: opts.limits?.contacts$
              })) {
                yield {
                  ...evt,
                  index: obj.contacts
                }
              }

              obj.contacts++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.profileKey`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              if (opts.limits?.groups != null && obj.groups === opts.limits.groups) {
                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements')
              }

              if (obj.groups === 1024) {
                throw new MaxLengthError('Streaming decode error - repeated field "groups" had too many elements')
              }

              for (const evt of ProvisionedGroup.codec().stream(reader, reader.uint32(), `${prefix}.groups[]`, {
                limits: opts.limits?.groups$
              })) {
                yield {
                  ...evt,
                  index: obj.groups
                }
              }

              obj.groups++

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

  export interface ProvisioningResponseVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface ProvisioningResponseIdentitySeedFieldEvent {
    field: '$.identitySeed'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningResponseDeviceIdFieldEvent {
    field: '$.deviceId'
    value: number
  }

  export interface ProvisioningResponseDeviceListFieldEvent {
    field: '$.deviceList'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningResponseContactsAliasFieldEvent {
    field: '$.contacts[].alias'
    value: string
    index: number
  }

  export interface ProvisioningResponseContactsUserIdFieldEvent {
    field: '$.contacts[].userId'
    value: string
    index: number
  }

  export interface ProvisioningResponseNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ProvisioningResponseProfileKeyFieldEvent {
    field: '$.profileKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisioningResponseGroupsGroupIdFieldEvent {
    field: '$.groups[].groupId'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface ProvisioningResponseGroupsNameFieldEvent {
    field: '$.groups[].name'
    value: string
    index: number
  }

  export interface ProvisioningResponseGroupsMembersFieldEvent {
    field: '$.groups[].members[]'
    index: number
    value: string
  }

  export interface ProvisioningResponseGroupsEpochFieldEvent {
    field: '$.groups[].epoch'
    value: number
    index: number
  }

  export interface ProvisioningResponseGroupsActorFieldEvent {
    field: '$.groups[].actor'
    value: string
    index: number
  }

  export interface ProvisioningResponseGroupsSenderKeyFieldEvent {
    field: '$.groups[].senderKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<ProvisioningResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProvisioningResponse.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisioningResponse>): ProvisioningResponse {
    return decodeMessage(buf, ProvisioningResponse.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisioningResponse>): Generator<ProvisioningResponseVersionFieldEvent | ProvisioningResponseIdentitySeedFieldEvent | ProvisioningResponseDeviceIdFieldEvent | ProvisioningResponseDeviceListFieldEvent | ProvisioningResponseContactsAliasFieldEvent | ProvisioningResponseContactsUserIdFieldEvent | ProvisioningResponseNameFieldEvent | ProvisioningResponseProfileKeyFieldEvent | ProvisioningResponseGroupsGroupIdFieldEvent | ProvisioningResponseGroupsNameFieldEvent | ProvisioningResponseGroupsMembersFieldEvent | ProvisioningResponseGroupsEpochFieldEvent | ProvisioningResponseGroupsActorFieldEvent | ProvisioningResponseGroupsSenderKeyFieldEvent> {
    return streamMessage(buf, ProvisioningResponse.codec(), opts)
  }
}

export interface ProvisionedGroup {
  groupId: Uint8Array<ArrayBuffer>
  name: string
  members: string[]
  epoch: number
  actor: string
  senderKey: Uint8Array<ArrayBuffer>
}

export namespace ProvisionedGroup {
  let _codec: Codec<ProvisionedGroup>

  export const codec = (): Codec<ProvisionedGroup> => {
    if (_codec == null) {
      _codec = message<ProvisionedGroup>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.groupId)
        }

        if ((obj.name != null && obj.name !== '')) {
          w.uint32(18)
          w.string(obj.name)
        }

        if (obj.members != null && obj.members.length > 0) {
          for (const value of obj.members) {
            w.uint32(26)
            w.string(value)
          }
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(32)
          w.uint32(obj.epoch)
        }

        if ((obj.actor != null && obj.actor !== '')) {
          w.uint32(42)
          w.string(obj.actor)
        }

        if ((obj.senderKey != null && obj.senderKey.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.senderKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          groupId: uint8ArrayAlloc(0),
          name: '',
          members: [],
          epoch: 0,
          actor: '',
          senderKey: uint8ArrayAlloc(0)
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
              obj.name = reader.string()
              break
            }
            case 3: {
              if (opts.limits?.members != null && obj.members.length === opts.limits.members) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              if (obj.members.length === 256) {
                throw new MaxLengthError('Decode error - repeated field "members" had too many elements')
              }

              obj.members.push(reader.string())
              break
            }
            case 4: {
              obj.epoch = reader.uint32()
              break
            }
            case 5: {
              obj.actor = reader.string()
              break
            }
            case 6: {
              obj.senderKey = reader.bytes()
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
                field: `${prefix}.name`,
                value: reader.string()
              }
              break
            }
            case 3: {
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
            case 4: {
              yield {
                field: `${prefix}.epoch`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.actor`,
                value: reader.string()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.senderKey`,
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

  export interface ProvisionedGroupGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProvisionedGroupNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ProvisionedGroupMembersFieldEvent {
    field: '$.members[]'
    index: number
    value: string
  }

  export interface ProvisionedGroupEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface ProvisionedGroupActorFieldEvent {
    field: '$.actor'
    value: string
  }

  export interface ProvisionedGroupSenderKeyFieldEvent {
    field: '$.senderKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<ProvisionedGroup>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ProvisionedGroup.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisionedGroup>): ProvisionedGroup {
    return decodeMessage(buf, ProvisionedGroup.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProvisionedGroup>): Generator<ProvisionedGroupGroupIdFieldEvent | ProvisionedGroupNameFieldEvent | ProvisionedGroupMembersFieldEvent | ProvisionedGroupEpochFieldEvent | ProvisionedGroupActorFieldEvent | ProvisionedGroupSenderKeyFieldEvent> {
    return streamMessage(buf, ProvisionedGroup.codec(), opts)
  }
}
