// The post-quantum third of the Triple Ratchet (libsignal's triple_ratchet.rs
// in shape): the session's SPQR state (protocol/crypto/spqr/), its
// initialization from the PQXDH secret, and the checks around spqrSend /
// spqrRecv. A session's PQ ratchet is either off (version 0: state null, no
// SPQR message on the wire, exactly the Double Ratchet of before) or on
// (version 1: every message carries a non-empty SPQR message); which one is
// fixed when the session starts (docs/protocol.md §4a).
import { INFO, MAX_PQ_RATCHET_MESSAGE_BYTES, PQ_RATCHET_VERSION } from '../constants.js'
import { ErrorCode, RelaymeshError, fail } from '../errors.js'
import { hkdfSha256 } from './primitives.js'
import { spqrLiveInitialState, spqrLiveRecv, spqrLiveSend, type SpqrDirection, type SpqrLive, type SpqrLiveRecv } from './spqr/index.js'

/** 0: PQ ratchet off (Double Ratchet only); 1: SPQR v1 (Triple Ratchet) */
export type PqRatchetVersion = 0 | typeof PQ_RATCHET_VERSION

const ZERO_SALT = new Uint8Array(32)
const PQ_KEY_BYTES = 32

export interface PqInit {
  /** RK for the Double Ratchet's first root step */
  rootKey: Uint8Array
  /** the SPQR state (decoded, held between messages), or null when the PQ ratchet is off */
  pq: SpqrLive | null
}

export function checkPqVersion (v: unknown): PqRatchetVersion {
  if (v !== 0 && v !== PQ_RATCHET_VERSION) fail(ErrorCode.InvalidArgument, `post-quantum ratchet version ${String(v)} is not supported`)
  return v
}

/**
 * Version 0: RK = SK, as before. Version 1: RK || authKey = HKDF-SHA256(SK,
 * salt = 32 zero bytes, INFO.tripleRatchetInit, 64), and the SPQR state
 * starts from authKey (libsignal takes its SPQR auth key from the same HKDF
 * expansion as its root and chain keys). The caller keeps ownership of SK.
 */
export function pqInit (sharedSecret: Uint8Array, version: PqRatchetVersion, direction: SpqrDirection): PqInit {
  if (version === 0) return { rootKey: sharedSecret.slice(), pq: null }
  const okm = hkdfSha256(sharedSecret, ZERO_SALT, INFO.tripleRatchetInit, 64)
  const authKey = okm.slice(32, 64)
  const pq = spqrLiveInitialState({ direction, authKey, version, minVersion: version })
  okm.fill(0, 32)
  authKey.fill(0)
  return { rootKey: okm.subarray(0, 32), pq }
}

export interface PqSend { state: SpqrLive, msg: Uint8Array, key: Uint8Array }
export interface PqRecv { state: SpqrLive, key: Uint8Array }

/**
 * Both sides start SPQR with minVersion = version (pqInit), so SPQR keys
 * every message from the first one: a key-less message is one no honest
 * peer sends (docs/protocol.md §4a, "SPQR versions and negotiation"), and mixing nothing in would leave that message
 * to the classical ratchet alone. Refused on receipt (DecryptFailed), and a
 * contract failure on sending (InvalidState).
 */
function checkKey (key: Uint8Array | null, what: string, code: ErrorCode): Uint8Array {
  if (!(key instanceof Uint8Array) || key.byteLength !== PQ_KEY_BYTES) {
    fail(code, `${what}: SPQR gave no ${PQ_KEY_BYTES}-byte key for this message`)
  }
  return key
}

/** spqrSend on a session with the PQ ratchet on; nothing is committed here. */
export function pqSend (state: SpqrLive): PqSend {
  const out = spqrLiveSend(state)
  // an on-session message without an SPQR message would be refused as a downgrade by the peer
  if (out.msg.byteLength === 0 || out.msg.byteLength > MAX_PQ_RATCHET_MESSAGE_BYTES) {
    fail(ErrorCode.InvalidState, `SPQR produced a message of ${out.msg.byteLength} bytes (1..${MAX_PQ_RATCHET_MESSAGE_BYTES})`)
  }
  return { state: out.state, msg: out.msg, key: checkKey(out.key, 'send', ErrorCode.InvalidState) }
}

/**
 * The message's SPQR part against the session's PQ ratchet version, checked
 * before any work (ErrorCode.Decode): an on-session message must carry one
 * (no downgrade once the PQ ratchet is on), an off-session message must not.
 */
export function checkPqMessage (pq: SpqrLive | null, msg: Uint8Array): void {
  if (pq === null && msg.byteLength !== 0) fail(ErrorCode.Decode, 'ratchet message: SPQR message on a session without the post-quantum ratchet')
  if (pq !== null && msg.byteLength === 0) fail(ErrorCode.Decode, 'ratchet message: no SPQR message on a post-quantum ratchet session (downgrade refused)')
}

/**
 * SPQR errors the ratchet passes on as they are; every other SPQR refusal
 * means "this session does not read this message" (DecryptFailed, as
 * libsignal's InvalidMessage). In particular SPQR's own replay check must
 * not surface as DuplicateMessage: the Double Ratchet has already said the
 * message is new to this session, and a client that tries its sessions in
 * turn stops at DuplicateMessage (a message of another session would be lost).
 */
const PASSED_ON = new Set<ErrorCode>([ErrorCode.Decode, ErrorCode.TooManySkipped, ErrorCode.InvalidState, ErrorCode.DecryptFailed])

/** spqrRecv with its errors typed for the ratchet (see PASSED_ON); nothing is committed here. */
export function pqRecv (state: SpqrLive, msg: Uint8Array): PqRecv {
  let out: SpqrLiveRecv
  try {
    out = spqrLiveRecv(state, msg)
  } catch (err) {
    if (RelaymeshError.is(err) && PASSED_ON.has(err.code)) throw err
    throw new RelaymeshError(ErrorCode.DecryptFailed, `SPQR message rejected: ${(err as Error)?.message}`, { cause: err })
  }
  return { state: out.state, key: checkKey(out.key, 'recv', ErrorCode.DecryptFailed) }
}
