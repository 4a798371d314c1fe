// Shared helpers of the SPQR tests: two parties, key comparison, and a
// receive that asserts a throwing call leaves the input bytes untouched.
import { strict as assert } from 'node:assert'
import { ErrorCode, RelaymeshError } from '../../../../protocol/errors.js'
import { spqrInitialState, spqrRecv, spqrSend, type SpqrParams, type SpqrRecv, type SpqrSend } from '../../../../protocol/crypto/spqr/index.js'

export const AUTH_KEY = Uint8Array.from({ length: 32 }, (_, i) => 41 + i)

export interface Party { state: Uint8Array }

export function pair (opts: Partial<SpqrParams> = {}, optsB: Partial<SpqrParams> = opts): { a: Party, b: Party } {
  return {
    a: { state: spqrInitialState({ direction: 'a2b', authKey: AUTH_KEY, minVersion: 1, ...opts }) },
    b: { state: spqrInitialState({ direction: 'b2a', authKey: AUTH_KEY, minVersion: 1, ...optsB }) }
  }
}

export function hex (b: Uint8Array | null): string {
  return b === null ? 'null' : Buffer.from(b).toString('hex')
}

export function send (p: Party): SpqrSend {
  const s = spqrSend(p.state)
  p.state = s.state
  return s
}

export function recv (p: Party, msg: Uint8Array): SpqrRecv {
  const r = spqrRecv(p.state, msg)
  p.state = r.state
  return r
}

/** A receive expected to throw: the code, and the input state bytes unchanged. */
export function recvRejects (p: Party, msg: Uint8Array, code?: ErrorCode): RelaymeshError {
  const before = Uint8Array.from(p.state)
  let caught: unknown
  try {
    spqrRecv(p.state, msg)
  } catch (err) {
    caught = err
  }
  assert.ok(RelaymeshError.is(caught), `expected a RelaymeshError, got ${String(caught)}`)
  if (code !== undefined) assert.equal(caught.code, code, caught.message)
  assert.deepEqual(p.state, before, 'a failed receive changed the state bytes')
  return caught
}

/** Sends from `from` and delivers to `to`, asserting both sides agree on the key. */
export function exchange (from: Party, to: Party): Uint8Array | null {
  const s = send(from)
  const r = recv(to, s.msg)
  assert.equal(hex(r.key), hex(s.key))
  return s.key
}
