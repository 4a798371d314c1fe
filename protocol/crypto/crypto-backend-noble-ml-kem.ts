// ML-KEM-768 (FIPS 203) in pure JavaScript: @noble/post-quantum. The backend
// of the browser bundle and of Node.js releases without a native ML-KEM
// (before 24.7; crypto-backend.ts chooses, docs/protocol.md §1, ML-KEM backends).
import { ml_kem768, type KEMPrepared } from '@noble/post-quantum/ml-kem.js'
import { MLKEM768, type MlKemBackend } from './crypto-backend-types.js'

/** public key bytes only: no need for constant time */
function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

// Encapsulation and decapsulation use @noble/post-quantum's prepared keys:
// the expanded public data of a key (Â, t̂, H(ek); public, nothing secret) is
// cached per key array, so a long-lived ML-KEM prekey is expanded once.
interface Entry { bytes: Uint8Array, prepared: KEMPrepared }
const preparedByPublic = new WeakMap<Uint8Array, Entry>()
const preparedBySecret = new WeakMap<Uint8Array, Entry>()

function prepared (cache: WeakMap<Uint8Array, Entry>, keyArray: Uint8Array, publicKey: Uint8Array): KEMPrepared {
  const hit = cache.get(keyArray)
  // re-check the bytes: a caller may have overwritten the array in place
  if (hit !== undefined && sameBytes(hit.bytes, publicKey)) return hit.prepared
  const p = ml_kem768.prepare(publicKey)
  cache.set(keyArray, { bytes: publicKey.slice(), prepared: p })
  return p
}

export const nobleMlKem: MlKemBackend = {
  name: 'noble',
  keygen: (seed) => ml_kem768.keygen(seed),
  encapsulate: (publicKey) => prepared(preparedByPublic, publicKey, publicKey).encapsulate(),
  decapsulate (cipherText, secretKey) {
    const ek = secretKey.subarray(MLKEM768.dkEkOffset, MLKEM768.dkEkOffset + MLKEM768.publicKeyBytes)
    return prepared(preparedBySecret, secretKey, ek).decapsulate(cipherText, secretKey)
  },
  publicKeyFromSeed (seed) {
    const { publicKey, secretKey } = ml_kem768.keygen(seed)
    secretKey.fill(0)
    return publicKey
  },
  decapsulateWithSeed (cipherText, seed) {
    // the expanded key is rebuilt (one keygen, once per decapsulation: SPQR decapsulates once per two epochs)
    const { publicKey, secretKey } = ml_kem768.keygen(seed)
    try {
      return ml_kem768.decapsulate(cipherText, secretKey)
    } finally {
      secretKey.fill(0)
      publicKey.fill(0)
    }
  }
}
