// Public-key encodings that signatures and associated data cover
// (X3DH §2.5 / PQXDH §2.5: Encode(PK) is a type byte followed by the key).
import { ENCODE_EC_CURVE25519, ENCODE_KEM_MLKEM768 } from '../constants.js'
import { concat } from './primitives.js'

/** EncodeEC: 0x05 || 32-byte little-endian u-coordinate of an X25519 key. */
export function encodeEC (publicKey: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(ENCODE_EC_CURVE25519), publicKey)
}

/** EncodeKEM: 0x08 || ML-KEM-768 encapsulation key. */
export function encodeKEM (publicKey: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(ENCODE_KEM_MLKEM768), publicKey)
}
