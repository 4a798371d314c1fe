// Test helpers: two parties (Alice the initiator, Bob the responder) talking
// over protocol/crypto/session.ts, with the post-quantum ratchet on or off,
// and access to the stored state for the Triple Ratchet tests.
import { ContentType } from '../../../protocol/constants.js'
import {
  buildPreKeyBundle, generateIdentityKeyPair, generateKemPreKey, generateSignedPreKey,
  type KemPreKeyRecord, type OneTimePreKeyRecord, type SignedPreKeyRecord
} from '../../../protocol/keys.js'
import { PqxdhInitial, RatchetMessage } from '../../../protocol/pb/ratchet.js'
import type { PreKeyBundle } from '../../../protocol/pb/records.js'
import { SessionRecord } from '../../../protocol/pb/session-record.js'
import { SessionState } from '../../../protocol/pb/session-state.js'
import { concat, sha256 } from '../../../protocol/crypto/primitives.js'
import {
  acceptSession, encryptMessage, serializeSessionRecord, startSession, type CiphertextMessage, type PreKeyStore, type Session
} from '../../../protocol/crypto/session.js'

const NOW = 1_790_000_000_000
export const te = (s: string): Uint8Array => new TextEncoder().encode(s)
export const td = (b: Uint8Array): string => new TextDecoder().decode(b)
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

export class MemoryPreKeyStore implements PreKeyStore {
  readonly signed = new Map<number, SignedPreKeyRecord>()
  readonly kem = new Map<number, KemPreKeyRecord>()
  readonly oneTime = new Map<number, OneTimePreKeyRecord>()
  signedPreKey (id: number): SignedPreKeyRecord | undefined { return this.signed.get(id) }
  kemPreKey (id: number): KemPreKeyRecord | undefined { return this.kem.get(id) }
  oneTimePreKey (id: number): OneTimePreKeyRecord | undefined { return this.oneTime.get(id) }
  removeOneTimePreKey (id: number): void { this.oneTime.delete(id) }
}

const alice = generateIdentityKeyPair()
const bob = generateIdentityKeyPair()
const spk = generateSignedPreKey(bob, 1, NOW)
const kem = generateKemPreKey(bob, 1, NOW)
export const ALICE = alice
export const BOB = bob

/** Bob's bundle, advertising the PQ ratchet (pq = 1) or, like a device without it, not (pq = 0). */
export function bobBundle (pq: 0 | 1): PreKeyBundle {
  return buildPreKeyBundle({ identity: bob, deviceId: 2, seq: 1, expiresAt: NOW + 1000, signedPreKey: spk, kemPreKey: kem, pqRatchetVersion: pq })
}

export function bobStore (): MemoryPreKeyStore {
  const s = new MemoryPreKeyStore()
  s.signed.set(spk.id, spk)
  s.kem.set(kem.id, kem)
  return s
}

export function startAlice (pq: 0 | 1): Session {
  return startSession({ identity: alice, deviceId: 7, bundle: bobBundle(pq) })
}

/** Alice's first message starts Bob's session. */
export function establish (pq: 0 | 1): { alice: Session, bob: Session } {
  const a = startAlice(pq)
  const first = encrypt(a, 'hello')
  const accepted = acceptSession({ identity: bob, store: bobStore(), initialBytes: first.bytes })
  return { alice: a, bob: accepted.session }
}

export function encrypt (session: Session, text: string): CiphertextMessage {
  return encryptMessage(session, te(text))
}

/** The ratchet message inside a ciphertext message (PqxdhInitial or bare). */
export function innerMessage (m: CiphertextMessage): RatchetMessage {
  if (m.contentType === ContentType.PreKey) return PqxdhInitial.decode(m.bytes).message as RatchetMessage
  return RatchetMessage.decode(m.bytes)
}

/** Re-encodes a ciphertext message with its ratchet message changed. */
export function withInner (m: CiphertextMessage, change: (r: RatchetMessage) => RatchetMessage): CiphertextMessage {
  if (m.contentType === ContentType.PreKey) {
    const initial = PqxdhInitial.decode(m.bytes)
    return { contentType: m.contentType, bytes: PqxdhInitial.encode({ ...initial, message: change(initial.message as RatchetMessage) }) }
  }
  return { contentType: m.contentType, bytes: RatchetMessage.encode(change(RatchetMessage.decode(m.bytes))) }
}

const DIGEST = 34
const strip = (b: Uint8Array): Uint8Array => b.subarray(0, b.byteLength - DIGEST)
const seal = (body: Uint8Array): Uint8Array => concat(body, Uint8Array.of(0x7a, 0x20), sha256(body))

/** The decoded ratchet state inside a session's record. */
export function ratchetState (session: Session): SessionState {
  const record = SessionRecord.decode(strip(serializeSessionRecord(session)))
  return SessionState.decode(strip(record.ratchet))
}

/** A session record with its ratchet state changed (digests redone, as serializeSessionRecord would). */
export function recordWith (session: Session, change: (s: SessionState) => SessionState): Uint8Array {
  const record = SessionRecord.decode(strip(serializeSessionRecord(session)))
  const state = SessionState.decode(strip(record.ratchet))
  const ratchet = seal(SessionState.encode({ ...change(state), digest: new Uint8Array(0) }))
  return seal(SessionRecord.encode({ ...record, ratchet: ratchet as Uint8Array<ArrayBuffer>, digest: new Uint8Array(0) }))
}
