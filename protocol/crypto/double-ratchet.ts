// The Double Ratchet (Signal, "The Double Ratchet Algorithm", revision 4):
// §3.3-3.5 initialization, RatchetEncrypt and RatchetDecrypt, over the
// modules that hold its parts: ratchet-state.ts (the state), ratchet-chain.ts
// (KDFs, skipped keys), ratchet-aead.ts (AEAD, header binding),
// ratchet-wire.ts (wire format), ratchet-storage.ts (storage format), and
// ratchet-pq.ts: the SPQR post-quantum ratchet that makes it the Triple
// Ratchet when a session has it on (docs/protocol.md §4a).
// ratchetDecrypt computes everything it needs first and commits only after the
// AEAD check (and after the key source has delivered), so any failure leaves
// the session exactly as it was, without copying the session per message.
import { MAX_RATCHET_PLAINTEXT_BYTES, MAX_RECEIVER_CHAINS, WIRE_VERSION } from '../constants.js'
import { ErrorCode, RelaymeshError, fail } from '../errors.js'
import type { RatchetMessage } from '../pb/ratchet.js'
import { equalBytes, wipe, x25519, type X25519KeyPair } from './primitives.js'
import { headerAad, open, seal } from './ratchet-aead.js'
import {
  checkSkip, discardWalk, dropChain, evictSkipped, kdfCk, kdfRk, storeSkipped, walkChain, type RootStep
} from './ratchet-chain.js'
import {
  MAX_U32, Session, ab, brand, checkKey, freshKeys, nextKeyPair, state,
  type RatchetKeySource, type RatchetSession, type ReceiverChain
} from './ratchet-state.js'
import { checkMessage } from './ratchet-wire.js'
import { checkPqMessage, checkPqVersion, pqInit, pqRecv, pqSend, type PqRatchetVersion, type PqRecv } from './ratchet-pq.js'

export type { RatchetKeySource, RatchetSession } from './ratchet-state.js'
export type { PqRatchetVersion } from './ratchet-pq.js'
export { decodeRatchetMessage, encodeRatchetMessage } from './ratchet-wire.js'
export { cloneSession, deserializeSession, serializeSession } from './ratchet-storage.js'

// ---------------------------------------------------------------- initialization (§3.3)

/**
 * §3.3 RatchetInitAlice: `sharedSecret` from PQXDH, Bob's signed prekey public
 * key as his first ratchet key, `associatedData` the PQXDH AD. `pqVersion`
 * 1 turns the post-quantum ratchet on (SPQR, direction a2b; ratchet-pq.ts).
 */
export function initSenderSession (sharedSecret: Uint8Array, theirRatchetKey: Uint8Array, associatedData: Uint8Array, keys: RatchetKeySource = freshKeys, pqVersion: PqRatchetVersion = 0): RatchetSession {
  checkKey(sharedSecret, 'shared secret')
  checkKey(theirRatchetKey, 'their ratchet key')
  if (!(associatedData instanceof Uint8Array)) fail(ErrorCode.InvalidArgument, 'associated data: expected bytes')
  const init = pqInit(sharedSecret, checkPqVersion(pqVersion), 'a2b')
  const sending = nextKeyPair(keys)
  const dh = x25519(sending.privateKey, theirRatchetKey)
  const root = kdfRk(init.rootKey, dh)
  wipe(dh, init.rootKey)
  return brand(new Session(associatedData.slice(), root.rootKey, sending, root.chainKey, 0, 0, [], 0, init.pq))
}

/**
 * §3.3 RatchetInitBob: Bob's signed prekey pair is his first ratchet key
 * pair. Its private key is copied (the session wipes its own copy when it
 * ratchets; the caller's prekey stays intact for other sessions).
 */
export function initReceiverSession (sharedSecret: Uint8Array, ourRatchetKeyPair: X25519KeyPair, associatedData: Uint8Array, pqVersion: PqRatchetVersion = 0): RatchetSession {
  checkKey(sharedSecret, 'shared secret')
  checkKey(ourRatchetKeyPair?.privateKey, 'our ratchet private key')
  checkKey(ourRatchetKeyPair.publicKey, 'our ratchet public key')
  if (!(associatedData instanceof Uint8Array)) fail(ErrorCode.InvalidArgument, 'associated data: expected bytes')
  const init = pqInit(sharedSecret, checkPqVersion(pqVersion), 'b2a')
  const sending = { privateKey: ourRatchetKeyPair.privateKey.slice(), publicKey: ourRatchetKeyPair.publicKey }
  return brand(new Session(associatedData.slice(), init.rootKey, sending, null, 0, 0, [], 0, init.pq))
}

