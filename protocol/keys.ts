// Key generation records for one device, and the public prekey bundle built
// from them. Pure: time (`now`) is passed in, randomness comes from primitives.
//
// The identity key is Ed25519 (DESIGN.md); wherever PQXDH needs it in a
// Diffie-Hellman its X25519 form comes from the birational map
// (ed25519PublicToX25519 / ed25519PrivateToX25519), and prekey signatures are
// plain Ed25519 signatures where Signal uses XEdDSA (PQXDH §2.2 Sig(PK, M, Z)).
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, MLKEM768_PUBLIC_KEY_BYTES, PQ_RATCHET_VERSION, WIRE_VERSION, X25519_KEY_BYTES } from './constants.js'
import { ErrorCode, RelaymeshError } from './errors.js'
import { expectLength } from './codec.js'
import { encodeEC, encodeKEM } from './crypto/encoding.js'
import {
  ed25519GenerateKeyPair, ed25519Sign, ed25519Verify, mlkemGenerateKeyPair, x25519GenerateKeyPair,
  type Ed25519KeyPair, type KemKeyPair, type X25519KeyPair
} from './crypto/primitives.js'
import type { KemPreKey, OneTimePreKey, PreKeyBundle, SignedPreKey } from './pb/records.js'

const MAX_ID = 0xffff_ffff

/** A device's medium-term X25519 prekey, signed by the identity key (PQXDH §3.2 SPK_B). */
export interface SignedPreKeyRecord {
  id: number
  keyPair: X25519KeyPair
  /** Ed25519(identity, EncodeEC(keyPair.publicKey)) */
  signature: Uint8Array
  /** ms since epoch; drives rotation */
  createdAt: number
}

/** A device's signed last-resort ML-KEM-768 prekey (PQXDH §3.2 PQSPK_B). */
export interface KemPreKeyRecord {
  id: number
  keyPair: KemKeyPair
  /** Ed25519(identity, EncodeKEM(keyPair.publicKey)) */
  signature: Uint8Array
  createdAt: number
}

/** An unsigned X25519 one-time prekey (PQXDH §3.2 OPK_B): used at most once. */
export interface OneTimePreKeyRecord {
  id: number
  keyPair: X25519KeyPair
}

