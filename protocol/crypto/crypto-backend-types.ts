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

/** ML-KEM-768 sizes (FIPS 203 Table 3) and the layout of dk (§7.1: dk_PKE (384k) || ek || H(ek) || z). */
export const MLKEM768 = {
  seedBytes: 64,
  publicKeyBytes: 1184,
  secretKeyBytes: 2400,
  cipherTextBytes: 1088,
  sharedSecretBytes: 32,
  dkEkOffset: 1152
} as const

/**
 * An ML-KEM-768 implementation, unchecked (ml-kem.ts checks lengths and maps
 * failures to RelaymeshErrors). Keys travel as FIPS 203 byte strings: ek
 * (1184 bytes) and the expanded dk (2400 bytes), whatever the backend keeps
 * inside. Two exist: native (node:crypto, OpenSSL 3.5) and @noble/post-quantum;
 * both pass the same vectors (test/protocol/crypto/fips203-ml-kem-768.test.ts).
 */
export interface MlKemBackend {
  readonly name: 'node' | 'noble'
  /** ML-KEM.KeyGen_internal(d, z) from seed = d || z (FIPS 203 Algorithm 16); a fresh random seed when omitted */
  keygen: (seed?: Uint8Array) => { publicKey: Uint8Array, secretKey: Uint8Array }
  /** ML-KEM.Encaps (Algorithm 20); throws when ek fails the modulus check (§7.2) */
  encapsulate: (publicKey: Uint8Array) => { cipherText: Uint8Array, sharedSecret: Uint8Array }
  /** ML-KEM.Decaps (Algorithm 21) with implicit rejection; throws when dk fails the hash check (§7.3) */
  decapsulate: (cipherText: Uint8Array, secretKey: Uint8Array) => Uint8Array
  /**
   * The seed form of the secret key (the 64-byte d || z that keygen expands):
   * the ek of keygen(seed), and Decaps with keygen(seed)'s dk. Node 26 exports
   * only this form natively, so keeping the seed as the secret is what makes
   * native key generation possible there (docs/protocol.md §1, ML-KEM backends, item 4).
   */
  publicKeyFromSeed: (seed: Uint8Array) => Uint8Array
  decapsulateWithSeed: (cipherText: Uint8Array, seed: Uint8Array) => Uint8Array
}
