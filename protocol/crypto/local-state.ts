// Local state sealed under a passphrase (the client's keystore and session
// files). Format (protocol/pb/local-state.proto):
//
//   SealedLocalState { header = LocalStateHeader{magic "RMLS", version, log2_n, r, p, salt, nonce}, ciphertext }
//   key        = HKDF-SHA256(ikm = scrypt(NFKC(passphrase), salt, 32, N, r, p), salt = "", info = INFO.localState, 32)
//   ciphertext = AES-256-GCM(key, nonce, plaintext, aad = the header bytes as stored)
//
// scrypt is RFC 7914; the HKDF step (RFC 5869 §3.3: extract-then-expand of
// an already strong key) domain-separates the key from any other use of the
// same scrypt output. The header is the associated data, so a changed
// parameter, salt or nonce fails authentication exactly like a wrong
// passphrase. Parameters in a header are bounded (SCRYPT_BOUNDS) before
// scrypt runs: a crafted file cannot make us allocate gigabytes.
//
// Derive once, seal many: deriveLocalStateKey runs scrypt once per unlock;
// sealWithKey / openWithKey then cost one AES-GCM each. Every sealed blob
// carries the KDF parameters and salt, so openLocalState can open any blob
// on its own. Nonces are random (12 bytes); keep well under 2^32 seals per
// derived key (NIST SP 800-38D §8.3), e.g. derive a new salt on passphrase
// change and from time to time.
import { INFO, LOCAL_STATE_MAGIC, LOCAL_STATE_SALT_BYTES, LOCAL_STATE_VERSION, MAX_LOCAL_STATE_BYTES, SCRYPT_BOUNDS, SCRYPT_PARAMS } from '../constants.js'
import { decode, encode } from '../codec.js'
import { ErrorCode, RelaymeshError } from '../errors.js'
import { LocalStateHeader, SealedLocalState } from '../pb/local-state.js'
import { aesGcmDecrypt, aesGcmEncrypt, AES_GCM_NONCE_BYTES, AES_GCM_TAG_BYTES, equalBytes, hkdfSha256, randomBytes, scrypt, wipe } from './primitives.js'

/** an encoded header is ~50 bytes; anything much larger is not ours */
const MAX_HEADER_BYTES = 128
const EMPTY = new Uint8Array(0)
const te = new TextEncoder()
export interface ScryptParams {
  /** cost, a power of two */
  N: number
  r: number
  p: number
}

/** What a key derivation depends on: the scrypt parameters and the salt. */
export interface LocalStateKdf extends ScryptParams {
  salt: Uint8Array
}

/** A derived sealing key with the parameters it came from. Wipe with wipeLocalStateKey. */
export interface LocalStateKey {
  readonly kdf: LocalStateKdf
  readonly key: Uint8Array
}

export interface LocalStateHeaderInfo extends LocalStateKdf {
  nonce: Uint8Array
}

function log2Exact (n: number): number {
  if (!Number.isSafeInteger(n) || n < 2 || (n & (n - 1)) !== 0 || n > 2 ** 30) return -1
  return Math.log2(n)
}

/** Throws `code` unless the parameters are within SCRYPT_BOUNDS. */
function checkParams (params: ScryptParams, code: ErrorCode): void {
  const { N, r, p } = params
  const log2N = log2Exact(N)
  const ok = log2N >= 1 && log2N <= SCRYPT_BOUNDS.maxLog2N &&
    Number.isInteger(r) && r >= 1 && r <= SCRYPT_BOUNDS.maxR &&
    Number.isInteger(p) && p >= 1 && p <= SCRYPT_BOUNDS.maxP &&
    128 * N * r <= SCRYPT_BOUNDS.maxMemory &&
    N * r * p <= SCRYPT_BOUNDS.maxWork
  if (!ok) {
    throw new RelaymeshError(code, `scrypt parameters N=${N} r=${r} p=${p} are outside the accepted bounds`)
  }
}

/** Fresh derivation parameters: a random salt with `params`. */
export function newLocalStateKdf (params: ScryptParams = SCRYPT_PARAMS): LocalStateKdf {
  checkParams(params, ErrorCode.InvalidArgument)
  return { N: params.N, r: params.r, p: params.p, salt: randomBytes(LOCAL_STATE_SALT_BYTES) }
}

interface ParsedSealed {
  info: LocalStateHeaderInfo
  header: Uint8Array
  ciphertext: Uint8Array
}

function parseSealed (sealed: Uint8Array): ParsedSealed {
  const outer = decode(SealedLocalState, sealed, MAX_LOCAL_STATE_BYTES, 'SealedLocalState', null)
  // The wrapper is outside the AEAD: accept only its canonical encoding, so
  // every changed byte of a blob is refused (protobuf alone would accept
  // other wire types, padded varints or unknown fields for the same fields).
  if (!equalBytes(encode(SealedLocalState, outer), sealed)) {
    throw new RelaymeshError(ErrorCode.Decode, 'SealedLocalState: not in canonical encoding')
  }
  const h = decode(LocalStateHeader, outer.header, MAX_HEADER_BYTES, 'LocalStateHeader', null)
  if (!equalBytes(h.magic, LOCAL_STATE_MAGIC)) {
    throw new RelaymeshError(ErrorCode.Decode, 'LocalStateHeader: not a relaymesh local state file')
  }
  if (h.version !== LOCAL_STATE_VERSION) {
    throw new RelaymeshError(ErrorCode.Decode, `LocalStateHeader: unsupported version ${h.version}`)
  }
  if (h.salt.byteLength !== LOCAL_STATE_SALT_BYTES || h.nonce.byteLength !== AES_GCM_NONCE_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, 'LocalStateHeader: bad salt or nonce length')
  }
  if (h.log2N < 1 || h.log2N > SCRYPT_BOUNDS.maxLog2N) {
    throw new RelaymeshError(ErrorCode.Decode, `LocalStateHeader: scrypt log2(N)=${h.log2N} outside 1..${SCRYPT_BOUNDS.maxLog2N}`)
  }
  const info = { N: 2 ** h.log2N, r: h.r, p: h.p, salt: h.salt, nonce: h.nonce }
  checkParams(info, ErrorCode.Decode)
  if (outer.ciphertext.byteLength < AES_GCM_TAG_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, 'SealedLocalState: ciphertext shorter than the tag')
  }
  return { info, header: outer.header, ciphertext: outer.ciphertext }
}

