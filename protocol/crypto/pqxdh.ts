// PQXDH key agreement (Signal, "The PQXDH Key Agreement Protocol", signal.org/docs/specifications/pqxdh):
// curve = curve25519, hash = SHA-256, pqkem = ML-KEM-768, one-time curve
// prekey optional, PQPK_B always the signed last-resort ML-KEM prekey.
// Produces SK and AD for whatever runs next; knows nothing of the ratchet.
import { ED25519_PUBLIC_KEY_BYTES, INFO, MLKEM768_CIPHERTEXT_BYTES, PEER_IDENTITY_CACHE_SIZE, X25519_KEY_BYTES } from '../constants.js'
import { ErrorCode, RelaymeshError } from '../errors.js'
import { expectLength } from '../codec.js'
import { isVerifiedPreKeyBundle, verifyPreKeyBundle, type KemPreKeyRecord, type OneTimePreKeyRecord, type SignedPreKeyRecord } from '../keys.js'
import type { OneTimePreKey, PreKeyBundle } from '../pb/records.js'
import { encodeEC } from './encoding.js'
import {
  concat, ed25519PrivateToX25519, ed25519PublicToX25519, hkdfSha256, mlkemDecapsulate, mlkemEncapsulate,
  wipe, x25519, x25519GenerateKeyPair, type Ed25519KeyPair, type X25519KeyPair
} from './primitives.js'

/** PQXDH §2.2: F = 32 0xFF bytes for curve25519, so F || KM never parses as a scalar or point. */
const F = new Uint8Array(32).fill(0xff)
/** PQXDH §2.2: HKDF salt = HashLen zero bytes. */
const SALT = new Uint8Array(32)
/** KDF(KM) output: 32 bytes (§2.2) */
const SK_BYTES = 32

/** The fields of the initial message that PQXDH defines (§3.3), plus Alice's device id. */
export interface PqxdhHeader {
  /** IK_A, Ed25519 public key */
  identityKey: Uint8Array
  /** Alice's device id, bound in AD */
  deviceId: number
  /** EK_A, X25519 public key */
  ephemeralKey: Uint8Array
  signedPreKeyId: number
  /** absent when Bob's bundle came without a one-time prekey */
  oneTimePreKeyId?: number
  kemPreKeyId: number
  /** CT = PQKEM-ENC(PQPK_B).ciphertext */
  kemCiphertext: Uint8Array
}

export interface PqxdhInitiatorResult {
  /** SK (32 bytes): the caller owns it and should wipe it once used */
  sharedSecret: Uint8Array
  associatedData: Uint8Array
  /** what Alice sends in her initial message */
  header: PqxdhHeader
}

export interface PqxdhResponderResult {
  sharedSecret: Uint8Array
  associatedData: Uint8Array
  /** SPK_B's record: the ratchet uses its key pair as Bob's first ratchet key (Double Ratchet §3.3) */
  signedPreKey: SignedPreKeyRecord
  /** set when OPK_B was used: the caller must delete it once the first message decrypts (§3.4) */
  oneTimePreKeyId?: number
}

/** Bob's prekeys by id (undefined for unknown, used or rotated-away ids). */
export interface PqxdhPreKeySource {
  signedPreKey: (id: number) => SignedPreKeyRecord | undefined
  kemPreKey: (id: number) => KemPreKeyRecord | undefined
  oneTimePreKey: (id: number) => OneTimePreKeyRecord | undefined
}

// The X25519 forms of our own identity key, cached per key array so that the
// same arrays (and with them primitives' cached KeyObjects) are reused and
// the birational map (~90 us) runs once per identity, not once per session.
const ourX25519Private = new WeakMap<Uint8Array, Uint8Array>()
const ourX25519Public = new WeakMap<Uint8Array, Uint8Array>()

function ourIdentityPrivateX25519 (identity: Ed25519KeyPair): Uint8Array {
  let priv = ourX25519Private.get(identity.privateKey)
  if (priv === undefined) {
    priv = ed25519PrivateToX25519(identity.privateKey)
    ourX25519Private.set(identity.privateKey, priv)
  }
  return priv
}

function ourIdentityPublicX25519 (identity: Ed25519KeyPair): Uint8Array {
  let pub = ourX25519Public.get(identity.publicKey)
  if (pub === undefined) {
    pub = ed25519PublicToX25519(identity.publicKey)
    ourX25519Public.set(identity.publicKey, pub)
  }
  return pub
}

// Peers' X25519 identity forms, by Ed25519 key bytes (public data only). One
// identity key is seen once per device pair (fan-out to every device of a
// user, re-setups), and the map plus the import of its result cost ~15% of a
// session setup: reusing the same array lets primitives reuse its KeyObject.
// Bounded; least recently used first out. Invalid keys are never cached.
const peerX25519 = new Map<string, Uint8Array>()