function checkId (id: number, what: string): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: ${id} is not a uint32`)
  }
}

function checkTime (now: number): void {
  if (!Number.isSafeInteger(now) || now < 0) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `now: ${now} is not a timestamp in ms`)
  }
}

/** A fresh Ed25519 identity key pair. */
export function generateIdentityKeyPair (): Ed25519KeyPair {
  return ed25519GenerateKeyPair()
}

/** PQXDH §3.2: SPK_B with Sig(IK_B, EncodeEC(SPK_B)). */
export function generateSignedPreKey (identity: Ed25519KeyPair, id: number, now: number): SignedPreKeyRecord {
  checkId(id, 'signed prekey id')
  checkTime(now)
  const keyPair = x25519GenerateKeyPair()
  const signature = ed25519Sign(identity.privateKey, encodeEC(keyPair.publicKey))
  return { id, keyPair, signature, createdAt: now }
}

/** PQXDH §3.2: the last-resort PQSPK_B with Sig(IK_B, EncodeKEM(PQSPK_B)). */
export function generateKemPreKey (identity: Ed25519KeyPair, id: number, now: number): KemPreKeyRecord {
  checkId(id, 'kem prekey id')
  checkTime(now)
  const keyPair = mlkemGenerateKeyPair()
  const signature = ed25519Sign(identity.privateKey, encodeKEM(keyPair.publicKey))
  return { id, keyPair, signature, createdAt: now }
}

/** `count` one-time prekeys with ids startId, startId+1, ...; ids never wrap. */
export function generateOneTimePreKeys (startId: number, count: number): OneTimePreKeyRecord[] {
  checkId(startId, 'one-time prekey start id')
  if (!Number.isInteger(count) || count < 0 || startId + count - 1 > MAX_ID) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `one-time prekey count: ${count} from ${startId} overflows the id space`)
  }
  const out: OneTimePreKeyRecord[] = []
  for (let i = 0; i < count; i++) out.push({ id: startId + i, keyPair: x25519GenerateKeyPair() })
  return out
}

/** The public half of a signed prekey, as it travels in a bundle. */
export function signedPreKeyPublic (record: SignedPreKeyRecord): SignedPreKey {
  return { id: record.id, publicKey: record.keyPair.publicKey as Uint8Array<ArrayBuffer>, signature: record.signature as Uint8Array<ArrayBuffer> }
}

/** The public half of a KEM prekey, as it travels in a bundle. */
export function kemPreKeyPublic (record: KemPreKeyRecord): KemPreKey {
  return { id: record.id, publicKey: record.keyPair.publicKey as Uint8Array<ArrayBuffer>, signature: record.signature as Uint8Array<ArrayBuffer> }
}

/** The public half of a one-time prekey, as uploaded to mailbox replicas. */
export function oneTimePreKeyPublic (record: OneTimePreKeyRecord): OneTimePreKey {
  return { id: record.id, publicKey: record.keyPair.publicKey as Uint8Array<ArrayBuffer> }
}

export interface BuildPreKeyBundleInit {
  identity: Ed25519KeyPair
  deviceId: number
  seq: number
  /** ms since epoch */
  expiresAt: number
  signedPreKey: SignedPreKeyRecord
  kemPreKey: KemPreKeyRecord
  /** the post-quantum ratchet version to advertise (default PQ_RATCHET_VERSION; 0 advertises none) */
  pqRatchetVersion?: number
}

/**
 * The per-device bundle a sender needs to run PQXDH with this device while it
 * is offline (PQXDH §3.2). Signing it as a SignedRecord is protocol/records.ts's job.
 */
export function buildPreKeyBundle (init: BuildPreKeyBundleInit): PreKeyBundle {
  checkId(init.deviceId, 'device id')
  if (!Number.isSafeInteger(init.seq) || init.seq < 0) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `seq: ${init.seq} is not a non-negative integer`)
  }
  checkTime(init.expiresAt)
  return {
    version: WIRE_VERSION,
    identityKey: init.identity.publicKey as Uint8Array<ArrayBuffer>,
    deviceId: init.deviceId,
    seq: init.seq,
    expiresAt: init.expiresAt,
    signedPrekey: signedPreKeyPublic(init.signedPreKey),
    kemPrekey: kemPreKeyPublic(init.kemPreKey),
    // signed with the rest of the bundle, so a relay cannot strip it to downgrade new sessions
    ...((init.pqRatchetVersion ?? PQ_RATCHET_VERSION) > 0 ? { pqRatchetVersion: init.pqRatchetVersion ?? PQ_RATCHET_VERSION } : {})
  }
}

/** Ed25519(identityKey, EncodeEC(spk)) verifies. */
export function verifySignedPreKeySignature (identityKey: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  return ed25519Verify(identityKey, encodeEC(publicKey), signature)
}

/** Ed25519(identityKey, EncodeKEM(pqspk)) verifies. */
export function verifyKemPreKeySignature (identityKey: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): boolean {
  return ed25519Verify(identityKey, encodeKEM(publicKey), signature)
}

declare const verifiedBrand: unique symbol
/** A PreKeyBundle that verifyPreKeyBundle has accepted (see isVerifiedPreKeyBundle). */
export type VerifiedPreKeyBundle = PreKeyBundle & { readonly [verifiedBrand]: true }

// What each verified bundle object held when it was verified. The brand is
// only a type; this map is the runtime truth, so a cast cannot fake it, and a
// bundle whose key or signature fields were replaced afterwards is no longer
// "verified" (changing the bytes inside those arrays is not detected: as with
// every key array in this code base, callers must not mutate them).
interface VerifiedFields { version: number, identityKey: Uint8Array, spk: unknown, spkKey: Uint8Array, spkSig: Uint8Array, kem: unknown, kemKey: Uint8Array, kemSig: Uint8Array }
const verified = new WeakMap<PreKeyBundle, VerifiedFields>()

/**
 * True when `bundle` is an object verifyPreKeyBundle accepted and none of its
 * key or signature fields has been replaced since. pqxdhInitiate then skips
 * the two Ed25519 verifications it would otherwise repeat (records.ts's
 * openRecord already ran them).
 */
export function isVerifiedPreKeyBundle (bundle: PreKeyBundle): bundle is VerifiedPreKeyBundle {
  const v = verified.get(bundle)
  const spk = bundle.signedPrekey
  const kem = bundle.kemPrekey
  return v !== undefined && spk !== undefined && kem !== undefined &&
    v.version === bundle.version && v.identityKey === bundle.identityKey &&
    v.spk === spk && v.spkKey === spk.publicKey && v.spkSig === spk.signature &&
    v.kem === kem && v.kemKey === kem.publicKey && v.kemSig === kem.signature
}

/**
 * Checks what PQXDH §3.3 asks of Alice before she uses a bundle: every key
 * and signature has its exact size (else ErrorCode.Decode) and both prekey
 * signatures verify under bundle.identityKey (else ErrorCode.BadSignature).
 * Expiry and the SignedRecord around the bundle are checked elsewhere.
 * Returns the same object, now known as verified (isVerifiedPreKeyBundle):
 * pass it on to startSession / pqxdhInitiate and they do not verify again.
 */
export function verifyPreKeyBundle (bundle: PreKeyBundle): VerifiedPreKeyBundle {
  if (bundle.version !== WIRE_VERSION) {
    throw new RelaymeshError(ErrorCode.Decode, `prekey bundle: unsupported version ${bundle.version}`)
  }
  expectLength(bundle.identityKey, ED25519_PUBLIC_KEY_BYTES, 'prekey bundle identity key')
  const spk = bundle.signedPrekey
  const kem = bundle.kemPrekey
  if (spk === undefined) throw new RelaymeshError(ErrorCode.Decode, 'prekey bundle: no signed prekey')
  if (kem === undefined) throw new RelaymeshError(ErrorCode.Decode, 'prekey bundle: no kem prekey')
  expectLength(spk.publicKey, X25519_KEY_BYTES, 'signed prekey')
  expectLength(spk.signature, ED25519_SIGNATURE_BYTES, 'signed prekey signature')
  expectLength(kem.publicKey, MLKEM768_PUBLIC_KEY_BYTES, 'kem prekey')
  expectLength(kem.signature, ED25519_SIGNATURE_BYTES, 'kem prekey signature')
  if (!verifySignedPreKeySignature(bundle.identityKey, spk.publicKey, spk.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'signed prekey: signature does not verify')
  }
  if (!verifyKemPreKeySignature(bundle.identityKey, kem.publicKey, kem.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'kem prekey: signature does not verify')
  }
  verified.set(bundle, {
    version: bundle.version,
    identityKey: bundle.identityKey,
    spk,
    spkKey: spk.publicKey,
    spkSig: spk.signature,
    kem,
    kemKey: kem.publicKey,
    kemSig: kem.signature
  })
  return bundle as VerifiedPreKeyBundle
}