/** The KDF parameters, salt and nonce of a sealed blob (bounded and checked; Decode if not). */
export function readLocalStateHeader (sealed: Uint8Array): LocalStateHeaderInfo {
  return parseSealed(sealed).info
}

/**
 * Run scrypt once: the key for `header` (the parameters of newLocalStateKdf,
 * or a sealed blob whose parameters to reuse). Costs ~100 ms and 32 MiB at
 * SCRYPT_PARAMS.
 */
export function deriveLocalStateKey (passphrase: string, header: LocalStateKdf | Uint8Array): LocalStateKey {
  if (typeof passphrase !== 'string') {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'passphrase: expected a string')
  }
  let kdf: LocalStateKdf
  if (header instanceof Uint8Array) {
    const { N, r, p, salt } = readLocalStateHeader(header)
    kdf = { N, r, p, salt: salt.slice() }
  } else {
    checkParams(header, ErrorCode.InvalidArgument)
    if (!(header.salt instanceof Uint8Array) || header.salt.byteLength !== LOCAL_STATE_SALT_BYTES) {
      throw new RelaymeshError(ErrorCode.InvalidArgument, `salt: expected ${LOCAL_STATE_SALT_BYTES} bytes`)
    }
    kdf = { N: header.N, r: header.r, p: header.p, salt: header.salt.slice() }
  }
  // NFKC so that the same passphrase typed on different keyboards or
  // platforms (composed vs decomposed accents, width variants) gives one key.
  const pass = te.encode(passphrase.normalize('NFKC'))
  // scrypt needs 128·r·(N + p + 2) bytes; the bounds keep this small.
  const maxmem = 128 * kdf.r * (kdf.N + kdf.p + 2) + 1024 * 1024
  const stretched = scrypt(pass, kdf.salt, 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem })
  const key = hkdfSha256(stretched, EMPTY, INFO.localState, 32)
  wipe(pass, stretched)
  return { kdf, key }
}

export function wipeLocalStateKey (key: LocalStateKey): void {
  wipe(key.key)
}

/** Seal with a derived key: one AES-256-GCM with a fresh random nonce. */
export function sealWithKey (key: LocalStateKey, plaintext: Uint8Array): Uint8Array {
  if (!(plaintext instanceof Uint8Array)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'plaintext: expected Uint8Array')
  }
  const nonce = randomBytes(AES_GCM_NONCE_BYTES)
  const header = encode(LocalStateHeader, {
    magic: LOCAL_STATE_MAGIC,
    version: LOCAL_STATE_VERSION,
    log2N: Math.log2(key.kdf.N),
    r: key.kdf.r,
    p: key.kdf.p,
    salt: key.kdf.salt,
    nonce: nonce
  })
  const ciphertext = aesGcmEncrypt(key.key, nonce, plaintext, header)
  const out = encode(SealedLocalState, { header, ciphertext: ciphertext })
  if (out.byteLength > MAX_LOCAL_STATE_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `sealed local state of ${out.byteLength} bytes exceeds ${MAX_LOCAL_STATE_BYTES}`)
  }
  return out
}

/**
 * Open with a derived key. InvalidState if the blob was sealed under other
 * KDF parameters or salt (derive again from it, or use openLocalState);
 * WrongPassphrase if it does not authenticate (wrong key or tampered).
 */
export function openWithKey (key: LocalStateKey, sealed: Uint8Array): Uint8Array {
  const { info, header, ciphertext } = parseSealed(sealed)
  const k = key.kdf
  if (info.N !== k.N || info.r !== k.r || info.p !== k.p || !equalBytes(info.salt, k.salt)) {
    throw new RelaymeshError(ErrorCode.InvalidState, 'local state sealed under a different key derivation (salt or parameters)')
  }
  try {
    return aesGcmDecrypt(key.key, info.nonce, ciphertext, header)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.WrongPassphrase, 'local state did not open: wrong passphrase or tampered data', { cause: err })
  }
}

/** Seal `plaintext` under `passphrase` with a fresh salt (one scrypt). */
export function sealLocalState (passphrase: string, plaintext: Uint8Array, params: ScryptParams = SCRYPT_PARAMS): Uint8Array {
  const key = deriveLocalStateKey(passphrase, newLocalStateKdf(params))
  try {
    return sealWithKey(key, plaintext)
  } finally {
    wipeLocalStateKey(key)
  }
}

/** Open a blob sealed by sealLocalState or sealWithKey (one scrypt, with the blob's own parameters). */
export function openLocalState (passphrase: string, sealed: Uint8Array): Uint8Array {
  const key = deriveLocalStateKey(passphrase, sealed)
  try {
    return openWithKey(key, sealed)
  } finally {
    wipeLocalStateKey(key)
  }
}
