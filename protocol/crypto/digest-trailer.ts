// The integrity trailer of a stored session (session-state.proto and
// session-record.proto): the encoded protobuf body followed by its SHA-256
// as field 15, so that the whole is still one valid message of its type.
// A reader checks the trailer before it decodes anything.
import { ErrorCode, fail } from '../errors.js'
import { equalBytes, sha256 } from './primitives.js'

const SHA256_BYTES = 32
/** tag of field 15 (wire type 2) and length 32, then the digest */
const DIGEST_FIELD = Uint8Array.of(15 << 3 | 2, SHA256_BYTES)
const DIGEST_TRAILER_BYTES = DIGEST_FIELD.byteLength + SHA256_BYTES

/** `body` followed by its SHA-256 as field 15 */
export function withDigestTrailer (body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + DIGEST_TRAILER_BYTES)
  out.set(body, 0)
  out.set(DIGEST_FIELD, body.byteLength)
  out.set(sha256(body), body.byteLength + DIGEST_FIELD.byteLength)
  return out
}

/** The body of `bytes` (a view) once its trailer checks; ErrorCode.Decode naming `what` otherwise. */
export function bodyWithinDigestTrailer (bytes: Uint8Array, what: string): Uint8Array {
  const split = bytes.byteLength - DIGEST_TRAILER_BYTES
  if (split < 0 || bytes[split] !== DIGEST_FIELD[0] || bytes[split + 1] !== DIGEST_FIELD[1]) fail(ErrorCode.Decode, `${what}: truncated (no digest)`)
  const body = bytes.subarray(0, split)
  if (!equalBytes(sha256(body), bytes.subarray(split + DIGEST_FIELD.byteLength))) fail(ErrorCode.Decode, `${what}: digest mismatch`)
  return body
}
