// The SPQR chain (Signal SPQR chain.rs): per epoch, a send and a receive
// symmetric chain giving one 32-byte key per message index (1, 2, ...).
// Epoch 0 comes from the auth key; epoch e from HKDF(epoch secret e, salt =
// the previous next-root). Skipped receive keys are kept (bounded: a jump of
// at most SPQR_MAX_JUMP, keys back to ctr - SPQR_MAX_OOO_KEYS), each handed
// out at most once. Objects here are fresh copies decoded from state bytes,
// so the functions mutate them in place.
import { SPQR_INFO } from '../../constants.js'
import { u32be } from '../../codec.js'
import { ErrorCode, RelaymeshError } from '../../errors.js'
import { concat, hkdfSha256 } from '../primitives.js'
import {
  SPQR_HISTORY_ENTRY_BYTES,
  SPQR_KEY_BYTES,
  SPQR_MAX_CHAIN_LINKS,
  SPQR_MAX_JUMP,
  SPQR_MAX_OOO_KEYS,
  SPQR_TRIM_SIZE
} from './constants.js'

/** 0 = a2b (the initiator), 1 = b2a */
export type Direction = 0 | 1

export interface ChainDirection {
  /** index of the last key derived (0: none yet) */
  ctr: number
  /** chain key, 32 bytes (empty once the send side of an old epoch is erased) */
  next: Uint8Array
  /** skipped keys: (u32be index || key)* */
  prev: Uint8Array
}

export interface ChainLink { send: ChainDirection, recv: ChainDirection }

export interface Chain {
  direction: Direction
  currentEpoch: number
  sendEpoch: number
  nextRoot: Uint8Array
  /** links for epochs currentEpoch - links.length + 1 .. currentEpoch */
  links: ChainLink[]
}

const ZERO_SALT = new Uint8Array(32)

function link (okm: Uint8Array, direction: Direction): ChainLink {
  const a2b = okm.slice(32, 64)
  const b2a = okm.slice(64, 96)
  const dir = (next: Uint8Array): ChainDirection => ({ ctr: 0, next, prev: new Uint8Array(0) })
  return direction === 0 ? { send: dir(a2b), recv: dir(b2a) } : { send: dir(b2a), recv: dir(a2b) }
}

export function newChain (authKey: Uint8Array, direction: Direction): Chain {
  const okm = hkdfSha256(authKey, ZERO_SALT, SPQR_INFO.chainStart, 96)
  return { direction, currentEpoch: 0, sendEpoch: 0, nextRoot: okm.slice(0, 32), links: [link(okm, direction)] }
}

export function addEpoch (chain: Chain, epoch: number, secret: Uint8Array): void {
  if (epoch !== chain.currentEpoch + 1) {
    throw new RelaymeshError(ErrorCode.InvalidState, `spqr chain: epoch ${epoch} after ${chain.currentEpoch}`)
  }
  const okm = hkdfSha256(secret, chain.nextRoot, SPQR_INFO.chainAddEpoch, 96)
  chain.currentEpoch = epoch
  chain.nextRoot = okm.slice(0, 32)
  chain.links.push(link(okm, chain.direction))
  if (chain.links.length > SPQR_MAX_CHAIN_LINKS) {
    throw new RelaymeshError(ErrorCode.InvalidState, 'spqr chain: too many epochs ahead of the send epoch')
  }
}

/** one chain step: ctr += 1, (next, key) = HKDF(next, info = u32be(ctr) || label) */
function step (d: ChainDirection): Uint8Array {
  if (d.next.byteLength !== SPQR_KEY_BYTES) throw new RelaymeshError(ErrorCode.InvalidState, 'spqr chain: key erased')
  if (d.ctr >= 0xffffffff) throw new RelaymeshError(ErrorCode.InvalidState, 'spqr chain: counter exhausted')
  d.ctr += 1
  const okm = hkdfSha256(d.next, ZERO_SALT, stepInfo(d.ctr), 64)
  d.next = okm.slice(0, 32)
  return okm.slice(32, 64)
}

const NEXT_LABEL = SPQR_INFO.chainNext
/** u32be(ctr) || label in one allocation (the same bytes as concat(u32be(ctr), label)); ctr is checked by step */
function stepInfo (ctr: number): Uint8Array {
  const info = new Uint8Array(4 + NEXT_LABEL.byteLength)
  info[0] = ctr >>> 24
  info[1] = (ctr >>> 16) & 0xff
  info[2] = (ctr >>> 8) & 0xff
  info[3] = ctr & 0xff
  info.set(NEXT_LABEL, 4)
  return info
}

