// A decoded SPQR state held between calls (docs/protocol.md §4a, SPQR interface): the
// bytes API (index.ts spqrSend / spqrRecv) decodes and re-encodes the whole
// protobuf state on every message, which cost about as much as the rest of
// SPQR's per-message work. A SpqrLive is immutable once made: every operation
// works on a structural copy of it (cloneState) and returns a new one, so a
// call that throws leaves the caller's SpqrLive exactly as it was, as with
// bytes. Byte fields are shared between copies: code in this module tree only
// ever replaces them, never writes into them (state.ts; test "a state is
// never modified in place"). Bytes are produced only when asked for
// (persisting), and cached.
import { ErrorCode, RelaymeshError } from '../../errors.js'
import type { Braid } from './braid.js'
import type { Chain } from './chain.js'
import { MAX_SPQR_STATE_BYTES } from './constants.js'
import { decodeState, encodeState, type State } from './state.js'

/** encode eagerly (to check the state bound at once) when the skipped-key histories pass this */
const EAGER_ENCODE_PREV_BYTES = MAX_SPQR_STATE_BYTES / 2

export class SpqrLive {
  #bytes: Uint8Array | undefined
  /** undefined: not decoded yet; null: SPQR off */
  #state: State | null | undefined

  private constructor (bytes: Uint8Array | undefined, state: State | null | undefined) {
    this.#bytes = bytes
    this.#state = state
  }

  /** from stored bytes (copied); decoded, and so checked, at first use */
  static fromBytes (bytes: Uint8Array): SpqrLive {
    if (!(bytes instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.InvalidArgument, 'spqr state: expected bytes')
    return new SpqrLive(bytes.slice(), bytes.byteLength === 0 ? null : undefined)
  }

  /** takes ownership of `state` (callers hand over a fresh copy) */
  static fromState (state: State | null): SpqrLive {
    const live = new SpqrLive(state === null ? new Uint8Array(0) : undefined, state)
    if (state !== null && prevBytes(state) > EAGER_ENCODE_PREV_BYTES) live.#bytes = encodeState(state) // throws past the bound
    return live
  }

  /** the decoded state, shared: callers copy it (cloneState) before changing anything */
  decoded (): State | null {
    if (this.#state === undefined) this.#state = decodeState(this.#bytes!)
    return this.#state
  }

  /** the serialized state (a copy), as spqrSend / spqrRecv would have returned it */
  bytes (): Uint8Array {
    if (this.#bytes === undefined) this.#bytes = encodeState(this.#state!)
    return this.#bytes.slice()
  }
}

function prevBytes (s: State): number {
  let n = 0
  for (const l of s.chain?.links ?? []) n += l.send.prev.byteLength + l.recv.prev.byteLength
  return n
}

// The erasure decoder (16 arrays of points) is shared, not copied: the braid
// replaces it with a copy before adding a chunk (braid.ts addTo), the only
// change ever made to a decoder, so a copy is paid only by receives that add one.
function cloneBraid (b: Braid): Braid {
  return { ...b, auth: { ...b.auth } }
}

function cloneChain (c: Chain): Chain {
  return { ...c, links: c.links.map((l) => ({ send: { ...l.send }, recv: { ...l.recv } })) }
}

/** a copy that the braid and chain functions may change in place without touching `s` */
export function cloneState (s: State): State {
  const out: State = { braid: cloneBraid(s.braid) }
  if (s.negotiation !== undefined) out.negotiation = { ...s.negotiation }
  if (s.chain !== undefined) out.chain = cloneChain(s.chain)
  return out
}
