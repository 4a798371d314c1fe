// The 1:1 session API callers use (libsignal's processPreKeyBundle /
// signalEncrypt / signalDecrypt in shape): PQXDH (pqxdh.ts) sets up the
// Double Ratchet (double-ratchet.ts), with the SPQR post-quantum ratchet
// beside it (the Triple Ratchet) when both sides run it; this module glues
// them, negotiates the PQ ratchet at session start, wraps messages in
// PqxdhInitial until the peer answers, and stores sessions.
import {
  ContentType, ED25519_PUBLIC_KEY_BYTES, MAX_SESSION_RECORD_BYTES,
  MLKEM768_CIPHERTEXT_BYTES, PQ_RATCHET_VERSION, SESSION_RECORD_VERSION, X25519_KEY_BYTES
} from '../constants.js'
import { decode, encode, expectLength } from '../codec.js'
import { ErrorCode, RelaymeshError } from '../errors.js'
import { PqxdhInitial } from '../pb/ratchet.js'
import type { OneTimePreKey, PreKeyBundle } from '../pb/records.js'
import { SessionRecord } from '../pb/session-record.js'
import {
  decodeRatchetMessage, deserializeSession, encodeRatchetMessage, initReceiverSession, initSenderSession,
  ratchetDecrypt, ratchetEncrypt, serializeSession, type PqRatchetVersion, type RatchetKeySource, type RatchetSession
} from './double-ratchet.js'
export { negotiatePqRatchet } from './session-initial.js'
import { pqxdhInitiate, pqxdhRespond, type PqxdhHeader, type PqxdhPreKeySource } from './pqxdh.js'
import { decodeInitial, headerDigest, headerFields, initialFields, negotiatePqRatchet } from './session-initial.js'
import { equalBytes, wipe, type Ed25519KeyPair } from './primitives.js'
import { bodyWithinDigestTrailer, withDigestTrailer } from './digest-trailer.js'

const SHA256_BYTES = 32

/** Bob's prekeys (synchronous, in-memory or cached by the caller). */
export interface PreKeyStore extends PqxdhPreKeySource {
  /** called only after the initial message that used it has decrypted (PQXDH §3.4) */
  removeOneTimePreKey: (id: number) => void
}

/** The PQXDH header (§3.3) the initiator repeats in every message until the peer answers. */
export type PendingPreKey = PqxdhHeader

/** One 1:1 session with one peer device. Mutated in place by encrypt/decrypt. */
export interface Session {
  ratchet: RatchetSession
  /** Ed25519; the caller checks it against its trusted identities */
  peerIdentityKey: Uint8Array
  peerDeviceId: number
  /** EK_A of the PQXDH run that created the session (libsignal's "base key") */
  baseKey: Uint8Array
  /** responder only: SHA-256 of the PqxdhInitial header that created the session, to recognise re-sends */
  initialDigest?: Uint8Array
  /** initiator only, until the first message from the peer decrypts */
  pendingPreKey?: PendingPreKey
}

export interface CiphertextMessage {
  contentType: ContentType.PreKey | ContentType.Ratchet
  bytes: Uint8Array
}

const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>

export interface StartSessionInit {
  identity: Ed25519KeyPair
  /** our device id, sent to the peer in the initial message */
  deviceId: number
  bundle: PreKeyBundle
  oneTimePreKey?: OneTimePreKey
  /** ratchet key pairs (and EK_A), e.g. a pool filled ahead of need */
  keys?: RatchetKeySource
  /** highest PQ ratchet version we run (default PQ_RATCHET_VERSION); 0 turns SPQR off */
  pqRatchetVersion?: PqRatchetVersion
}

/**
 * Alice's side: PQXDH §3.3 with the peer's bundle, then Double Ratchet §3.3
 * RatchetInitAlice(SK, SPK_B) with AD. Nothing is sent yet: every message
 * encrypted before the peer's first reply carries the PQXDH header.
 */
export function startSession (init: StartSessionInit): Session {
  const pq = pqxdhInitiate({
    identity: init.identity,
    deviceId: init.deviceId,
    bundle: init.bundle,
    oneTimePreKey: init.oneTimePreKey,
    ephemeral: init.keys?.next()
  })
  const spk = init.bundle.signedPrekey
  if (spk === undefined) throw new RelaymeshError(ErrorCode.Decode, 'prekey bundle: no signed prekey')
  let ratchet: RatchetSession
  try {
    ratchet = initSenderSession(pq.sharedSecret, spk.publicKey, pq.associatedData, init.keys, negotiatePqRatchet(init.bundle, init.pqRatchetVersion))
  } finally {
    wipe(pq.sharedSecret) // initSenderSession keeps only what it derives from SK
  }
  // copies: the bundle's arrays may be views into a network buffer the caller reuses
  return {
    ratchet,
    peerIdentityKey: init.bundle.identityKey.slice(),
    peerDeviceId: init.bundle.deviceId,
    baseKey: pq.header.ephemeralKey,
    pendingPreKey: pq.header
  }
}

