import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SenderKeyOwnState {
  version: number
  groupId: Uint8Array<ArrayBuffer>
  chainId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingPublic: Uint8Array<ArrayBuffer>
  signingPrivate: Uint8Array<ArrayBuffer>
}

export namespace SenderKeyOwnState {
  let _codec: Codec<SenderKeyOwnState>

  export const codec = (): Codec<SenderKeyOwnState> => {
    if (_codec == null) {
      _codec = message<SenderKeyOwnState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.groupId)
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(24)
          w.uint32(obj.chainId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(32)
          w.uint32(obj.iteration)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.chainKey)
        }

        if ((obj.signingPublic != null && obj.signingPublic.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signingPublic)
        }

        if ((obj.signingPrivate != null && obj.signingPrivate.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signingPrivate)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          groupId: uint8ArrayAlloc(0),
          chainId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingPublic: uint8ArrayAlloc(0),
          signingPrivate: uint8ArrayAlloc(0)
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
              obj.groupId = reader.bytes()
              break
            }
            case 3: {
              obj.chainId = reader.uint32()
              break
            }
            case 4: {
              obj.iteration = reader.uint32()
              break
            }
            case 5: {
              obj.chainKey = reader.bytes()
              break
            }
            case 6: {
              obj.signingPublic = reader.bytes()
              break
            }
            case 7: {
              obj.signingPrivate = reader.bytes()
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
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chainId`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.signingPublic`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.signingPrivate`,
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

  export interface SenderKeyOwnStateVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SenderKeyOwnStateGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyOwnStateChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface SenderKeyOwnStateIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyOwnStateChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyOwnStateSigningPublicFieldEvent {
    field: '$.signingPublic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyOwnStateSigningPrivateFieldEvent {
    field: '$.signingPrivate'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeyOwnState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyOwnState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyOwnState>): SenderKeyOwnState {
    return decodeMessage(buf, SenderKeyOwnState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyOwnState>): Generator<SenderKeyOwnStateVersionFieldEvent | SenderKeyOwnStateGroupIdFieldEvent | SenderKeyOwnStateChainIdFieldEvent | SenderKeyOwnStateIterationFieldEvent | SenderKeyOwnStateChainKeyFieldEvent | SenderKeyOwnStateSigningPublicFieldEvent | SenderKeyOwnStateSigningPrivateFieldEvent> {
    return streamMessage(buf, SenderKeyOwnState.codec(), opts)
  }
}

export interface SenderKeySkippedKey {
  iteration: number
  seed: Uint8Array<ArrayBuffer>
}

export namespace SenderKeySkippedKey {
  let _codec: Codec<SenderKeySkippedKey>

  export const codec = (): Codec<SenderKeySkippedKey> => {
    if (_codec == null) {
      _codec = message<SenderKeySkippedKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(8)
          w.uint32(obj.iteration)
        }

        if ((obj.seed != null && obj.seed.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.seed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          iteration: 0,
          seed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.iteration = reader.uint32()
              break
            }
            case 2: {
              obj.seed = reader.bytes()
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
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seed`,
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

  export interface SenderKeySkippedKeyIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeySkippedKeySeedFieldEvent {
    field: '$.seed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeySkippedKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeySkippedKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeySkippedKey>): SenderKeySkippedKey {
    return decodeMessage(buf, SenderKeySkippedKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeySkippedKey>): Generator<SenderKeySkippedKeyIterationFieldEvent | SenderKeySkippedKeySeedFieldEvent> {
    return streamMessage(buf, SenderKeySkippedKey.codec(), opts)
  }
}

export interface SenderKeyChain {
  chainId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingKey: Uint8Array<ArrayBuffer>
  skipped: SenderKeySkippedKey[]
}

export namespace SenderKeyChain {
  let _codec: Codec<SenderKeyChain>

  export const codec = (): Codec<SenderKeyChain> => {
    if (_codec == null) {
      _codec = message<SenderKeyChain>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.chainId != null && obj.chainId !== 0)) {
          w.uint32(8)
          w.uint32(obj.chainId)
        }

        if ((obj.iteration != null && obj.iteration !== 0)) {
          w.uint32(16)
          w.uint32(obj.iteration)
        }

        if ((obj.chainKey != null && obj.chainKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.chainKey)
        }

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.signingKey)
        }

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(42)
            SenderKeySkippedKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          chainId: 0,
          iteration: 0,
          chainKey: uint8ArrayAlloc(0),
          signingKey: uint8ArrayAlloc(0),
          skipped: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.chainId = reader.uint32()
              break
            }
            case 2: {
              obj.iteration = reader.uint32()
              break
            }
            case 3: {
              obj.chainKey = reader.bytes()
              break
            }
            case 4: {
              obj.signingKey = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              if (obj.skipped.length === 2000) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SenderKeySkippedKey.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.skipped$
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
          skipped: 2000
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.chainId`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.iteration`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.signingKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              if (obj.skipped === 2000) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SenderKeySkippedKey.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
                limits: opts.limits?.skipped$
              })) {
                yield {
                  ...evt,
                  index: obj.skipped
                }
              }

              obj.skipped++

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

  export interface SenderKeyChainChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface SenderKeyChainIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyChainChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyChainSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyChainSkippedIterationFieldEvent {
    field: '$.skipped[].iteration'
    value: number
    index: number
  }

  export interface SenderKeyChainSkippedSeedFieldEvent {
    field: '$.skipped[].seed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<SenderKeyChain>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyChain.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyChain>): SenderKeyChain {
    return decodeMessage(buf, SenderKeyChain.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyChain>): Generator<SenderKeyChainChainIdFieldEvent | SenderKeyChainIterationFieldEvent | SenderKeyChainChainKeyFieldEvent | SenderKeyChainSigningKeyFieldEvent | SenderKeyChainSkippedIterationFieldEvent | SenderKeyChainSkippedSeedFieldEvent> {
    return streamMessage(buf, SenderKeyChain.codec(), opts)
  }
}

