// Derivations from a user's identity key (Ed25519 public key): the user id,
// a device's mailbox address, the X25519 forms used for DH, and safety
// numbers (Signal's numeric fingerprint) for out-of-band verification.
import { CONTEXT, ED25519_PUBLIC_KEY_BYTES, FINGERPRINT_ITERATIONS, FINGERPRINT_VERSION } from './constants.js'
import { encodeEC } from './crypto/encoding.js'
import { concat, ed25519PrivateToX25519, ed25519PublicToX25519, equalBytes, sha256, sha512 } from './crypto/primitives.js'
import { ErrorCode, RelaymeshError } from './errors.js'

/** Every user id starts with this, so ids are recognisable ('1' is outside the base32 alphabet). */
export const USER_ID_PREFIX = 'rm1'
/** bytes of SHA-256(CONTEXT.userId || identityKey) kept in a user id */
export const USER_ID_HASH_BYTES = 20
/** 20 bytes = 160 bits = exactly 32 base32 characters, so no padding and no spare bits */
export const USER_ID_LENGTH = USER_ID_PREFIX.length + (USER_ID_HASH_BYTES * 8) / 5

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567' // RFC 4648 §6, lowercase

function checkIdentityKey (identityKey: Uint8Array, what = 'identity key'): void {
  if (!(identityKey instanceof Uint8Array) || identityKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected a ${ED25519_PUBLIC_KEY_BYTES}-byte Ed25519 public key`)
  }
}

function checkU32 (value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected an unsigned 32-bit integer, got ${value}`)
  }
}

/** RFC 4648 §6 base32, lowercase, without padding. */
export function base32Encode (bytes: Uint8Array): string {
  let out = ''
  let acc = 0
  let bits = 0
  for (const b of bytes) {
    acc = (acc << 8) | b
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += BASE32[(acc >>> bits) & 31]
    }
    acc &= (1 << bits) - 1
  }
  if (bits > 0) out += BASE32[(acc << (5 - bits)) & 31]
  return out
}

function userIdHash (identityKey: Uint8Array): Uint8Array {
  return sha256(concat(CONTEXT.userId, identityKey)).subarray(0, USER_ID_HASH_BYTES)
}

/**
 * The user id: "rm1" + lowercase base32 (RFC 4648 §6, no padding) of the
 * first 20 bytes of SHA-256(CONTEXT.userId || identityKey). 35 characters.
 */
export function userIdFromIdentityKey (identityKey: Uint8Array): string {
  checkIdentityKey(identityKey)
  return USER_ID_PREFIX + base32Encode(userIdHash(identityKey))
}

/**
 * The 20-byte hash inside a user id. Strict: exactly the canonical form
 * userIdFromIdentityKey produces (lowercase, no padding, no whitespace);
 * a UI that accepts typed ids should trim and lowercase before calling.
 */
export function parseUserId (userId: string): Uint8Array {
  if (typeof userId !== 'string') {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'user id: expected a string')
  }
  if (!userId.startsWith(USER_ID_PREFIX)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `user id: must start with "${USER_ID_PREFIX}"`)
  }
  if (userId.length !== USER_ID_LENGTH) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `user id: expected ${USER_ID_LENGTH} characters, got ${userId.length}`)
  }
  const out = new Uint8Array(USER_ID_HASH_BYTES)
  let acc = 0
  let bits = 0
  let o = 0
  for (let i = USER_ID_PREFIX.length; i < userId.length; i++) {
    const v = BASE32.indexOf(userId[i] as string)
    if (v < 0) {
      throw new RelaymeshError(ErrorCode.InvalidArgument, `user id: invalid character at ${i}`)
    }
    acc = (acc << 5) | v
    bits += 5
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >>> bits) & 0xff
      acc &= (1 << bits) - 1
    }
  }
  return out
}

/** Whether `userId` is the id of `identityKey` (false for a malformed id). */
export function userIdMatches (userId: string, identityKey: Uint8Array): boolean {
  checkIdentityKey(identityKey)
  let hash: Uint8Array
  try {
    hash = parseUserId(userId)
  } catch {
    return false
  }
  return equalBytes(hash, userIdHash(identityKey))
}

/**
 * A device's mailbox address, MAILBOX_ADDRESS_BYTES (32): SHA-256(CONTEXT.mailbox ||
 * identityKey || u32be(deviceId)). It is also the device's position in the
 * kad-dht key space, which picks the replicas that hold its mailbox.
 */
export function mailboxAddress (identityKey: Uint8Array, deviceId: number): Uint8Array {
  checkIdentityKey(identityKey)
  checkU32(deviceId, 'device id')
  const id = new Uint8Array(4)
  new DataView(id.buffer).setUint32(0, deviceId, false)
  return sha256(concat(CONTEXT.mailbox, identityKey, id))
}

// ---------------------------------------------------------------- X25519 forms