/**
 * Encrypts the next message. Until a message from the peer has decrypted it
 * is a PqxdhInitial wrapping the ratchet message (the peer may receive any of
 * them first; libsignal does the same), afterwards a bare RatchetMessage.
 */
export function encryptMessage (session: Session, plaintext: Uint8Array): CiphertextMessage {
  const message = ratchetEncrypt(session.ratchet, plaintext)
  const pending = session.pendingPreKey
  if (pending === undefined) {
    return { contentType: ContentType.Ratchet, bytes: encodeRatchetMessage(message) }
  }
  return { contentType: ContentType.PreKey, bytes: encode(PqxdhInitial, { ...initialFields(pending), message }) }
}

export interface AcceptSessionInit {
  identity: Ed25519KeyPair
  store: PreKeyStore
  /** a PqxdhInitial (ContentType.PreKey) for which no session exists yet */
  initialBytes: Uint8Array
  keys?: RatchetKeySource
  /** highest PQ ratchet version we run (default PQ_RATCHET_VERSION); 0 refuses initial messages that turn SPQR on */
  pqRatchetVersion?: PqRatchetVersion
}

export interface AcceptedSession {
  session: Session
  plaintext: Uint8Array
  /** the one-time prekey removed from the store, if the initial message named one */
  usedOneTimePreKeyId?: number
  peerIdentityKey: Uint8Array
  peerDeviceId: number
}

/**
 * Bob's side: PQXDH §3.4, Double Ratchet §3.3 RatchetInitBob(SK, SPK_B) and
 * the first decrypt. Only once that decrypt has succeeded is the one-time
 * prekey removed; any failure (Decode, UnknownPreKey, DecryptFailed, ...)
 * leaves the store as it was. The caller must check peerIdentityKey against
 * its trusted identities before showing the plaintext.
 */
export function acceptSession (init: AcceptSessionInit): AcceptedSession {
  const initial = decodeInitial(init.initialBytes)
  const header: PqxdhHeader = {
    identityKey: initial.identityKey,
    deviceId: initial.deviceId,
    ephemeralKey: initial.ephemeralKey,
    signedPreKeyId: initial.signedPrekeyId,
    kemPreKeyId: initial.kemPrekeyId,
    kemCiphertext: initial.kemCiphertext
  }
  if (initial.oneTimePrekeyId !== undefined) header.oneTimePreKeyId = initial.oneTimePrekeyId
  // negotiation, responder side: the initiator turned the PQ ratchet on iff its message carries an SPQR
  // message (bound into the AEAD, and the root key differs by version, so it cannot be stripped or added)
  const pqVersion: PqRatchetVersion = initial.message.pqRatchet.byteLength > 0 ? PQ_RATCHET_VERSION : 0
  if (pqVersion > (init.pqRatchetVersion ?? PQ_RATCHET_VERSION)) {
    throw new RelaymeshError(ErrorCode.Decode, 'PqxdhInitial: post-quantum ratchet version not supported')
  }
  const pq = pqxdhRespond({ identity: init.identity, header, preKeys: init.store })
  let ratchet: RatchetSession
  try {
    ratchet = initReceiverSession(pq.sharedSecret, pq.signedPreKey.keyPair, pq.associatedData, pqVersion)
  } finally {
    wipe(pq.sharedSecret) // initReceiverSession keeps its own copy as the root key
  }
  const plaintext = ratchetDecrypt(ratchet, initial.message, init.keys)
  if (pq.oneTimePreKeyId !== undefined) init.store.removeOneTimePreKey(pq.oneTimePreKeyId)
  // copies: decoded fields are views into initialBytes, which the caller may reuse
  const session: Session = {
    ratchet,
    peerIdentityKey: initial.identityKey.slice(),
    peerDeviceId: initial.deviceId,
    baseKey: initial.ephemeralKey.slice(),
    initialDigest: headerDigest(initial)
  }
  const out: AcceptedSession = { session, plaintext, peerIdentityKey: session.peerIdentityKey, peerDeviceId: initial.deviceId }
  if (pq.oneTimePreKeyId !== undefined) out.usedOneTimePreKeyId = pq.oneTimePreKeyId
  return out
}

