// The Double Ratchet's AEAD (§3.1 ENCRYPT / DECRYPT, §3.4 CONCAT):
// AES-256-GCM under keys derived from a message key, with AD || header as
// the associated data (docs/protocol.md §4 says why GCM). In a Triple
// Ratchet session the message's SPQR key is mixed into the AEAD keys and its
// SPQR message is bound into the associated data (docs/protocol.md §4a, Triple Ratchet: wire format and associated data).
import { INFO } from '../constants.js'
import { aesGcmDecrypt, aesGcmEncrypt, hkdfSha256, wipe } from './primitives.js'
import { KEY } from './ratchet-state.js'

const ZERO_SALT = new Uint8Array(32)
/** header bound into the AEAD: u32 version || ratchet key || u32 N || u32 PN */
const HEADER_AAD_BYTES = 4 + KEY + 4 + 4

/**
 * AD || header, the header in a fixed-length canonical form, so the pair is
 * unambiguous (§3.4 CONCAT). A non-empty SPQR message follows as u32 length
 * || bytes (the session fixes whether there is one, so this is unambiguous
 * too); without one the bytes are exactly the Double Ratchet's.
 */
export function headerAad (ad: Uint8Array, version: number, ratchetKey: Uint8Array, counter: number, previousCounter: number, pqMessage?: Uint8Array): Uint8Array {
  const pqBytes = pqMessage === undefined || pqMessage.byteLength === 0 ? 0 : 4 + pqMessage.byteLength
  const out = new Uint8Array(ad.byteLength + HEADER_AAD_BYTES + pqBytes)
  const at = ad.byteLength
  out.set(ad, 0)
  putU32(out, at, version)
  out.set(ratchetKey, at + 4)
  putU32(out, at + 4 + KEY, counter)
  putU32(out, at + 8 + KEY, previousCounter)
  if (pqBytes > 0 && pqMessage !== undefined) {
    putU32(out, at + HEADER_AAD_BYTES, pqMessage.byteLength)
    out.set(pqMessage, at + HEADER_AAD_BYTES + 4)
  }
  return out
}

/** big-endian u32 at `at`, as DataView.setUint32 writes it (the value taken mod 2^32) */
function putU32 (out: Uint8Array, at: number, v: number): void {
  out[at] = v >>> 24
  out[at + 1] = (v >>> 16) & 0xff
  out[at + 2] = (v >>> 8) & 0xff
  out[at + 3] = v & 0xff
}

/**
 * AES-256-GCM key (32) and nonce (12) = HKDF-SHA256(mk, salt, info, 44):
 * without an SPQR key salt = 32 zero bytes and info = INFO.ratchetMessageKeys
 * (the Double Ratchet's); with one, salt = the SPQR key and info =
 * INFO.tripleRatchetMessageKeys (libsignal's MessageKeys::derive_keys with
 * the SPQR key as its salt).
 */
function messageCipherKeys (messageKey: Uint8Array, pqKey: Uint8Array | null): Uint8Array {
  return pqKey === null
    ? hkdfSha256(messageKey, ZERO_SALT, INFO.ratchetMessageKeys, 44)
    : hkdfSha256(messageKey, pqKey, INFO.tripleRatchetMessageKeys, 44)
}

export function seal (messageKey: Uint8Array, pqKey: Uint8Array | null, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const okm = messageCipherKeys(messageKey, pqKey)
  try {
    return aesGcmEncrypt(okm.subarray(0, 32), okm.subarray(32, 44), plaintext, aad)
  } finally {
    wipe(okm)
  }
}

export function open (messageKey: Uint8Array, pqKey: Uint8Array | null, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array {
  const okm = messageCipherKeys(messageKey, pqKey)
  try {
    return aesGcmDecrypt(okm.subarray(0, 32), okm.subarray(32, 44), ciphertext, aad)
  } finally {
    wipe(okm)
  }
}
