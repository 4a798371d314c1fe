// Contacts-only presence (docs/protocol.md §8e). A device says
// "online" or "offline" in a PresenceBlob that only holders of its user's
// profile key can find, read or write:
// - presence key = HKDF-SHA256(profile key, salt empty, INFO.presenceKey, 32);
// - per device and UTC day an Ed25519 key pair from the seed
//   HKDF-SHA256(presence key, salt empty, INFO.presenceSeed || u32 device id || u32 day, 32);
// - the blob's id is SHA-256(public key): contacts compute it, nobody else can;
// - PresenceState (padded to PRESENCE_STATE_BYTES) sealed with AES-256-GCM
//   under the presence key, random 12-byte nonce, aad = public key;
// - signed by that key over CONTEXT.presence || u64 seq || u64 expires_at || ciphertext.
// Nodes verify a blob (verifyPresenceBlob: size, canonical form, expiry,
// signature) without learning whose it is; contacts open it (openPresenceBlob).
import {
  AES_GCM_NONCE_BYTES, AES_GCM_TAG_BYTES, aesGcmDecrypt, aesGcmEncrypt, concat, ed25519PublicFromPrivate, ed25519Sign, ed25519Verify,
  equalBytes, hkdfSha256, randomBytes, sha256, type Ed25519KeyPair
} from './crypto/primitives.js'
import {
  CONTEXT, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, INFO, MAX_PRESENCE_BLOB_BYTES, MAX_PRESENCE_LIFETIME_MS, PRESENCE_STATE_BYTES,
  PROFILE_KEY_BYTES, WIRE_VERSION
} from './constants.js'
import { decode, encode, u32be, u64be } from './codec.js'
import { ErrorCode, RelaymeshError } from './errors.js'
import { PresenceBlob, PresenceState } from './pb/records.js'

export const DAY_MS = 24 * 60 * 60 * 1000
export const PRESENCE_ID_BYTES = 32
const EMPTY = new Uint8Array(0)
/** the ciphertext of a padded PresenceState: nonce || sealed || tag */
const CIPHERTEXT_BYTES = AES_GCM_NONCE_BYTES + PRESENCE_STATE_BYTES + AES_GCM_TAG_BYTES

/** The presence key of a profile key. */
export function presenceKey (profileKey: Uint8Array): Uint8Array {
  if (!(profileKey instanceof Uint8Array) || profileKey.byteLength !== PROFILE_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `profile key: expected ${PROFILE_KEY_BYTES} bytes`)
  }
  return hkdfSha256(profileKey, EMPTY, INFO.presenceKey, 32)
}

/** The UTC day number of a time (days since the epoch). */
export function dayOf (nowMs: number): number {
  return Math.floor(nowMs / DAY_MS)
}



/** One device's presence signing key for one day. */
export function presenceKeyPair (key: Uint8Array, deviceId: number, day: number): Ed25519KeyPair {
  if (key.byteLength !== 32) throw new RelaymeshError(ErrorCode.InvalidArgument, 'presence key: expected 32 bytes')
  const seed = hkdfSha256(key, EMPTY, concat(INFO.presenceSeed, u32be(deviceId), u32be(day)), 32)
  return { privateKey: seed, publicKey: ed25519PublicFromPrivate(seed) }
}

/** A blob's id: SHA-256 of its public key. */
export function presenceIdOf (publicKey: Uint8Array): Uint8Array {
  return sha256(publicKey)
}

/** The id of one device's blob on one day (what a contact asks PRESENCE_GET for). */
export function presenceId (key: Uint8Array, deviceId: number, day: number): Uint8Array {
  return presenceIdOf(presenceKeyPair(key, deviceId, day).publicKey)
}

function signedMessage (seq: number, expiresAt: number, ciphertext: Uint8Array): Uint8Array {
  return concat(CONTEXT.presence, u64be(seq), u64be(expiresAt), ciphertext)
}

export interface PresenceStatement {
  online: boolean
  /** when the device says so (ms since epoch) */
  at: number
  seq: number
  expiresAt: number
}

/** The padded PresenceState plaintext. */
function encodeState (online: boolean, at: number): Uint8Array {
  const bare = encode(PresenceState, { version: WIRE_VERSION, online, at })
  // field 4 (bytes): tag 0x22, one length byte, then zeros
  const padding = PRESENCE_STATE_BYTES - bare.byteLength - 2
  if (padding < 0 || padding > 127) throw new RelaymeshError(ErrorCode.InvalidArgument, 'presence state does not fit its padded size')
  const out = encode(PresenceState, { version: WIRE_VERSION, online, at, padding: new Uint8Array(padding) })
  if (out.byteLength !== PRESENCE_STATE_BYTES) throw new RelaymeshError(ErrorCode.InvalidArgument, 'presence state padding')
  return out
}

