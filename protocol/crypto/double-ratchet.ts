// The Double Ratchet (Signal, "The Double Ratchet Algorithm", revision 4):
// §3.3-3.5 initialization, RatchetEncrypt and RatchetDecrypt, over the
// modules that hold its parts: ratchet-state.ts (the state), ratchet-chain.ts
// (KDFs, skipped keys), ratchet-aead.ts (AEAD, header binding),
// ratchet-wire.ts (wire format), ratchet-storage.ts (storage format).
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

export type { RatchetKeySource, RatchetSession } from './ratchet-state.js'
export { decodeRatchetMessage, encodeRatchetMessage } from './ratchet-wire.js'
export { cloneSession, deserializeSession, serializeSession } from './ratchet-storage.js'

// ---------------------------------------------------------------- initialization (§3.3)

/**
 * §3.3 RatchetInitAlice: `sharedSecret` from PQXDH, Bob's signed prekey public
 * key as his first ratchet key, `associatedData` the PQXDH AD.
 */
export function initSenderSession (sharedSecret: Uint8Array, theirRatchetKey: Uint8Array, associatedData: Uint8Array, keys: RatchetKeySource = freshKeys): RatchetSession {
  checkKey(sharedSecret, 'shared secret')
  checkKey(theirRatchetKey, 'their ratchet key')
  if (!(associatedData instanceof Uint8Array)) fail(ErrorCode.InvalidArgument, 'associated data: expected bytes')
  const sending = nextKeyPair(keys)
  const dh = x25519(sending.privateKey, theirRatchetKey)
  const root = kdfRk(sharedSecret, dh)
  wipe(dh)
  return brand(new Session(associatedData.slice(), root.rootKey, sending, root.chainKey, 0, 0, [], 0))
}

/**
 * §3.3 RatchetInitBob: Bob's signed prekey pair is his first ratchet key
 * pair. Its private key is copied (the session wipes its own copy when it
 * ratchets; the caller's prekey stays intact for other sessions).
 */
export function initReceiverSession (sharedSecret: Uint8Array, ourRatchetKeyPair: X25519KeyPair, associatedData: Uint8Array): RatchetSession {
  checkKey(sharedSecret, 'shared secret')
  checkKey(ourRatchetKeyPair?.privateKey, 'our ratchet private key')
  checkKey(ourRatchetKeyPair.publicKey, 'our ratchet public key')
  if (!(associatedData instanceof Uint8Array)) fail(ErrorCode.InvalidArgument, 'associated data: expected bytes')
  const sending = { privateKey: ourRatchetKeyPair.privateKey.slice(), publicKey: ourRatchetKeyPair.publicKey }
  return brand(new Session(associatedData.slice(), sharedSecret.slice(), sending, null, 0, 0, [], 0))
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
  const step = kdfCk(ck)
  const counter = s.sendCounter
  const previousCounter = s.previousCounter
  const publicKey = s.sending.publicKey
  const ciphertext = seal(step.messageKey, plaintext, headerAad(s.associatedData, WIRE_VERSION, publicKey, counter, previousCounter))
  wipe(step.messageKey, ck)
  s.sendingChainKey = step.chainKey
  s.sendCounter = counter + 1
  return { version: WIRE_VERSION, ratchetKey: ab(publicKey), counter, previousCounter, ciphertext: ab(ciphertext) }
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
  const aad = headerAad(s.associatedData, message.version, message.ratchetKey, message.counter, message.previousCounter)
  const chain = findChain(s, message.ratchetKey)
  return chain === undefined
    ? decryptWithDhRatchet(s, message, aad, keys)
    : decryptOnChain(s, chain, message.counter, message.ciphertext, aad)
}

/** A message on a chain we already know: TrySkippedMessageKeys, or skip forward on the current chain. */
function decryptOnChain (s: Session, chain: ReceiverChain, counter: number, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array {
  if (counter < chain.next) {
    const mk = chain.skipped.get(counter)
    if (mk === undefined) fail(ErrorCode.DuplicateMessage, `message ${counter} was already decrypted (or its skipped key was discarded)`)
    const plaintext = open(mk, ciphertext, aad)
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
    plaintext = open(step.messageKey, ciphertext, aad)
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
function decryptWithDhRatchet (s: Session, m: RatchetMessage, aad: Uint8Array, keys: RatchetKeySource): Uint8Array {
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
    plaintext = open(step.messageKey, m.ciphertext, aad)
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
