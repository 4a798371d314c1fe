// The Double Ratchet (Signal, "The Double Ratchet Algorithm", revision 4):
// §3.2-3.5 with the recommended KDFs (§5.2) and AES-256-GCM as the AEAD
// (docs/protocol.md §4 says why). Sessions are mutable objects.
// ratchetDecrypt computes everything it needs first and commits only after the
// AEAD check (and after the key source has delivered), so any failure leaves
// the session exactly as it was, without copying the session per message.
import {
  INFO,
  MAX_RATCHET_MESSAGE_BYTES,
  MAX_RATCHET_PLAINTEXT_BYTES,
  MAX_RECEIVER_CHAINS,
  MAX_SESSION_STATE_BYTES,
  MAX_SKIP_PER_CHAIN,
  MAX_STORED_MESSAGE_KEYS,
  SESSION_STATE_VERSION,
  WIRE_VERSION,
  X25519_KEY_BYTES
} from '../constants.js'
import { decode } from '../codec.js'
import { ErrorCode, RelaymeshError, fail } from '../errors.js'
import { RatchetMessage } from '../pb/ratchet.js'
import { SessionState as SessionStatePb } from '../pb/session-state.js'
import {
  AES_GCM_TAG_BYTES,
  aesGcmDecrypt,
  aesGcmEncrypt,
  equalBytes,
  hkdfSha256,
  hmacSha256,
  sha256,
  wipe,
  x25519,
  x25519GenerateKeyPair,
  type X25519KeyPair
} from './primitives.js'

/**
 * Where new ratchet key pairs come from (§3.1 GENERATE_DH). The session takes
 * ownership of each pair it is handed: it wipes the private key when the pair
 * is replaced, so a source must never hand out the same arrays twice.
 */
export interface RatchetKeySource { next: () => X25519KeyPair }

declare const sessionBrand: unique symbol
/** One party's Double Ratchet state; opaque outside this module. */
export interface RatchetSession { readonly [sessionBrand]: true }

const freshKeys: RatchetKeySource = { next: x25519GenerateKeyPair }
const MAX_U32 = 0xffff_ffff
const KEY = X25519_KEY_BYTES
const ZERO_SALT = new Uint8Array(32)
const CK_MESSAGE = Uint8Array.of(0x01)
const CK_NEXT = Uint8Array.of(0x02)
/** header bound into the AEAD: u32 version || ratchet key || u32 N || u32 PN */
const HEADER_AAD_BYTES = 4 + KEY + 4 + 4
/** serialized state trailer: protobuf tag of field 15 (wire type 2), length 32 */
const DIGEST_FIELD = Uint8Array.of(15 << 3 | 2, 32)
const DIGEST_TRAILER_BYTES = DIGEST_FIELD.byteLength + 32

/** A receiving chain (§3.2 DHr, CKr, Nr), kept per remote ratchet key. */
interface ReceiverChain {
  /** the sender's ratchet public key; the same array object for its whole life (KeyObject cache) */
  readonly ratchetKey: Uint8Array
  /** CKr; null once a newer chain replaced it (closed: its remaining keys were skipped up to PN) */
  chainKey: Uint8Array | null
  /** Nr: every lower message number is in `skipped` or was consumed (or evicted) */
  next: number
  /** MKSKIPPED for this chain: counter -> message key, in ascending counter (= insertion) order */
  readonly skipped: Map<number, Uint8Array>
}

class Session {
  constructor (
    readonly associatedData: Uint8Array,
    /** RK */
    public rootKey: Uint8Array,
    /** DHs */
    public sending: X25519KeyPair,
    /** CKs; null for the responder until its first DH ratchet step */
    public sendingChainKey: Uint8Array | null,
    /** Ns */
    public sendCounter: number,
    /** PN */
    public previousCounter: number,
    /** oldest first; the last one is current (open), all others are closed */
    readonly receiverChains: ReceiverChain[],
    /** sum of skipped.size over receiverChains */
    public skippedCount: number
  ) {}
}

function state (session: RatchetSession): Session {
  if (!(session instanceof Session)) fail(ErrorCode.InvalidArgument, 'not a ratchet session')
  return session
}

const brand = (s: Session): RatchetSession => s as unknown as RatchetSession
const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>

function checkKey (bytes: unknown, what: string, code = ErrorCode.InvalidArgument): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== KEY) fail(code, `${what}: expected ${KEY} bytes`)
  return bytes
}

