// What a crypto backend provides: the raw primitives, unchecked. primitives.ts
// checks arguments, maps failures to RelaymeshErrors and adds what is the same
// everywhere (ML-KEM, the Ed25519 -> X25519 map). Two backends exist, chosen at
// build time (crypto-backend.ts for Node, crypto-backend.browser.ts for the web
// bundle); both pass the same RFC vectors (test/protocol/crypto/*).
export interface CryptoBackend {
  readonly name: 'node' | 'noble'
  randomBytes: (length: number) => Uint8Array
  /** constant time, equal lengths only */
  timingSafeEqual: (a: Uint8Array, b: Uint8Array) => boolean
  sha256: (data: Uint8Array) => Uint8Array
  sha512: (data: Uint8Array) => Uint8Array
  hmacSha256: (key: Uint8Array, data: Uint8Array) => Uint8Array
  /** RFC 5869 with SHA-256; an empty salt is HashLen zeros; 1 <= length <= 255 * 32 */
  hkdfSha256: (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number) => Uint8Array
  /** AES-256-GCM: ciphertext || 16-byte tag */
  aesGcmSeal: (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array) => Uint8Array
  /** throws when the tag does not verify */
  aesGcmOpen: (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array) => Uint8Array
  /** X25519(priv, 9) */
  x25519Base: (priv: Uint8Array) => Uint8Array
  /** X25519(priv, pub); may throw on an invalid or low-order public key */
  x25519: (priv: Uint8Array, pub: Uint8Array) => Uint8Array
  ed25519Public: (seed: Uint8Array) => Uint8Array
  ed25519Sign: (seed: Uint8Array, message: Uint8Array) => Uint8Array
  /** RFC 8032 verification (not ZIP-215); may throw on malformed input */
  ed25519Verify: (pub: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean
  scrypt: (passphrase: Uint8Array, salt: Uint8Array, length: number, params: { N: number, r: number, p: number, maxmem: number }) => Uint8Array
}
