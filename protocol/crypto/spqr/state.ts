// SpqrState bytes <-> checked values (protocol/pb/spqr.proto). Local state
// is bounded and validated like network input: a bad state is
// ErrorCode.InvalidState, never a crash or a silently wrong key. Decoded
// byte fields are views into the caller's state bytes (no copies: a chain's
// skipped keys alone may be 79 KB): code in this module tree only ever
// replaces them, never writes into them (test: "a state is never modified
// in place").
import { decode, encode, type Loose } from '../../codec.js'
import { ErrorCode, RelaymeshError } from '../../errors.js'
import { SpqrState, type SpqrBraid, type SpqrChain, type SpqrChainDirection } from '../../pb/spqr.js'
import { BraidState, type Braid } from './braid.js'
import type { Chain, ChainDirection, Direction } from './chain.js'
import {
  MAX_SPQR_STATE_BYTES,
  MLKEM768_DK_BYTES,
  MLKEM768_EK_BYTES,
  MLKEM768_SEED_BYTES,
  SPQR_AUTH_KEY_BYTES,
  SPQR_CT_MESSAGE_BYTES,
  SPQR_EK_MESSAGE_BYTES,
  SPQR_HISTORY_ENTRY_BYTES,
  SPQR_MAX_CHAIN_LINKS,
  SPQR_MAX_EPOCH,
  SPQR_STATE_FORMAT,
  SPQR_TRIM_SIZE,
  SPQR_VERSION_MAX
} from './constants.js'
import { POLYS, checkDecoder, type Decoder } from './erasure.js'

export interface Negotiation { authKey: Uint8Array, direction: Direction, minVersion: number }

/** A v1 state; SPQR off is the empty state (no value). */
export interface State {
  negotiation?: Negotiation
  chain?: Chain
  braid: Braid
}

function bad (what: string): never {
  throw new RelaymeshError(ErrorCode.InvalidState, `spqr state: ${what}`)
}

function bytesOf (b: Uint8Array | undefined, length: number, what: string): Uint8Array {
  if (b === undefined || b.byteLength !== length) bad(`${what} must be ${length} bytes`)
  return b
}

function epochOf (n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0 || n > SPQR_MAX_EPOCH) bad(`bad ${what}`)
  return n
}

function direction (n: number): Direction {
  if (n !== 0 && n !== 1) bad('bad direction')
  return n
}

function chainDirFrom (d: SpqrChainDirection | undefined): ChainDirection {
  if (d === undefined) bad('missing chain direction')
  if (d.next.byteLength !== 0 && d.next.byteLength !== 32) bad('bad chain key')
  if (d.prev.byteLength % SPQR_HISTORY_ENTRY_BYTES !== 0 || d.prev.byteLength > SPQR_TRIM_SIZE * SPQR_HISTORY_ENTRY_BYTES) {
    bad('bad skipped-key history')
  }
  return { ctr: d.ctr, next: d.next, prev: d.prev }
}

function chainFrom (c: SpqrChain): Chain {
  if (c.links.length < 1 || c.links.length > SPQR_MAX_CHAIN_LINKS) bad('bad chain link count')
  const currentEpoch = epochOf(c.currentEpoch, 'chain epoch')
  const sendEpoch = epochOf(c.sendEpoch, 'send epoch')
  if (sendEpoch > currentEpoch || c.links.length > currentEpoch + 1) bad('bad chain epochs')
  return {
    direction: direction(c.direction),
    currentEpoch,
    sendEpoch,
    nextRoot: bytesOf(c.nextRoot, 32, 'next root'),
    links: c.links.map((l) => ({ send: chainDirFrom(l.send), recv: chainDirFrom(l.recv) }))
  }
}

function decoderFrom (length: number, pts: Uint8Array[]): Decoder {
  if (pts.length !== POLYS) bad('bad decoder')
  const points = pts.map((p) => {
    if (p.byteLength % 4 !== 0) bad('bad decoder points')
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength)
    const out: number[] = []
    for (let o = 0; o < p.byteLength; o += 2) out.push(v.getUint16(o))
    return out
  })
  const d = { length, points }
  checkDecoder(d)
  return d
}

function decoderTo (d: Decoder): Uint8Array[] {
  return d.points.map((pts) => {
    const out = new Uint8Array(pts.length * 2)
    const v = new DataView(out.buffer)
    pts.forEach((x, i) => v.setUint16(2 * i, x))
    return out
  })
}