function nextKeyPair (keys: RatchetKeySource): X25519KeyPair {
  const pair = keys.next()
  checkKey(pair?.privateKey, 'ratchet key source: private key')
  checkKey(pair.publicKey, 'ratchet key source: public key')
  return pair
}

// ---------------------------------------------------------------- KDFs (§5.2)

interface RootStep { rootKey: Uint8Array, chainKey: Uint8Array, okm: Uint8Array }

/** KDF_RK: HKDF-SHA256(salt = RK, ikm = DH output, info) -> 64 bytes = RK' || CK. */
function kdfRk (rootKey: Uint8Array, dhOut: Uint8Array): RootStep {
  const okm = hkdfSha256(dhOut, rootKey, INFO.ratchetRoot, 64)
  return { rootKey: okm.subarray(0, 32), chainKey: okm.subarray(32, 64), okm }
}

/** KDF_CK: message key = HMAC-SHA256(CK, 0x01), next chain key = HMAC-SHA256(CK, 0x02). */
function kdfCk (chainKey: Uint8Array): { messageKey: Uint8Array, chainKey: Uint8Array } {
  return { messageKey: hmacSha256(chainKey, CK_MESSAGE), chainKey: hmacSha256(chainKey, CK_NEXT) }
}

interface Walk {
  /** the chain key after stepping over every skipped message */
  chainKey: Uint8Array
  /** [counter, message key] of the skipped messages worth storing, ascending */
  skipped: Array<[number, Uint8Array]>
}

/**
 * §3.5 SkipMessageKeys on a scratch walk: steps `chainKey` from message
 * `from` to `until` (exclusive). Only the last MAX_STORED_MESSAGE_KEYS keys
 * can survive eviction, so older ones are not even derived (one HMAC per step
 * instead of two). Intermediate chain keys are wiped; `chainKey` is not.
 */
function walkChain (chainKey: Uint8Array, from: number, until: number): Walk {
  const keepFrom = until - MAX_STORED_MESSAGE_KEYS
  const skipped: Array<[number, Uint8Array]> = []
  let ck = chainKey
  for (let i = from; i < until; i++) {
    if (i >= keepFrom) skipped.push([i, hmacSha256(ck, CK_MESSAGE)])
    const next = hmacSha256(ck, CK_NEXT)
    if (ck !== chainKey) wipe(ck)
    ck = next
  }
  return { chainKey: ck, skipped }
}

function discardWalk (walk: Walk, original: Uint8Array | null): void {
  if (walk.chainKey !== original) wipe(walk.chainKey)
  for (const [, mk] of walk.skipped) wipe(mk)
}

/** §3.5: refuse a jump of more than MAX_SKIP_PER_CHAIN keys before doing any of it. */
function checkSkip (next: number, until: number): void {
  if (until - next > MAX_SKIP_PER_CHAIN) {
    fail(ErrorCode.TooManySkipped, `message needs ${until - next} skipped keys (limit ${MAX_SKIP_PER_CHAIN})`)
  }
}

// ---------------------------------------------------------------- AEAD (§3.1 ENCRYPT / DECRYPT)

/** AD || header, the header in a fixed-length canonical form, so the pair is unambiguous (§3.4 CONCAT). */
function headerAad (ad: Uint8Array, version: number, ratchetKey: Uint8Array, counter: number, previousCounter: number): Uint8Array {
  const out = new Uint8Array(ad.byteLength + HEADER_AAD_BYTES)
  out.set(ad, 0)
  const view = new DataView(out.buffer, ad.byteLength, HEADER_AAD_BYTES)
  view.setUint32(0, version)
  out.set(ratchetKey, ad.byteLength + 4)
  view.setUint32(4 + KEY, counter)
  view.setUint32(8 + KEY, previousCounter)
  return out
}

/** AES-256-GCM key (32) and nonce (12) = HKDF-SHA256(mk, salt = 32 zero bytes, info, 44). */
function messageCipherKeys (messageKey: Uint8Array): Uint8Array {
  return hkdfSha256(messageKey, ZERO_SALT, INFO.ratchetMessageKeys, 44)
}

