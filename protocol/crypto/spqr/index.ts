// Sparse Post-Quantum Ratchet (Signal's SPQR, the ML-KEM Braid), public API
// modelled on the SPQR crate's lib.rs: states are bytes, so a call that
// throws leaves the caller's state untouched. Spec and deviations:
// docs/protocol.md §4a.
//
// Version negotiation (the crate's rules): a state starts "negotiating" with
// its min version. A version-0 (empty) message downgrades a v1 state to off
// only while negotiating and only if min version is 0; once any v1 message
// has been received, negotiation is over and a version-0 message is
// rejected. A keyless message, or one of an unknown higher version, is
// accepted with a null key only while the chain still holds epoch 0, as long
// as a keyed message of epoch 1 would be; refused after (hardening, D6).
//
// SPQR does not authenticate its messages (as in the crate): `key` is the
// chain key of the message's index, and a caller MUST authenticate every byte
// of the SPQR message under a key that depends on it (the Triple Ratchet puts
// it in the AEAD associated data, ratchet-aead.ts) and drop the returned
// state when that check fails.
import { ErrorCode, RelaymeshError } from '../../errors.js'
import { randomBytes } from '../primitives.js'
import { BraidState, braidInit, braidRecv, braidSend } from './braid.js'
import { addEpoch, holdsEpoch, newChain, recvKey, sendKey, type Chain } from './chain.js'
import { MAX_SPQR_MESSAGE_BYTES, SPQR_AUTH_KEY_BYTES, SPQR_STATE_FORMAT, SPQR_VERSION_MAX, SPQR_VERSION_OFF, SPQR_VERSION_V1 } from './constants.js'
import { decodeMessage, encodeMessage, messageVersion } from './message.js'
import { cloneState, SpqrLive } from './live.js'
import { decodeState, encodeState, type State } from './state.js'

export type SpqrDirection = 'a2b' | 'b2a' // initiator is a2b
export interface SpqrParams { direction: SpqrDirection, authKey: Uint8Array /* 32 bytes from PQXDH */, version?: number, minVersion?: number }
export interface SpqrSend { state: Uint8Array, msg: Uint8Array, key: Uint8Array | null }
export interface SpqrRecv { state: Uint8Array, key: Uint8Array | null }

export { SPQR_VERSION_MAX, SPQR_VERSION_OFF, SPQR_VERSION_V1, SPQR_STATE_FORMAT }

const EMPTY = new Uint8Array(0)

function versionArg (v: number | undefined, dflt: number, what: string): number {
  const out = v ?? dflt
  if (!Number.isInteger(out) || out < SPQR_VERSION_OFF || out > SPQR_VERSION_MAX) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `spqr: bad ${what} ${String(v)}`)
  }
  return out
}

/**
 * A fresh state. version defaults to 1 (SPQR on), minVersion to 0 (a peer
 * without SPQR may downgrade the session before its first v1 message).
 * Version 0 gives the empty state: SPQR off for good.
 */
export function spqrInitialState (params: SpqrParams): Uint8Array {
  const s = initialState(params)
  return s === null ? new Uint8Array(0) : encodeState(s)
}

function initialState (params: SpqrParams): State | null {
  const version = versionArg(params.version, SPQR_VERSION_MAX, 'version')
  const minVersion = versionArg(params.minVersion, SPQR_VERSION_OFF, 'min version')
  if (minVersion > version) throw new RelaymeshError(ErrorCode.InvalidArgument, 'spqr: min version above version')
  if (params.direction !== 'a2b' && params.direction !== 'b2a') throw new RelaymeshError(ErrorCode.InvalidArgument, 'spqr: bad direction')
  const authKey = params.authKey
  if (!(authKey instanceof Uint8Array) || authKey.byteLength !== SPQR_AUTH_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `spqr: auth key must be ${SPQR_AUTH_KEY_BYTES} bytes`)
  }
  if (version === SPQR_VERSION_OFF) return null
  const direction = params.direction === 'a2b' ? 0 : 1
  return {
    negotiation: { authKey: authKey.slice(), direction, minVersion },
    braid: braidInit(direction, authKey)
  }
}

function chainOf (s: State, create: boolean): Chain | null {
  if (s.chain !== undefined) return s.chain
  const n = s.negotiation
  if (n === undefined) throw new RelaymeshError(ErrorCode.InvalidState, 'spqr state: no chain')
  return create || n.minVersion > SPQR_VERSION_OFF ? newChain(n.authKey, n.direction) : null
}

/** one send on `s` (changed in place); null: SPQR off */
function sendOn (s: State | null, random: (n: number) => Uint8Array): { msg: Uint8Array, key: Uint8Array | null } {
  if (s === null) return { msg: new Uint8Array(0), key: null }
  const { msg, secret } = braidSend(s.braid, random)
  // before negotiation with min version 0 there is no chain: the peer may not run SPQR
  const chain = chainOf(s, false)
  let index = 0
  let key: Uint8Array | null = null
  if (chain !== null) {
    if (secret !== null) addEpoch(chain, secret.epoch, secret.secret)
    const k = sendKey(chain, msg.epoch - 1)
    index = k.index
    key = k.key
    s.chain = chain
  } else if (secret !== null) {
    throw new RelaymeshError(ErrorCode.InvalidState, 'spqr: an epoch secret before any chain')
  }
  const bytes = encodeMessage(msg, index)
  return { msg: bytes, key }
}