/** 0 when the session runs the Double Ratchet alone, 1 when SPQR runs beside it (the Triple Ratchet). */
export function pqRatchetVersion (session: RatchetSession): PqRatchetVersion {
  return state(session).pq === null ? 0 : 1
}

// ---------------------------------------------------------------- encrypt (§3.4)

/** §3.4 RatchetEncrypt; advances the sending chain. */
export function ratchetEncrypt (session: RatchetSession, plaintext: Uint8Array): RatchetMessage {
  const s = state(session)
  if (!(plaintext instanceof Uint8Array)) fail(ErrorCode.InvalidArgument, 'plaintext: expected bytes')
  if (plaintext.byteLength > MAX_RATCHET_PLAINTEXT_BYTES) {
    fail(ErrorCode.InvalidArgument, `plaintext: ${plaintext.byteLength} bytes exceeds the limit of ${MAX_RATCHET_PLAINTEXT_BYTES}`)
  }
  const ck = s.sendingChainKey
  if (ck === null) fail(ErrorCode.InvalidState, 'no sending chain yet: the responder sends after its first message decrypts (§3.3)')
  if (s.sendCounter >= MAX_U32) fail(ErrorCode.InvalidState, 'sending chain exhausted')
  // SPQR first (it may fail): nothing is committed until the message is sealed
  const pq = s.pq === null ? null : pqSend(s.pq)
  const pqMessage = pq?.msg ?? new Uint8Array(0)
  const step = kdfCk(ck)
  const counter = s.sendCounter
  const previousCounter = s.previousCounter
  const publicKey = s.sending.publicKey
  const aad = headerAad(s.associatedData, WIRE_VERSION, publicKey, counter, previousCounter, pqMessage)
  const ciphertext = seal(step.messageKey, pq?.key ?? null, plaintext, aad)
  wipe(step.messageKey, ck, pq?.key)
  s.sendingChainKey = step.chainKey
  s.sendCounter = counter + 1
  if (pq !== null) s.pq = pq.state
  return { version: WIRE_VERSION, ratchetKey: ab(publicKey), counter, previousCounter, ciphertext: ab(ciphertext), pqRatchet: ab(pqMessage) }
}

// ---------------------------------------------------------------- decrypt (§3.5)

function findChain (s: Session, ratchetKey: Uint8Array): ReceiverChain | undefined {
  for (let i = s.receiverChains.length - 1; i >= 0; i--) {
    const chain = s.receiverChains[i] as ReceiverChain
    if (equalBytes(chain.ratchetKey, ratchetKey)) return chain
  }
  return undefined
}

/**
 * §3.5 RatchetDecrypt. Advances the session only on success; on any failure
 * throws a RelaymeshError (Decode, DuplicateMessage, TooManySkipped,
 * DecryptFailed, or InvalidArgument from a faulty key source) and leaves
 * `session` exactly as it was.
 */
export function ratchetDecrypt (session: RatchetSession, message: RatchetMessage, keys: RatchetKeySource = freshKeys): Uint8Array {
  const s = state(session)
  checkMessage(message)
  const pqMessage = message.pqRatchet ?? new Uint8Array(0)
  checkPqMessage(s.pq, pqMessage)
  const aad = headerAad(s.associatedData, message.version, message.ratchetKey, message.counter, message.previousCounter, pqMessage)
  // SPQR runs only once the Double Ratchet has found the message key (so a duplicate is DuplicateMessage),
  // and its new state is committed only after the AEAD check (libsignal's TripleRatchet::decrypt)
  const held: { recv?: PqRecv } = {}
  const pqKey = (): Uint8Array | null => {
    if (s.pq === null) return null
    held.recv = pqRecv(s.pq, pqMessage)
    return held.recv.key
  }
  const chain = findChain(s, message.ratchetKey)
  const plaintext = chain === undefined
    ? decryptWithDhRatchet(s, message, aad, keys, pqKey)
    : decryptOnChain(s, chain, message.counter, message.ciphertext, aad, pqKey)
  if (held.recv !== undefined) {
    s.pq = held.recv.state
    wipe(held.recv.key)
  }
  return plaintext
}

type PqKey = () => Uint8Array | null

