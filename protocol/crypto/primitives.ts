// Every cryptographic primitive relaymesh uses, behind one small interface.
// This module checks arguments and turns failures into RelaymeshErrors; the
// primitives themselves come from the build's crypto backend, chosen at build
// time: node:crypto in Node (crypto-backend-node.ts), @noble/* in the browser
// bundle (crypto-backend-noble.ts, through the crypto-backend.browser.ts
// twin). `primitivesWith(backend)` gives the same interface over any backend,
// so the RFC vector tests run against both. ML-KEM-768 (ml-kem.ts) has its
// own backend pair: native node:crypto where the runtime has it (Node.js >=
// 24.7), @noble/post-quantum elsewhere (docs/protocol.md §1, ML-KEM backends).
// The Ed25519 -> X25519 public-key map (birational-map.ts) is the same in
// every build. Figures and vector sets: docs/protocol.md §1.
import { ErrorCode, RelaymeshError } from '../errors.js'
import { backend } from './crypto-backend.js'
import type { CryptoBackend } from './crypto-backend-types.js'
export { ed25519PublicToX25519 } from './birational-map.js'
export { mlkemBackendName, mlkemDecapsulate, mlkemDecapsulateWithSeed, mlkemEncapsulate, mlkemGenerateKeyPair, mlkemPublicKeyFromSeed, type KemKeyPair } from './ml-kem.js'

function check (value: Uint8Array, length: number | null, what: string): void {
  if (!(value instanceof Uint8Array)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected Uint8Array`)
  }
  if (length !== null && value.byteLength !== length) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected ${length} bytes, got ${value.byteLength}`)
  }
}

export function concat (...parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.byteLength
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.byteLength }
  return out
}

/** Overwrite secret bytes we no longer need. */
export function wipe (...buffers: Array<Uint8Array | undefined>): void {
  for (const b of buffers) b?.fill(0)
}

export const AES_GCM_NONCE_BYTES = 12
export const AES_GCM_TAG_BYTES = 16
const EMPTY = new Uint8Array(0)

export interface X25519KeyPair {
  publicKey: Uint8Array
  privateKey: Uint8Array
}

export interface Ed25519KeyPair {
  publicKey: Uint8Array
  /** the 32-byte seed (RFC 8032 private key) */
  privateKey: Uint8Array
}

export interface ScryptParams { N: number, r: number, p: number, maxmem: number }