function checkMsg (msg: Uint8Array): void {
  if (!(msg instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.Decode, 'spqr message: expected bytes')
  if (msg.byteLength > MAX_SPQR_MESSAGE_BYTES) throw new RelaymeshError(ErrorCode.Decode, `spqr message: ${msg.byteLength} bytes exceeds ${MAX_SPQR_MESSAGE_BYTES}`)
}

/** one receive on `s` (changed in place); `state`: the new state, 'same' when the message leaves it as it was */
function recvOn (s: State | null, msg: Uint8Array): { state: State | null | 'same', key: Uint8Array | null } {
  if (s === null) return { state: null, key: null } // off: every message is ignored
  const version = messageVersion(msg)
  if (version > SPQR_VERSION_MAX) {
    // a newer peer that has not heard from us yet; ignored only while epoch 0 is held (D6)
    if (s.chain !== undefined && !holdsEpoch(s.chain, 0)) {
      throw new RelaymeshError(ErrorCode.Invalid, `spqr: version ${version} message after epoch 0 was dropped`)
    }
    return { state: 'same', key: null }
  }
  if (version < SPQR_VERSION_V1) {
    const n = s.negotiation
    if (n === undefined) throw new RelaymeshError(ErrorCode.Invalid, `spqr: version ${version} message after negotiation`)
    if (version < n.minVersion) throw new RelaymeshError(ErrorCode.Invalid, `spqr: version ${version} below the minimum ${n.minVersion}`)
    return { state: null, key: null } // downgraded to off for good
  }
  const { msg: m, index } = decodeMessage(msg)
  const secret = braidRecv(s.braid, m)
  const chain = chainOf(s, true)!
  const keyless = m.epoch === 1 && index === 0
  if (keyless && !holdsEpoch(chain, 0)) {
    // a keyless message lives exactly as long as a keyed message of its epoch would (D6)
    throw new RelaymeshError(ErrorCode.Invalid, 'spqr: keyless message after epoch 0 was dropped')
  }
  if (secret !== null) addEpoch(chain, secret.epoch, secret.secret)
  const key = keyless ? null : recvKey(chain, m.epoch - 1, index)
  // receiving ends negotiation
  return { state: { chain, braid: s.braid }, key }
}

export function spqrSend (state: Uint8Array, random: (n: number) => Uint8Array = randomBytes): SpqrSend {
  const s = decodeState(state)
  const out = sendOn(s, random)
  return { state: s === null ? new Uint8Array(0) : encodeState(s), ...out }
}

export function spqrRecv (state: Uint8Array, msg: Uint8Array): SpqrRecv {
  checkMsg(msg)
  const out = recvOn(decodeState(state), msg)
  const next = out.state === 'same' ? state.slice() : out.state === null ? EMPTY.slice() : encodeState(out.state)
  return { state: next, key: out.key }
}

// ---- the same on a decoded state held between calls (live.ts): no protobuf round trip per message

export { SpqrLive }
export interface SpqrLiveSend { state: SpqrLive, msg: Uint8Array, key: Uint8Array | null }
export interface SpqrLiveRecv { state: SpqrLive, key: Uint8Array | null }

/** spqrInitialState as a SpqrLive */
export function spqrLiveInitialState (params: SpqrParams): SpqrLive {
  return SpqrLive.fromState(initialState(params))
}

/** spqrSend on a SpqrLive; `state` is never changed (a new one is returned) */
export function spqrLiveSend (state: SpqrLive, random: (n: number) => Uint8Array = randomBytes): SpqrLiveSend {
  const d = state.decoded()
  if (d === null) return { state, msg: new Uint8Array(0), key: null }
  const s = cloneState(d)
  const out = sendOn(s, random)
  return { state: SpqrLive.fromState(s), ...out }
}

/** spqrRecv on a SpqrLive; `state` is never changed (a new one is returned) */
export function spqrLiveRecv (state: SpqrLive, msg: Uint8Array): SpqrLiveRecv {
  checkMsg(msg)
  const d = state.decoded()
  const out = recvOn(d === null ? null : cloneState(d), msg)
  return { state: out.state === 'same' ? state : SpqrLive.fromState(out.state), key: out.key }
}

export interface SpqrInfo {
  /** 0 = off, 1 = v1 */
  version: number
  /** still accepting a downgrade (no message received yet) */
  negotiating: boolean
  /** the braid's epoch and state name (v1 only) */
  epoch: number
  braidState: string
  /** the newest PQ epoch mixed into the chain (0: only the auth key), -1 without a chain */
  chainEpoch: number
  /** the epoch whose chain our sends use, -1 without a chain */
  chainSendEpoch: number
}

/** What a state holds, for tests and diagnostics (no secrets). */
export function spqrInspect (state: Uint8Array): SpqrInfo {
  const s = decodeState(state)
  if (s === null) return { version: SPQR_VERSION_OFF, negotiating: false, epoch: 0, braidState: 'off', chainEpoch: -1, chainSendEpoch: -1 }
  return {
    version: SPQR_VERSION_V1,
    negotiating: s.negotiation !== undefined,
    epoch: s.braid.epoch,
    braidState: BraidState[s.braid.state] ?? 'unknown',
    chainEpoch: s.chain?.currentEpoch ?? -1,
    chainSendEpoch: s.chain?.sendEpoch ?? -1
  }
}
