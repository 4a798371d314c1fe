// Every cryptographic primitive relaymesh uses, behind one small interface.
// Where node:crypto and @noble/* both do a primitive soundly we use the faster
// (measured side by side by `npm run bench:primitives`, figures and vector sets
// in docs/protocol.md §1): node:crypto for AES-256-GCM, HMAC, HKDF,
// SHA-2, X25519, Ed25519 and scrypt; @noble/post-quantum for ML-KEM-768 key
// (prepared keys cached per key array), which node:crypto (Node 20) lacks.
// One map is our own code, cross-checked byte for byte against @noble in the
// tests: the Ed25519 -> X25519 public-key map (RFC 7748 §4.1, BigInt, from y
// alone), 2.3x faster than @noble's full point decompression.
import * as nc from 'node:crypto'
import { ml_kem768, type KEMPrepared } from '@noble/post-quantum/ml-kem.js'
import { ErrorCode, RelaymeshError } from '../errors.js'

function check (value: Uint8Array, length: number | null, what: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected Uint8Array`)
  }
  if (length !== null && value.byteLength !== length) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected ${length} bytes, got ${value.byteLength}`)
  }
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

export function randomBytes (length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `randomBytes: bad length ${length}`)
  }
  return u8(nc.randomBytes(length))
}

export function concat (...parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.byteLength
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.byteLength }
  return out
}

/** Constant-time equality (false on length mismatch; only the length leaks). */
export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  check(a, null, 'equalBytes a')
  check(b, null, 'equalBytes b')
  return a.byteLength === b.byteLength && nc.timingSafeEqual(a, b)
}

/** Overwrite secret bytes we no longer need. */
export function wipe (...buffers: Array<Uint8Array | undefined>): void {
  for (const b of buffers) b?.fill(0)
}

// ---------------------------------------------------------------- hashes, MAC, KDF

export function sha256 (data: Uint8Array): Uint8Array {
  check(data, null, 'sha256 data')
  return u8(nc.createHash('sha256').update(data).digest())
}

export function sha512 (data: Uint8Array): Uint8Array {
  check(data, null, 'sha512 data')
  return u8(nc.createHash('sha512').update(data).digest())
}

/** HMAC-SHA256 (RFC 2104, test vectors RFC 4231). */
export function hmacSha256 (key: Uint8Array, data: Uint8Array): Uint8Array {
  check(key, null, 'hmac key')
  check(data, null, 'hmac data')
  return u8(nc.createHmac('sha256', key).update(data).digest())
}

/** HKDF-SHA256 (RFC 5869). An empty salt means HashLen zero bytes (§2.2). */
export function hkdfSha256 (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  check(ikm, null, 'hkdf ikm')
  check(salt, null, 'hkdf salt')
  check(info, null, 'hkdf info')
  // RFC 5869 §2.3: L <= 255 * HashLen
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `hkdf length: ${length} out of range`)
  }
  // Short outputs (every KDF on the message path: 32, 44 and 64 bytes) as
  // RFC 5869 §2.2-2.3 with createHmac: 1.3-1.9x faster than hkdfSync, which
  // builds a secret KeyObject per call (docs/protocol.md §1).
  if (length <= 2 * 32) return hkdfShort(ikm, salt, info, length)
  return new Uint8Array(nc.hkdfSync('sha256', ikm, salt, info, length))
}

const ZERO_SALT = new Uint8Array(32)
const COUNTER = [Uint8Array.of(1), Uint8Array.of(2)] as const

/** HKDF-SHA256 for 1 <= length <= 64: PRK = HMAC(salt, IKM); T(i) = HMAC(PRK, T(i-1) || info || i). */
function hkdfShort (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const prk = nc.createHmac('sha256', salt.byteLength === 0 ? ZERO_SALT : salt).update(ikm).digest()
  const t1 = nc.createHmac('sha256', prk).update(info).update(COUNTER[0]).digest()
  const out = new Uint8Array(length)
  out.set(length < 32 ? t1.subarray(0, length) : t1)
  if (length > 32) {
    const t2 = nc.createHmac('sha256', prk).update(t1).update(info).update(COUNTER[1]).digest()
    out.set(t2.subarray(0, length - 32), 32)
    t2.fill(0)
  }
  prk.fill(0)
  t1.fill(0)
  return out
}

// ---------------------------------------------------------------- AEAD

export const AES_GCM_NONCE_BYTES = 12
export const AES_GCM_TAG_BYTES = 16