/** A message on a chain we already know: TrySkippedMessageKeys, or skip forward on the current chain. */
function decryptOnChain (s: Session, chain: ReceiverChain, counter: number, ciphertext: Uint8Array, aad: Uint8Array, pqKey: PqKey): Uint8Array {
  if (counter < chain.next) {
    const mk = chain.skipped.get(counter)
    if (mk === undefined) fail(ErrorCode.DuplicateMessage, `message ${counter} was already decrypted (or its skipped key was discarded)`)
    const plaintext = open(mk, pqKey(), ciphertext, aad)
    chain.skipped.delete(counter)
    s.skippedCount--
    wipe(mk)
    return plaintext
  }
  const ck = chain.chainKey
  // a closed chain ended at PN (authenticated by the next chain's header): nothing was sent past it
  if (ck === null) fail(ErrorCode.DecryptFailed, `message ${counter} is past the end of a replaced chain`)
  checkSkip(chain.next, counter)
  const walk = walkChain(ck, chain.next, counter)
  const step = kdfCk(walk.chainKey)
  let plaintext: Uint8Array
  try {
    plaintext = open(step.messageKey, pqKey(), ciphertext, aad)
  } catch (err) {
    discardWalk(walk, ck)
    wipe(step.messageKey, step.chainKey)
    throw err
  }
  // commit
  if (walk.chainKey !== ck) wipe(walk.chainKey)
  wipe(step.messageKey, ck)
  chain.chainKey = step.chainKey
  chain.next = counter + 1
  storeSkipped(s, chain, walk.skipped)
  evictSkipped(s)
  return plaintext
}

/** A message under a new ratchet key: §3.5 DHRatchet, computed on the side and committed after the AEAD check. */
function decryptWithDhRatchet (s: Session, m: RatchetMessage, aad: Uint8Array, keys: RatchetKeySource, pqKey: PqKey): Uint8Array {
  const { counter, previousCounter } = m
  const last = s.receiverChains[s.receiverChains.length - 1]
  const current = last?.chainKey != null ? last : undefined
  // both SkipMessageKeys bounds before any work (§3.5)
  if (current !== undefined) checkSkip(current.next, previousCounter)
  checkSkip(0, counter)

  // our own copy of their key: it is stored in the state and used for both DHs (one key import)
  const theirKey = m.ratchetKey.slice()
  let dh: Uint8Array
  try {
    dh = x25519(s.sending.privateKey, theirKey)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.DecryptFailed, 'ratchet key rejected', { cause: err })
  }
  const recv = kdfRk(s.rootKey, dh)
  wipe(dh)
  const walk = walkChain(recv.chainKey, 0, counter)
  const step = kdfCk(walk.chainKey)
  if (walk.chainKey !== recv.chainKey) wipe(walk.chainKey)
  let plaintext: Uint8Array
  let ours: X25519KeyPair
  let send: RootStep
  try {
    plaintext = open(step.messageKey, pqKey(), m.ciphertext, aad)
    // authenticated: finish the step (new DHs, sending chain) before committing, in case the key source fails
    ours = nextKeyPair(keys)
    const dh2 = x25519(ours.privateKey, theirKey)
    send = kdfRk(recv.rootKey, dh2)
    wipe(dh2)
  } catch (err) {
    discardWalk(walk, null)
    wipe(step.messageKey, step.chainKey, recv.okm)
    throw err
  }
  wipe(step.messageKey, recv.okm)

  // commit: close the current chain after skipping its keys up to PN (§3.5 SkipMessageKeys(state, header.pn))
  if (current !== undefined) {
    const ck = current.chainKey as Uint8Array
    if (previousCounter > current.next) {
      const old = walkChain(ck, current.next, previousCounter)
      if (old.chainKey !== ck) wipe(old.chainKey)
      current.next = previousCounter
      storeSkipped(s, current, old.skipped)
    }
    wipe(ck)
    current.chainKey = null
  }
  s.receiverChains.push({ ratchetKey: theirKey, chainKey: step.chainKey, next: counter + 1, skipped: new Map() })
  storeSkipped(s, s.receiverChains[s.receiverChains.length - 1] as ReceiverChain, walk.skipped)
  while (s.receiverChains.length > MAX_RECEIVER_CHAINS) dropChain(s, s.receiverChains.shift() as ReceiverChain)
  evictSkipped(s)

  wipe(s.sending.privateKey, s.rootKey, s.sendingChainKey ?? undefined)
  s.sending = ours
  s.rootKey = send.rootKey
  s.sendingChainKey = send.chainKey
  s.previousCounter = s.sendCounter
  s.sendCounter = 0
  return plaintext
}
