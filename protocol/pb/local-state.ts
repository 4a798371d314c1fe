import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface LocalStateHeader {
  magic: Uint8Array<ArrayBuffer>
  version: number
  log2N: number
  r: number
  p: number
  salt: Uint8Array<ArrayBuffer>
  nonce: Uint8Array<ArrayBuffer>
}

export namespace LocalStateHeader {
  let _codec: Codec<LocalStateHeader>

  export const codec = (): Codec<LocalStateHeader> => {
    if (_codec == null) {
      _codec = message<LocalStateHeader>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.magic != null && obj.magic.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.magic)
        }

        if ((obj.version != null && obj.version !== 0)) {
          w.uint32(16)
          w.uint32(obj.version)
        }

        if ((obj.log2N != null && obj.log2N !== 0)) {
          w.uint32(24)
          w.uint32(obj.log2N)
        }

        if ((obj.r != null && obj.r !== 0)) {
          w.uint32(32)
          w.uint32(obj.r)
        }

        if ((obj.p != null && obj.p !== 0)) {
          w.uint32(40)
          w.uint32(obj.p)
        }

        if ((obj.salt != null && obj.salt.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.salt)
        }

        if ((obj.nonce != null && obj.nonce.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.nonce)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          magic: uint8ArrayAlloc(0),
          version: 0,
          log2N: 0,
          r: 0,
          p: 0,
          salt: uint8ArrayAlloc(0),
          nonce: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.magic = reader.bytes()
              break
            }
            case 2: {
              obj.version = reader.uint32()
              break
            }
            case 3: {
              obj.log2N = reader.uint32()
              break
            }
            case 4: {
              obj.r = reader.uint32()
              break
            }
            case 5: {
              obj.p = reader.uint32()
              break
            }
            case 6: {
              obj.salt = reader.bytes()
              break
            }
            case 7: {
              obj.nonce = reader.bytes()
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
                field: `${prefix}.magic`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.version`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.log2N`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.r`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.p`,
                value: reader.uint32()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.salt`,
                value: reader.bytes()
              }
              break
            }
            case 7: {
              yield {
                field: `${prefix}.nonce`,
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

  export interface LocalStateHeaderMagicFieldEvent {
    field: '$.magic'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LocalStateHeaderVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface LocalStateHeaderLog2NFieldEvent {
    field: '$.log2N'
    value: number
  }

  export interface LocalStateHeaderRFieldEvent {
    field: '$.r'
    value: number
  }

  export interface LocalStateHeaderPFieldEvent {
    field: '$.p'
    value: number
  }

  export interface LocalStateHeaderSaltFieldEvent {
    field: '$.salt'
    value: Uint8Array<ArrayBuffer>
  }

  export interface LocalStateHeaderNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<LocalStateHeader>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, LocalStateHeader.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LocalStateHeader>): LocalStateHeader {
    return decodeMessage(buf, LocalStateHeader.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<LocalStateHeader>): Generator<LocalStateHeaderMagicFieldEvent | LocalStateHeaderVersionFieldEvent | LocalStateHeaderLog2NFieldEvent | LocalStateHeaderRFieldEvent | LocalStateHeaderPFieldEvent | LocalStateHeaderSaltFieldEvent | LocalStateHeaderNonceFieldEvent> {
    return streamMessage(buf, LocalStateHeader.codec(), opts)
  }
}

export interface SealedLocalState {
  header: Uint8Array<ArrayBuffer>
  ciphertext: Uint8Array<ArrayBuffer>
}

export namespace SealedLocalState {
  let _codec: Codec<SealedLocalState>

  export const codec = (): Codec<SealedLocalState> => {
    if (_codec == null) {
      _codec = message<SealedLocalState>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.header != null && obj.header.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.header)
        }

        if ((obj.ciphertext != null && obj.ciphertext.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.ciphertext)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          header: uint8ArrayAlloc(0),
          ciphertext: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.header = reader.bytes()
              break
            }
            case 2: {
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
                field: `${prefix}.header`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
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

  export interface SealedLocalStateHeaderFieldEvent {
    field: '$.header'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedLocalStateCiphertextFieldEvent {
    field: '$.ciphertext'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SealedLocalState>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedLocalState.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedLocalState>): SealedLocalState {
    return decodeMessage(buf, SealedLocalState.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SealedLocalState>): Generator<SealedLocalStateHeaderFieldEvent | SealedLocalStateCiphertextFieldEvent> {
    return streamMessage(buf, SealedLocalState.codec(), opts)
  }
}
