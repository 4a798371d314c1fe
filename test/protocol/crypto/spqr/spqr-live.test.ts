// The SpqrLive API (protocol/crypto/spqr/live.ts): a decoded state held
// between calls must behave exactly as the bytes API, and a SpqrLive must
// never change once made (so a failed call, or a call whose result the
// caller drops, leaves the caller's state as it was).
import { strict as assert } from 'node:assert'
import { ErrorCode, RelaymeshError } from '../../../../protocol/errors.js'
import {
  SpqrLive, spqrInitialState, spqrLiveRecv, spqrLiveSend, spqrRecv, spqrSend
} from '../../../../protocol/crypto/spqr/index.js'
import { encodeState } from '../../../../protocol/crypto/spqr/state.js'
import { AUTH_KEY, hex } from './helpers.js'

/** the bytes of what a SpqrLive holds now (live.bytes() may be a cached encoding) */
const heldBytes = (l: SpqrLive): string => { const d = l.decoded(); return d === null ? '' : hex(encodeState(d)) }

/** deterministic key-generation seeds, so two runs of the same conversation match byte for byte */
function seeded (tag: number): (n: number) => Uint8Array {
  let i = 0
  return (n) => Uint8Array.from({ length: n }, (_, j) => (tag * 31 + i++ * 7 + j) & 0xff)
}

function codeOf (f: () => unknown): ErrorCode | undefined {
  try { f() } catch (err) { return RelaymeshError.is(err) ? err.code : undefined }
  return undefined
}

describe('spqr live states (SpqrLive)', function () {
  this.timeout(60_000)

  it('gives the same messages, keys and state bytes as the bytes API over epochs, in both directions', () => {
    // each party runs the live API; before every call its state is also run through the bytes API
    // from the same bytes, and the results must match (except an encapsulation's ciphertext, whose
    // randomness is ML-KEM's own: then the bytes-API twin is only checked to agree on the message kind)
    const init = (direction: 'a2b' | 'b2a'): SpqrLive => SpqrLive.fromBytes(spqrInitialState({ direction, authKey: AUTH_KEY, minVersion: 1 }))
    const live = [init('a2b'), init('b2a')]
    let encapsulations = 0
    let compared = 0
    for (let i = 0; i < 400; i++) {
      const from = i % 5 === 4 ? 1 : 0 // mostly A, with replies from B
      const to = 1 - from
      const sl = spqrLiveSend(live[from]!, seeded(i))
      const sb = spqrSend(live[from]!.bytes(), seeded(i))
      if (hex(sl.msg) === hex(sb.msg)) {
        assert.equal(hex(sl.key), hex(sb.key), `send key, message ${i}`)
        assert.ok(hex(sl.state.bytes()) === hex(sb.state), `sender state, message ${i}`)
        compared++
      } else {
        assert.equal(sl.msg.byteLength, sb.msg.byteLength)
        encapsulations++
      }
      const rl = spqrLiveRecv(live[to]!, sl.msg)
      const rb = spqrRecv(live[to]!.bytes(), sl.msg)
      assert.equal(hex(rl.key), hex(sl.key), `live receiver key, message ${i}`)
      assert.equal(hex(rb.key), hex(sl.key), `bytes receiver key, message ${i}`)
      assert.ok(hex(rl.state.bytes()) === hex(rb.state), `receiver state, message ${i}`)
      live[from] = sl.state
      live[to] = rl.state
    }
    assert.ok(encapsulations > 0 && compared > 300, `${encapsulations} encapsulations, ${compared} sends compared`)
    // a live state read back from its bytes goes on exactly as the original
    const copy = SpqrLive.fromBytes(live[0]!.bytes())
    const x = spqrLiveSend(live[0]!, seeded(9))
    const y = spqrLiveSend(copy, seeded(9))
    assert.equal(hex(x.msg), hex(y.msg))
    assert.equal(hex(x.key), hex(y.key))
  })

  it('a SpqrLive never changes: calls on an older state repeat exactly, and failed calls change nothing', () => {
    let a = SpqrLive.fromBytes(spqrInitialState({ direction: 'a2b', authKey: AUTH_KEY, minVersion: 1 }))
    let b = SpqrLive.fromBytes(spqrInitialState({ direction: 'b2a', authKey: AUTH_KEY, minVersion: 1 }))
    for (let i = 0; i < 160; i++) {
      const [from, to] = i % 2 === 0 ? [a, b] : [b, a]
      const beforeFrom = heldBytes(from)
      const beforeTo = heldBytes(to)
      const s1 = spqrLiveSend(from, seeded(i))
      const s2 = spqrLiveSend(from, seeded(i)) // the same call on the same (unchanged) state
      assert.equal(heldBytes(from), beforeFrom, `send changed its input, message ${i}`)
      if (hex(s1.msg) === hex(s2.msg)) assert.equal(hex(s1.key), hex(s2.key))
      // a flipped bit: refused with `to` unchanged, or accepted into a new state only
      const bad = s1.msg.slice()
      bad[bad.byteLength - 1]! ^= 0x01
      codeOf(() => spqrLiveRecv(to, bad))
      assert.equal(heldBytes(to), beforeTo, `a bad message changed the receiver, message ${i}`)
      const r1 = spqrLiveRecv(to, s1.msg)
      assert.equal(heldBytes(to), beforeTo, `recv changed its input, message ${i}`)
      const r2 = spqrLiveRecv(to, s1.msg) // again on the old state: same key, not a duplicate
      assert.equal(hex(r1.key), hex(s1.key))
      assert.equal(hex(r2.key), hex(s1.key))
      assert.equal(codeOf(() => spqrLiveRecv(r1.state, s1.msg)), ErrorCode.DuplicateMessage)
      if (i % 2 === 0) { a = s1.state; b = r1.state } else { b = s1.state; a = r1.state }
    }
    assert.ok(spqrLiveSend(a).msg.byteLength > 0)
  })

  it('a corrupt stored state is InvalidState at first use, like the bytes API', () => {
    const live = SpqrLive.fromBytes(Uint8Array.of(0x0a, 0xff, 0x01))
    assert.equal(codeOf(() => spqrLiveSend(live)), ErrorCode.InvalidState)
    assert.equal(codeOf(() => spqrLiveRecv(live, Uint8Array.of(1, 8, 1, 16, 1))), ErrorCode.InvalidState)
    const off = SpqrLive.fromBytes(new Uint8Array(0))
    assert.equal(spqrLiveSend(off).msg.byteLength, 0)
    assert.equal(off.bytes().byteLength, 0)
  })
})