/** AES-256-GCM (NIST SP 800-38D): returns ciphertext || 16-byte tag. */
export function aesGcmEncrypt (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  check(key, 32, 'aes-gcm key')
  check(nonce, AES_GCM_NONCE_BYTES, 'aes-gcm nonce')
  check(plaintext, null, 'aes-gcm plaintext')
  check(aad, null, 'aes-gcm aad')
  const c = nc.createCipheriv('aes-256-gcm', key, nonce)
  if (aad.byteLength > 0) c.setAAD(aad)
  const head = c.update(plaintext)
  const tail = c.final()
  const tag = c.getAuthTag()
  const out = new Uint8Array(head.byteLength + tail.byteLength + tag.byteLength)
  out.set(head, 0)
  out.set(tail, head.byteLength)
  out.set(tag, head.byteLength + tail.byteLength)
  return out
}

/** AES-256-GCM open; ErrorCode.DecryptFailed when the tag does not verify. */
export function aesGcmDecrypt (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
  check(key, 32, 'aes-gcm key')
  check(nonce, AES_GCM_NONCE_BYTES, 'aes-gcm nonce')
  check(sealed, null, 'aes-gcm ciphertext')
  check(aad, null, 'aes-gcm aad')
  if (sealed.byteLength < AES_GCM_TAG_BYTES) {
    throw new RelaymeshError(ErrorCode.DecryptFailed, 'ciphertext shorter than the tag')
  }
  const split = sealed.byteLength - AES_GCM_TAG_BYTES
  try {
    const d = nc.createDecipheriv('aes-256-gcm', key, nonce)
    d.setAuthTag(sealed.subarray(split))
    if (aad.byteLength > 0) d.setAAD(aad)
    const head = d.update(sealed.subarray(0, split))
    const tail = d.final()
    return tail.byteLength === 0 ? u8(head) : concat(head, tail)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.DecryptFailed, 'authentication failed', { cause: err })
  }
}

const EMPTY = new Uint8Array(0)

// ---------------------------------------------------------------- X25519 (RFC 7748)

export interface X25519KeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

// Raw 32-byte keys are imported through JWK: node builds the key straight
// from the bytes (EVP_PKEY_new_raw_*), where DER goes through OpenSSL 3's
// decoder search, ~10x slower for a private key (bench-primitives: X25519
// keygen 2.6k/s with a DER import, 14.7k/s with JWK). Node 20 reads only `d` for
// an OKP private key and derives the public key itself, but requires `x` to
// be a string, so we pass an empty one. Should a later Node refuse that, we
// fall back to PKCS#8 DER (RFC 8410 §7), which is always accepted.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
// SubjectPublicKeyInfo prefix of an Ed25519 public key (RFC 8410 §4)
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

function importPrivate (crv: 'X25519' | 'Ed25519', raw: Uint8Array): nc.KeyObject {
  try {
    return nc.createPrivateKey({ key: { kty: 'OKP', crv, x: '', d: b64url(raw) }, format: 'jwk' })
  } catch {
    const prefix = crv === 'X25519' ? X25519_PKCS8_PREFIX : ED25519_PKCS8_PREFIX
    const der = Buffer.concat([prefix, raw])
    try {
      return nc.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    } finally {
      der.fill(0)
    }
  }
}

// KeyObjects cached per byte array: a ratchet state reuses the same arrays,
// and importing a key costs more than the DH itself.
const privCache = new WeakMap<Uint8Array, nc.KeyObject>()
const pubCache = new WeakMap<Uint8Array, nc.KeyObject>()

function b64url (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

function x25519PrivateKeyObject (priv: Uint8Array): nc.KeyObject {
  let k = privCache.get(priv)
  if (k === undefined) {
    k = importPrivate('X25519', priv)
    privCache.set(priv, k)
  }
  return k
}

function x25519PublicKeyObject (pub: Uint8Array): nc.KeyObject {
  let k = pubCache.get(pub)
  if (k === undefined) {
    k = nc.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(pub) }, format: 'jwk' })
    pubCache.set(pub, k)
  }
  return k
}

const BASEPOINT = new Uint8Array(32)
BASEPOINT[0] = 9

export function x25519PublicFromPrivate (priv: Uint8Array): Uint8Array {
  check(priv, 32, 'x25519 private key')
  // X25519(k, 9) is cheaper than exporting the public key (shared/NOTES.md)
  return u8(nc.diffieHellman({ privateKey: x25519PrivateKeyObject(priv), publicKey: x25519PublicKeyObject(BASEPOINT) }))
}

export function x25519GenerateKeyPair (): X25519KeyPair {
  const privateKey = randomBytes(32)
  return { privateKey, publicKey: x25519PublicFromPrivate(privateKey) }
}

