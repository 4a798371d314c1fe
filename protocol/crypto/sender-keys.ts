// Sender keys for groups, after Signal's sender key protocol (libsignal
// rust/protocol/src/sender_keys.rs and group_cipher.rs). Each sender has, per
// group, one symmetric chain and one Ed25519 signing key; it hands both to
// every member inside 1:1 sessions (SenderKeyDistribution) and then encrypts
// each group message once. Spec: docs/protocol.md §6.
//
// Deviation from libsignal: message keys feed AES-256-GCM (key + 96-bit nonce)
// instead of AES-256-CBC (key + IV), so that relaymesh has one AEAD.
//
// Every function is pure (randomness from primitives only). State objects are
// mutated only once an operation has succeeded: a failed decrypt leaves the
// record exactly as it was.
import {
  CONTEXT, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, GROUP_ID_BYTES, INFO,
  MAX_GROUP_MESSAGE_BYTES, MAX_SENDER_KEY_DISTRIBUTION_BYTES, MAX_SENDER_KEY_FORWARD,
  MAX_SENDER_KEY_RECORD_BYTES, MAX_SENDER_KEY_STATE_BYTES, MAX_SENDER_KEY_STATES,
  MAX_SENDER_KEY_STORED_KEYS, WIRE_VERSION
} from '../constants.js'
import { decode, expectLength } from '../codec.js'
import { ErrorCode, fail } from '../errors.js'
import * as group from '../pb/group.js'
import * as stored from '../pb/sender-key-state.js'
import {
  AES_GCM_NONCE_BYTES, AES_GCM_TAG_BYTES, aesGcmDecrypt, aesGcmEncrypt, concat, ed25519GenerateKeyPair,
  ed25519PublicToX25519, ed25519Sign, ed25519Verify, equalBytes, hkdfSha256, hmacSha256, randomBytes, wipe
} from './primitives.js'
import type { Ed25519KeyPair } from './primitives.js'

const CHAIN_KEY_BYTES = 32
/** The last iteration a chain can use: the chain then holds iteration + 1, which must fit a uint32. */
export const MAX_SENDER_KEY_ITERATION = 0xffff_fffe

// libsignal SenderChainKey: MESSAGE_KEY_SEED and CHAIN_KEY_SEED
const MESSAGE_KEY_SEED = Uint8Array.of(0x01)
const CHAIN_KEY_SEED = Uint8Array.of(0x02)
const HKDF_SALT = new Uint8Array(32)

/** A sender's own sending state for one group. */
export interface SenderKeyState {
  readonly groupId: Uint8Array
  readonly chainId: number
  /** iteration of the next message to send */
  iteration: number
  /** chain key at `iteration` */
  chainKey: Uint8Array
  readonly signingKey: Ed25519KeyPair
}

/** One receiving chain of a sender. */
export interface SenderChain {
  readonly chainId: number
  /** iteration of the next message expected */
  iteration: number
  /** chain key at `iteration` */
  chainKey: Uint8Array
  /** the sender's Ed25519 public key for this chain */
  readonly signingKey: Uint8Array
  /** message key seeds of skipped iterations, oldest first (Map insertion order) */
  readonly skipped: Map<number, Uint8Array>
}

/** A receiver's record for one (group, sender device): newest chain first. */
export interface SenderKeyRecord {
  readonly groupId: Uint8Array
  chains: SenderChain[]
}

/** What a sender hands each member (inside a 1:1 session) so it can read the sender's group messages. */
export interface SenderKeyDistribution {
  groupId: Uint8Array
  chainId: number
  iteration: number
  chainKey: Uint8Array
  signingKey: Uint8Array
}

/** The clear header of a group message, to pick the record before decrypting. */
export interface GroupMessageHeader {
  groupId: Uint8Array
  chainId: number
  iteration: number
}

// protons types its bytes as Uint8Array<ArrayBuffer>; it only reads them.
const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>
const copy = (b: Uint8Array): Uint8Array => b.slice()
const isUint32 = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 0xffff_ffff

function randomChainId (): number {
  const b = randomBytes(4)
  return new DataView(b.buffer, b.byteOffset, 4).getUint32(0)
}

// ---------------------------------------------------------------- key derivation

