// The pure-JavaScript backend: @noble/hashes, @noble/ciphers and @noble/curves
// (audited, constant-time where it matters), with randomness from
// crypto.getRandomValues (WebCrypto). The browser build uses it
// (crypto-backend.browser.ts). WebCrypto's subtle API also has AES-GCM, HMAC,
// HKDF and, in recent browsers, X25519/Ed25519, but only asynchronously: the
// ratchets and the sealed store call these primitives synchronously, so the
// browser takes @noble's synchronous implementations (docs/protocol.md §1).
import { gcm } from '@noble/ciphers/aes.js'
import { ed25519, x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { scrypt } from '@noble/hashes/scrypt.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import type { CryptoBackend } from './crypto-backend-types.js'

/** crypto.getRandomValues fills at most 65,536 bytes per call (WebCrypto) */
const RANDOM_CHUNK = 65536

export const nobleBackend: CryptoBackend = {
  name: 'noble',
  randomBytes (length) {
    const out = new Uint8Array(length)
    for (let o = 0; o < length; o += RANDOM_CHUNK) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(length, o + RANDOM_CHUNK)))
    return out
  },
  timingSafeEqual (a, b) {
    let acc = 0
    for (let i = 0; i < a.byteLength; i++) acc |= a[i]! ^ b[i]!
    return acc === 0
  },
  sha256: (data) => sha256(data),
  sha512: (data) => sha512(data),
  hmacSha256: (key, data) => hmac(sha256, key, data),
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt.byteLength === 0 ? undefined : salt, info, length),
  aesGcmSeal: (key, nonce, plaintext, aad) => gcm(key, nonce, aad).encrypt(plaintext),
  aesGcmOpen: (key, nonce, sealed, aad) => gcm(key, nonce, aad).decrypt(sealed),
  x25519Base: (priv) => x25519.getPublicKey(priv),
  x25519: (priv, pub) => x25519.getSharedSecret(priv, pub),
  ed25519Public: (seed) => ed25519.getPublicKey(seed),
  ed25519Sign: (seed, message) => ed25519.sign(message, seed),
  ed25519Verify: (pub, message, signature) => ed25519.verify(signature, message, pub, { zip215: false }),
  scrypt: (passphrase, salt, length, params) => scrypt(passphrase, salt, { N: params.N, r: params.r, p: params.p, dkLen: length, maxmem: params.maxmem })
}