function epochIndex (chain: Chain, epoch: number): number {
  const back = chain.currentEpoch - epoch
  if (epoch > chain.currentEpoch || back >= chain.links.length) {
    throw new RelaymeshError(ErrorCode.Invalid, `spqr chain: epoch ${epoch} not held (current ${chain.currentEpoch})`)
  }
  return chain.links.length - 1 - back
}

/** whether the chain still holds `epoch` (a message keyed from it can still be received) */
export function holdsEpoch (chain: Chain, epoch: number): boolean {
  return epoch <= chain.currentEpoch && chain.currentEpoch - epoch < chain.links.length
}

export function sendKey (chain: Chain, epoch: number): { index: number, key: Uint8Array } {
  if (epoch < chain.sendEpoch) throw new RelaymeshError(ErrorCode.InvalidState, 'spqr chain: send epoch decreased')
  let i = epochIndex(chain, epoch)
  if (epoch !== chain.sendEpoch) {
    chain.sendEpoch = epoch
    // keep one epoch before the send epoch (late messages), erase older send keys
    while (i > 1) { chain.links.shift(); i -= 1 }
    for (let j = 0; j < i; j++) chain.links[j]!.send.next = new Uint8Array(0)
  }
  const d = chain.links[i]!.send
  const key = step(d)
  return { index: d.ctr, key }
}

function entryIndex (prev: Uint8Array, at: number): number {
  return new DataView(prev.buffer, prev.byteOffset + at, 4).getUint32(0)
}

/** removes entry `at` (byte offset) by moving the last entry into its place */
function removeEntry (prev: Uint8Array, at: number): Uint8Array {
  const last = prev.byteLength - SPQR_HISTORY_ENTRY_BYTES
  const out = prev.slice(0, last)
  if (at < last) out.set(prev.subarray(last), at)
  return out
}

function takeSkipped (d: ChainDirection, at: number): Uint8Array {
  if (at + SPQR_MAX_OOO_KEYS < d.ctr) {
    throw new RelaymeshError(ErrorCode.TooManySkipped, `spqr chain: key ${at} is older than the skipped-key window`)
  }
  for (let o = 0; o < d.prev.byteLength; o += SPQR_HISTORY_ENTRY_BYTES) {
    if (entryIndex(d.prev, o) === at) {
      const key = d.prev.slice(o + 4, o + SPQR_HISTORY_ENTRY_BYTES)
      d.prev = removeEntry(d.prev, o)
      return key
    }
  }
  throw new RelaymeshError(ErrorCode.DuplicateMessage, `spqr chain: key ${at} was already used`)
}

/** drops skipped keys below ctr - max_ooo once the history reaches the trim size */
function trim (d: ChainDirection): void {
  if (d.prev.byteLength < SPQR_TRIM_SIZE * SPQR_HISTORY_ENTRY_BYTES) return
  const horizon = d.ctr - SPQR_MAX_OOO_KEYS
  const kept: Uint8Array[] = []
  for (let o = 0; o < d.prev.byteLength; o += SPQR_HISTORY_ENTRY_BYTES) {
    if (entryIndex(d.prev, o) >= horizon) kept.push(d.prev.subarray(o, o + SPQR_HISTORY_ENTRY_BYTES))
  }
  d.prev = concat(...kept)
}

export function recvKey (chain: Chain, epoch: number, at: number): Uint8Array {
  const d = chain.links[epochIndex(chain, epoch)]!.recv
  if (at === d.ctr) throw new RelaymeshError(ErrorCode.DuplicateMessage, `spqr chain: key ${at} was already used`)
  if (at < d.ctr) return takeSkipped(d, at)
  if (at - d.ctr > SPQR_MAX_JUMP) {
    throw new RelaymeshError(ErrorCode.TooManySkipped, `spqr chain: key ${at} is more than ${SPQR_MAX_JUMP} ahead of ${d.ctr}`)
  }
  if (at > d.ctr + SPQR_MAX_OOO_KEYS) d.prev = new Uint8Array(0) // every held key is about to fall out of the window
  if (at > d.ctr + 1) { // keys skipped: kept (in order, next in line: no history change, no copy)
    const added: Uint8Array[] = [d.prev]
    while (at > d.ctr + 1) {
      const key = step(d)
      if (d.ctr + SPQR_MAX_OOO_KEYS >= at) added.push(u32be(d.ctr), key)
    }
    d.prev = concat(...added)
  }
  trim(d)
  return step(d)
}
