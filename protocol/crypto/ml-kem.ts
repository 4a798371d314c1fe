// ML-KEM-768 (FIPS 203) from @noble/post-quantum, the same in every build:
// node:crypto on Node 20 has no ML-KEM. Keys are prepared once per key array.
import { ml_kem768, type KEMPrepared } from '@noble/post-quantum/ml-kem.js'
import { ErrorCode, RelaymeshError } from '../errors.js'

function check (value: Uint8Array, length: number, what: string): void {
  if (!(value instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected Uint8Array`)
  if (value.byteLength !== length) throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected ${length} bytes, got ${value.byteLength}`)
}

/** public key bytes only: no need for constant time */
function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false
  return true
}

export interface KemKeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export function mlkemGenerateKeyPair (seed?: Uint8Array): KemKeyPair {
  if (seed !== undefined) check(seed, 64, 'ml-kem seed')
  return ml_kem768.keygen(seed)
}

// Encapsulation and decapsulation use @noble/post-quantum's prepared keys:
// the expanded public data of a key (Â, t̂, H(ek); public, nothing secret) is
// cached per key array, so a long-lived ML-KEM prekey is expanded once. A
// faster hand-written ML-KEM on node's SHA-3 was measured (setup 0.81x vs
// 0.53x libsignal) and declined: we do not hand-write a primitive a
// well-kept library provides (docs/protocol.md §1).
type Prepared = KEMPrepared
const preparedByPublic = new WeakMap<Uint8Array, { bytes: Uint8Array, prepared: Prepared }>()
const preparedBySecret = new WeakMap<Uint8Array, { bytes: Uint8Array, prepared: Prepared }>()
const MLKEM768_EK_OFFSET = 1152 // FIPS 203 §7.3: dk = dk_PKE (384k) || ek || H(ek) || z

function prepared (cache: WeakMap<Uint8Array, { bytes: Uint8Array, prepared: Prepared }>, keyArray: Uint8Array, publicKey: Uint8Array): Prepared {
  const hit = cache.get(keyArray)
  // re-check the bytes: a caller may have overwritten the array in place
  if (hit !== undefined && sameBytes(hit.bytes, publicKey)) return hit.prepared
  const p = ml_kem768.prepare(publicKey)
  cache.set(keyArray, { bytes: publicKey.slice(), prepared: p })
  return p
}

export function mlkemEncapsulate (publicKey: Uint8Array): { cipherText: Uint8Array, sharedSecret: Uint8Array } {
  check(publicKey, 1184, 'ml-kem public key')
  try {
    return prepared(preparedByPublic, publicKey, publicKey).encapsulate()
  } catch (err) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'ml-kem public key: invalid', { cause: err })
  }
}

/**
 * ML-KEM decapsulation (implicit rejection: a bad ciphertext yields a wrong
 * secret, not an error, FIPS 203 §7.3). A secret key failing the §7.3 hash
 * check (its embedded H(ek) does not match) is an InvalidArgument.
 */
export function mlkemDecapsulate (cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array {
  check(cipherText, 1088, 'ml-kem ciphertext')
  check(secretKey, 2400, 'ml-kem secret key')
  try {
    const ek = secretKey.subarray(MLKEM768_EK_OFFSET, MLKEM768_EK_OFFSET + 1184)
    return prepared(preparedBySecret, secretKey, ek).decapsulate(cipherText, secretKey)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'ml-kem secret key: invalid', { cause: err })
  }
}