/** The X25519 form of a peer's Ed25519 identity key; an invalid point is a Decode error (it came from the network). */
function peerIdentityX25519 (identityKey: Uint8Array, what: string): Uint8Array {
  expectLength(identityKey, ED25519_PUBLIC_KEY_BYTES, what)
  const id = Buffer.from(identityKey.buffer, identityKey.byteOffset, identityKey.byteLength).toString('base64')
  let x = peerX25519.get(id)
  if (x !== undefined) {
    peerX25519.delete(id)
    peerX25519.set(id, x)
    return x
  }
  try {
    x = ed25519PublicToX25519(identityKey)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Decode, `${what}: not a valid Ed25519 point`, { cause: err })
  }
  if (peerX25519.size >= PEER_IDENTITY_CACHE_SIZE) {
    const oldest = peerX25519.keys().next()
    if (oldest.done !== true) peerX25519.delete(oldest.value)
  }
  peerX25519.set(id, x)
  return x
}

/**
 * A network-supplied X25519 public key must be canonical: 32 bytes, bit 255
 * clear and u < p = 2^255 - 19. X25519 ignores bit 255 and reduces u mod p
 * (RFC 7748 §5), so without this check several encodings of EK_A would give
 * the same SK, and a modified copy of an initial message would be accepted.
 */
function canonicalX25519 (key: Uint8Array | undefined, what: string): Uint8Array {
  const k = expectLength(key, X25519_KEY_BYTES, what)
  let high = k[31]! === 0x7f && k[0]! >= 0xed
  for (let i = 1; i < 31 && high; i++) high = k[i] === 0xff
  if ((k[31]! & 0x80) !== 0 || high) throw new RelaymeshError(ErrorCode.Decode, `${what}: non-canonical X25519 encoding`)
  return k
}

/** X25519 with a network-supplied public key: a low-order key is malformed input. */
function dh (priv: Uint8Array, pub: Uint8Array, what: string): Uint8Array {
  try {
    return x25519(priv, pub)
  } catch (err) {
    if (RelaymeshError.is(err, ErrorCode.InvalidArgument)) {
      throw new RelaymeshError(ErrorCode.Decode, `${what}: unusable X25519 public key`, { cause: err })
    }
    throw err
  }
}

/** PQXDH §2.2 KDF(KM) = HKDF-SHA256(ikm = F || KM, salt = 0^32, info = INFO.pqxdh, 32). Wipes its ikm. */
function kdf (parts: Uint8Array[]): Uint8Array {
  const ikm = concat(F, ...parts)
  try {
    return hkdfSha256(ikm, SALT, INFO.pqxdh, SK_BYTES)
  } finally {
    wipe(ikm)
  }
}

/**
 * AD = EncodeEC(X(IK_A)) || EncodeEC(X(IK_B)) || IK_A || IK_B || u32be(device_A)
 * (69 + 64 + 4 = 137 bytes), where X() is the Ed25519 -> X25519 birational map
 * and IK_A, IK_B are the 32-byte Ed25519 encodings. §3.3 lets Alice append
 * identifying data to AD, and we must: the map drops the sign bit of x, so
 * without IK_A and IK_B themselves IK and -IK would give the same SK and AD;
 * and Alice's device id travels in the clear in the initial message.
 */
export function pqxdhAssociatedData (initiatorIdentityKey: Uint8Array, initiatorDeviceId: number, responderIdentityKey: Uint8Array): Uint8Array {
  const a = peerIdentityX25519(initiatorIdentityKey, 'initiator identity key')
  const b = peerIdentityX25519(responderIdentityKey, 'responder identity key')
  return associatedData(a, b, initiatorIdentityKey, responderIdentityKey, initiatorDeviceId)
}

function associatedData (aX: Uint8Array, bX: Uint8Array, a: Uint8Array, b: Uint8Array, deviceA: number): Uint8Array {
  checkDeviceId(deviceA)
  const device = new Uint8Array(4)
  new DataView(device.buffer).setUint32(0, deviceA)
  return concat(encodeEC(aX), encodeEC(bX), a, b, device)
}

function checkDeviceId (id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0xffff_ffff) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `device id: ${id} is not a uint32`)
  }
}

export interface PqxdhInitiateInit {
  identity: Ed25519KeyPair
  /** Alice's own device id */
  deviceId: number
  bundle: PreKeyBundle
  /** OPK_B, when a mailbox replica handed one out */
  oneTimePreKey?: OneTimePreKey
  /** EK_A; default a fresh key pair. Its private key is wiped before returning, on every path. */
  ephemeral?: X25519KeyPair
}

/**
 * Alice's side (PQXDH §3.3): verify the bundle (unless it is a
 * VerifiedPreKeyBundle, see keys.ts isVerifiedPreKeyBundle), then
 *   (CT, SS) = PQKEM-ENC(PQPK_B)
 *   DH1 = DH(IK_A, SPK_B)  DH2 = DH(EK_A, IK_B)  DH3 = DH(EK_A, SPK_B)  [DH4 = DH(EK_A, OPK_B)]
 *   SK  = KDF(DH1 || DH2 || DH3 [|| DH4] || SS)
 * and erase EK_A's private key, the DH outputs and SS.
 */