function seal (messageKey: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array {
  const okm = messageCipherKeys(messageKey)
  try {
    return aesGcmEncrypt(okm.subarray(0, 32), okm.subarray(32, 44), plaintext, aad)
  } finally {
    wipe(okm)
  }
}

function open (messageKey: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array {
  const okm = messageCipherKeys(messageKey)
  try {
    return aesGcmDecrypt(okm.subarray(0, 32), okm.subarray(32, 44), ciphertext, aad)
  } finally {
    wipe(okm)
  }
}

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

function isU32 (n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_U32
}

/** A message's fields, checked before any work: malformed means ErrorCode.Decode. */
function checkMessage (m: RatchetMessage): void {
  if (m === null || typeof m !== 'object') fail(ErrorCode.Decode, 'ratchet message: expected an object')
  if (m.version !== WIRE_VERSION) fail(ErrorCode.Decode, `ratchet message: unsupported version ${String(m.version)}`)
  checkKey(m.ratchetKey, 'ratchet message: ratchet key', ErrorCode.Decode)
  // N = 2^32-1 is refused so that Nr = N + 1 always fits the uint32 of the state
  if (!isU32(m.counter) || m.counter === MAX_U32) fail(ErrorCode.Decode, 'ratchet message: counter out of range')
  if (!isU32(m.previousCounter)) fail(ErrorCode.Decode, 'ratchet message: previous counter out of range')
  if (!(m.ciphertext instanceof Uint8Array) || m.ciphertext.byteLength < AES_GCM_TAG_BYTES) {
    fail(ErrorCode.Decode, 'ratchet message: ciphertext shorter than the tag')
  }
}

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

function storeSkipped (s: Session, chain: ReceiverChain, entries: Array<[number, Uint8Array]>): void {
  for (const [counter, mk] of entries) chain.skipped.set(counter, mk)
  s.skippedCount += entries.length
}

/** Oldest first: chains are oldest first and each chain's keys ascend, which is insertion order. */
function evictSkipped (s: Session): void {
  for (const chain of s.receiverChains) {
    if (s.skippedCount <= MAX_STORED_MESSAGE_KEYS) return
    for (const [counter, mk] of chain.skipped) {
      if (s.skippedCount <= MAX_STORED_MESSAGE_KEYS) return
      chain.skipped.delete(counter)
      wipe(mk)
      s.skippedCount--
    }
  }
}

function dropChain (s: Session, chain: ReceiverChain): void {
  for (const mk of chain.skipped.values()) wipe(mk)
  s.skippedCount -= chain.skipped.size
  chain.skipped.clear()
  wipe(chain.chainKey ?? undefined)
}

// ---------------------------------------------------------------- wire format

export function encodeRatchetMessage (m: RatchetMessage): Uint8Array {
  return RatchetMessage.encode(m)
}

/**
 * Bounded (MAX_RATCHET_MESSAGE_BYTES), version-checked, and canonical: the
 * bytes must be exactly what encodeRatchetMessage produces for the decoded
 * value, so no two encodings (unknown fields, reordered or repeated fields,
 * ignored wire types) name the same message.
 */
export function decodeRatchetMessage (bytes: Uint8Array): RatchetMessage {
  const m = decode(RatchetMessage, bytes, MAX_RATCHET_MESSAGE_BYTES, 'ratchet message', WIRE_VERSION)
  checkMessage(m)
  const again = RatchetMessage.encode(m)
  if (again.byteLength !== bytes.byteLength || !equalBytes(again, bytes)) fail(ErrorCode.Decode, 'ratchet message: non-canonical encoding')
  return m
}

// ---------------------------------------------------------------- storage format

/** Versioned protobuf (protocol/pb/session-state.proto) followed by its SHA-256 as field 15. */
export function serializeSession (session: RatchetSession): Uint8Array {
  const s = state(session)
  const body = SessionStatePb.encode({
    version: SESSION_STATE_VERSION,
    associatedData: ab(s.associatedData),
    rootKey: ab(s.rootKey),
    sendingPrivateKey: ab(s.sending.privateKey),
    sendingPublicKey: ab(s.sending.publicKey),
    sendingChainKey: s.sendingChainKey === null ? undefined : ab(s.sendingChainKey),
    sendCounter: s.sendCounter,
    previousCounter: s.previousCounter,
    receiverChains: s.receiverChains.map((c) => ({
      ratchetKey: ab(c.ratchetKey),
      chainKey: c.chainKey === null ? undefined : ab(c.chainKey),
      nextCounter: c.next,
      skipped: Array.from(c.skipped, ([counter, mk]) => ({ counter, messageKey: ab(mk) }))
    }))
  })
  const out = new Uint8Array(body.byteLength + DIGEST_TRAILER_BYTES)
  out.set(body, 0)
  out.set(DIGEST_FIELD, body.byteLength)
  out.set(sha256(body), body.byteLength + DIGEST_FIELD.byteLength)
  return out
}

/** Bounded (MAX_SESSION_STATE_BYTES), digest- and version-checked; every failure is ErrorCode.Decode. */
export function deserializeSession (bytes: Uint8Array): RatchetSession {
  if (!(bytes instanceof Uint8Array)) fail(ErrorCode.Decode, 'session state: expected bytes')
  if (bytes.byteLength > MAX_SESSION_STATE_BYTES) {
    fail(ErrorCode.Decode, `session state: ${bytes.byteLength} bytes exceeds the limit of ${MAX_SESSION_STATE_BYTES}`)
  }
  const split = bytes.byteLength - DIGEST_TRAILER_BYTES
  if (split < 0 || bytes[split] !== DIGEST_FIELD[0] || bytes[split + 1] !== DIGEST_FIELD[1]) {
    fail(ErrorCode.Decode, 'session state: truncated (no digest)')
  }
  const body = bytes.subarray(0, split)
  if (!equalBytes(sha256(body), bytes.subarray(split + DIGEST_FIELD.byteLength))) fail(ErrorCode.Decode, 'session state: digest mismatch')
  const v = decode(SessionStatePb, body, MAX_SESSION_STATE_BYTES, 'session state', SESSION_STATE_VERSION)
  if (v.digest.byteLength !== 0) fail(ErrorCode.Decode, 'session state: digest inside the body')

  // copies throughout: the decoder returns views into `bytes`, which the caller may reuse or wipe
  const key = (b: Uint8Array | undefined, what: string): Uint8Array => checkKey(b, `session state: ${what}`, ErrorCode.Decode).slice()
  const chains: ReceiverChain[] = []
  let skippedCount = 0
  v.receiverChains.forEach((c, i) => {
    const ratchetKey = key(c.ratchetKey, 'ratchet key')
    if (chains.some((other) => equalBytes(other.ratchetKey, ratchetKey))) fail(ErrorCode.Decode, 'session state: repeated receiver chain')
    const isCurrent = i === v.receiverChains.length - 1
    if ((c.chainKey !== undefined) !== isCurrent) fail(ErrorCode.Decode, 'session state: only the last receiver chain is open')
    const skipped = new Map<number, Uint8Array>()
    let previous = -1
    for (const k of c.skipped) {
      if (k.counter <= previous || k.counter >= c.nextCounter) fail(ErrorCode.Decode, 'session state: skipped keys out of order')
      previous = k.counter
      skipped.set(k.counter, key(k.messageKey, 'skipped message key'))
    }
    skippedCount += skipped.size
    chains.push({ ratchetKey, chainKey: isCurrent ? key(c.chainKey, 'receiver chain key') : null, next: c.nextCounter, skipped })
  })
  if (skippedCount > MAX_STORED_MESSAGE_KEYS) fail(ErrorCode.Decode, 'session state: too many skipped keys')
  if (v.sendingChainKey === undefined && (chains.length > 0 || v.sendCounter !== 0 || v.previousCounter !== 0)) {
    fail(ErrorCode.Decode, 'session state: missing sending chain')
  }
  const sending = { privateKey: key(v.sendingPrivateKey, 'sending private key'), publicKey: key(v.sendingPublicKey, 'sending public key') }
  const sendingChainKey = v.sendingChainKey === undefined ? null : key(v.sendingChainKey, 'sending chain key')
  return brand(new Session(v.associatedData.slice(), key(v.rootKey, 'root key'), sending, sendingChainKey, v.sendCounter, v.previousCounter, chains, skippedCount))
}

/** An independent deep copy (secrets copied, so wiping in one never touches the other). */
export function cloneSession (session: RatchetSession): RatchetSession {
  const s = state(session)
  const chains = s.receiverChains.map((c): ReceiverChain => ({
    ratchetKey: c.ratchetKey,
    chainKey: c.chainKey?.slice() ?? null,
    next: c.next,
    skipped: new Map(Array.from(c.skipped, ([counter, mk]) => [counter, mk.slice()]))
  }))
  const sending = { privateKey: s.sending.privateKey.slice(), publicKey: s.sending.publicKey }
  return brand(new Session(s.associatedData.slice(), s.rootKey.slice(), sending, s.sendingChainKey?.slice() ?? null, s.sendCounter, s.previousCounter, chains, s.skippedCount))
}
