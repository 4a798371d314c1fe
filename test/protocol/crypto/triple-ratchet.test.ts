import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { codeOf } from '../../helpers/errors.js'
import { ContentType, MAX_PQ_RATCHET_MESSAGE_BYTES, MAX_RECEIVER_CHAINS } from '../../../protocol/constants.js'
import { MAX_SPQR_MESSAGE_BYTES } from '../../../protocol/crypto/spqr/constants.js'
import { SpqrLive, spqrInitialState, spqrRecv, spqrSend } from '../../../protocol/crypto/spqr/index.js'
import { pqRecv } from '../../../protocol/crypto/ratchet-pq.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { PreKeyBundle, SignedRecord } from '../../../protocol/pb/records.js'
import { openRecord, signRecord } from '../../../protocol/records.js'
import { RecordKind } from '../../../protocol/constants.js'
import {
  acceptSession, decryptMessage, deserializeSessionRecord, serializeSessionRecord, type CiphertextMessage, type Session
} from '../../../protocol/crypto/session.js'
import {
  BOB, bobBundle, bobStore, encrypt, establish, hex, innerMessage, ratchetState, startAlice, td, withInner
} from './session-pair.js'

function flipBit (bytes: Uint8Array, bit: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes)
  const i = bit % (out.byteLength * 8)
  out[i >> 3] = (out[i >> 3] as number) ^ (1 << (i & 7))
  return out
}

/** Decrypts and asserts the stored session is byte-for-byte unchanged when it fails; returns the error code. */
function rejects (session: Session, m: CiphertextMessage): ErrorCode {
  const before = serializeSessionRecord(session)
  const code = codeOf(() => decryptMessage(session, m.contentType, m.bytes))
  assert.notEqual(code, undefined, 'expected the message to be rejected')
  assert.deepEqual(serializeSessionRecord(session), before, 'a failed decryption changed the session')
  return code as ErrorCode
}

const recv = (s: Session, m: CiphertextMessage): string => td(decryptMessage(s, m.contentType, m.bytes))
const pqOn = (s: Session): boolean => ratchetState(s).pqRatchetState !== undefined