/**
 * X25519 shared secret. Rejects an all-zero result (a low-order public key),
 * as RFC 7748 §6.1 allows and Signal requires.
 */
export function x25519 (priv: Uint8Array, pub: Uint8Array): Uint8Array {
  check(priv, 32, 'x25519 private key')
  check(pub, 32, 'x25519 public key')
  let out: Uint8Array
  try {
    out = u8(nc.diffieHellman({ privateKey: x25519PrivateKeyObject(priv), publicKey: x25519PublicKeyObject(pub) }))
  } catch (err) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'x25519: invalid public key', { cause: err })
  }
  let acc = 0
  for (const b of out) acc |= b
  if (acc === 0) throw new RelaymeshError(ErrorCode.InvalidArgument, 'x25519: low-order public key')
  return out
}

// ---------------------------------------------------------------- Ed25519 (RFC 8032)

export interface Ed25519KeyPair {
  publicKey: Uint8Array
  /** the 32-byte seed (RFC 8032 private key) */
  privateKey: Uint8Array
}

const edPrivCache = new WeakMap<Uint8Array, nc.KeyObject>()
const edPubCache = new WeakMap<Uint8Array, nc.KeyObject>()

function edPrivateKeyObject (seed: Uint8Array): nc.KeyObject {
  let k = edPrivCache.get(seed)
  if (k === undefined) {
    k = importPrivate('Ed25519', seed)
    edPrivCache.set(seed, k)
  }
  return k
}

function edPublicKeyObject (pub: Uint8Array): nc.KeyObject {
  let k = edPubCache.get(pub)
  if (k === undefined) {
    k = nc.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pub) }, format: 'jwk' })
    edPubCache.set(pub, k)
  }
  return k
}

export function ed25519PublicFromPrivate (seed: Uint8Array): Uint8Array {
  check(seed, 32, 'ed25519 private key')
  // node derives the public key on import (2-2.5x @noble's getPublicKey), and
  // the cached KeyObject then serves this seed's signatures. SPKI DER export,
  // not JWK: JWK export of fresh OKP keys deadlocked Node 20 (shared/NOTES.md).
  const spki = nc.createPublicKey(edPrivateKeyObject(seed)).export({ format: 'der', type: 'spki' })
  if (spki.byteLength !== ED25519_SPKI_PREFIX.byteLength + 32 || !spki.subarray(0, ED25519_SPKI_PREFIX.byteLength).equals(ED25519_SPKI_PREFIX)) {
    throw new RelaymeshError(ErrorCode.InvalidState, 'ed25519: unexpected SPKI encoding from node:crypto')
  }
  return u8(spki).slice(ED25519_SPKI_PREFIX.byteLength)
}

export function ed25519GenerateKeyPair (): Ed25519KeyPair {
  const privateKey = randomBytes(32)
  return { privateKey, publicKey: ed25519PublicFromPrivate(privateKey) }
}

export function ed25519Sign (seed: Uint8Array, message: Uint8Array): Uint8Array {
  check(seed, 32, 'ed25519 private key')
  check(message, null, 'ed25519 message')
  return u8(nc.sign(null, message, edPrivateKeyObject(seed)))
}

/** Ed25519 verify; false (never a throw) for any malformed key or signature. */
export function ed25519Verify (pub: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!(pub instanceof Uint8Array) || pub.byteLength !== 32) return false
  if (!(signature instanceof Uint8Array) || signature.byteLength !== 64) return false
  // node would sign-check a string as its UTF-8 bytes: only bytes are messages
  if (!(message instanceof Uint8Array)) return false
  try {
    return nc.verify(null, message, edPublicKeyObject(pub), signature)
  } catch {
    return false
  }
}

// Field arithmetic for the birational map, in BigInt: p = 2^255 - 19 and
// Edwards d = -121665/121666 (RFC 8032 §5.1).
const P = (1n << 255n) - 19n
const ED_D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n

const modP = (a: bigint): bigint => { const r = a % P; return r < 0n ? r + P : r }

/** a^-1 mod p by the extended Euclidean algorithm (a != 0 mod p); 6x cheaper than a^(p-2) in BigInt. */
function invertModP (a: bigint): bigint {
  let r0 = P
  let r1 = a
  let t0 = 0n
  let t1 = 1n
  while (r1 !== 0n) {
    const q = r0 / r1
    const r2 = r0 - q * r1
    r0 = r1; r1 = r2
    const t2 = t0 - q * t1
    t0 = t1; t1 = t2
  }
  return t0 < 0n ? t0 + P : t0
}

