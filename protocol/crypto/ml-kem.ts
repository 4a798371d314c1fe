// ML-KEM-768 (FIPS 203): argument checks and typed errors over the build's
// ML-KEM backend (crypto-backend.ts: native node:crypto where the runtime has
// it, @noble/post-quantum elsewhere and in the browser; the rule is in
// docs/protocol.md §1, ML-KEM backends). `mlkemWith(backend)` gives the same
// interface over any backend, so the vector tests run against both.
import { ErrorCode, RelaymeshError } from '../errors.js'
import { mlkemBackend } from './crypto-backend.js'
import { MLKEM768, type MlKemBackend } from './crypto-backend-types.js'

function check (value: Uint8Array, length: number, what: string): void {
  if (!(value instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected Uint8Array`)
  if (value.byteLength !== length) throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected ${length} bytes, got ${value.byteLength}`)
}

export interface KemKeyPair {
  publicKey: Uint8Array
  secretKey: Uint8Array
}

export interface MlKem {
  /** which implementation runs: 'node' (native, OpenSSL) or 'noble' (@noble/post-quantum) */
  readonly backend: MlKemBackend['name']
  /** ML-KEM.KeyGen; deterministic from a 64-byte seed d || z (FIPS 203 Algorithm 16), random without one */
  mlkemGenerateKeyPair: (seed?: Uint8Array) => KemKeyPair
  mlkemEncapsulate: (publicKey: Uint8Array) => { cipherText: Uint8Array, sharedSecret: Uint8Array }
  /**
   * ML-KEM decapsulation (implicit rejection: a bad ciphertext yields a wrong
   * secret, not an error, FIPS 203 §7.3). A secret key failing the §7.3 hash
   * check (its embedded H(ek) does not match) is an InvalidArgument.
   */
  mlkemDecapsulate: (cipherText: Uint8Array, secretKey: Uint8Array) => Uint8Array
  /**
   * The seed form: ek of mlkemGenerateKeyPair(seed), computed natively where
   * the runtime exports only seeds (Node 26), and decapsulation with that
   * pair's secret key given as its 64-byte seed. Same results in every backend.
   */
  mlkemPublicKeyFromSeed: (seed: Uint8Array) => Uint8Array
  mlkemDecapsulateWithSeed: (cipherText: Uint8Array, seed: Uint8Array) => Uint8Array
}

export function mlkemWith (b: MlKemBackend): MlKem {
  return {
    backend: b.name,
    mlkemGenerateKeyPair (seed?: Uint8Array): KemKeyPair {
      if (seed !== undefined) check(seed, MLKEM768.seedBytes, 'ml-kem seed')
      return b.keygen(seed)
    },
    mlkemEncapsulate (publicKey: Uint8Array): { cipherText: Uint8Array, sharedSecret: Uint8Array } {
      check(publicKey, MLKEM768.publicKeyBytes, 'ml-kem public key')
      try {
        return b.encapsulate(publicKey)
      } catch (err) {
        throw new RelaymeshError(ErrorCode.InvalidArgument, 'ml-kem public key: invalid', { cause: err })
      }
    },
    mlkemDecapsulate (cipherText: Uint8Array, secretKey: Uint8Array): Uint8Array {
      check(cipherText, MLKEM768.cipherTextBytes, 'ml-kem ciphertext')
      check(secretKey, MLKEM768.secretKeyBytes, 'ml-kem secret key')
      try {
        return b.decapsulate(cipherText, secretKey)
      } catch (err) {
        throw new RelaymeshError(ErrorCode.InvalidArgument, 'ml-kem secret key: invalid', { cause: err })
      }
    },
    mlkemPublicKeyFromSeed (seed: Uint8Array): Uint8Array {
      check(seed, MLKEM768.seedBytes, 'ml-kem seed')
      return b.publicKeyFromSeed(seed)
    },
    mlkemDecapsulateWithSeed (cipherText: Uint8Array, seed: Uint8Array): Uint8Array {
      check(cipherText, MLKEM768.cipherTextBytes, 'ml-kem ciphertext')
      check(seed, MLKEM768.seedBytes, 'ml-kem seed')
      return b.decapsulateWithSeed(cipherText, seed)
    }
  }
}

export const { backend: mlkemBackendName, mlkemGenerateKeyPair, mlkemEncapsulate, mlkemDecapsulate, mlkemPublicKeyFromSeed, mlkemDecapsulateWithSeed } = mlkemWith(mlkemBackend)
