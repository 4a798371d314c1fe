// Native ML-KEM-768: node:crypto's `encapsulate` / `decapsulate` over
// OpenSSL 3.5's ML-KEM, in Node.js >= 24.7 (the first release exposing them;
// Node 22 bundles OpenSSL 3.5 but not the API). About 10x @noble/post-quantum
// (docs/protocol.md §1, ML-KEM backends). Keys cross the boundary as FIPS 203
// bytes: ek as a SubjectPublicKeyInfo, dk (expanded, 2400 bytes) and the
// 64-byte seed as PKCS#8 (draft-ietf-lamps-kyber-certificates: the
// `expandedKey` and `seed` private key forms); DER, not the raw formats,
// because Node 24.7-24.x before raw-seed import take only DER, and importing
// DER measured no slower. KeyObjects are cached per key array.
import * as nc from 'node:crypto'
import { MLKEM768, type MlKemBackend } from './crypto-backend-types.js'
import { nobleMlKem } from './crypto-backend-noble-ml-kem.js'

interface NativeKem {
  encapsulate?: (key: nc.KeyObject) => { sharedKey: Buffer, ciphertext: Buffer }
  decapsulate?: (key: nc.KeyObject, ciphertext: Uint8Array) => Buffer
}
const kem = nc as unknown as NativeKem

// id-alg-ml-kem-768 (2.16.840.1.101.3.4.4.2), no parameters
const ALG = '300b0609608648016503040402'
const SPKI_PREFIX = Buffer.from(`308204b2${ALG}038204a100`, 'hex')
const PKCS8_SEED_PREFIX = Buffer.from(`3054020100${ALG}04428040`, 'hex')
const PKCS8_EXPANDED_PREFIX = Buffer.from(`30820978020100${ALG}0482096404820960`, 'hex')
// what Node 24 exports: the `both` form, SEQUENCE { seed, expandedKey }
const PKCS8_BOTH_PREFIX = Buffer.from(`308209be020100${ALG}048209aa308209a60440`, 'hex')
const PKCS8_BOTH_MIDDLE = Buffer.from('04820960', 'hex')
const PKCS8_BOTH_BYTES = PKCS8_BOTH_PREFIX.byteLength + 64 + PKCS8_BOTH_MIDDLE.byteLength + MLKEM768.secretKeyBytes

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

function privateFromDer (prefix: Buffer, secret: Uint8Array): nc.KeyObject {
  const der = Buffer.concat([prefix, secret])
  try {
    return nc.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  } finally {
    der.fill(0)
  }
}

interface Entry { bytes: Uint8Array, key: nc.KeyObject }
const publicKeys = new WeakMap<Uint8Array, Entry>()
const secretKeys = new WeakMap<Uint8Array, Entry>()
const seedKeys = new WeakMap<Uint8Array, Entry>()
const SPKI_BYTES = SPKI_PREFIX.byteLength + MLKEM768.publicKeyBytes

function publicKeyObject (ek: Uint8Array): nc.KeyObject {
  const hit = publicKeys.get(ek)
  // re-check the bytes: a caller may have overwritten the array in place
  if (hit !== undefined && Buffer.compare(hit.bytes, ek) === 0) return hit.key
  // OpenSSL runs the modulus check (FIPS 203 §7.2) on import
  const key = nc.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, ek]), format: 'der', type: 'spki' })
  publicKeys.set(ek, { bytes: ek.slice(), key })
  return key
}

/** a private KeyObject cached per secret array (re-checked in constant time: the caller may overwrite it in place) */
function cachedPrivate (cache: WeakMap<Uint8Array, Entry>, prefix: Buffer, secret: Uint8Array): nc.KeyObject {
  const hit = cache.get(secret)
  if (hit !== undefined && nc.timingSafeEqual(hit.bytes, secret)) return hit.key
  const key = privateFromDer(prefix, secret)
  cache.set(secret, { bytes: secret.slice(), key })
  return key
}

// OpenSSL runs the hash check (FIPS 203 §7.3: H(ek) in dk matches ek) on importing an expanded key
const secretKeyObject = (dk: Uint8Array): nc.KeyObject => cachedPrivate(secretKeys, PKCS8_EXPANDED_PREFIX, dk)
/** the private KeyObject of a 64-byte seed (PKCS#8 `seed` form) */
const seedKeyObject = (seed: Uint8Array): nc.KeyObject => cachedPrivate(seedKeys, PKCS8_SEED_PREFIX, seed)