/** The Legendre symbol (a / p) by the binary Jacobi algorithm: 1, -1, or 0 for a = 0 mod p. */
function legendreP (a: bigint): number {
  let n = P
  let t = 1
  a %= n
  while (a !== 0n) {
    while ((a & 1n) === 0n) {
      a >>= 1n
      const r = n & 7n
      if (r === 3n || r === 5n) t = -t // (2/n) = -1 for n = 3, 5 mod 8
    }
    const swap = a; a = n; n = swap // quadratic reciprocity
    if ((a & 3n) === 3n && (n & 3n) === 3n) t = -t
    a %= n
  }
  return n === 1n ? t : 0
}

function readU256LE (b: Uint8Array): bigint {
  const v = new DataView(b.buffer, b.byteOffset, 32)
  return v.getBigUint64(0, true) | v.getBigUint64(8, true) << 64n | v.getBigUint64(16, true) << 128n | v.getBigUint64(24, true) << 192n
}

function writeU256LE (x: bigint): Uint8Array {
  const out = new Uint8Array(32)
  const v = new DataView(out.buffer)
  const m = (1n << 64n) - 1n
  for (let i = 0; i < 4; i++) v.setBigUint64(8 * i, (x >> BigInt(64 * i)) & m, true)
  return out
}

/**
 * The X25519 form of an Ed25519 public key: u = (1 + y) / (1 - y) mod p
 * (RFC 7748 §4.1), from y alone, without decompressing the point (x is not
 * needed). Accepts exactly the encodings RFC 8032 §5.1.3 decoding accepts,
 * as @noble/curves' toMontgomery did, and gives the same bytes:
 *  - y >= p is rejected (§5.1.3 step 1);
 *  - y must be the y of a curve point: x^2 = (y^2 - 1) / (d y^2 + 1) has to be
 *    a square mod p (§5.1.3 step 2); checked with a Legendre symbol (binary
 *    Jacobi algorithm) instead of a square root;
 *  - x = 0 (y = +-1) with the sign bit set is rejected (§5.1.3 step 4);
 *  - y = 1 (the neutral element) has no u (1 - y = 0): rejected. y = -1
 *    maps to u = 0, which x25519() then refuses as low order.
 * Any failure is InvalidArgument. About 2.3x faster than toMontgomery
 * (docs/protocol.md §1).
 */
export function ed25519PublicToX25519 (pub: Uint8Array): Uint8Array {
  check(pub, 32, 'ed25519 public key')
  const sign = (pub[31]! & 0x80) !== 0
  const y = readU256LE(pub) & ((1n << 255n) - 1n)
  if (y >= P) throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: y is not reduced mod p')
  const y2 = y * y % P
  const num = modP(y2 - 1n)
  if (legendreP(num * modP(ED_D * y2 + 1n) % P) === -1) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: not a valid point')
  }
  if (num === 0n && sign) throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: x = 0 with the sign bit set')
  if (y === 1n) throw new RelaymeshError(ErrorCode.InvalidArgument, 'ed25519 public key: the neutral element has no X25519 form')
  return writeU256LE(modP(1n + y) * invertModP(modP(1n - y)) % P)
}

/**
 * The X25519 private scalar matching ed25519PublicToX25519 of its public key:
 * the clamped first half of SHA-512(seed), the Ed25519 secret scalar
 * (RFC 8032 §5.1.5 steps 1-2). The other half of the digest is the signing
 * nonce prefix, so it is wiped, never handed out.
 */
export function ed25519PrivateToX25519 (seed: Uint8Array): Uint8Array {
  check(seed, 32, 'ed25519 private key')
  const h = nc.createHash('sha512').update(seed).digest()
  const out = new Uint8Array(32)
  out.set(h.subarray(0, 32))
  h.fill(0)
  // RFC 7748 §5 decodeScalar25519 clamping, as RFC 8032 §5.1.5 step 2
  out[0]! &= 248
  out[31]! &= 127
  out[31]! |= 64
  return out
}

// ---------------------------------------------------------------- ML-KEM-768 (FIPS 203)

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
  if (hit !== undefined && equalBytes(hit.bytes, publicKey)) return hit.prepared
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

// ---------------------------------------------------------------- passphrase KDF

/** scrypt (RFC 7914). Synchronous: callers run it once per unlock. */
export function scrypt (passphrase: Uint8Array, salt: Uint8Array, length: number, params: { N: number, r: number, p: number, maxmem: number }): Uint8Array {
  check(passphrase, null, 'scrypt passphrase')
  check(salt, null, 'scrypt salt')
  try {
    return u8(nc.scryptSync(passphrase, salt, length, params))
  } catch (err) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'scrypt: invalid parameters', { cause: err })
  }
}
