// Sealed sender, after Signal's sealed sender v1 ("UnidentifiedDelivery",
// libsignal rust/protocol/src/sealed_sender.rs): a relay sees an ephemeral
// key and two ciphertexts; only the recipient learns who sent the message,
// and the sender is authenticated by a static-static DH that only the
// holder of its identity private key can compute.
//
//   e                    = fresh X25519 key pair
//   chainKey|k1|n1       = HKDF(ikm = X25519(e, R), salt = INFO.sealedSender || R || e.pub, info = "", 76)
//   encryptedStatic      = AES-256-GCM(k1, n1, senderIdentityKey, aad = u8(version))
//   k2|n2                = HKDF(ikm = X25519(S, R), salt = chainKey || encryptedStatic, info = "", 44)
//   encryptedMessage     = AES-256-GCM(k2, n2, SealedContent, aad = u8(version))
//
// R and S are the X25519 forms of the recipient's and sender's Ed25519
// identity keys. Signal uses AES-256-CTR + HMAC-SHA256 (10-byte tag); we use
// AES-256-GCM as everywhere else. Each key encrypts exactly one message (k1
// comes from a fresh ephemeral, k2 from a salt containing chainKey), so the
// nonces need not be random; they come from the same HKDF output anyway.
import { ContentType, INFO, MAX_SEALED_SENDER_BYTES, WIRE_VERSION, X25519_KEY_BYTES, ED25519_PUBLIC_KEY_BYTES } from '../constants.js'
import { decode, encode, expectLength } from '../codec.js'
import { ErrorCode, RelaymeshError } from '../errors.js'
import { identityX25519Private, identityX25519Public } from '../identity.js'
import { SealedContent, SealedSender } from '../pb/sealed-sender.js'
import { aesGcmDecrypt, aesGcmEncrypt, AES_GCM_NONCE_BYTES, AES_GCM_TAG_BYTES, concat, equalBytes, hkdfSha256, wipe, x25519, x25519GenerateKeyPair } from './primitives.js'
import type { Ed25519KeyPair } from './primitives.js'

const EMPTY = new Uint8Array(0)
const AAD = Uint8Array.of(WIRE_VERSION)
export interface SealSenderInput {
  senderIdentity: Ed25519KeyPair
  senderDeviceId: number
  /** the recipient's identity key (Ed25519 public key) */
  recipientIdentityKey: Uint8Array
  contentType: ContentType
  content: Uint8Array
}

export interface OpenedSealedSender {
  /** authenticated: only the holder of this key's private key could have sealed the message */
  senderIdentityKey: Uint8Array
  senderDeviceId: number
  contentType: ContentType
  content: Uint8Array
}

export interface EphemeralLayerKeys {
  chainKey: Uint8Array
  key: Uint8Array
  nonce: Uint8Array
}

export interface StaticLayerKeys {
  key: Uint8Array
  nonce: Uint8Array
}

/**
 * Layer 1 keys (sealed_sender.rs EphemeralKeys::calculate, with an AEAD key
 * and nonce in place of cipher and MAC keys). `dh` = X25519(e, R).
 */
export function deriveEphemeralLayerKeys (dh: Uint8Array, recipientX25519: Uint8Array, ephemeralPublic: Uint8Array): EphemeralLayerKeys {
  const okm = hkdfSha256(dh, concat(INFO.sealedSender, recipientX25519, ephemeralPublic), EMPTY, 32 + 32 + AES_GCM_NONCE_BYTES)
  return { chainKey: okm.slice(0, 32), key: okm.slice(32, 64), nonce: okm.slice(64) }
}

/** Layer 2 keys (sealed_sender.rs StaticKeys::calculate). `dh` = X25519(S, R). */
export function deriveStaticLayerKeys (dh: Uint8Array, chainKey: Uint8Array, encryptedStatic: Uint8Array): StaticLayerKeys {
  const okm = hkdfSha256(dh, concat(chainKey, encryptedStatic), EMPTY, 32 + AES_GCM_NONCE_BYTES)
  return { key: okm.slice(0, 32), nonce: okm.slice(32) }
}

function isContentType (t: number): t is ContentType {
  return t === ContentType.PreKey || t === ContentType.Ratchet || t === ContentType.Group || t === ContentType.SenderKeyDistribution
}

function checkU32 (value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `${what}: expected an unsigned 32-bit integer`)
  }
}

