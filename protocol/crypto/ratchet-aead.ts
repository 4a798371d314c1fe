// The Double Ratchet's AEAD (§3.1 ENCRYPT / DECRYPT, §3.4 CONCAT):
// AES-256-GCM under keys derived from a message key, with AD || header as
// the associated data (docs/protocol.md §4 says why GCM).
import { INFO } from '../constants.js'
import { aesGcmDecrypt, aesGcmEncrypt, hkdfSha256, wipe } from './primitives.js'
import { KEY } from './ratchet-state.js'

const ZERO_SALT = new Uint8Array(32)
/** header bound into the AEAD: u32 version || ratchet key || u32 N || u32 PN */
const HEADER_AAD_BYTES = 4 + KEY + 4 + 4

/** AD || header, the header in a fixed-length canonical form, so the pair is unambiguous (§3.4 CONCAT). */
export function headerAad (ad: Uint8Array, version: number, ratchetKey: Uint8Array, counter: number, previousCounter: number): Uint8Array {
  const out = new Uint8Array(ad.byteLength + HEADER_AAD_BYTES)
  out.set(ad, 0)
  const view = new DataView(out.buffer, ad.byteLength, HEADER_AAD_BYTES)
  view.setUint32(0, version)
  out.set(ratchetKey, ad.byteLength + 4)
  view.setUint32(4 + KEY, counter)
  view.setUint32(8 + KEY, previousCounter)
  return out
}

/** AES-256-GCM key (32) and nonce (12) = HKDF-SHA256(mk, salt = 32 zero bytes, info, 44). */
function messageCipherKeys (messageKey: Uint8Array): Uint8Array {
  return hkdfSha256(messageKey, ZERO_SALT, INFO.ratchetMessageKeys, 44)
}

export function seal (messageKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const okm = messageCipherKeys(messageKey)
  try {
    return aesGcmEncrypt(okm.subarray(0, 32), okm.subarray(32, 44), plaintext, aad)
  } finally {
    wipe(okm)
  }
}

export function open (messageKey: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array {
  const okm = messageCipherKeys(messageKey)
  try {
    return aesGcmDecrypt(okm.subarray(0, 32), okm.subarray(32, 44), ciphertext, aad)
  } finally {
    wipe(okm)
  }
}