/** libsignal SenderChainKey::sender_message_key: seed = HMAC-SHA256(chain key, 0x01). */
function messageKeySeed (chainKey: Uint8Array): Uint8Array {
  return hmacSha256(chainKey, MESSAGE_KEY_SEED)
}

/** libsignal SenderChainKey::next: chain key' = HMAC-SHA256(chain key, 0x02). */
function nextChainKey (chainKey: Uint8Array): Uint8Array {
  return hmacSha256(chainKey, CHAIN_KEY_SEED)
}

/** libsignal SenderMessageKey::new, with AES-256-GCM: HKDF(seed, zero salt, info) -> key(32) || nonce(12). */
function messageKeys (seed: Uint8Array): { key: Uint8Array, nonce: Uint8Array } {
  const okm = hkdfSha256(seed, HKDF_SALT, INFO.senderKeyMessageKeys, 32 + AES_GCM_NONCE_BYTES)
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32) }
}

function seal (seed: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const { key, nonce } = messageKeys(seed)
  try {
    return aesGcmEncrypt(key, nonce, plaintext)
  } finally {
    wipe(key, nonce)
  }
}

function open (seed: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const { key, nonce } = messageKeys(seed)
  try {
    return aesGcmDecrypt(key, nonce, ciphertext)
  } finally {
    wipe(key, nonce)
  }
}

// ---------------------------------------------------------------- sending state

/** A fresh sending state for `groupId`: random chain id and chain key, new signing key, iteration 0. */
export function createSenderKey (groupId: Uint8Array): SenderKeyState {
  if (!(groupId instanceof Uint8Array) || groupId.byteLength !== GROUP_ID_BYTES) {
    fail(ErrorCode.InvalidArgument, `group id: expected ${GROUP_ID_BYTES} bytes`)
  }
  return {
    groupId: copy(groupId),
    chainId: randomChainId(),
    iteration: 0,
    chainKey: randomBytes(CHAIN_KEY_BYTES),
    signingKey: ed25519GenerateKeyPair()
  }
}

/**
 * A new sending state for the same group (new chain id, chain key and signing
 * key), for every membership change: a removed member holds only the old
 * chain and cannot read what follows. `state` is left as it is; drop it.
 */
export function rotateSenderKey (state: SenderKeyState): SenderKeyState {
  const next = createSenderKey(state.groupId)
  while (next.chainId === state.chainId) (next as { chainId: number }).chainId = randomChainId()
  return next
}

/** The distribution message for the current point of `state`: its receivers read from here on. */
export function distributionMessage (state: SenderKeyState): SenderKeyDistribution {
  return {
    groupId: copy(state.groupId),
    chainId: state.chainId,
    iteration: state.iteration,
    chainKey: copy(state.chainKey),
    signingKey: copy(state.signingKey.publicKey)
  }
}

function checkDistribution (dist: SenderKeyDistribution): void {
  const bytes = (b: unknown, n: number, what: string): void => {
    if (!(b instanceof Uint8Array) || b.byteLength !== n) fail(ErrorCode.InvalidArgument, `sender key distribution ${what}: expected ${n} bytes`)
  }
  bytes(dist.groupId, GROUP_ID_BYTES, 'group id')
  bytes(dist.chainKey, CHAIN_KEY_BYTES, 'chain key')
  bytes(dist.signingKey, ED25519_PUBLIC_KEY_BYTES, 'signing key')
  if (!isUint32(dist.chainId)) fail(ErrorCode.InvalidArgument, 'sender key distribution chain id: not a uint32')
  if (!isUint32(dist.iteration)) fail(ErrorCode.InvalidArgument, 'sender key distribution iteration: not a uint32')
}

export function encodeDistribution (dist: SenderKeyDistribution): Uint8Array {
  checkDistribution(dist)
  return group.SenderKeyDistribution.encode({
    version: WIRE_VERSION,
    groupId: ab(dist.groupId),
    chainId: dist.chainId,
    iteration: dist.iteration,
    chainKey: ab(dist.chainKey),
    signingKey: ab(dist.signingKey)
  })
}