export function pqxdhInitiate (init: PqxdhInitiateInit): PqxdhInitiatorResult {
  const { identity, deviceId, bundle, oneTimePreKey } = init
  let ek = init.ephemeral
  const parts: Uint8Array[] = []
  let ss: Uint8Array | undefined
  try {
    checkDeviceId(deviceId)
    // a bundle verifyPreKeyBundle already accepted (and left unchanged) is not verified twice
    if (!isVerifiedPreKeyBundle(bundle)) verifyPreKeyBundle(bundle)
    const spk = bundle.signedPrekey
    const kem = bundle.kemPrekey
    if (spk === undefined || kem === undefined) throw new RelaymeshError(ErrorCode.Decode, 'prekey bundle: missing prekey')
    canonicalX25519(spk.publicKey, 'signed prekey')
    if (oneTimePreKey !== undefined) canonicalX25519(oneTimePreKey.publicKey, 'one-time prekey')
    const ikB = peerIdentityX25519(bundle.identityKey, 'bundle identity key')
    const ikA = ourIdentityPrivateX25519(identity)
    ek ??= x25519GenerateKeyPair()

    const enc = mlkemEncapsulate(kem.publicKey)
    ss = enc.sharedSecret
    parts.push(dh(ikA, spk.publicKey, 'signed prekey'))
    parts.push(dh(ek.privateKey, ikB, 'bundle identity key'))
    parts.push(dh(ek.privateKey, spk.publicKey, 'signed prekey'))
    if (oneTimePreKey !== undefined) parts.push(dh(ek.privateKey, oneTimePreKey.publicKey, 'one-time prekey'))
    const sharedSecret = kdf([...parts, ss])
    const header: PqxdhHeader = {
      identityKey: identity.publicKey,
      deviceId,
      ephemeralKey: ek.publicKey,
      signedPreKeyId: spk.id,
      kemPreKeyId: kem.id,
      kemCiphertext: enc.cipherText
    }
    if (oneTimePreKey !== undefined) header.oneTimePreKeyId = oneTimePreKey.id
    const ad = associatedData(ourIdentityPublicX25519(identity), ikB, identity.publicKey, bundle.identityKey, deviceId)
    return { sharedSecret, associatedData: ad, header }
  } finally {
    wipe(ek?.privateKey, ss, ...parts)
  }
}

export interface PqxdhRespondInit {
  identity: Ed25519KeyPair
  header: PqxdhHeader
  preKeys: PqxdhPreKeySource
}

/**
 * Bob's side (PQXDH §3.4): look up the prekeys the header names (an unknown
 * id is ErrorCode.UnknownPreKey), decapsulate CT and repeat Alice's DH and KDF.
 * Changes nothing: deleting OPK_B once the first message has decrypted is the
 * caller's job, so that a forged initial message cannot burn a one-time prekey.
 */
export function pqxdhRespond (init: PqxdhRespondInit): PqxdhResponderResult {
  const { identity, header, preKeys } = init
  const ikA = peerIdentityX25519(header.identityKey, 'initiator identity key')
  const ek = canonicalX25519(header.ephemeralKey, 'ephemeral key')
  const ct = expectLength(header.kemCiphertext, MLKEM768_CIPHERTEXT_BYTES, 'kem ciphertext')
  const spk = preKeys.signedPreKey(header.signedPreKeyId)
  if (spk === undefined) throw new RelaymeshError(ErrorCode.UnknownPreKey, `unknown signed prekey ${header.signedPreKeyId}`)
  const kem = preKeys.kemPreKey(header.kemPreKeyId)
  if (kem === undefined) throw new RelaymeshError(ErrorCode.UnknownPreKey, `unknown kem prekey ${header.kemPreKeyId}`)
  let opk: OneTimePreKeyRecord | undefined
  if (header.oneTimePreKeyId !== undefined) {
    opk = preKeys.oneTimePreKey(header.oneTimePreKeyId)
    if (opk === undefined) throw new RelaymeshError(ErrorCode.UnknownPreKey, `unknown one-time prekey ${header.oneTimePreKeyId}`)
  }

  const ikB = ourIdentityPrivateX25519(identity)
  const parts: Uint8Array[] = []
  let ss: Uint8Array | undefined
  try {
    parts.push(dh(spk.keyPair.privateKey, ikA, 'initiator identity key'))
    parts.push(dh(ikB, ek, 'ephemeral key'))
    parts.push(dh(spk.keyPair.privateKey, ek, 'ephemeral key'))
    if (opk !== undefined) parts.push(dh(opk.keyPair.privateKey, ek, 'ephemeral key'))
    // ML-KEM decapsulation rejects implicitly: a tampered CT gives a wrong SS,
    // so the first message's AEAD is what rejects it.
    ss = mlkemDecapsulate(ct, kem.keyPair.secretKey)
    const sharedSecret = kdf([...parts, ss])
    const ad = associatedData(ikA, ourIdentityPublicX25519(identity), header.identityKey, identity.publicKey, header.deviceId)
    const result: PqxdhResponderResult = { sharedSecret, associatedData: ad, signedPreKey: spk }
    if (opk !== undefined) result.oneTimePreKeyId = opk.id
    return result
  } finally {
    wipe(ss, ...parts)
  }
}
