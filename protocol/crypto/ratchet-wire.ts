// The Double Ratchet's wire format (protocol/pb/ratchet.proto RatchetMessage):
// field checks done before any work, and a bounded, canonical decoder.
import { MAX_PQ_RATCHET_MESSAGE_BYTES, MAX_RATCHET_MESSAGE_BYTES, WIRE_VERSION } from '../constants.js'
import { decode } from '../codec.js'
import { ErrorCode, fail } from '../errors.js'
import { RatchetMessage } from '../pb/ratchet.js'
import { AES_GCM_TAG_BYTES, equalBytes } from './primitives.js'
import { MAX_U32, checkKey } from './ratchet-state.js'

function isU32 (n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_U32
}

/** A message's fields, checked before any work: malformed means ErrorCode.Decode. */
export function checkMessage (m: RatchetMessage): void {
  if (m === null || typeof m !== 'object') fail(ErrorCode.Decode, 'ratchet message: expected an object')
  if (m.version !== WIRE_VERSION) fail(ErrorCode.Decode, `ratchet message: unsupported version ${String(m.version)}`)
  checkKey(m.ratchetKey, 'ratchet message: ratchet key', ErrorCode.Decode)
  // N = 2^32-1 is refused so that Nr = N + 1 always fits the uint32 of the state
  if (!isU32(m.counter) || m.counter === MAX_U32) fail(ErrorCode.Decode, 'ratchet message: counter out of range')
  if (!isU32(m.previousCounter)) fail(ErrorCode.Decode, 'ratchet message: previous counter out of range')
  if (!(m.ciphertext instanceof Uint8Array) || m.ciphertext.byteLength < AES_GCM_TAG_BYTES) {
    fail(ErrorCode.Decode, 'ratchet message: ciphertext shorter than the tag')
  }
  // protons decodes an absent field as empty bytes; a hand-built message may leave it out
  if (m.pqRatchet !== undefined && (!(m.pqRatchet instanceof Uint8Array) || m.pqRatchet.byteLength > MAX_PQ_RATCHET_MESSAGE_BYTES)) {
    fail(ErrorCode.Decode, `ratchet message: SPQR message over ${MAX_PQ_RATCHET_MESSAGE_BYTES} bytes`)
  }
}

export function encodeRatchetMessage (m: RatchetMessage): Uint8Array {
  return RatchetMessage.encode(m)
}

/**
 * Bounded (MAX_RATCHET_MESSAGE_BYTES), version-checked, and canonical: the
 * bytes must be exactly what encodeRatchetMessage produces for the decoded
 * value, so no two encodings (unknown fields, reordered or repeated fields,
 * ignored wire types) name the same message.
 */
export function decodeRatchetMessage (bytes: Uint8Array): RatchetMessage {
  const m = decode(RatchetMessage, bytes, MAX_RATCHET_MESSAGE_BYTES, 'ratchet message', WIRE_VERSION)
  checkMessage(m)
  const again = RatchetMessage.encode(m)
  if (again.byteLength !== bytes.byteLength || !equalBytes(again, bytes)) fail(ErrorCode.Decode, 'ratchet message: non-canonical encoding')
  return m
}