/** Decode a distribution message; ErrorCode.Decode for anything malformed, including a signing key that is not a curve point. */
export function decodeDistribution (bytes: Uint8Array): SenderKeyDistribution {
  const m = decode(group.SenderKeyDistribution, bytes, MAX_SENDER_KEY_DISTRIBUTION_BYTES, 'SenderKeyDistribution')
  const signingKey = copy(expectLength(m.signingKey, ED25519_PUBLIC_KEY_BYTES, 'SenderKeyDistribution signing key'))
  try {
    ed25519PublicToX25519(signingKey)
  } catch (err) {
    fail(ErrorCode.Decode, 'SenderKeyDistribution signing key: not a valid Ed25519 point', err)
  }
  return {
    groupId: copy(expectLength(m.groupId, GROUP_ID_BYTES, 'SenderKeyDistribution group id')),
    chainId: m.chainId,
    iteration: m.iteration,
    chainKey: copy(expectLength(m.chainKey, CHAIN_KEY_BYTES, 'SenderKeyDistribution chain key')),
    signingKey
  }
}

// ---------------------------------------------------------------- receiving record

/**
 * Add the chain a distribution describes to the record for (its group, the
 * sender device it came from) - libsignal SenderKeyRecord::add_sender_key_state.
 * A chain already held (same chain id and signing key) keeps its progress, so
 * a replayed distribution cannot rewind it; a chain with the same id but
 * another signing key is replaced. The newest MAX_SENDER_KEY_STATES chains are
 * kept, so messages sent just before a rotation still decrypt. Updates
 * `record` in place (or creates one) and returns it.
 */
export function processDistribution (record: SenderKeyRecord | undefined, dist: SenderKeyDistribution): SenderKeyRecord {
  checkDistribution(dist)
  if (record !== undefined && !equalBytes(record.groupId, dist.groupId)) {
    fail(ErrorCode.InvalidArgument, 'sender key distribution is for another group than the record')
  }
  const rec = record ?? { groupId: copy(dist.groupId), chains: [] }
  const held = rec.chains.find((c) => c.chainId === dist.chainId && equalBytes(c.signingKey, dist.signingKey))
  const chain: SenderChain = held ?? {
    chainId: dist.chainId,
    iteration: dist.iteration,
    chainKey: copy(dist.chainKey),
    signingKey: copy(dist.signingKey),
    skipped: new Map()
  }
  const others = rec.chains.filter((c) => c.chainId !== dist.chainId)
  for (const c of rec.chains) if (c !== chain && c.chainId === dist.chainId) wipeChain(c)
  while (others.length >= MAX_SENDER_KEY_STATES) wipeChain(others.pop())
  rec.chains = [chain, ...others]
  return rec
}

function wipeChain (chain: SenderChain | undefined): void {
  if (chain === undefined) return
  wipe(chain.chainKey, ...chain.skipped.values())
  chain.skipped.clear()
}

// ---------------------------------------------------------------- group messages

/** Encrypt `plaintext` for the group and advance the chain; returns an encoded, signed GroupMessage. */
export function groupEncrypt (state: SenderKeyState, plaintext: Uint8Array): Uint8Array {
  if (!(plaintext instanceof Uint8Array)) fail(ErrorCode.InvalidArgument, 'plaintext: expected Uint8Array')
  if (state.iteration > MAX_SENDER_KEY_ITERATION) fail(ErrorCode.InvalidState, 'sender key chain exhausted: rotate')
  const seed = messageKeySeed(state.chainKey)
  let ciphertext: Uint8Array
  try {
    ciphertext = seal(seed, plaintext)
  } finally {
    wipe(seed)
  }
  const unsigned = {
    version: WIRE_VERSION,
    groupId: ab(state.groupId),
    chainId: state.chainId,
    iteration: state.iteration,
    ciphertext: ab(ciphertext)
  }
  const signed = group.GroupMessage.encode(unsigned)
  const signature = ed25519Sign(state.signingKey.privateKey, concat(CONTEXT.groupMessage, signed))
  const out = group.GroupMessage.encode({ ...unsigned, signature: ab(signature) })
  if (out.byteLength > MAX_GROUP_MESSAGE_BYTES) {
    fail(ErrorCode.InvalidArgument, `group message of ${out.byteLength} bytes exceeds the limit of ${MAX_GROUP_MESSAGE_BYTES}`)
  }
  const next = nextChainKey(state.chainKey)
  wipe(state.chainKey)
  state.chainKey = next
  state.iteration += 1
  return out
}

interface ParsedGroupMessage extends GroupMessageHeader {
  ciphertext: Uint8Array
  signature: Uint8Array
  /** the encoding without the signature: what the signature covers (after CONTEXT.groupMessage) */
  signed: Uint8Array
}

