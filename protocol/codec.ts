// The one place protobuf bytes become values. Every decode is size-bounded
// before parsing, version-checked after, and fails with ErrorCode.Decode: a
// decoder never throws anything untyped.
import { ErrorCode, RelaymeshError } from './errors.js'
import { WIRE_VERSION } from './constants.js'

/** What protons generates for each message: a namespace with encode/decode. */
export interface MessageType<T> {
  encode: (value: Partial<T>) => Uint8Array
  decode: (bytes: Uint8Array) => T
}

/**
 * protons types byte fields as Uint8Array<ArrayBuffer>; our primitives return
 * plain Uint8Array views. Loose<T> accepts either at the encode boundary.
 */
export type Loose<T> = T extends Uint8Array ? Uint8Array
  : T extends Array<infer U> ? Array<Loose<U>>
    : T extends object ? { [K in keyof T]: Loose<T[K]> }
      : T

export function encode<T> (type: MessageType<T>, value: Loose<Partial<T>>): Uint8Array {
  return type.encode(value as Partial<T>)
}

/**
 * Decode `bytes` as `type`, refusing more than `maxBytes` and, when the
 * message has a `version` field, any version other than `version`.
 */
export function decode<T> (type: MessageType<T>, bytes: Uint8Array, maxBytes: number, name: string, version: number | null = WIRE_VERSION): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new RelaymeshError(ErrorCode.Decode, `${name}: expected bytes`)
  }
  if (bytes.byteLength > maxBytes) {
    throw new RelaymeshError(ErrorCode.Decode, `${name}: ${bytes.byteLength} bytes exceeds the limit of ${maxBytes}`)
  }
  let value: T
  try {
    value = type.decode(bytes)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Decode, `${name}: malformed (${(err as Error).message})`, { cause: err })
  }
  if (version !== null) {
    const v = (value as { version?: unknown }).version
    if (v !== version) {
      throw new RelaymeshError(ErrorCode.Decode, `${name}: unsupported version ${String(v)} (expected ${version})`)
    }
  }
  return value
}

/** Throws ErrorCode.Decode unless `bytes` has exactly `length` bytes. */
export function expectLength (bytes: Uint8Array | undefined, length: number, what: string): Uint8Array {
  if (bytes === undefined || bytes.byteLength !== length) {
    throw new RelaymeshError(ErrorCode.Decode, `${what}: expected ${length} bytes, got ${bytes?.byteLength ?? 'none'}`)
  }
  return bytes
}

/** `n` as 4 big-endian bytes (fixed-width fields of signed byte layouts). */
export function u32be (n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) throw new RelaymeshError(ErrorCode.InvalidArgument, `${n} is not a u32`)
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

/** `n` (a safe integer >= 0) as 8 big-endian bytes. */
export function u64be (n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RelaymeshError(ErrorCode.InvalidArgument, `${n} is not a u64 below 2^53`)
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(n))
  return b
}