// The birational map costs a point decompression (~285 µs with @noble, more
// than the DH itself), and the same few identity keys come back again and
// again (every sealed-sender message names its sender). Public forms are
// cached by value in a small LRU; returning the same array for the same key
// also lets the Node crypto backend reuse its KeyObject for it. Private
// forms are cached per seed array (callers keep their identity's arrays).
const X25519_PUBLIC_CACHE_SIZE = 1024
const x25519PublicCache = new Map<string, Uint8Array>()
const x25519PrivateCache = new WeakMap<Uint8Array, Uint8Array>()

/**
 * The X25519 form of an identity key (RFC 7748 §4.1 birational map), for DH.
 * InvalidArgument if the key is not a valid Ed25519 point. Cached: do not
 * mutate the returned array.
 */
export function identityX25519Public (identityKey: Uint8Array): Uint8Array {
  checkIdentityKey(identityKey)
  const id = Buffer.from(identityKey.buffer, identityKey.byteOffset, identityKey.byteLength).toString('base64')
  let out = x25519PublicCache.get(id)
  if (out !== undefined) {
    x25519PublicCache.delete(id) // most recently used goes last
  } else {
    out = ed25519PublicToX25519(identityKey)
    if (x25519PublicCache.size >= X25519_PUBLIC_CACHE_SIZE) {
      const oldest = x25519PublicCache.keys().next()
      if (oldest.done !== true) x25519PublicCache.delete(oldest.value)
    }
  }
  x25519PublicCache.set(id, out)
  return out
}

/**
 * The X25519 private scalar of an identity (from its Ed25519 seed), for DH.
 * Cached per seed array: do not mutate or wipe the returned array while the
 * seed is in use.
 */
export function identityX25519Private (identitySeed: Uint8Array): Uint8Array {
  let out = x25519PrivateCache.get(identitySeed)
  if (out === undefined) {
    out = ed25519PrivateToX25519(identitySeed)
    x25519PrivateCache.set(identitySeed, out)
  }
  return out
}

// ---------------------------------------------------------------- safety numbers

/**
 * One side's 30-digit half of a numeric fingerprint (libsignal
 * rust/protocol/src/fingerprint.rs, Fingerprint::get_fingerprint and
 * get_encoded_string): H_0 = SHA-512(u16be(version) || key || stableId || key),
 * H_i = SHA-512(H_{i-1} || key) for i < iterations; the first 30 bytes of the
 * last hash, as six 5-byte big-endian integers, each mod 100000 in 5 digits.
 */
export function fingerprintHalf (key: Uint8Array, stableId: Uint8Array, iterations: number = FINGERPRINT_ITERATIONS): string {
  if (!Number.isInteger(iterations) || iterations <= 1 || iterations > 1_000_000) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `fingerprint iterations: ${iterations} out of range`)
  }
  const version = Uint8Array.of(FINGERPRINT_VERSION >>> 8, FINGERPRINT_VERSION & 0xff)
  let hash = sha512(concat(version, key, stableId, key))
  for (let i = 1; i < iterations; i++) hash = sha512(concat(hash, key))
  let out = ''
  for (let chunk = 0; chunk < 6; chunk++) {
    let n = 0
    // 5 bytes = 40 bits: exact in a double (below 2^53)
    for (let j = 0; j < 5; j++) n = n * 256 + (hash[chunk * 5 + j] as number)
    out += String(n % 100_000).padStart(5, '0')
  }
  return out
}

/** The 60-digit display string: both halves, smaller first, so both sides see the same. */
export function numericFingerprint (localKey: Uint8Array, localId: Uint8Array, remoteKey: Uint8Array, remoteId: Uint8Array, iterations: number = FINGERPRINT_ITERATIONS): string {
  const local = fingerprintHalf(localKey, localId, iterations)
  const remote = fingerprintHalf(remoteKey, remoteId, iterations)
  return local < remote ? local + remote : remote + local
}

const te = new TextEncoder()

/**
 * The safety number two users compare out of band: 60 digits (show them in
 * 12 groups of 5). Signal's numeric fingerprint, version 0, 5200 iterations;
 * the key fingerprinted is EncodeEC of the identity key's X25519 form (what
 * libsignal fingerprints: its identity keys are Curve25519 keys, serialized
 * 0x05 || u) and the stable id is the UTF-8 user id. The X25519 form drops
 * the sign of the Edwards x-coordinate, but the user id is a hash of the
 * exact Ed25519 key, so the number still commits to the exact key; each
 * user id must match its key (InvalidArgument otherwise).
 */
export function safetyNumber (ourIdentityKey: Uint8Array, ourUserId: string, theirIdentityKey: Uint8Array, theirUserId: string): string {
  checkIdentityKey(ourIdentityKey, 'our identity key')
  checkIdentityKey(theirIdentityKey, 'their identity key')
  if (!userIdMatches(ourUserId, ourIdentityKey)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'our user id does not match our identity key')
  }
  if (!userIdMatches(theirUserId, theirIdentityKey)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'their user id does not match their identity key')
  }
  return numericFingerprint(
    encodeEC(identityX25519Public(ourIdentityKey)), te.encode(ourUserId),
    encodeEC(identityX25519Public(theirIdentityKey)), te.encode(theirUserId)
  )
}