function parseGroupMessage (bytes: Uint8Array): ParsedGroupMessage {
  const m = decode(group.GroupMessage, bytes, MAX_GROUP_MESSAGE_BYTES, 'GroupMessage')
  const groupId = expectLength(m.groupId, GROUP_ID_BYTES, 'GroupMessage group id')
  const signature = expectLength(m.signature, ED25519_SIGNATURE_BYTES, 'GroupMessage signature')
  if (m.ciphertext.byteLength < AES_GCM_TAG_BYTES) fail(ErrorCode.Decode, 'GroupMessage ciphertext: shorter than the tag')
  const signed = group.GroupMessage.encode({ ...m, signature: new Uint8Array(0) })
  // Only the canonical encoding is accepted, so the signature covers exactly
  // the bytes received: no unknown fields, no alternative encodings.
  if (!equalBytes(group.GroupMessage.encode(m), bytes)) {
    fail(ErrorCode.Decode, 'GroupMessage: not canonically encoded')
  }
  return { groupId, chainId: m.chainId, iteration: m.iteration, ciphertext: m.ciphertext, signature, signed }
}

/** The clear header of an encoded group message (unauthenticated until groupDecrypt). */
export function readGroupMessageHeader (bytes: Uint8Array): GroupMessageHeader {
  const { groupId, chainId, iteration } = parseGroupMessage(bytes)
  return { groupId: copy(groupId), chainId, iteration }
}

/**
 * Decrypt an encoded GroupMessage with the record of its sender device
 * (libsignal group_decrypt). Order: decode (Decode), group and chain lookup
 * (InvalidState: the chain names the signing key), signature (BadSignature)
 * before any key derivation, iteration bounds (DuplicateMessage,
 * TooManySkipped), AEAD (DecryptFailed). The record changes only on success.
 */
export function groupDecrypt (record: SenderKeyRecord, bytes: Uint8Array): Uint8Array {
  const msg = parseGroupMessage(bytes)
  if (!equalBytes(msg.groupId, record.groupId)) fail(ErrorCode.InvalidState, 'group message is for another group than the record')
  const chain = record.chains.find((c) => c.chainId === msg.chainId)
  if (chain === undefined) fail(ErrorCode.InvalidState, `no sender key chain ${msg.chainId} for this sender`)
  if (!ed25519Verify(chain.signingKey, concat(CONTEXT.groupMessage, msg.signed), msg.signature)) {
    fail(ErrorCode.BadSignature, 'group message signature does not verify')
  }

  const it = msg.iteration
  if (it < chain.iteration) {
    // libsignal get_sender_key: an earlier iteration needs a stored key; a
    // missing one was used already, evicted, or predates our distribution.
    const seed = chain.skipped.get(it)
    if (seed === undefined) fail(ErrorCode.DuplicateMessage, `iteration ${it} already used or unavailable (chain at ${chain.iteration})`)
    const plaintext = open(seed, msg.ciphertext)
    chain.skipped.delete(it)
    wipe(seed)
    return plaintext
  }

  // Bound the jump before doing any of the work it implies.
  if (it - chain.iteration > MAX_SENDER_KEY_FORWARD) {
    fail(ErrorCode.TooManySkipped, `iteration ${it} is more than ${MAX_SENDER_KEY_FORWARD} ahead of ${chain.iteration}`)
  }
  if (it > MAX_SENDER_KEY_ITERATION) fail(ErrorCode.InvalidState, 'sender key chain exhausted')

  // Walk the chain on copies; only the last MAX_SENDER_KEY_STORED_KEYS
  // skipped seeds could survive eviction, so only those are derived.
  const fresh: Array<[number, Uint8Array]> = []
  let ck = chain.chainKey
  for (let i = chain.iteration; i < it; i++) {
    if (it - i <= MAX_SENDER_KEY_STORED_KEYS) fresh.push([i, messageKeySeed(ck)])
    const next = nextChainKey(ck)
    if (ck !== chain.chainKey) wipe(ck)
    ck = next
  }
  const seed = messageKeySeed(ck)
  const nextKey = nextChainKey(ck)
  if (ck !== chain.chainKey) wipe(ck)
  let plaintext: Uint8Array
  try {
    plaintext = open(seed, msg.ciphertext)
  } catch (err) {
    wipe(nextKey, ...fresh.map(([, s]) => s))
    throw err
  } finally {
    wipe(seed)
  }

  for (const [i, s] of fresh) chain.skipped.set(i, s)
  for (const [i, s] of chain.skipped) {
    if (chain.skipped.size <= MAX_SENDER_KEY_STORED_KEYS) break
    chain.skipped.delete(i) // oldest first (insertion order)
    wipe(s)
  }
  wipe(chain.chainKey)
  chain.chainKey = nextKey
  chain.iteration = it + 1
  return plaintext
}