export function primitivesWith (b: CryptoBackend) {
  const randomBytes = (length: number): Uint8Array => {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RelaymeshError(ErrorCode.InvalidArgument, `randomBytes: bad length ${length}`)
    }
    return b.randomBytes(length)
  }
  const x25519PublicFromPrivate = (priv: Uint8Array): Uint8Array => {
    check(priv, 32, 'x25519 private key')
    return b.x25519Base(priv)
  }
  const ed25519PublicFromPrivate = (seed: Uint8Array): Uint8Array => {
    check(seed, 32, 'ed25519 private key')
    try {
      return b.ed25519Public(seed)
    } catch (err) {
      throw new RelaymeshError(ErrorCode.InvalidState, 'ed25519: cannot derive the public key', { cause: err })
    }
  }
  return {
    randomBytes,
    /** Constant-time equality (false on length mismatch; only the length leaks). */
    equalBytes (a: Uint8Array, c: Uint8Array): boolean {
      check(a, null, 'equalBytes a')
      check(c, null, 'equalBytes b')
      return a.byteLength === c.byteLength && b.timingSafeEqual(a, c)
    },
    sha256 (data: Uint8Array): Uint8Array {
      check(data, null, 'sha256 data')
      return b.sha256(data)
    },
    sha512 (data: Uint8Array): Uint8Array {
      check(data, null, 'sha512 data')
      return b.sha512(data)
    },
    /** HMAC-SHA256 (RFC 2104, test vectors RFC 4231). */
    hmacSha256 (key: Uint8Array, data: Uint8Array): Uint8Array {
      check(key, null, 'hmac key')
      check(data, null, 'hmac data')
      return b.hmacSha256(key, data)
    },
    /** HKDF-SHA256 (RFC 5869). An empty salt means HashLen zero bytes (§2.2). */
    hkdfSha256 (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      check(ikm, null, 'hkdf ikm')
      check(salt, null, 'hkdf salt')
      check(info, null, 'hkdf info')
      // RFC 5869 §2.3: L <= 255 * HashLen
      if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
        throw new RelaymeshError(ErrorCode.InvalidArgument, `hkdf length: ${length} out of range`)
      }
      return b.hkdfSha256(ikm, salt, info, length)
    },
    /** AES-256-GCM (NIST SP 800-38D): returns ciphertext || 16-byte tag. */
    aesGcmEncrypt (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
      check(key, 32, 'aes-gcm key')
      check(nonce, AES_GCM_NONCE_BYTES, 'aes-gcm nonce')
      check(plaintext, null, 'aes-gcm plaintext')
      check(aad, null, 'aes-gcm aad')
      return b.aesGcmSeal(key, nonce, plaintext, aad)
    },
    /** AES-256-GCM open; ErrorCode.DecryptFailed when the tag does not verify. */
    aesGcmDecrypt (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array = EMPTY): Uint8Array {
      check(key, 32, 'aes-gcm key')
      check(nonce, AES_GCM_NONCE_BYTES, 'aes-gcm nonce')
      check(sealed, null, 'aes-gcm ciphertext')
      check(aad, null, 'aes-gcm aad')
      if (sealed.byteLength < AES_GCM_TAG_BYTES) {
        throw new RelaymeshError(ErrorCode.DecryptFailed, 'ciphertext shorter than the tag')
      }
      try {
        return b.aesGcmOpen(key, nonce, sealed, aad)
      } catch (err) {
        throw new RelaymeshError(ErrorCode.DecryptFailed, 'authentication failed', { cause: err })
      }
    },
    x25519PublicFromPrivate,
    x25519GenerateKeyPair (): X25519KeyPair {
      const privateKey = randomBytes(32)
      return { privateKey, publicKey: x25519PublicFromPrivate(privateKey) }
    },
    /**
     * X25519 shared secret (RFC 7748). Rejects an all-zero result (a low-order
     * public key), as RFC 7748 §6.1 allows and Signal requires.
     */
    x25519 (priv: Uint8Array, pub: Uint8Array): Uint8Array {
      check(priv, 32, 'x25519 private key')
      check(pub, 32, 'x25519 public key')
      let out: Uint8Array
      try {
        out = b.x25519(priv, pub)
      } catch (err) {
        throw new RelaymeshError(ErrorCode.InvalidArgument, 'x25519: invalid or low-order public key', { cause: err })
      }
      let acc = 0
      for (const x of out) acc |= x
      if (acc === 0) throw new RelaymeshError(ErrorCode.InvalidArgument, 'x25519: low-order public key')
      return out
    },
    ed25519PublicFromPrivate,
    ed25519GenerateKeyPair (): Ed25519KeyPair {
      const privateKey = randomBytes(32)
      return { privateKey, publicKey: ed25519PublicFromPrivate(privateKey) }
    },
    /** Ed25519 (RFC 8032) signature by a 32-byte seed. */
    ed25519Sign (seed: Uint8Array, message: Uint8Array): Uint8Array {
      check(seed, 32, 'ed25519 private key')
      check(message, null, 'ed25519 message')
      return b.ed25519Sign(seed, message)
    },
    /** Ed25519 verify; false (never a throw) for any malformed key or signature. */
    ed25519Verify (pub: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
      if (!(pub instanceof Uint8Array) || pub.byteLength !== 32) return false
      if (!(signature instanceof Uint8Array) || signature.byteLength !== 64) return false
      // a string would be checked as its UTF-8 bytes: only bytes are messages
      if (!(message instanceof Uint8Array)) return false
      try {
        return b.ed25519Verify(pub, message, signature)
      } catch {
        return false
      }
    },
    /**
     * The X25519 private scalar matching ed25519PublicToX25519 of its public key:
     * the clamped first half of SHA-512(seed), the Ed25519 secret scalar
     * (RFC 8032 §5.1.5 steps 1-2). The other half of the digest is the signing
     * nonce prefix, so it is wiped, never handed out.
     */
    ed25519PrivateToX25519 (seed: Uint8Array): Uint8Array {
      check(seed, 32, 'ed25519 private key')
      const h = b.sha512(seed)
      const out = h.slice(0, 32)
      h.fill(0)
      // RFC 7748 §5 decodeScalar25519 clamping, as RFC 8032 §5.1.5 step 2
      out[0]! &= 248
      out[31]! &= 127
      out[31]! |= 64
      return out
    },
    /** scrypt (RFC 7914). Synchronous: callers run it once per unlock. */
    scrypt (passphrase: Uint8Array, salt: Uint8Array, length: number, params: ScryptParams): Uint8Array {
      check(passphrase, null, 'scrypt passphrase')
      check(salt, null, 'scrypt salt')
      try {
        return b.scrypt(passphrase, salt, length, params)
      } catch (err) {
        throw new RelaymeshError(ErrorCode.InvalidArgument, 'scrypt: invalid parameters', { cause: err })
      }
    }
  }
}

export type Primitives = ReturnType<typeof primitivesWith>

export const {
  randomBytes, equalBytes, sha256, sha512, hmacSha256, hkdfSha256, aesGcmEncrypt, aesGcmDecrypt,
  x25519PublicFromPrivate, x25519GenerateKeyPair, x25519, ed25519PublicFromPrivate, ed25519GenerateKeyPair,
  ed25519Sign, ed25519Verify, ed25519PrivateToX25519, scrypt
} = primitivesWith(backend)