/** ek of the key pair a seed expands to: the SubjectPublicKeyInfo export of its public half */
function publicFromSeed (seed: Uint8Array): Uint8Array {
  const spki = nc.createPublicKey(seedKeyObject(seed)).export({ format: 'der', type: 'spki' })
  if (spki.byteLength !== SPKI_BYTES || !spki.subarray(0, SPKI_PREFIX.byteLength).equals(SPKI_PREFIX)) throw new Error('ml-kem: unexpected SPKI export')
  return u8(spki.subarray(SPKI_PREFIX.byteLength))
}

/** dk from a seed, natively when the runtime exports the expanded key (Node 24's `both` PKCS#8 form); null when it does not (Node 26 exports the seed only). */
function nativeExpanded (seed: Uint8Array): Uint8Array | null {
  const p8 = privateFromDer(PKCS8_SEED_PREFIX, seed).export({ format: 'der', type: 'pkcs8' })
  try {
    if (p8.byteLength !== PKCS8_BOTH_BYTES || !p8.subarray(0, PKCS8_BOTH_PREFIX.byteLength).equals(PKCS8_BOTH_PREFIX)) return null
    const seedAt = PKCS8_BOTH_PREFIX.byteLength
    const dkAt = seedAt + 64 + PKCS8_BOTH_MIDDLE.byteLength
    if (!nc.timingSafeEqual(p8.subarray(seedAt, seedAt + 64), seed) || !p8.subarray(seedAt + 64, dkAt).equals(PKCS8_BOTH_MIDDLE)) return null
    return new Uint8Array(p8.subarray(dkAt)) // a copy: p8 is wiped below
  } finally {
    p8.fill(0)
  }
}

function makeNative (encapsulate: NonNullable<NativeKem['encapsulate']>, decapsulate: NonNullable<NativeKem['decapsulate']>, keygenNative: boolean): MlKemBackend {
  return {
    name: 'node',
    keygen (seed) {
      const s = seed ?? u8(nc.randomBytes(MLKEM768.seedBytes))
      try {
        const dk = keygenNative ? nativeExpanded(s) : null
        if (dk === null) return nobleMlKem.keygen(s)
        const secretKey = dk
        return { publicKey: secretKey.slice(MLKEM768.dkEkOffset, MLKEM768.dkEkOffset + MLKEM768.publicKeyBytes), secretKey }
      } finally {
        if (seed === undefined) s.fill(0)
      }
    },
    encapsulate (publicKey) {
      const { sharedKey, ciphertext } = encapsulate(publicKeyObject(publicKey))
      return { cipherText: u8(ciphertext), sharedSecret: u8(sharedKey) }
    },
    decapsulate: (cipherText, secretKey) => u8(decapsulate(secretKeyObject(secretKey), cipherText)),
    publicKeyFromSeed: publicFromSeed,
    decapsulateWithSeed: (cipherText, seed) => u8(decapsulate(seedKeyObject(seed), cipherText))
  }
}

/**
 * The native backend when this runtime has one that passes a round trip
 * against @noble/post-quantum at load (a fixed seed; about 1 ms), else null.
 * `keygenNative` says whether key generation is native too (see nativeExpanded).
 */
export function nativeMlKem (): { backend: MlKemBackend, keygenNative: boolean } | null {
  const { encapsulate, decapsulate } = kem
  if (typeof encapsulate !== 'function' || typeof decapsulate !== 'function') return null
  try {
    const seed = new Uint8Array(MLKEM768.seedBytes).fill(0x5a)
    const keygenNative = nativeExpanded(seed) !== null
    const backend = makeNative(encapsulate, decapsulate, keygenNative)
    const ours = backend.keygen(seed)
    const ref = nobleMlKem.keygen(seed)
    if (Buffer.compare(ours.secretKey, ref.secretKey) !== 0 || Buffer.compare(ours.publicKey, ref.publicKey) !== 0) return null
    const { cipherText, sharedSecret } = backend.encapsulate(ours.publicKey)
    if (Buffer.compare(nobleMlKem.decapsulate(cipherText, ref.secretKey), sharedSecret) !== 0) return null
    if (Buffer.compare(backend.decapsulate(cipherText, ours.secretKey), sharedSecret) !== 0) return null
    if (Buffer.compare(backend.publicKeyFromSeed(seed), ref.publicKey) !== 0) return null
    if (Buffer.compare(backend.decapsulateWithSeed(cipherText, seed), sharedSecret) !== 0) return null
    return { backend, keygenNative }
  } catch {
    return null
  }
}
