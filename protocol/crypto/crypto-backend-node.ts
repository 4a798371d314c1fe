// The Node backend: node:crypto (OpenSSL) for every primitive it does soundly,
// measured faster than @noble/* side by side (`npm run bench:primitives`,
// figures in docs/protocol.md §1): AES-256-GCM, HMAC, HKDF, SHA-2, X25519,
// Ed25519 and scrypt.
import * as nc from 'node:crypto'
import type { CryptoBackend } from './crypto-backend-types.js'

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

const ZERO_SALT = new Uint8Array(32)
const COUNTER = [Uint8Array.of(1), Uint8Array.of(2)] as const

// Short outputs (every KDF on the message path: 32, 44 and 64 bytes) as
// RFC 5869 §2.2-2.3 with createHmac: 1.3-1.9x faster than hkdfSync, which
// builds a secret KeyObject per call (docs/protocol.md §1).
// Node 26 turned that around: hkdfSync measured ~3.7 us for 44 and 64 bytes
// against ~7 us for two or three createHmac calls (Node 20: 10-12 us against
// 5-7; docs/protocol.md §1, docs/notes/crypto-measurements.md), so from Node 26 on every length goes
// through hkdfSync.
const HKDF_BY_HMAC = Number(process.versions.node.split('.')[0]) < 26

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

function b64url (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url')
}

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
function cachedKeys (make: (bytes: Uint8Array) => nc.KeyObject): (bytes: Uint8Array) => nc.KeyObject {
  const cache = new WeakMap<Uint8Array, nc.KeyObject>()
  return (bytes) => {
    let k = cache.get(bytes)
    if (k === undefined) {
      k = make(bytes)
      cache.set(bytes, k)
    }
    return k
  }
}

const x25519Private = cachedKeys((raw) => importPrivate('X25519', raw))
const x25519Public = cachedKeys((raw) => nc.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64url(raw) }, format: 'jwk' }))
const edPrivate = cachedKeys((seed) => importPrivate('Ed25519', seed))
const edPublic = cachedKeys((raw) => nc.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(raw) }, format: 'jwk' }))

const BASEPOINT = new Uint8Array(32)
BASEPOINT[0] = 9

export const nodeBackend: CryptoBackend = {
  name: 'node',
  randomBytes: (length) => u8(nc.randomBytes(length)),
  timingSafeEqual: (a, b) => nc.timingSafeEqual(a, b),
  sha256: (data) => u8(nc.createHash('sha256').update(data).digest()),
  sha512: (data) => u8(nc.createHash('sha512').update(data).digest()),
  hmacSha256: (key, data) => u8(nc.createHmac('sha256', key).update(data).digest()),
  hkdfSha256 (ikm, salt, info, length) {
    if (length <= 2 * 32 && HKDF_BY_HMAC) return hkdfShort(ikm, salt, info, length)
    return new Uint8Array(nc.hkdfSync('sha256', ikm, salt, info, length))
  },
  aesGcmSeal (key, nonce, plaintext, aad) {
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
  },
  aesGcmOpen (key, nonce, sealed, aad) {
    const split = sealed.byteLength - 16
    const d = nc.createDecipheriv('aes-256-gcm', key, nonce)
    d.setAuthTag(sealed.subarray(split))
    if (aad.byteLength > 0) d.setAAD(aad)
    const head = d.update(sealed.subarray(0, split))
    const tail = d.final()
    if (tail.byteLength === 0) return u8(head)
    const out = new Uint8Array(head.byteLength + tail.byteLength)
    out.set(head)
    out.set(tail, head.byteLength)
    return out
  },
  // X25519(k, 9) is cheaper than exporting the public key (shared/NOTES.md)
  x25519Base: (priv) => u8(nc.diffieHellman({ privateKey: x25519Private(priv), publicKey: x25519Public(BASEPOINT) })),
  x25519: (priv, pub) => u8(nc.diffieHellman({ privateKey: x25519Private(priv), publicKey: x25519Public(pub) })),
  ed25519Public (seed) {
    // node derives the public key on import (2-2.5x @noble's getPublicKey), and
    // the cached KeyObject then serves this seed's signatures. SPKI DER export,
    // not JWK: JWK export of fresh OKP keys deadlocked Node 20 (shared/NOTES.md).
    const spki = nc.createPublicKey(edPrivate(seed)).export({ format: 'der', type: 'spki' })
    if (spki.byteLength !== ED25519_SPKI_PREFIX.byteLength + 32 || !spki.subarray(0, ED25519_SPKI_PREFIX.byteLength).equals(ED25519_SPKI_PREFIX)) {
      throw new Error('ed25519: unexpected SPKI encoding from node:crypto')
    }
    return u8(spki).slice(ED25519_SPKI_PREFIX.byteLength)
  },
  ed25519Sign: (seed, message) => u8(nc.sign(null, message, edPrivate(seed))),
  ed25519Verify: (pub, message, signature) => nc.verify(null, message, edPublic(pub), signature),
  scrypt: (passphrase, salt, length, params) => u8(nc.scryptSync(passphrase, salt, length, params))
}