// ---------------------------------------------------------------- storage

export function serializeSenderKeyState (state: SenderKeyState): Uint8Array {
  return stored.SenderKeyOwnState.encode({
    version: WIRE_VERSION,
    groupId: ab(state.groupId),
    chainId: state.chainId,
    iteration: state.iteration,
    chainKey: ab(state.chainKey),
    signingPublic: ab(state.signingKey.publicKey),
    signingPrivate: ab(state.signingKey.privateKey)
  })
}

export function deserializeSenderKeyState (bytes: Uint8Array): SenderKeyState {
  const m = decode(stored.SenderKeyOwnState, bytes, MAX_SENDER_KEY_STATE_BYTES, 'SenderKeyOwnState')
  return {
    groupId: copy(expectLength(m.groupId, GROUP_ID_BYTES, 'SenderKeyOwnState group id')),
    chainId: m.chainId,
    iteration: m.iteration,
    chainKey: copy(expectLength(m.chainKey, CHAIN_KEY_BYTES, 'SenderKeyOwnState chain key')),
    signingKey: {
      publicKey: copy(expectLength(m.signingPublic, ED25519_PUBLIC_KEY_BYTES, 'SenderKeyOwnState signing public key')),
      privateKey: copy(expectLength(m.signingPrivate, 32, 'SenderKeyOwnState signing private key'))
    }
  }
}

export function serializeSenderKeyRecord (record: SenderKeyRecord): Uint8Array {
  return stored.SenderKeyReceiverRecord.encode({
    version: WIRE_VERSION,
    groupId: ab(record.groupId),
    chains: record.chains.map((c) => ({
      chainId: c.chainId,
      iteration: c.iteration,
      chainKey: ab(c.chainKey),
      signingKey: ab(c.signingKey),
      skipped: [...c.skipped].map(([iteration, seed]) => ({ iteration, seed: ab(seed) }))
    })),
    chainCount: record.chains.length
  })
}

/** Decode a stored record, checking every invariant groupDecrypt relies on (ErrorCode.Decode otherwise). */
export function deserializeSenderKeyRecord (bytes: Uint8Array): SenderKeyRecord {
  const m = decode(stored.SenderKeyReceiverRecord, bytes, MAX_SENDER_KEY_RECORD_BYTES, 'SenderKeyReceiverRecord')
  // processDistribution never leaves a record without a chain
  if (m.chains.length === 0 || m.chainCount !== m.chains.length) fail(ErrorCode.Decode, 'SenderKeyReceiverRecord: no chains, or chain count does not match')
  const chains: SenderChain[] = []
  for (const c of m.chains) {
    if (chains.some((h) => h.chainId === c.chainId)) fail(ErrorCode.Decode, 'SenderKeyReceiverRecord: duplicate chain id')
    const skipped = new Map<number, Uint8Array>()
    for (const k of c.skipped) {
      if (k.iteration >= c.iteration || skipped.has(k.iteration)) fail(ErrorCode.Decode, 'SenderKeyReceiverRecord: bad skipped iteration')
      skipped.set(k.iteration, copy(expectLength(k.seed, CHAIN_KEY_BYTES, 'SenderKeyReceiverRecord skipped seed')))
    }
    chains.push({
      chainId: c.chainId,
      iteration: c.iteration,
      chainKey: copy(expectLength(c.chainKey, CHAIN_KEY_BYTES, 'SenderKeyReceiverRecord chain key')),
      signingKey: copy(expectLength(c.signingKey, ED25519_PUBLIC_KEY_BYTES, 'SenderKeyReceiverRecord signing key')),
      skipped
    })
  }
  return { groupId: copy(expectLength(m.groupId, GROUP_ID_BYTES, 'SenderKeyReceiverRecord group id')), chains }
}
