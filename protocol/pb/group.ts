import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SenderKeyDistribution {
  version: number
  groupId: Uint8Array<ArrayBuffer>
  chainId: number
  iteration: number
  chainKey: Uint8Array<ArrayBuffer>
  signingKey: Uint8Array<ArrayBuffer>
}

export namespace SenderKeyDistribution {
  let _codec: Codec<SenderKeyDistribution>

  export const codec = (): Codec<SenderKeyDistribution> => {
    if (_codec == null) {
      _codec = message<SenderKeyDistribution>((obj, w, opts = {}) => {
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

        if ((obj.signingKey != null && obj.signingKey.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signingKey)
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
          signingKey: uint8ArrayAlloc(0)
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
              obj.signingKey = reader.bytes()
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
                field: `${prefix}.signingKey`,
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

  export interface SenderKeyDistributionVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface SenderKeyDistributionGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyDistributionChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface SenderKeyDistributionIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface SenderKeyDistributionChainKeyFieldEvent {
    field: '$.chainKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SenderKeyDistributionSigningKeyFieldEvent {
    field: '$.signingKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SenderKeyDistribution>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SenderKeyDistribution.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistribution>): SenderKeyDistribution {
    return decodeMessage(buf, SenderKeyDistribution.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SenderKeyDistribution>): Generator<SenderKeyDistributionVersionFieldEvent | SenderKeyDistributionGroupIdFieldEvent | SenderKeyDistributionChainIdFieldEvent | SenderKeyDistributionIterationFieldEvent | SenderKeyDistributionChainKeyFieldEvent | SenderKeyDistributionSigningKeyFieldEvent> {
    return streamMessage(buf, SenderKeyDistribution.codec(), opts)
  }
}

export interface GroupMessage {
  version: number
  groupId: Uint8Array<ArrayBuffer>
  chainId: number
  iteration: number
  ciphertext: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace GroupMessage {
  let _codec: Codec<GroupMessage>

  export const codec = (): Codec<GroupMessage> => {
    if (_codec == null) {
      _codec = message<GroupMessage>((obj, w, opts = {}) => {
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
          groupId: uint8ArrayAlloc(0),
          chainId: 0,
          iteration: 0,
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

  export interface GroupMessageVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface GroupMessageGroupIdFieldEvent {
    field: '$.groupId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessageChainIdFieldEvent {
    field: '$.chainId'
    value: number
  }

  export interface GroupMessageIterationFieldEvent {
    field: '$.iteration'
    value: number
  }

  export interface GroupMessageCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export interface GroupMessageSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<GroupMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, GroupMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMessage>): GroupMessage {
    return decodeMessage(buf, GroupMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<GroupMessage>): Generator<GroupMessageVersionFieldEvent | GroupMessageGroupIdFieldEvent | GroupMessageChainIdFieldEvent | GroupMessageIterationFieldEvent | GroupMessageCiphertextFieldEvent | GroupMessageSignatureFieldEvent> {
    return streamMessage(buf, GroupMessage.codec(), opts)
  }
}
