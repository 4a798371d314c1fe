// The Double Ratchet's storage format (protocol/pb/session-state.proto):
// versioned protobuf with a SHA-256 trailer, strictly checked on the way in,
// and deep copies of live sessions.
import { MAX_SESSION_STATE_BYTES, MAX_STORED_MESSAGE_KEYS, SESSION_STATE_VERSION } from '../constants.js'
import { decode } from '../codec.js'
import { ErrorCode, fail } from '../errors.js'
import { SessionState as SessionStatePb } from '../pb/session-state.js'
import { equalBytes } from './primitives.js'
import { Session, ab, brand, checkKey, state, type RatchetSession, type ReceiverChain } from './ratchet-state.js'
import { SpqrLive } from './spqr/index.js'
import { bodyWithinDigestTrailer, withDigestTrailer } from './digest-trailer.js'

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
    })),
    // only when the PQ ratchet is on: a version-0 state encodes exactly as before
    pqRatchetState: s.pq === null ? undefined : ab(s.pq.bytes())
  })
  return withDigestTrailer(body)
}

/** Bounded (MAX_SESSION_STATE_BYTES), digest- and version-checked; every failure is ErrorCode.Decode. */
export function deserializeSession (bytes: Uint8Array): RatchetSession {
  if (!(bytes instanceof Uint8Array)) fail(ErrorCode.Decode, 'session state: expected bytes')
  if (bytes.byteLength > MAX_SESSION_STATE_BYTES) {
    fail(ErrorCode.Decode, `session state: ${bytes.byteLength} bytes exceeds the limit of ${MAX_SESSION_STATE_BYTES}`)
  }
  const body = bodyWithinDigestTrailer(bytes, 'session state')
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
  // SPQR checks its own state when it is used (spqrSend / spqrRecv); a record without one is version 0
  if (v.pqRatchetState !== undefined && v.pqRatchetState.byteLength === 0) fail(ErrorCode.Decode, 'session state: empty SPQR state')
  const pq = v.pqRatchetState === undefined ? null : SpqrLive.fromBytes(v.pqRatchetState)
  return brand(new Session(v.associatedData.slice(), key(v.rootKey, 'root key'), sending, sendingChainKey, v.sendCounter, v.previousCounter, chains, skippedCount, pq))
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
  return brand(new Session(s.associatedData.slice(), s.rootKey.slice(), sending, s.sendingChainKey?.slice() ?? null, s.sendCounter, s.previousCounter, chains, s.skippedCount, s.pq)) // a SpqrLive is immutable: shared
}