describe('protocol/crypto triple ratchet (session level)', function () {
  this.timeout(120_000)

  it('the RatchetMessage bound on the SPQR message is SPQR\'s own', () => {
    assert.equal(MAX_PQ_RATCHET_MESSAGE_BYTES, MAX_SPQR_MESSAGE_BYTES)
  })

  describe('negotiation', () => {
    it('a bundle that advertises the PQ ratchet gives a Triple Ratchet session; every message carries SPQR', () => {
      const { alice, bob } = establish(1)
      assert.ok(pqOn(alice) && pqOn(bob))
      for (let i = 0; i < 6; i++) {
        const [from, to] = i % 2 === 0 ? [bob, alice] : [alice, bob]
        const m = encrypt(from, `m${i}`)
        assert.ok(innerMessage(m).pqRatchet.byteLength > 0)
        assert.equal(recv(to, m), `m${i}`)
      }
    })

    it('a bundle without it (a device that does not offer SPQR) gives a version-0 session, byte-compatible with before', () => {
      const { alice, bob } = establish(0)
      assert.ok(!pqOn(alice) && !pqOn(bob))
      for (let i = 0; i < 6; i++) {
        const [from, to] = i % 2 === 0 ? [bob, alice] : [alice, bob]
        const m = encrypt(from, `m${i}`)
        assert.equal(innerMessage(m).pqRatchet.byteLength, 0)
        assert.equal(recv(to, m), `m${i}`)
      }
    })

    it('the advertisement is signed with the bundle: a relay that strips it breaks the signature', () => {
      const signed = signRecord(BOB, { kind: RecordKind.PreKeyBundle, body: bobBundle(1) })
      const opened = openRecord(signed, 1_790_000_000_000)
      assert.equal((opened.body as PreKeyBundle).pqRatchetVersion, 1)
      const outer = SignedRecord.decode(signed)
      const body = PreKeyBundle.decode(outer.body)
      delete body.pqRatchetVersion
      const stripped = SignedRecord.encode({ ...outer, body: PreKeyBundle.encode(body) })
      assert.equal(codeOf(() => openRecord(stripped, 1_790_000_000_000)), ErrorCode.BadSignature)
    })

    it('a responder that does not run SPQR refuses an initial message that turns it on (Decode, store unchanged)', () => {
      const first = encrypt(startAlice(1), 'hi')
      const store = bobStore()
      const code = codeOf(() => acceptSession({ identity: BOB, store, initialBytes: first.bytes, pqRatchetVersion: 0 }))
      assert.equal(code, ErrorCode.Decode)
    })

    it('SPQR cannot be stripped from the initial message: the responder would run version 0 and the message fails to decrypt', () => {
      const first = encrypt(startAlice(1), 'hi')
      const stripped = withInner(first, (r) => ({ ...r, pqRatchet: new Uint8Array(0) }))
      assert.equal(codeOf(() => acceptSession({ identity: BOB, store: bobStore(), initialBytes: stripped.bytes })), ErrorCode.DecryptFailed)
    })
  })

  describe('downgrade after start', () => {
    it('a message without its SPQR part is rejected on a Triple Ratchet session, both content types, state unchanged', () => {
      const { alice, bob } = establish(1)
      const pre = encrypt(alice, 'still a PqxdhInitial')
      assert.equal(pre.contentType, ContentType.PreKey)
      assert.equal(rejects(bob, withInner(pre, (r) => ({ ...r, pqRatchet: new Uint8Array(0) }))), ErrorCode.Decode)
      assert.equal(recv(bob, pre), 'still a PqxdhInitial')
      const reply = encrypt(bob, 'reply')
      assert.equal(rejects(alice, withInner(reply, (r) => ({ ...r, pqRatchet: new Uint8Array(0) }))), ErrorCode.Decode)
      assert.equal(recv(alice, reply), 'reply')
      const later = encrypt(alice, 'ratchet')
      assert.equal(later.contentType, ContentType.Ratchet)
      assert.equal(rejects(bob, withInner(later, (r) => ({ ...r, pqRatchet: new Uint8Array(0) }))), ErrorCode.Decode)
      assert.equal(recv(bob, later), 'ratchet')
    })

    it('a message of another session is never reported as a duplicate (the client stops trying sessions on DuplicateMessage)', () => {
      const one = establish(1)
      const two = establish(1)
      for (const { alice, bob } of [one, two]) {
        for (let i = 0; i < 4; i++) {
          const [from, to] = i % 2 === 0 ? [bob, alice] : [alice, bob]
          const m = encrypt(from, `m${i}`)
          assert.equal(recv(to, m), `m${i}`)
        }
      }
      // session one's receiver has used every low SPQR index (what SPQR counts as replays)
      for (let i = 0; i < 12; i++) assert.equal(recv(one.bob, encrypt(one.alice, `one ${i}`)), `one ${i}`)
      for (let i = 0; i < 4; i++) {
        const m = encrypt(two.alice, `two ${i}`)
        assert.equal(m.contentType, ContentType.Ratchet)
        assert.equal(rejects(one.bob, m), ErrorCode.DecryptFailed)
        assert.equal(recv(two.bob, m), `two ${i}`)
      }
    })

    it('a key-less SPQR message (which no peer of a session that started with SPQR sends) is refused, not left to X25519 alone', () => {
      const authKey = new Uint8Array(32).fill(7)
      const keyless = spqrSend(spqrInitialState({ direction: 'a2b', authKey, version: 1, minVersion: 0 }))
      assert.equal(keyless.key, null)
      const ours = spqrInitialState({ direction: 'b2a', authKey, version: 1, minVersion: 1 })
      assert.equal(spqrRecv(ours, keyless.msg).key, null, 'SPQR itself accepts it without a key')
      assert.equal(codeOf(() => pqRecv(SpqrLive.fromBytes(ours), keyless.msg)), ErrorCode.DecryptFailed)
    })

    it('a version-0 session refuses a message with an SPQR part (no upgrade of a running session either)', () => {
      const { alice, bob } = establish(0)
      const m = encrypt(alice, 'x')
      assert.equal(rejects(bob, withInner(m, (r) => ({ ...r, pqRatchet: Uint8Array.of(1, 2, 3) }))), ErrorCode.Decode)
      assert.equal(recv(bob, m), 'x')
    })
  })

  for (const pq of [1, 0] as const) {
    describe(`delivery (property), PQ ratchet ${pq === 1 ? 'on' : 'off'}`, () => {
      type Side = 'alice' | 'bob'
      type Action =
        | { kind: 'send', from: Side, deliverNow: boolean }
        | { kind: 'deliver', to: Side, pick: number }
        | { kind: 'redeliver', to: Side, pick: number }
        | { kind: 'reload', who: Side }
        | { kind: 'burst' }
      const side = fc.constantFrom<Side>('alice', 'bob')
      const action: fc.Arbitrary<Action> = fc.oneof(
        { arbitrary: fc.record({ kind: fc.constant('send' as const), from: side, deliverNow: fc.boolean() }), weight: 6 },
        { arbitrary: fc.record({ kind: fc.constant('deliver' as const), to: side, pick: fc.nat() }), weight: 4 },
        { arbitrary: fc.record({ kind: fc.constant('redeliver' as const), to: side, pick: fc.nat() }), weight: 1 },
        { arbitrary: fc.record({ kind: fc.constant('reload' as const), who: side }), weight: 1 },
        // 40 messages each way, delivered at once: enough for SPQR epochs to complete while others are in flight
        { arbitrary: fc.record({ kind: fc.constant('burst' as const) }), weight: 1 }
      )
      interface InFlight { m: CiphertextMessage, text: string, key: string, delivered: boolean }
      interface Party { session: Session | null, inbox: InFlight[], seenKeys: string[] }

      it('any interleaving, reordering, loss and duplication: each delivered message decrypts exactly once', () => {
        fc.assert(fc.property(fc.array(action, { minLength: 1, maxLength: 80, size: 'max' }), (actions) => {
          const parties: Record<Side, Party> = {
            alice: { session: startAlice(pq), inbox: [], seenKeys: [] },
            bob: { session: null, inbox: [], seenKeys: [] }
          }
          let sent = 0
          const deliver = (to: Party, msg: InFlight): void => {
            if (to.session === null) { // Bob's first message: it creates his session
              const accepted = acceptSession({ identity: BOB, store: bobStore(), initialBytes: msg.m.bytes })
              assert.equal(td(accepted.plaintext), msg.text)
              assert.equal(accepted.session.ratchet !== undefined && pqOn(accepted.session), pq === 1)
              to.session = accepted.session
              msg.delivered = true
              to.seenKeys.push(msg.key)
              return
            }
            const at = to.seenKeys.indexOf(msg.key)
            if (at >= 0 && at < to.seenKeys.length - MAX_RECEIVER_CHAINS) {
              assert.equal(rejects(to.session, msg.m), ErrorCode.DecryptFailed) // its chain was evicted (SPQR's own replay check included)
              msg.delivered = true
              return
            }
            if (msg.delivered) {
              assert.equal(rejects(to.session, msg.m), ErrorCode.DuplicateMessage)
              return
            }
            assert.equal(recv(to.session, msg.m), msg.text)
            msg.delivered = true
            if (at < 0) to.seenKeys.push(msg.key)
          }
          for (const a of actions) {
            if (a.kind === 'send') {
              const from = parties[a.from]
              const to = parties[a.from === 'alice' ? 'bob' : 'alice']
              if (from.session === null) continue // Bob has no session before Alice's first message arrives
              const text = `${a.from} #${sent++}`
              const m = encrypt(from.session, text)
              const inner = innerMessage(m)
              assert.equal(inner.pqRatchet.byteLength > 0, pq === 1)
              const msg = { m, text, key: hex(inner.ratchetKey), delivered: false }
              to.inbox.push(msg)
              if (a.deliverNow) deliver(to, msg)
            } else if (a.kind === 'burst') {
              const { alice, bob } = parties
              if (alice.session === null || bob.session === null) continue
              for (let i = 0; i < 80; i++) {
                const [from, to, name] = i % 2 === 0 ? [alice, bob, 'alice'] : [bob, alice, 'bob']
                const text = `${name} #${sent++}`
                const m = encrypt(from.session as Session, text)
                const msg = { m, text, key: hex(innerMessage(m).ratchetKey), delivered: false }
                to.inbox.push(msg)
                deliver(to, msg)
              }
            } else if (a.kind === 'reload') {
              const p = parties[a.who]
              if (p.session === null) continue
              const bytes = serializeSessionRecord(p.session)
              p.session = deserializeSessionRecord(bytes)
              assert.deepEqual(serializeSessionRecord(p.session), bytes)
            } else {
              const to = parties[a.to]
              const pool = to.inbox.filter((m) => m.delivered === (a.kind === 'redeliver'))
              if (pool.length > 0) deliver(to, pool[a.pick % pool.length] as InFlight)
            }
          }
          for (const p of Object.values(parties)) {
            for (const msg of [...p.inbox].reverse()) if (!msg.delivered) deliver(p, msg)
          }
        }), { numRuns: 40 })
      })
    })
  }

  describe('tampering', () => {
    const conversation = (): { alice: Session, bob: Session, msgs: CiphertextMessage[] } => {
      const { alice, bob } = establish(1)
      const pre = encrypt(alice, 'pre')
      recv(bob, pre)
      const reply = encrypt(bob, 'reply')
      recv(alice, reply)
      return { alice, bob, msgs: [encrypt(alice, 'a'), encrypt(bob, 'b'), pre] }
    }

    it('any bit flip in an encoded message (either content type) is rejected and changes nothing', () => {
      const { alice, bob, msgs } = conversation()
      const [toBob, toAlice, pre] = msgs as [CiphertextMessage, CiphertextMessage, CiphertextMessage]
      fc.assert(fc.property(fc.nat(), fc.constantFrom(0, 1, 2), (bit, which) => {
        const [m, to] = which === 0 ? [toBob, bob] : which === 1 ? [toAlice, alice] : [pre, bob]
        const code = rejects(to, { contentType: m.contentType, bytes: flipBit(m.bytes, bit) })
        assert.ok([ErrorCode.Decode, ErrorCode.DecryptFailed, ErrorCode.InvalidState, ErrorCode.DuplicateMessage].includes(code), String(code))
      }), { numRuns: 300 })
      assert.equal(recv(bob, toBob), 'a')
      assert.equal(recv(alice, toAlice), 'b')
    })

    it('any bit flip in the SPQR message is rejected and changes nothing', () => {
      const { alice, bob, msgs } = conversation()
      const [toBob, toAlice] = msgs as [CiphertextMessage, CiphertextMessage]
      fc.assert(fc.property(fc.nat(), fc.boolean(), (bit, toB) => {
        const [m, to] = toB ? [toBob, bob] : [toAlice, alice]
        rejects(to, withInner(m, (r) => ({ ...r, pqRatchet: flipBit(r.pqRatchet, bit) })))
      }), { numRuns: 300 })
      assert.equal(recv(bob, toBob), 'a')
      assert.equal(recv(alice, toAlice), 'b')
    })
  })
})
