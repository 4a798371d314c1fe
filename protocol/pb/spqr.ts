import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SpqrMessageV1 {
  epoch: number
  index: number
  type: number
  chunkIndex: number
  chunk: Uint8Array<ArrayBuffer>
}

export namespace SpqrMessageV1 {
  let _codec: Codec<SpqrMessageV1>

  export const codec = (): Codec<SpqrMessageV1> => {
    if (_codec == null) {
      _codec = message<SpqrMessageV1>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(8)
          w.uint64Number(obj.epoch)
        }

        if ((obj.index != null && obj.index !== 0)) {
          w.uint32(16)
          w.uint32(obj.index)
        }

        if ((obj.type != null && obj.type !== 0)) {
          w.uint32(24)
          w.uint32(obj.type)
        }

        if ((obj.chunkIndex != null && obj.chunkIndex !== 0)) {
          w.uint32(32)
          w.uint32(obj.chunkIndex)
        }

        if ((obj.chunk != null && obj.chunk.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.chunk)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          epoch: 0,
          index: 0,
          type: 0,
          chunkIndex: 0,
          chunk: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 2: {
              obj.index = reader.uint32()
              break
            }
            case 3: {
              obj.type = reader.uint32()
              break
            }
            case 4: {
              obj.chunkIndex = reader.uint32()
              break
            }
            case 5: {
              obj.chunk = reader.bytes()
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
                field: `${prefix}.epoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.index`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.type`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.chunkIndex`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.chunk`,
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

  export interface SpqrMessageV1EpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface SpqrMessageV1IndexFieldEvent {
    field: '$.index'
    value: number
  }

  export interface SpqrMessageV1TypeFieldEvent {
    field: '$.type'
    value: number
  }

  export interface SpqrMessageV1ChunkIndexFieldEvent {
    field: '$.chunkIndex'
    value: number
  }

  export interface SpqrMessageV1ChunkFieldEvent {
    field: '$.chunk'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SpqrMessageV1>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SpqrMessageV1.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrMessageV1>): SpqrMessageV1 {
    return decodeMessage(buf, SpqrMessageV1.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrMessageV1>): Generator<SpqrMessageV1EpochFieldEvent | SpqrMessageV1IndexFieldEvent | SpqrMessageV1TypeFieldEvent | SpqrMessageV1ChunkIndexFieldEvent | SpqrMessageV1ChunkFieldEvent> {
    return streamMessage(buf, SpqrMessageV1.codec(), opts)
  }
}

export interface SpqrChainDirection {
  ctr: number
  next: Uint8Array<ArrayBuffer>
  prev: Uint8Array<ArrayBuffer>
}

export namespace SpqrChainDirection {
  let _codec: Codec<SpqrChainDirection>

  export const codec = (): Codec<SpqrChainDirection> => {
    if (_codec == null) {
      _codec = message<SpqrChainDirection>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.ctr != null && obj.ctr !== 0)) {
          w.uint32(8)
          w.uint32(obj.ctr)
        }

        if ((obj.next != null && obj.next.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.next)
        }

        if ((obj.prev != null && obj.prev.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.prev)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ctr: 0,
          next: uint8ArrayAlloc(0),
          prev: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.ctr = reader.uint32()
              break
            }
            case 2: {
              obj.next = reader.bytes()
              break
            }
            case 3: {
              obj.prev = reader.bytes()
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
                field: `${prefix}.ctr`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.next`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.prev`,
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

  export interface SpqrChainDirectionCtrFieldEvent {
    field: '$.ctr'
    value: number
  }

  export interface SpqrChainDirectionNextFieldEvent {
    field: '$.next'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrChainDirectionPrevFieldEvent {
    field: '$.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SpqrChainDirection>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SpqrChainDirection.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrChainDirection>): SpqrChainDirection {
    return decodeMessage(buf, SpqrChainDirection.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrChainDirection>): Generator<SpqrChainDirectionCtrFieldEvent | SpqrChainDirectionNextFieldEvent | SpqrChainDirectionPrevFieldEvent> {
    return streamMessage(buf, SpqrChainDirection.codec(), opts)
  }
}

export interface SpqrChainEpoch {
  send?: SpqrChainDirection
  recv?: SpqrChainDirection
}

export namespace SpqrChainEpoch {
  let _codec: Codec<SpqrChainEpoch>

  export const codec = (): Codec<SpqrChainEpoch> => {
    if (_codec == null) {
      _codec = message<SpqrChainEpoch>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.send != null) {
          w.uint32(10)
          SpqrChainDirection.codec().encode(obj.send, w)
        }

        if (obj.recv != null) {
          w.uint32(18)
          SpqrChainDirection.codec().encode(obj.recv, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.send = SpqrChainDirection.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.send
              })
              break
            }
            case 2: {
              obj.recv = SpqrChainDirection.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.recv
              })
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
              yield * SpqrChainDirection.codec().stream(reader, reader.uint32(), `${prefix}.send`, {
                limits: opts.limits?.send
              })

              break
            }
            case 2: {
              yield * SpqrChainDirection.codec().stream(reader, reader.uint32(), `${prefix}.recv`, {
                limits: opts.limits?.recv
              })

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

  export interface SpqrChainEpochSendCtrFieldEvent {
    field: '$.send.ctr'
    value: number
  }

  export interface SpqrChainEpochSendNextFieldEvent {
    field: '$.send.next'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrChainEpochSendPrevFieldEvent {
    field: '$.send.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrChainEpochRecvCtrFieldEvent {
    field: '$.recv.ctr'
    value: number
  }

  export interface SpqrChainEpochRecvNextFieldEvent {
    field: '$.recv.next'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrChainEpochRecvPrevFieldEvent {
    field: '$.recv.prev'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SpqrChainEpoch>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SpqrChainEpoch.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrChainEpoch>): SpqrChainEpoch {
    return decodeMessage(buf, SpqrChainEpoch.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrChainEpoch>): Generator<SpqrChainEpochSendCtrFieldEvent | SpqrChainEpochSendNextFieldEvent | SpqrChainEpochSendPrevFieldEvent | SpqrChainEpochRecvCtrFieldEvent | SpqrChainEpochRecvNextFieldEvent | SpqrChainEpochRecvPrevFieldEvent> {
    return streamMessage(buf, SpqrChainEpoch.codec(), opts)
  }
}

export interface SpqrChain {
  direction: number
  currentEpoch: number
  sendEpoch: number
  nextRoot: Uint8Array<ArrayBuffer>
  links: SpqrChainEpoch[]
  maxJump: number
  maxOooKeys: number
}

export namespace SpqrChain {
  let _codec: Codec<SpqrChain>

  export const codec = (): Codec<SpqrChain> => {
    if (_codec == null) {
      _codec = message<SpqrChain>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.direction != null && obj.direction !== 0)) {
          w.uint32(8)
          w.uint32(obj.direction)
        }

        if ((obj.currentEpoch != null && obj.currentEpoch !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.currentEpoch)
        }

        if ((obj.sendEpoch != null && obj.sendEpoch !== 0)) {
          w.uint32(24)
          w.uint64Number(obj.sendEpoch)
        }

        if ((obj.nextRoot != null && obj.nextRoot.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.nextRoot)
        }

        if (obj.links != null && obj.links.length > 0) {
          for (const value of obj.links) {
            w.uint32(42)
            SpqrChainEpoch.codec().encode(value, w)
          }
        }

        if ((obj.maxJump != null && obj.maxJump !== 0)) {
          w.uint32(48)
          w.uint32(obj.maxJump)
        }

        if ((obj.maxOooKeys != null && obj.maxOooKeys !== 0)) {
          w.uint32(56)
          w.uint32(obj.maxOooKeys)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          direction: 0,
          currentEpoch: 0,
          sendEpoch: 0,
          nextRoot: uint8ArrayAlloc(0),
          links: [],
          maxJump: 0,
          maxOooKeys: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.direction = reader.uint32()
              break
            }
            case 2: {
              obj.currentEpoch = reader.uint64Number()
              break
            }
            case 3: {
              obj.sendEpoch = reader.uint64Number()
              break
            }
            case 4: {
              obj.nextRoot = reader.bytes()
              break
            }
            case 5: {
              if (opts.limits?.links != null && obj.links.length === opts.limits.links) {
                throw new MaxLengthError('Decode error - repeated field "links" had too many elements')
              }

              obj.links.push(SpqrChainEpoch.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.links$
              }))
              break
            }
            case 6: {
              obj.maxJump = reader.uint32()
              break
            }
            case 7: {
              obj.maxOooKeys = reader.uint32()
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
          links: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.direction`,
                value: reader.uint32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.currentEpoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.sendEpoch`,
                value: reader.uint64Number()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.nextRoot`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              if (opts.limits?.links != null && obj.links === opts.limits.links) {
                throw new MaxLengthError('Streaming decode error - repeated field "links" had too many elements')
              }

              for (const evt of SpqrChainEpoch.codec().stream(reader, reader.uint32(), `${prefix}.links[]`, {
                limits: opts.limits?.links$
              })) {
                yield {
                  ...evt,
                  index: obj.links
                }
              }

              obj.links++

              break
            }
            case 6: {
              yield {
                field: `${prefix}.maxJump`,
                value: reader.uint32()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.maxOooKeys`,
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

  export interface SpqrChainDirectionFieldEvent {
    field: '$.direction'
    value: number
  }

  export interface SpqrChainCurrentEpochFieldEvent {
    field: '$.currentEpoch'
    value: number
  }

  export interface SpqrChainSendEpochFieldEvent {
    field: '$.sendEpoch'
    value: number
  }

  export interface SpqrChainNextRootFieldEvent {
    field: '$.nextRoot'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrChainLinksSendCtrFieldEvent {
    field: '$.links[].send.ctr'
    value: number
    index: number
  }

  export interface SpqrChainLinksSendNextFieldEvent {
    field: '$.links[].send.next'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrChainLinksSendPrevFieldEvent {
    field: '$.links[].send.prev'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrChainLinksRecvCtrFieldEvent {
    field: '$.links[].recv.ctr'
    value: number
    index: number
  }

  export interface SpqrChainLinksRecvNextFieldEvent {
    field: '$.links[].recv.next'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrChainLinksRecvPrevFieldEvent {
    field: '$.links[].recv.prev'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrChainMaxJumpFieldEvent {
    field: '$.maxJump'
    value: number
  }

  export interface SpqrChainMaxOooKeysFieldEvent {
    field: '$.maxOooKeys'
    value: number
  }

  export function encode (obj: Partial<SpqrChain>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SpqrChain.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrChain>): SpqrChain {
    return decodeMessage(buf, SpqrChain.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrChain>): Generator<SpqrChainDirectionFieldEvent | SpqrChainCurrentEpochFieldEvent | SpqrChainSendEpochFieldEvent | SpqrChainNextRootFieldEvent | SpqrChainLinksSendCtrFieldEvent | SpqrChainLinksSendNextFieldEvent | SpqrChainLinksSendPrevFieldEvent | SpqrChainLinksRecvCtrFieldEvent | SpqrChainLinksRecvNextFieldEvent | SpqrChainLinksRecvPrevFieldEvent | SpqrChainMaxJumpFieldEvent | SpqrChainMaxOooKeysFieldEvent> {
    return streamMessage(buf, SpqrChain.codec(), opts)
  }
}

export interface SpqrNegotiation {
  authKey: Uint8Array<ArrayBuffer>
  direction: number
  minVersion: number
}

export namespace SpqrNegotiation {
  let _codec: Codec<SpqrNegotiation>

  export const codec = (): Codec<SpqrNegotiation> => {
    if (_codec == null) {
      _codec = message<SpqrNegotiation>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.authKey != null && obj.authKey.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.authKey)
        }

        if ((obj.direction != null && obj.direction !== 0)) {
          w.uint32(16)
          w.uint32(obj.direction)
        }

        if ((obj.minVersion != null && obj.minVersion !== 0)) {
          w.uint32(24)
          w.uint32(obj.minVersion)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          authKey: uint8ArrayAlloc(0),
          direction: 0,
          minVersion: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.authKey = reader.bytes()
              break
            }
            case 2: {
              obj.direction = reader.uint32()
              break
            }
            case 3: {
              obj.minVersion = reader.uint32()
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
                field: `${prefix}.authKey`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.direction`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.minVersion`,
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

  export interface SpqrNegotiationAuthKeyFieldEvent {
    field: '$.authKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrNegotiationDirectionFieldEvent {
    field: '$.direction'
    value: number
  }

  export interface SpqrNegotiationMinVersionFieldEvent {
    field: '$.minVersion'
    value: number
  }

  export function encode (obj: Partial<SpqrNegotiation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SpqrNegotiation.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrNegotiation>): SpqrNegotiation {
    return decodeMessage(buf, SpqrNegotiation.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrNegotiation>): Generator<SpqrNegotiationAuthKeyFieldEvent | SpqrNegotiationDirectionFieldEvent | SpqrNegotiationMinVersionFieldEvent> {
    return streamMessage(buf, SpqrNegotiation.codec(), opts)
  }
}

export interface SpqrBraid {
  state: number
  epoch: number
  authRoot: Uint8Array<ArrayBuffer>
  authMac: Uint8Array<ArrayBuffer>
  dk: Uint8Array<ArrayBuffer>
  ek: Uint8Array<ArrayBuffer>
  sending: Uint8Array<ArrayBuffer>
  nextChunk: number
  receivingLength: number
  receiving: Uint8Array<ArrayBuffer>[]
  dkSeed: Uint8Array<ArrayBuffer>
}

export namespace SpqrBraid {
  let _codec: Codec<SpqrBraid>

  export const codec = (): Codec<SpqrBraid> => {
    if (_codec == null) {
      _codec = message<SpqrBraid>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.state != null && obj.state !== 0)) {
          w.uint32(8)
          w.uint32(obj.state)
        }

        if ((obj.epoch != null && obj.epoch !== 0)) {
          w.uint32(16)
          w.uint64Number(obj.epoch)
        }

        if ((obj.authRoot != null && obj.authRoot.byteLength > 0)) {
          w.uint32(26)
          w.bytes(obj.authRoot)
        }

        if ((obj.authMac != null && obj.authMac.byteLength > 0)) {
          w.uint32(34)
          w.bytes(obj.authMac)
        }

        if ((obj.dk != null && obj.dk.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.dk)
        }

        if ((obj.ek != null && obj.ek.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.ek)
        }

        if ((obj.sending != null && obj.sending.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.sending)
        }

        if ((obj.nextChunk != null && obj.nextChunk !== 0)) {
          w.uint32(64)
          w.uint32(obj.nextChunk)
        }

        if ((obj.receivingLength != null && obj.receivingLength !== 0)) {
          w.uint32(72)
          w.uint32(obj.receivingLength)
        }

        if (obj.receiving != null && obj.receiving.length > 0) {
          for (const value of obj.receiving) {
            w.uint32(82)
            w.bytes(value)
          }
        }

        if ((obj.dkSeed != null && obj.dkSeed.byteLength > 0)) {
          w.uint32(90)
          w.bytes(obj.dkSeed)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          state: 0,
          epoch: 0,
          authRoot: uint8ArrayAlloc(0),
          authMac: uint8ArrayAlloc(0),
          dk: uint8ArrayAlloc(0),
          ek: uint8ArrayAlloc(0),
          sending: uint8ArrayAlloc(0),
          nextChunk: 0,
          receivingLength: 0,
          receiving: [],
          dkSeed: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.state = reader.uint32()
              break
            }
            case 2: {
              obj.epoch = reader.uint64Number()
              break
            }
            case 3: {
              obj.authRoot = reader.bytes()
              break
            }
            case 4: {
              obj.authMac = reader.bytes()
              break
            }
            case 5: {
              obj.dk = reader.bytes()
              break
            }
            case 6: {
              obj.ek = reader.bytes()
              break
            }
            case 7: {
              obj.sending = reader.bytes()
              break
            }
            case 8: {
              obj.nextChunk = reader.uint32()
              break
            }
            case 9: {
              obj.receivingLength = reader.uint32()
              break
            }
            case 10: {
              if (opts.limits?.receiving != null && obj.receiving.length === opts.limits.receiving) {
                throw new MaxLengthError('Decode error - repeated field "receiving" had too many elements')
              }

              obj.receiving.push(reader.bytes())
              break
            }
            case 11: {
              obj.dkSeed = reader.bytes()
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
          receiving: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.state`,
                value: reader.uint32()
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
                field: `${prefix}.authRoot`,
                value: reader.bytes()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.authMac`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.dk`,
                value: reader.bytes()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.ek`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.sending`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              yield {
                field: `${prefix}.nextChunk`,
                value: reader.uint32()
              }
              break
            }
            case 9: {
              yield {
                field: `${prefix}.receivingLength`,
                value: reader.uint32()
              }
              break
            }
            case 10: {
              if (opts.limits?.receiving != null && obj.receiving === opts.limits.receiving) {
                throw new MaxLengthError('Streaming decode error - repeated field "receiving" had too many elements')
              }

              yield {
                field: `${prefix}.receiving[]`,
                index: obj.receiving,
                value: reader.bytes()
              }

              obj.receiving++

              break
            }
            case 11: {
              yield {
                field: `${prefix}.dkSeed`,
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

  export interface SpqrBraidStateFieldEvent {
    field: '$.state'
    value: number
  }

  export interface SpqrBraidEpochFieldEvent {
    field: '$.epoch'
    value: number
  }

  export interface SpqrBraidAuthRootFieldEvent {
    field: '$.authRoot'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrBraidAuthMacFieldEvent {
    field: '$.authMac'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrBraidDkFieldEvent {
    field: '$.dk'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrBraidEkFieldEvent {
    field: '$.ek'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrBraidSendingFieldEvent {
    field: '$.sending'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrBraidNextChunkFieldEvent {
    field: '$.nextChunk'
    value: number
  }

  export interface SpqrBraidReceivingLengthFieldEvent {
    field: '$.receivingLength'
    value: number
  }

  export interface SpqrBraidReceivingFieldEvent {
    field: '$.receiving[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrBraidDkSeedFieldEvent {
    field: '$.dkSeed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SpqrBraid>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SpqrBraid.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrBraid>): SpqrBraid {
    return decodeMessage(buf, SpqrBraid.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrBraid>): Generator<SpqrBraidStateFieldEvent | SpqrBraidEpochFieldEvent | SpqrBraidAuthRootFieldEvent | SpqrBraidAuthMacFieldEvent | SpqrBraidDkFieldEvent | SpqrBraidEkFieldEvent | SpqrBraidSendingFieldEvent | SpqrBraidNextChunkFieldEvent | SpqrBraidReceivingLengthFieldEvent | SpqrBraidReceivingFieldEvent | SpqrBraidDkSeedFieldEvent> {
    return streamMessage(buf, SpqrBraid.codec(), opts)
  }
}

export interface SpqrState {
  version: number
  negotiation?: SpqrNegotiation
  chain?: SpqrChain
  braid?: SpqrBraid
}

export namespace SpqrState {
  let _codec: Codec<SpqrState>

  export const codec = (): Codec<SpqrState> => {
    if (_codec == null) {
      _codec = message<SpqrState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(8)
          w.uint32(obj.version)
        }

        if (obj.negotiation != null) {
          w.uint32(18)
          SpqrNegotiation.codec().encode(obj.negotiation, w)
        }

        if (obj.chain != null) {
          w.uint32(26)
          SpqrChain.codec().encode(obj.chain, w)
        }

        if (obj.braid != null) {
          w.uint32(34)
          SpqrBraid.codec().encode(obj.braid, w)
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
            case 2: {
              obj.negotiation = SpqrNegotiation.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.negotiation
              })
              break
            }
            case 3: {
              obj.chain = SpqrChain.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.chain
              })
              break
            }
            case 4: {
              obj.braid = SpqrBraid.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.braid
              })
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
              yield * SpqrNegotiation.codec().stream(reader, reader.uint32(), `${prefix}.negotiation`, {
                limits: opts.limits?.negotiation
              })

              break
            }
            case 3: {
              yield * SpqrChain.codec().stream(reader, reader.uint32(), `${prefix}.chain`, {
                limits: opts.limits?.chain
              })

              break
            }
            case 4: {
              yield * SpqrBraid.codec().stream(reader, reader.uint32(), `${prefix}.braid`, {
                limits: opts.limits?.braid
              })

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

  export interface SpqrStateVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SpqrStateNegotiationAuthKeyFieldEvent {
    field: '$.negotiation.authKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateNegotiationDirectionFieldEvent {
    field: '$.negotiation.direction'
    value: number
  }

  export interface SpqrStateNegotiationMinVersionFieldEvent {
    field: '$.negotiation.minVersion'
    value: number
  }

  export interface SpqrStateChainDirectionFieldEvent {
    field: '$.chain.direction'
    value: number
  }

  export interface SpqrStateChainCurrentEpochFieldEvent {
    field: '$.chain.currentEpoch'
    value: number
  }

  export interface SpqrStateChainSendEpochFieldEvent {
    field: '$.chain.sendEpoch'
    value: number
  }

  export interface SpqrStateChainNextRootFieldEvent {
    field: '$.chain.nextRoot'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateChainLinksSendCtrFieldEvent {
    field: '$.chain.links[].send.ctr'
    value: number
    index: number
  }

  export interface SpqrStateChainLinksSendNextFieldEvent {
    field: '$.chain.links[].send.next'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrStateChainLinksSendPrevFieldEvent {
    field: '$.chain.links[].send.prev'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrStateChainLinksRecvCtrFieldEvent {
    field: '$.chain.links[].recv.ctr'
    value: number
    index: number
  }

  export interface SpqrStateChainLinksRecvNextFieldEvent {
    field: '$.chain.links[].recv.next'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrStateChainLinksRecvPrevFieldEvent {
    field: '$.chain.links[].recv.prev'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SpqrStateChainMaxJumpFieldEvent {
    field: '$.chain.maxJump'
    value: number
  }

  export interface SpqrStateChainMaxOooKeysFieldEvent {
    field: '$.chain.maxOooKeys'
    value: number
  }

  export interface SpqrStateBraidStateFieldEvent {
    field: '$.braid.state'
    value: number
  }

  export interface SpqrStateBraidEpochFieldEvent {
    field: '$.braid.epoch'
    value: number
  }

  export interface SpqrStateBraidAuthRootFieldEvent {
    field: '$.braid.authRoot'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateBraidAuthMacFieldEvent {
    field: '$.braid.authMac'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateBraidDkFieldEvent {
    field: '$.braid.dk'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateBraidEkFieldEvent {
    field: '$.braid.ek'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateBraidSendingFieldEvent {
    field: '$.braid.sending'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateBraidNextChunkFieldEvent {
    field: '$.braid.nextChunk'
    value: number
  }

  export interface SpqrStateBraidReceivingLengthFieldEvent {
    field: '$.braid.receivingLength'
    value: number
  }

  export interface SpqrStateBraidReceivingFieldEvent {
    field: '$.braid.receiving[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface SpqrStateBraidDkSeedFieldEvent {
    field: '$.braid.dkSeed'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SpqrState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SpqrState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrState>): SpqrState {
    return decodeMessage(buf, SpqrState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SpqrState>): Generator<SpqrStateVersionFieldEvent | SpqrStateNegotiationAuthKeyFieldEvent | SpqrStateNegotiationDirectionFieldEvent | SpqrStateNegotiationMinVersionFieldEvent | SpqrStateChainDirectionFieldEvent | SpqrStateChainCurrentEpochFieldEvent | SpqrStateChainSendEpochFieldEvent | SpqrStateChainNextRootFieldEvent | SpqrStateChainLinksSendCtrFieldEvent | SpqrStateChainLinksSendNextFieldEvent | SpqrStateChainLinksSendPrevFieldEvent | SpqrStateChainLinksRecvCtrFieldEvent | SpqrStateChainLinksRecvNextFieldEvent | SpqrStateChainLinksRecvPrevFieldEvent | SpqrStateChainMaxJumpFieldEvent | SpqrStateChainMaxOooKeysFieldEvent | SpqrStateBraidStateFieldEvent | SpqrStateBraidEpochFieldEvent | SpqrStateBraidAuthRootFieldEvent | SpqrStateBraidAuthMacFieldEvent | SpqrStateBraidDkFieldEvent | SpqrStateBraidEkFieldEvent | SpqrStateBraidSendingFieldEvent | SpqrStateBraidNextChunkFieldEvent | SpqrStateBraidReceivingLengthFieldEvent | SpqrStateBraidReceivingFieldEvent | SpqrStateBraidDkSeedFieldEvent> {
    return streamMessage(buf, SpqrState.codec(), opts)
  }
}