/**
 * Decrypts a message on an existing session. A ContentType.PreKey message is
 * accepted only if it is a re-send of the PqxdhInitial that created this
 * session (same header, so same EK_A: the initiator had not yet seen a reply);
 * its ratchet message is decrypted here. Any other PqxdhInitial is
 * ErrorCode.InvalidState: it starts a new session (acceptSession).
 * On failure the session is unchanged.
 */
export function decryptMessage (session: Session, contentType: ContentType, bytes: Uint8Array, keys?: RatchetKeySource): Uint8Array {
  if (contentType === ContentType.Ratchet) {
    const plaintext = ratchetDecrypt(session.ratchet, decodeRatchetMessage(bytes), keys)
    // the peer has answered, so it holds the session: stop sending the PQXDH header (as libsignal)
    delete session.pendingPreKey
    return plaintext
  }
  if (contentType === ContentType.PreKey) {
    const initial = decodeInitial(bytes)
    if (session.initialDigest === undefined ||
        !equalBytes(initial.ephemeralKey, session.baseKey) ||
        !equalBytes(headerDigest(initial), session.initialDigest)) {
      throw new RelaymeshError(ErrorCode.InvalidState, 'PqxdhInitial does not belong to this session')
    }
    return ratchetDecrypt(session.ratchet, initial.message, keys)
  }
  throw new RelaymeshError(ErrorCode.InvalidArgument, `content type ${String(contentType)} is not a 1:1 message`)
}

/** Versioned storage encoding (protocol/pb/session-record.proto), digest last. */
export function serializeSessionRecord (session: Session): Uint8Array {
  const p = session.pendingPreKey
  const record: Omit<SessionRecord, 'digest'> = {
    version: SESSION_RECORD_VERSION,
    ratchet: ab(serializeSession(session.ratchet)),
    peerIdentityKey: ab(session.peerIdentityKey),
    peerDeviceId: session.peerDeviceId,
    baseKey: ab(session.baseKey),
    initialDigest: ab(session.initialDigest ?? new Uint8Array(0))
  }
  if (p !== undefined) {
    record.pending = headerFields(p)
  }
  return withDigestTrailer(SessionRecord.encode(record))
}

/**
 * Inverse of serializeSessionRecord; bounded, every field checked
 * (ErrorCode.Decode). Keeps no view into `bytes`: the caller may wipe them.
 */
export function deserializeSessionRecord (bytes: Uint8Array): Session {
  if (!(bytes instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.Decode, 'SessionRecord: expected bytes')
  if (bytes.byteLength > MAX_SESSION_RECORD_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, `SessionRecord: ${bytes.byteLength} bytes exceeds the limit of ${MAX_SESSION_RECORD_BYTES}`)
  }
  const body = bodyWithinDigestTrailer(bytes, 'SessionRecord')
  const record = decode(SessionRecord, body, MAX_SESSION_RECORD_BYTES, 'SessionRecord', SESSION_RECORD_VERSION)
  if (record.digest.byteLength !== 0) throw new RelaymeshError(ErrorCode.Decode, 'SessionRecord: digest inside the body')
  const field = (b: Uint8Array, length: number, what: string): Uint8Array => expectLength(b, length, what).slice()
  const session: Session = {
    peerIdentityKey: field(record.peerIdentityKey, ED25519_PUBLIC_KEY_BYTES, 'session peer identity key'),
    peerDeviceId: record.peerDeviceId,
    baseKey: field(record.baseKey, X25519_KEY_BYTES, 'session base key'),
    ratchet: deserializeSession(record.ratchet)
  }
  if (record.initialDigest.byteLength > 0) {
    session.initialDigest = field(record.initialDigest, SHA256_BYTES, 'session initial digest')
  }
  const p = record.pending
  if (p !== undefined) {
    if (session.initialDigest !== undefined) throw new RelaymeshError(ErrorCode.Decode, 'SessionRecord: both initiator and responder fields')
    const pending: PendingPreKey = {
      identityKey: field(p.identityKey, ED25519_PUBLIC_KEY_BYTES, 'pending identity key'),
      deviceId: p.deviceId,
      ephemeralKey: field(p.ephemeralKey, X25519_KEY_BYTES, 'pending ephemeral key'),
      signedPreKeyId: p.signedPrekeyId,
      kemPreKeyId: p.kemPrekeyId,
      kemCiphertext: field(p.kemCiphertext, MLKEM768_CIPHERTEXT_BYTES, 'pending kem ciphertext')
    }
    if (p.oneTimePrekeyId !== undefined) pending.oneTimePreKeyId = p.oneTimePrekeyId
    if (!equalBytes(pending.ephemeralKey, session.baseKey)) throw new RelaymeshError(ErrorCode.Decode, 'SessionRecord: pending ephemeral key is not the base key')
    session.pendingPreKey = pending
  }
  return session
}