/** Seal `content` so that only the recipient can read it and learn (authenticated) who sent it. */
export function sealSender (input: SealSenderInput): Uint8Array {
  const { senderIdentity, senderDeviceId, recipientIdentityKey, contentType, content } = input
  checkU32(senderDeviceId, 'sender device id')
  if (!isContentType(contentType)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `content type ${String(contentType)} is unknown`)
  }
  if (!(content instanceof Uint8Array)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'content: expected Uint8Array')
  }
  if (!(senderIdentity.publicKey instanceof Uint8Array) || senderIdentity.publicKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'sender identity key: expected 32 bytes')
  }
  const recipientX = identityX25519Public(recipientIdentityKey)
  const senderX = identityX25519Private(senderIdentity.privateKey)

  const e = x25519GenerateKeyPair()
  const dh1 = x25519(e.privateKey, recipientX)
  const l1 = deriveEphemeralLayerKeys(dh1, recipientX, e.publicKey)
  const encryptedStatic = aesGcmEncrypt(l1.key, l1.nonce, senderIdentity.publicKey, AAD)

  const dh2 = x25519(senderX, recipientX)
  const l2 = deriveStaticLayerKeys(dh2, l1.chainKey, encryptedStatic)
  const inner = encode(SealedContent, { senderIdentityKey: senderIdentity.publicKey, senderDeviceId, contentType, content: content })
  const encryptedMessage = aesGcmEncrypt(l2.key, l2.nonce, inner, AAD)
  wipe(e.privateKey, dh1, dh2, l1.chainKey, l1.key, l2.key, inner)

  const out = encode(SealedSender, { version: WIRE_VERSION, ephemeralKey: e.publicKey, encryptedStatic: encryptedStatic, encryptedMessage: encryptedMessage })
  if (out.byteLength > MAX_SEALED_SENDER_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `sealed message of ${out.byteLength} bytes exceeds ${MAX_SEALED_SENDER_BYTES}`)
  }
  return out
}

/**
 * Open a sealed-sender message addressed to `recipientIdentity`. Errors:
 * Decode (malformed, not canonical, oversized, wrong version, bad key encodings),
 * DecryptFailed (either layer fails to authenticate: tampered, not for us,
 * or a sender without the identity private key it claims),
 * UntrustedIdentity (the inner sender key differs from the layer-1 key).
 */
export function openSealedSender ({ recipientIdentity, bytes }: { recipientIdentity: Ed25519KeyPair, bytes: Uint8Array }): OpenedSealedSender {
  const outer = decode(SealedSender, bytes, MAX_SEALED_SENDER_BYTES, 'SealedSender')
  // Canonical encoding only, so the unauthenticated wrapper is not malleable:
  // protobuf would accept other wire types, field orders, padded varints or
  // unknown fields for the same message, i.e. other bytes (and envelope
  // hashes) for one ciphertext.
  if (!equalBytes(encode(SealedSender, outer), bytes)) {
    throw new RelaymeshError(ErrorCode.Decode, 'SealedSender: not in canonical encoding')
  }
  const ephemeralKey = expectLength(outer.ephemeralKey, X25519_KEY_BYTES, 'SealedSender.ephemeral_key')
  expectLength(outer.encryptedStatic, ED25519_PUBLIC_KEY_BYTES + AES_GCM_TAG_BYTES, 'SealedSender.encrypted_static')
  if (outer.encryptedMessage.byteLength < AES_GCM_TAG_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, 'SealedSender.encrypted_message: shorter than the tag')
  }
  const recipientX = identityX25519Public(recipientIdentity.publicKey)
  const recipientPriv = identityX25519Private(recipientIdentity.privateKey)

  const dh1 = dhOrDecode(recipientPriv, ephemeralKey, 'ephemeral key')
  const l1 = deriveEphemeralLayerKeys(dh1, recipientX, ephemeralKey)
  wipe(dh1)
  let senderIdentityKey: Uint8Array
  try {
    senderIdentityKey = aesGcmDecrypt(l1.key, l1.nonce, outer.encryptedStatic, AAD)
  } finally {
    wipe(l1.key)
  }
  let senderX: Uint8Array
  try {
    senderX = identityX25519Public(senderIdentityKey)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Decode, 'sealed sender: sender identity key is not a valid point', { cause: err })
  }
  const dh2 = dhOrDecode(recipientPriv, senderX, 'sender identity key')
  const l2 = deriveStaticLayerKeys(dh2, l1.chainKey, outer.encryptedStatic)
  wipe(dh2, l1.chainKey)
  let inner: Uint8Array
  try {
    inner = aesGcmDecrypt(l2.key, l2.nonce, outer.encryptedMessage, AAD)
  } finally {
    wipe(l2.key)
  }
  const sealed = decode(SealedContent, inner, MAX_SEALED_SENDER_BYTES, 'SealedContent', null)
  // Layer 2 proves the sender holds the private key of the layer-1 static
  // key; the inner copy must name the same key (Signal checks the sender
  // certificate's key against it the same way).
  if (!equalBytes(sealed.senderIdentityKey, senderIdentityKey)) {
    throw new RelaymeshError(ErrorCode.UntrustedIdentity, 'sealed sender: inner sender key differs from the authenticated one')
  }
  if (!isContentType(sealed.contentType)) {
    throw new RelaymeshError(ErrorCode.Decode, `SealedContent: unknown content type ${sealed.contentType}`)
  }
  return {
    senderIdentityKey,
    senderDeviceId: sealed.senderDeviceId,
    contentType: sealed.contentType,
    content: sealed.content
  }
}

function dhOrDecode (priv: Uint8Array, pub: Uint8Array, what: string): Uint8Array {
  try {
    return x25519(priv, pub)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Decode, `sealed sender: ${what} is unusable (low order)`, { cause: err })
  }
}