export interface SenderKeyReceiverRecord {
  version: number
  groupId: Uint8Array<ArrayBuffer>
  chains: SenderKeyChain[]
  chainCount: number
}

export namespace SenderKeyReceiverRecord {
  let _codec: Codec<SenderKeyReceiverRecord>

  export const codec = (): Codec<SenderKeyReceiverRecord> => {
    if (_codec == null) {
      _codec = message<SenderKeyReceiverRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.groupId != null && obj.groupId.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.groupId)
        }

        if (obj.chains != null && obj.chains.length > 0) {
          for (const value of obj.chains) {
            w.uint32(26)
            SenderKeyChain.codec().encode(value, w)
          }
        }

        if ((obj.chainCount != null && obj.chainCount !== 0)) {
          w.uint32(32)
          w.uint32(obj.chainCount)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          version: 0,
          groupId: uint8ArrayAlloc(0),
          chains: [],
          chainCount: 0
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
              obj.groupId = reader.bytes()
              break
            }
            case 3: {
              if (opts.limits?.chains != null && obj.chains.length === opts.limits.chains) {
                throw new MaxLengthError('Decode error - repeated field "chains" had too many elements')
              }

              if (obj.chains.length === 5) {
                throw new MaxLengthError('Decode error - repeated field "chains" had too many elements')
              }

              obj.chains.push(SenderKeyChain.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chains$
              }))
              break
            }
            case 4: {
              obj.chainCount = reader.uint32()
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
          chains: 5
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
                field: `${prefix}.groupId`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              if (opts.limits?.chains != null && obj.chains === opts.limits.chains) {
                throw new MaxLengthError('Streaming decode error - repeated field "chains" had too many elements')
              }

              if (obj.chains === 5) {
                throw new MaxLengthError('Streaming decode error - repeated field "chains" had too many elements')
              }

              for (const evt of SenderKeyChain.codec().stream(reader, reader.uint32(), `${prefix}.chains[]`, {
                limits: opts.limits?.chains$
              })) {
                yield {
                  ...evt,
                  index: obj.chains
                }
              }

              obj.chains++

              break
            }
            case 4: {
              yield {
                field: `${prefix}.chainCount`,
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

  export interface SenderKeyReceiverRecordVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SenderKeyReceiverRecordGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyReceiverRecordChainsChainIdFieldEvent {
    field: '$.chains[].chainId'
    value: number
    index: number
  }

  export interface SenderKeyReceiverRecordChainsIterationFieldEvent {
    field: '$.chains[].iteration'
    value: number
    index: number
  }

  export interface SenderKeyReceiverRecordChainsChainKeyFieldEvent {
    field: '$.chains[].chainKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SenderKeyReceiverRecordChainsSigningKeyFieldEvent {
    field: '$.chains[].signingKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SenderKeyReceiverRecordChainsSkippedIterationFieldEvent {
    field: '$.chains[].skipped[].iteration'
    value: number
    index: number
  }

  export interface SenderKeyReceiverRecordChainsSkippedSeedFieldEvent {
    field: '$.chains[].skipped[].seed'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SenderKeyReceiverRecordChainCountFieldEvent {
    field: '$.chainCount'
    value: number
  }

  export function encode (obj: Partial<SenderKeyReceiverRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyReceiverRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyReceiverRecord>): SenderKeyReceiverRecord {
    return decodeMessage(buf, SenderKeyReceiverRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyReceiverRecord>): Generator<SenderKeyReceiverRecordVersionFieldEvent | SenderKeyReceiverRecordGroupIdFieldEvent | SenderKeyReceiverRecordChainsChainIdFieldEvent | SenderKeyReceiverRecordChainsIterationFieldEvent | SenderKeyReceiverRecordChainsChainKeyFieldEvent | SenderKeyReceiverRecordChainsSigningKeyFieldEvent | SenderKeyReceiverRecordChainsSkippedIterationFieldEvent | SenderKeyReceiverRecordChainsSkippedSeedFieldEvent | SenderKeyReceiverRecordChainCountFieldEvent> {
    return streamMessage(buf, SenderKeyReceiverRecord.codec(), opts)
  }
}