function braidFrom (b: SpqrBraid): Braid {
  const braid: Braid = {
    state: b.state,
    epoch: epochOf(b.epoch, 'epoch'),
    auth: { root: bytesOf(b.authRoot, 32, 'auth root'), mac: bytesOf(b.authMac, 32, 'auth mac') }
  }
  if (braid.epoch < 1) bad('epoch 0')
  const sending = (length: number): void => {
    braid.sending = bytesOf(b.sending, length, 'sending')
    if (b.nextChunk > 0xffff) bad('bad chunk index')
    braid.nextChunk = b.nextChunk
  }
  const receiving = (length: number): void => {
    if (b.receivingLength !== length) bad('bad receiving length')
    braid.receiving = decoderFrom(length, b.receiving)
  }
  // our secret key: its seed (64 bytes), or the expanded dk of states written before the seed form
  const secret = (): void => {
    if (b.dkSeed.byteLength > 0) {
      if (b.dk.byteLength > 0) bad('both dk and its seed')
      braid.dkSeed = bytesOf(b.dkSeed, MLKEM768_SEED_BYTES, 'dk seed')
    } else {
      braid.dk = bytesOf(b.dk, MLKEM768_DK_BYTES, 'dk')
    }
  }
  switch (b.state) {
    case BraidState.KeysUnsampled: break
    case BraidState.EkSending: secret(); sending(SPQR_EK_MESSAGE_BYTES); break
    case BraidState.CtReceiving: secret(); receiving(SPQR_CT_MESSAGE_BYTES); break
    case BraidState.NoEkReceived: receiving(SPQR_EK_MESSAGE_BYTES); break
    case BraidState.EkReceived: braid.ek = bytesOf(b.ek, MLKEM768_EK_BYTES, 'ek'); break
    case BraidState.CtSending: sending(SPQR_CT_MESSAGE_BYTES); break
    default: bad(`unknown braid state ${b.state}`)
  }
  return braid
}

function braidTo (b: Braid): Loose<SpqrBraid> {
  const none = new Uint8Array(0)
  return {
    state: b.state,
    epoch: b.epoch,
    authRoot: b.auth.root,
    authMac: b.auth.mac,
    dk: b.dk ?? none,
    dkSeed: b.dkSeed ?? none,
    ek: b.ek ?? none,
    sending: b.sending ?? none,
    nextChunk: b.sending !== undefined ? b.nextChunk ?? 0 : 0,
    receivingLength: b.receiving?.length ?? 0,
    receiving: b.receiving !== undefined ? decoderTo(b.receiving) : []
  }
}

/** null: SPQR off (the empty state) */
export function decodeState (bytes: Uint8Array): State | null {
  if (!(bytes instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.InvalidArgument, 'spqr state: expected bytes')
  if (bytes.byteLength === 0) return null
  let s: SpqrState
  try {
    s = decode(SpqrState, bytes, MAX_SPQR_STATE_BYTES, 'spqr state', SPQR_STATE_FORMAT)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.InvalidState, (err as Error).message, { cause: err })
  }
  if (s.braid === undefined) bad('missing braid')
  const state: State = { braid: braidFrom(s.braid) }
  if (s.negotiation !== undefined) {
    const n = s.negotiation
    if (!Number.isInteger(n.minVersion) || n.minVersion > SPQR_VERSION_MAX) bad('bad min version')
    state.negotiation = { authKey: bytesOf(n.authKey, SPQR_AUTH_KEY_BYTES, 'auth key'), direction: direction(n.direction), minVersion: n.minVersion }
  }
  if (s.chain !== undefined) state.chain = chainFrom(s.chain)
  if (state.negotiation === undefined && state.chain === undefined) bad('neither negotiation nor chain')
  return state
}

export function encodeState (s: State): Uint8Array {
  const out = encode(SpqrState, {
    version: SPQR_STATE_FORMAT,
    ...(s.negotiation !== undefined ? { negotiation: { authKey: s.negotiation.authKey, direction: s.negotiation.direction, minVersion: s.negotiation.minVersion } } : {}),
    ...(s.chain !== undefined
      ? {
          chain: {
            direction: s.chain.direction,
            currentEpoch: s.chain.currentEpoch,
            sendEpoch: s.chain.sendEpoch,
            nextRoot: s.chain.nextRoot,
            links: s.chain.links,
            maxJump: 0,
            maxOooKeys: 0
          }
        }
      : {}),
    braid: braidTo(s.braid)
  })
  if (out.byteLength > MAX_SPQR_STATE_BYTES) bad('state grew past its bound')
  return out
}
