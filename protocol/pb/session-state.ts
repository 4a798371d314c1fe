import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface ReceiverChain {
  ratchetKey: Uint8Array<ArrayBuffer>
  chainKey?: Uint8Array<ArrayBuffer>
  nextCounter: number
  skipped: SkippedMessageKey[]
}

export namespace ReceiverChain {
  let _codec: Codec<ReceiverChain>

  export const codec = (): Codec<ReceiverChain> => {
    if (_codec == null) {
      _codec = message<ReceiverChain>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ratchetKey != null && obj.ratchetKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.ratchetKey)
        }

        if (obj.chainKey != null) {
          w.uint32(18)
          w.bytes(obj.chainKey)
        }

        if ((obj.nextCounter != null && obj.nextCounter !== 0)) {
          w.uint32(24)
          w.uint32(obj.nextCounter)
        }

        if (obj.skipped != null && obj.skipped.length > 0) {
          for (const value of obj.skipped) {
            w.uint32(34)
            SkippedMessageKey.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ratchetKey: uint8ArrayAlloc(0),
          nextCounter: 0,
          skipped: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ratchetKey = reader.bytes()
              break
            }
            case 2: {
              obj.chainKey = reader.bytes()
              break
            }
            case 3: {
              obj.nextCounter = reader.uint32()
              break
            }
            case 4: {
              if (opts.limits?.skipped != null && obj.skipped.length === opts.limits.skipped) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              if (obj.skipped.length === 2000) {
                throw new MaxLengthError('Decode error - repeated field "skipped" had too many elements')
              }

              obj.skipped.push(SkippedMessageKey.codec().decode(reader, reader.uint32(), {
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
                field: `${prefix}.ratchetKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.chainKey`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.nextCounter`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              if (opts.limits?.skipped != null && obj.skipped === opts.limits.skipped) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              if (obj.skipped === 2000) {
                throw new MaxLengthError('Streaming decode error - repeated field "skipped" had too many elements')
              }

              for (const evt of SkippedMessageKey.codec().stream(reader, reader.uint32(), `${prefix}.skipped[]`, {
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

  export interface ReceiverChainRatchetKeyFieldEvent {
    field: '$.ratchetKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiverChainChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ReceiverChainNextCounterFieldEvent {
    field: '$.nextCounter'
    value: number
  }

  export interface ReceiverChainSkippedCounterFieldEvent {
    field: '$.skipped[].counter'
    value: number
    index: number
  }

  export interface ReceiverChainSkippedMessageKeyFieldEvent {
    field: '$.skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode (obj: Partial<ReceiverChain>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ReceiverChain.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiverChain>): ReceiverChain {
    return decodeMessage(buf, ReceiverChain.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ReceiverChain>): Generator<ReceiverChainRatchetKeyFieldEvent | ReceiverChainChainKeyFieldEvent | ReceiverChainNextCounterFieldEvent | ReceiverChainSkippedCounterFieldEvent | ReceiverChainSkippedMessageKeyFieldEvent> {
    return streamMessage(buf, ReceiverChain.codec(), opts)
  }
}

export interface SkippedMessageKey {
  counter: number
  messageKey: Uint8Array<ArrayBuffer>
}

export namespace SkippedMessageKey {
  let _codec: Codec<SkippedMessageKey>

  export const codec = (): Codec<SkippedMessageKey> => {
    if (_codec == null) {
      _codec = message<SkippedMessageKey>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.counter != null && obj.counter !== 0)) {
          w.uint32(8)
          w.uint32(obj.counter)
        }

        if ((obj.messageKey != null && obj.messageKey.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.messageKey)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          counter: 0,
          messageKey: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.counter = reader.uint32()
              break
            }
            case 2: {
              obj.messageKey = reader.bytes()
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
                field: `${prefix}.counter`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.messageKey`,
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

  export interface SkippedMessageKeyCounterFieldEvent {
    field: '$.counter'
    value: number
  }

  export interface SkippedMessageKeyMessageKeyFieldEvent {
    field: '$.messageKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SkippedMessageKey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SkippedMessageKey.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedMessageKey>): SkippedMessageKey {
    return decodeMessage(buf, SkippedMessageKey.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SkippedMessageKey>): Generator<SkippedMessageKeyCounterFieldEvent | SkippedMessageKeyMessageKeyFieldEvent> {
    return streamMessage(buf, SkippedMessageKey.codec(), opts)
  }
}

export interface SessionState {
  version: number
  associatedData: Uint8Array<ArrayBuffer>
  rootKey: Uint8Array<ArrayBuffer>
  sendingPrivateKey: Uint8Array<ArrayBuffer>
  sendingPublicKey: Uint8Array<ArrayBuffer>
  sendingChainKey?: Uint8Array<ArrayBuffer>
  sendCounter: number
  previousCounter: number
  receiverChains: ReceiverChain[]
  pqRatchetState?: Uint8Array<ArrayBuffer>
  digest: Uint8Array<ArrayBuffer>
}

export namespace SessionState {
  let _codec: Codec<SessionState>

  export const codec = (): Codec<SessionState> => {
    if (_codec == null) {
      _codec = message<SessionState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if ((obj.associatedData != null && obj.associatedData.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.associatedData)
        }

        if ((obj.rootKey != null && obj.rootKey.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.rootKey)
        }

        if ((obj.sendingPrivateKey != null && obj.sendingPrivateKey.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.sendingPrivateKey)
        }

        if ((obj.sendingPublicKey != null && obj.sendingPublicKey.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.sendingPublicKey)
        }

        if (obj.sendingChainKey != null) {
          w.uint32(50)
          w.bytes(obj.sendingChainKey)
        }

        if ((obj.sendCounter != null && obj.sendCounter !== 0)) {
          w.uint32(56)
          w.uint32(obj.sendCounter)
        }

        if ((obj.previousCounter != null && obj.previousCounter !== 0)) {
          w.uint32(64)
          w.uint32(obj.previousCounter)
        }

        if (obj.receiverChains != null && obj.receiverChains.length > 0) {
          for (const value of obj.receiverChains) {
            w.uint32(74)
            ReceiverChain.codec().encode(value, w)
          }
        }

        if (obj.pqRatchetState != null) {
          w.uint32(82)
          w.bytes(obj.pqRatchetState)
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
          associatedData: uint8ArrayAlloc(0),
          rootKey: uint8ArrayAlloc(0),
          sendingPrivateKey: uint8ArrayAlloc(0),
          sendingPublicKey: uint8ArrayAlloc(0),
          sendCounter: 0,
          previousCounter: 0,
          receiverChains: [],
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
              obj.associatedData = reader.bytes()
              break
            }
            case 3: {
              obj.rootKey = reader.bytes()
              break
            }
            case 4: {
              obj.sendingPrivateKey = reader.bytes()
              break
            }
            case 5: {
              obj.sendingPublicKey = reader.bytes()
              break
            }
            case 6: {
              obj.sendingChainKey = reader.bytes()
              break
            }
            case 7: {
              obj.sendCounter = reader.uint32()
              break
            }
            case 8: {
              obj.previousCounter = reader.uint32()
              break
            }
            case 9: {
              if (opts.limits?.receiverChains != null && obj.receiverChains.length === opts.limits.receiverChains) {
                throw new MaxLengthError('Decode error - repeated field "receiverChains" had too many elements')
              }

              if (obj.receiverChains.length === 5) {
                throw new MaxLengthError('Decode error - repeated field "receiverChains" had too many elements')
              }

              obj.receiverChains.push(ReceiverChain.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.receiverChains$
              }))
              break
            }
            case 10: {
              obj.pqRatchetState = reader.bytes()
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
        const obj = {
          receiverChains: 5
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
                field: `${prefix}.associatedData`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.rootKey`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.sendingPrivateKey`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.sendingPublicKey`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.sendingChainKey`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.sendCounter`,
                value: reader.uint32()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.previousCounter`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              if (opts.limits?.receiverChains != null && obj.receiverChains === opts.limits.receiverChains) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiverChains" had too many elements')
              }

              if (obj.receiverChains === 5) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiverChains" had too many elements')
              }

              for (const evt of ReceiverChain.codec().stream(reader, reader.uint32(), `${prefix}.receiverChains[]`, {
                limits: opts.limits?.receiverChains$
              })) {
                yield {
                  ...evt,
                  index: obj.receiverChains
                }
              }

              obj.receiverChains++

              break
            }
            case 10: {
              yield {
                field: `${prefix}.pqRatchetState`,
                value: reader.bytes()
              }
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

  export interface SessionStateVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SessionStateAssociatedDataFieldEvent {
    field: '$.associatedData'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionStateRootKeyFieldEvent {
    field: '$.rootKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionStateSendingPrivateKeyFieldEvent {
    field: '$.sendingPrivateKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionStateSendingPublicKeyFieldEvent {
    field: '$.sendingPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionStateSendingChainKeyFieldEvent {
    field: '$.sendingChainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionStateSendCounterFieldEvent {
    field: '$.sendCounter'
    value: number
  }

  export interface SessionStatePreviousCounterFieldEvent {
    field: '$.previousCounter'
    value: number
  }

  export interface SessionStateReceiverChainsRatchetKeyFieldEvent {
    field: '$.receiverChains[].ratchetKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionStateReceiverChainsChainKeyFieldEvent {
    field: '$.receiverChains[].chainKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionStateReceiverChainsNextCounterFieldEvent {
    field: '$.receiverChains[].nextCounter'
    value: number
    index: number
  }

  export interface SessionStateReceiverChainsSkippedCounterFieldEvent {
    field: '$.receiverChains[].skipped[].counter'
    value: number
    index: number
  }

  export interface SessionStateReceiverChainsSkippedMessageKeyFieldEvent {
    field: '$.receiverChains[].skipped[].messageKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SessionStatePqRatchetStateFieldEvent {
    field: '$.pqRatchetState'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionStateDigestFieldEvent {
    field: '$.digest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SessionState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionState>): SessionState {
    return decodeMessage(buf, SessionState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SessionState>): Generator<SessionStateVersionFieldEvent | SessionStateAssociatedDataFieldEvent | SessionStateRootKeyFieldEvent | SessionStateSendingPrivateKeyFieldEvent | SessionStateSendingPublicKeyFieldEvent | SessionStateSendingChainKeyFieldEvent | SessionStateSendCounterFieldEvent | SessionStatePreviousCounterFieldEvent | SessionStateReceiverChainsRatchetKeyFieldEvent | SessionStateReceiverChainsChainKeyFieldEvent | SessionStateReceiverChainsNextCounterFieldEvent | SessionStateReceiverChainsSkippedCounterFieldEvent | SessionStateReceiverChainsSkippedMessageKeyFieldEvent | SessionStatePqRatchetStateFieldEvent | SessionStateDigestFieldEvent> {
    return streamMessage(buf, SessionState.codec(), opts)
  }
}
