import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ErrorCode, RelaymeshError } from '../../../../protocol/errors.js'
import { spqrInspect, spqrRecv, spqrSend } from '../../../../protocol/crypto/spqr/index.js'
import { PayloadType } from '../../../../protocol/crypto/spqr/braid.js'
import { encodeMessage } from '../../../../protocol/crypto/spqr/message.js'
import { exchange, hex, pair, recv, recvRejects, send, type Party } from './helpers.js'

function tryRecv (p: Party, msg: Uint8Array): string | null {
  try {
    const r = spqrRecv(p.state, msg)
    p.state = r.state
    return hex(r.key)
  } catch {
    return null
  }
}

describe('spqr security', function () {
  this.timeout(120_000)

  describe('post-compromise security (PQ): a stolen state stops working once a fresh ML-KEM epoch completes', () => {
    // The adversary steals both parties' complete SPQR states at some point,
    // then sees every later message. It mirrors the parties on its copies:
    // when a party sends, its copy sends too (advancing with the adversary's
    // own randomness); every real message is fed to the receiver's copy. The
    // copies' keys are compared with the real ones. Let S be the newest epoch
    // in either stolen chain. Epoch S + 1 leaks if its ML-KEM key pair was
    // already made at the theft (the ek sender's dk is in the stolen state);
    // otherwise it is the first safe epoch. Every later epoch is safe.
    it('the adversary derives keys exactly until the first epoch keyed after the theft (property over the moment of theft)', () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 230 }), fc.boolean(), (stealAt, aFirst) => {
        const { a, b } = pair()
        const [x, y] = aFirst ? [a, b] : [b, a]
        for (let i = 0; i < stealAt; i++) { exchange(x, y); exchange(y, x) }
        const adv: { a: Party, b: Party } = { a: { state: Uint8Array.from(a.state) }, b: { state: Uint8Array.from(b.state) } }
        const ia = spqrInspect(a.state)
        const ib = spqrInspect(b.state)
        const stolen = Math.max(0, ia.chainEpoch, ib.chainEpoch)
        const keyed = (i: typeof ia): boolean => i.epoch === stolen + 1 && ['EkSending', 'CtReceiving', 'EkReceived'].includes(i.braidState)
        const safeFrom = keyed(ia) || keyed(ib) ? stolen + 2 : stolen + 1
        const leaked = new Map<number, number>()
        let safeMessages = 0
        for (let i = 0; i < 300; i++) {
          for (const [from, to, advFrom, advTo] of [[a, b, adv.a, adv.b], [b, a, adv.b, adv.a]] as const) {
            const epochOfKey = spqrInspect(from.state).epoch - 1
            try { advFrom.state = spqrSend(advFrom.state).state } catch { /* its copy may be stuck */ }
            const s = send(from)
            assert.equal(hex(recv(to, s.msg).key), hex(s.key))
            const guess = tryRecv(advTo, s.msg)
            if (epochOfKey >= safeFrom) {
              safeMessages++
              assert.notEqual(guess, hex(s.key), `adversary derived a key of epoch ${epochOfKey} (stolen at ${stolen}, safe from ${safeFrom})`)
            } else if (guess === hex(s.key)) {
              leaked.set(epochOfKey, (leaked.get(epochOfKey) ?? 0) + 1)
            }
          }
        }
        assert.ok(safeMessages > 100, `only ${safeMessages} messages after healing`)
        // the theft is real: the stolen epoch's keys leak, and S + 1 leaks when its key pair was stolen
        assert.ok((leaked.get(stolen) ?? 0) > 0, JSON.stringify([...leaked]))
        if (safeFrom === stolen + 2) assert.ok((leaked.get(stolen + 1) ?? 0) > 0, JSON.stringify([...leaked]))
      }), { numRuns: 16 })
    })
  })

  describe('tampering', () => {
    // Collects one message of each payload type from a session in its second epoch.
    function samples (): { recvState: Uint8Array, msg: Uint8Array, key: string, label: string, from: Party, to: Party } [] {
      const { a, b } = pair()
      const out: Array<{ recvState: Uint8Array, msg: Uint8Array, key: string, label: string, from: Party, to: Party }> = []
      const want = new Set(['EkSending', 'CtSending', 'CtReceiving', 'NoEkReceived'])
      for (let i = 0; i < 120; i++) {
        for (const [from, to] of [[a, b], [b, a]] as const) {
          const label = spqrInspect(from.state).braidState
          const recvState = Uint8Array.from(to.state)
          const s = send(from)
          recv(to, s.msg)
          if (i > 75 && want.delete(label)) out.push({ recvState, msg: s.msg, key: hex(s.key), label, from, to })
        }
      }
      assert.equal(want.size, 0, [...want].join())
      return out
    }

    it('every single-bit flip of a message is rejected with the state unchanged, or accepted into a new state only (SPQR authenticates nothing itself: the Triple Ratchet binds the bytes as AEAD associated data, triple-ratchet.test.ts "any bit flip in the SPQR message")', () => {
      let rejected = 0
      let accepted = 0
      for (const { recvState, msg, key, label } of samples()) {
        for (let bit = 0; bit < msg.byteLength * 8; bit++) {
          const bad = Uint8Array.from(msg)
          bad[bit >> 3]! ^= 1 << (bit & 7)
          const before = Uint8Array.from(recvState)
          try {
            spqrRecv(recvState, bad)
            accepted++
          } catch (err) {
            assert.ok(RelaymeshError.is(err), String(err))
            rejected++
          }
          assert.deepEqual(recvState, before)
        }
        // the genuine message still works on the untouched state
        assert.equal(hex(spqrRecv(recvState, msg).key), key)
      }
      assert.ok(rejected > 0 && accepted > 0, `${rejected} rejected, ${accepted} accepted`)
    })

    it('an encapsulation key from a party without the auth key fails its MAC (state unchanged)', () => {
      const { b } = pair()
      const { a: mallory } = pair({ authKey: new Uint8Array(32).fill(7) })
      let last: Uint8Array | null = null
      for (let i = 0; i < 38; i++) {
        const m = send(mallory).msg
        if (i < 37) recv(b, m); else last = m
      }
      recvRejects(b, last!, ErrorCode.DecryptFailed)
    })

    it('a ciphertext from a party without the auth key fails its MAC (state unchanged)', () => {
      const { a, b } = pair()
      // mallory runs its own braid (another auth key) and answers a's epoch with its ciphertext
      const m = pair({ authKey: new Uint8Array(32).fill(7) })
      for (let i = 0; i < 38; i++) { exchange(a, b); exchange(m.a, m.b) }
      const msgs: Uint8Array[] = []
      for (let i = 0; i < 36; i++) msgs.push(send(m.b).msg)
      assert.equal(spqrInspect(m.b.state).braidState, 'CtSending')
      const ct = msgs.slice(msgs.length - 35)
      for (const msg of ct.slice(0, 34)) recv(a, msg)
      recvRejects(a, ct[34]!, ErrorCode.DecryptFailed)
    })
  })

  describe('no PQ-less messages once epoch 0 is gone (hardening over the crate, D6)', () => {
    function pastEpochZero (): { a: Party, b: Party } {
      const { a, b } = pair()
      for (let i = 0; i < 160; i++) { exchange(a, b); exchange(b, a) }
      assert.ok(spqrInspect(b.state).chainSendEpoch >= 2)
      return { a, b }
    }

    it('a keyless (index 0) message gets a null key only while a keyed message of epoch 1 would still be accepted', () => {
      const forged = encodeMessage({ epoch: 1, type: PayloadType.None }, 0)
      const { b: fresh } = pair()
      assert.equal(spqrRecv(fresh.state, forged).key, null)
      const { b } = pastEpochZero()
      recvRejects(b, forged, ErrorCode.Invalid)
    })

    it('a message of an unknown higher version is ignored only while epoch 0 is held', () => {
      const v2 = Uint8Array.of(2, 8, 1)
      const { b: fresh } = pair()
      const r = spqrRecv(fresh.state, v2)
      assert.equal(r.key, null)
      assert.deepEqual(r.state, fresh.state)
      const { b } = pastEpochZero()
      recvRejects(b, v2, ErrorCode.Invalid)
    })

    it('keyless messages of a peer that has not heard from us still arrive after the first epoch secret exists', () => {
      // min version 0: a keeps sending keyless ek chunks until it hears from b;
      // b encapsulates (epoch 1 enters its chain) before the last of them arrive
      const { a, b } = pair({ minVersion: 0 })
      const early = Array.from({ length: 50 }, () => send(a))
      assert.ok(early.every((s) => s.key === null))
      for (const s of early.slice(0, 38)) assert.equal(recv(b, s.msg).key, null)
      const ct0 = send(b)
      assert.equal(spqrInspect(b.state).chainEpoch, 1)
      for (const s of early.slice(38)) assert.equal(recv(b, s.msg).key, null)
      assert.equal(hex(recv(a, ct0.msg).key), hex(ct0.key))
    })
  })
})