/** A signed, sealed PresenceBlob (encoded) of device `deviceId` for the UTC day of `statement.at`. */
export function sealPresence (key: Uint8Array, deviceId: number, statement: PresenceStatement): Uint8Array {
  const { online, at, seq, expiresAt } = statement
  for (const [what, v] of [['at', at], ['seq', seq], ['expiresAt', expiresAt]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RelaymeshError(ErrorCode.InvalidArgument, `presence ${what}: ${v} is not a safe unsigned integer`)
  }
  const pair = presenceKeyPair(key, deviceId, dayOf(at))
  const nonce = randomBytes(AES_GCM_NONCE_BYTES)
  const ciphertext = concat(nonce, aesGcmEncrypt(key, nonce, encodeState(online, at), pair.publicKey))
  const signature = ed25519Sign(pair.privateKey, signedMessage(seq, expiresAt, ciphertext))
  const bytes = encode(PresenceBlob, { version: WIRE_VERSION, publicKey: pair.publicKey, seq, expiresAt, ciphertext, signature })
  if (bytes.byteLength > MAX_PRESENCE_BLOB_BYTES) throw new RelaymeshError(ErrorCode.InvalidArgument, 'presence blob too large')
  return bytes
}

export interface VerifiedPresenceBlob {
  /** SHA-256(public key) */
  id: Uint8Array
  /** the id in lowercase hex */
  idHex: string
  publicKey: Uint8Array
  seq: number
  expiresAt: number
  ciphertext: Uint8Array
  /** the encoded blob as received (canonical) */
  bytes: Uint8Array
}

/**
 * What a node checks of a blob from the network, in this order: size
 * (Decode), bounded decode and version (Decode), canonical encoding (Decode),
 * field sizes (Decode), expiry <= now (Expired), expiry more than
 * MAX_PRESENCE_LIFETIME_MS ahead (Decode), signature by public_key (BadSignature).
 */
export function verifyPresenceBlob (bytes: Uint8Array, now: number): VerifiedPresenceBlob {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength > MAX_PRESENCE_BLOB_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, `PresenceBlob: more than ${MAX_PRESENCE_BLOB_BYTES} bytes`)
  }
  const blob = decode(PresenceBlob, bytes, MAX_PRESENCE_BLOB_BYTES, 'PresenceBlob')
  let again: Uint8Array
  try { again = PresenceBlob.encode(blob) } catch { again = EMPTY }
  if (!equalBytes(again, bytes)) throw new RelaymeshError(ErrorCode.Decode, 'PresenceBlob: not in canonical encoding')
  if (blob.publicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) throw new RelaymeshError(ErrorCode.Decode, `PresenceBlob: public key must be ${ED25519_PUBLIC_KEY_BYTES} bytes`)
  if (blob.signature.byteLength !== ED25519_SIGNATURE_BYTES) throw new RelaymeshError(ErrorCode.Decode, `PresenceBlob: signature must be ${ED25519_SIGNATURE_BYTES} bytes`)
  if (blob.ciphertext.byteLength !== CIPHERTEXT_BYTES) throw new RelaymeshError(ErrorCode.Decode, `PresenceBlob: ciphertext must be ${CIPHERTEXT_BYTES} bytes`)
  if (!Number.isSafeInteger(blob.seq) || !Number.isSafeInteger(blob.expiresAt)) throw new RelaymeshError(ErrorCode.Decode, 'PresenceBlob: seq or expiry out of range')
  if (!Number.isFinite(now)) throw new RelaymeshError(ErrorCode.InvalidArgument, `now: ${now} is not a time`)
  if (blob.expiresAt <= now) throw new RelaymeshError(ErrorCode.Expired, `PresenceBlob: expired at ${blob.expiresAt} (now ${now})`)
  if (blob.expiresAt > now + MAX_PRESENCE_LIFETIME_MS) throw new RelaymeshError(ErrorCode.Decode, `PresenceBlob: expiry more than ${MAX_PRESENCE_LIFETIME_MS} ms ahead`)
  if (!ed25519Verify(blob.publicKey, signedMessage(blob.seq, blob.expiresAt, blob.ciphertext), blob.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'PresenceBlob: signature does not verify')
  }
  const id = presenceIdOf(blob.publicKey)
  return { id, idHex: Buffer.from(id).toString('hex'), publicKey: blob.publicKey, seq: blob.seq, expiresAt: blob.expiresAt, ciphertext: blob.ciphertext, bytes }
}

/** Open a verified blob with the presence key: DecryptFailed when it is not this key's, Decode when the state is malformed. */
export function openPresenceBlob (key: Uint8Array, blob: VerifiedPresenceBlob): { online: boolean, at: number, seq: number, expiresAt: number } {
  const nonce = blob.ciphertext.subarray(0, AES_GCM_NONCE_BYTES)
  const plain = aesGcmDecrypt(key, nonce, blob.ciphertext.subarray(AES_GCM_NONCE_BYTES), blob.publicKey)
  const state = decode(PresenceState, plain, PRESENCE_STATE_BYTES, 'PresenceState')
  if (!Number.isSafeInteger(state.at)) throw new RelaymeshError(ErrorCode.Decode, 'PresenceState: at out of range')
  return { online: state.online, at: state.at, seq: blob.seq, expiresAt: blob.expiresAt }
}
