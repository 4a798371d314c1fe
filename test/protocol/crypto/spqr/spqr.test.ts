import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ErrorCode, RelaymeshError } from '../../../../protocol/errors.js'
import { spqrInitialState, spqrInspect, spqrRecv, spqrSend } from '../../../../protocol/crypto/spqr/index.js'
import { MAX_SPQR_MESSAGE_BYTES } from '../../../../protocol/crypto/spqr/constants.js'
import { decodeMessage, encodeMessage, encodeProtons } from '../../../../protocol/crypto/spqr/message.js'
import { AUTH_KEY, exchange, hex, pair, recv, recvRejects, send } from './helpers.js'

describe('spqr (API, versions, input checks)', () => {
  it('lockstep: both sides derive the same 32-byte key for every message, and epochs advance', () => {
    const { a, b } = pair()
    const seen = new Set<string>()
    for (let i = 0; i < 160; i++) {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        const k = exchange(x, y)
        assert.ok(k !== null && k.byteLength === 32)
        assert.ok(!seen.has(hex(k)), 'a key repeated')
        seen.add(hex(k))
      }
    }
    // 73 rounds per epoch in lockstep (38 ek chunks, 35 ct chunks): 160 rounds complete two
    assert.ok(spqrInspect(a.state).chainEpoch >= 2, JSON.stringify(spqrInspect(a.state)))
    assert.ok(spqrInspect(b.state).chainEpoch >= 2, JSON.stringify(spqrInspect(b.state)))
  })

  it('the initial state checks its parameters', () => {
    const bad = (p: object): void => {
      assert.throws(() => spqrInitialState({ direction: 'a2b', authKey: AUTH_KEY, ...p }), (e: unknown) => RelaymeshError.is(e, ErrorCode.InvalidArgument))
    }
    bad({ authKey: new Uint8Array(31) })
    bad({ direction: 'sideways' })
    bad({ version: 2 })
    bad({ version: 0, minVersion: 1 })
    bad({ minVersion: -1 })
    assert.equal(spqrInspect(spqrInitialState({ direction: 'b2a', authKey: AUTH_KEY })).negotiating, true)
  })

  describe('version 0 (off)', () => {
    it('an off state sends empty messages with null keys and ignores whatever arrives', () => {
      const off = spqrInitialState({ direction: 'a2b', authKey: AUTH_KEY, version: 0 })
      assert.equal(off.byteLength, 0)
      const s = spqrSend(off)
      assert.equal(s.msg.byteLength, 0)
      assert.equal(s.key, null)
      assert.equal(s.state.byteLength, 0)
      const { a } = pair()
      const r = spqrRecv(off, send(a).msg)
      assert.equal(r.key, null)
      assert.equal(r.state.byteLength, 0)
    })

    it('min version 0: keys are null until the first message arrives, then both sides key every message', () => {
      const { a, b } = pair({ minVersion: 0 })
      const a1 = send(a)
      const b1 = send(b)
      assert.equal(a1.key, null)
      assert.equal(b1.key, null)
      assert.equal(recv(b, a1.msg).key, null)
      assert.equal(spqrInspect(b.state).negotiating, false)
      const b2 = send(b)
      assert.ok(b2.key !== null)
      assert.equal(hex(recv(a, b1.msg).key), 'null')
      assert.equal(hex(recv(a, b2.msg).key), hex(b2.key))
      for (let i = 0; i < 5; i++) { exchange(a, b); exchange(b, a) }
    })

    it('min version 1 on one side: that side keys from its first message, the other after its first receive', () => {
      const { a, b } = pair({ minVersion: 1 }, { minVersion: 0 })
      const a1 = send(a)
      assert.ok(a1.key !== null)
      assert.equal(send(b).key, null)
      assert.equal(hex(recv(b, a1.msg).key), hex(a1.key))
      assert.ok(send(b).key !== null)
    })

    for (const [name, aVersion, bVersion] of [['a2b', 1, 0], ['b2a', 0, 1]] as const) {
      it(`a peer without SPQR downgrades a negotiating session to off (${name})`, () => {
        const { a, b } = pair({ version: aVersion, minVersion: 0 }, { version: bVersion, minVersion: 0 })
        const [v1, v0] = aVersion === 1 ? [a, b] : [b, a]
        const m1 = send(v1)
        recv(v0, m1.msg) // the off side ignores it
        const m0 = send(v0)
        assert.equal(m0.msg.byteLength, 0)
        assert.equal(recv(v1, m0.msg).key, null)
        assert.equal(v1.state.byteLength, 0)
        assert.equal(spqrInspect(v1.state).version, 0)
        assert.equal(send(v1).msg.byteLength, 0)
      })

      it(`min version 1 refuses the downgrade (${name})`, () => {
        const { a, b } = pair({ version: aVersion, minVersion: aVersion }, { version: bVersion, minVersion: bVersion })
        const [v1, v0] = aVersion === 1 ? [a, b] : [b, a]
        recvRejects(v1, send(v0).msg, ErrorCode.Invalid)
      })
    }

    it('after the first v1 message is received, a version-0 message is rejected (no downgrade mid-session)', () => {
      const { a, b } = pair({ minVersion: 0 })
      exchange(a, b)
      assert.equal(spqrInspect(b.state).negotiating, false)
      assert.equal(spqrInspect(a.state).negotiating, true)
      recvRejects(b, new Uint8Array(0), ErrorCode.Invalid)
      // a has not received yet: it may still downgrade
      assert.equal(spqrRecv(a.state, new Uint8Array(0)).state.byteLength, 0)
    })
  })

  it('message layout (docs/protocol.md §4a, SPQR message), byte for byte', () => {
    const h = (b: Uint8Array): string => Buffer.from(b).toString('hex')
    assert.equal(h(encodeMessage({ epoch: 1, type: 0 }, 5)), '0108011005')
    assert.equal(h(encodeMessage({ epoch: 1, type: 0 }, 0)), '010801')
    const chunk = { index: 300, data: new Uint8Array(32).fill(0xbb) }
    const m = encodeMessage({ epoch: 200, type: 2, chunk }, 130)
    assert.equal(h(m), '0108c80110820118022' + '0ac022a20' + 'bb'.repeat(32))
    assert.equal(m.byteLength, 46)
    assert.deepEqual(decodeMessage(m), { msg: { epoch: 200, type: 2, chunk }, index: 130 })
    for (const bad of ['01', '0108', '010800', '01080118031a', '0108011801', '010801180120002a0100', '0208011005']) {
      assert.throws(() => decodeMessage(Buffer.from(bad, 'hex')), (e: unknown) => RelaymeshError.is(e, ErrorCode.Decode), bad)
    }
  })

  it('the direct message encoder writes exactly the protons bytes (varint boundaries, zero fields, chunks)', () => {
    const h = (b: Uint8Array): string => Buffer.from(b).toString('hex')
    const nums = [0, 1, 127, 128, 255, 16383, 16384, 2 ** 21 - 1, 2 ** 21, 2 ** 28 - 1, 2 ** 28, 0xffffffff]
    const chunks = [undefined, ...[0, 1, 127, 128, 300, 65535].map((index) => ({ index, data: new Uint8Array(32).fill(index & 0xff) })),
      { index: 5, data: new Uint8Array(0) }]
    for (const epoch of [...nums, 2 ** 40]) {
      for (const index of nums) {
        for (const type of [0, 1, 2]) {
          for (const chunk of chunks) {
            const m = chunk === undefined ? { epoch, type } : { epoch, type, chunk }
            assert.equal(h(encodeMessage(m, index)), h(encodeProtons(m, index)), JSON.stringify({ epoch, index, type, ci: chunk?.index, cl: chunk?.data.byteLength }))
          }
        }
      }
    }
  })

  describe('bad input', () => {
    it('junk messages are RelaymeshErrors and leave the state as it was (property)', () => {
      const { a, b } = pair()
      for (let i = 0; i < 3; i++) { exchange(a, b); exchange(b, a) }
      fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.boolean(), (junk, v1) => {
        if (v1) junk[0] = 1
        const before = Uint8Array.from(b.state)
        try {
          const r = spqrRecv(b.state, junk)
          // accepted junk (e.g. a version > 1 byte while epoch 0 is held) yields at most a 32-byte key
          assert.equal(r.key === null || r.key.byteLength === 32, true)
        } catch (err) {
          assert.ok(RelaymeshError.is(err), String(err))
        }
        assert.deepEqual(b.state, before)
      }), { numRuns: 500 })
    })

    it('an oversized message is refused before parsing', () => {
      const { b } = pair()
      const big = new Uint8Array(MAX_SPQR_MESSAGE_BYTES + 1)
      big[0] = 1
      recvRejects(b, big, ErrorCode.Decode)
      assert.throws(() => spqrRecv(b.state, 'x' as unknown as Uint8Array), (e: unknown) => RelaymeshError.is(e, ErrorCode.Decode))
    })

    it('a corrupt or oversized state is InvalidState', () => {
      const { a } = pair()
      const msg = send(a).msg
      for (const st of [Uint8Array.of(1, 2, 3), new Uint8Array(300 * 1024).fill(8), a.state.subarray(0, a.state.byteLength - 7)]) {
        assert.throws(() => spqrSend(st), (e: unknown) => RelaymeshError.is(e, ErrorCode.InvalidState))
        assert.throws(() => spqrRecv(st, msg), (e: unknown) => RelaymeshError.is(e, ErrorCode.InvalidState))
      }
    })

    it('a state is never modified in place', () => {
      const { a, b } = pair()
      const sa = Uint8Array.from(a.state)
      const s = spqrSend(a.state)
      assert.deepEqual(a.state, sa)
      const sb = Uint8Array.from(b.state)
      spqrRecv(b.state, s.msg)
      assert.deepEqual(b.state, sb)
    })
  })
})
