import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import {
  INFO,
  MAX_RATCHET_MESSAGE_BYTES,
  MAX_RATCHET_PLAINTEXT_BYTES,
  MAX_RECEIVER_CHAINS,
  MAX_SESSION_STATE_BYTES,
  MAX_SKIP_PER_CHAIN,
  MAX_STORED_MESSAGE_KEYS,
  WIRE_VERSION
} from '../../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import {
  cloneSession,
  decodeRatchetMessage,
  deserializeSession,
  encodeRatchetMessage,
  initReceiverSession,
  initSenderSession,
  ratchetDecrypt,
  ratchetEncrypt,
  serializeSession,
  type RatchetSession
} from '../../../protocol/crypto/double-ratchet.js'
import { createRatchetKeyPool } from '../../../protocol/crypto/ratchet-key-pool.js'
import { aesGcmDecrypt, concat, hkdfSha256, sha256, x25519GenerateKeyPair } from '../../../protocol/crypto/primitives.js'
import type { RatchetMessage } from '../../../protocol/pb/ratchet.js'
import { SessionState } from '../../../protocol/pb/session-state.js'

// A fixed shared secret (PQXDH is tested elsewhere) and fresh X25519 pairs.
const SK = Uint8Array.from({ length: 32 }, (_, i) => i + 1)
const AD = new TextEncoder().encode('EncodeEC(IK_A) || EncodeEC(IK_B) stand-in')
const te = (s: string): Uint8Array => new TextEncoder().encode(s)
const td = (b: Uint8Array): string => new TextDecoder().decode(b)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

interface Pair { alice: RatchetSession, bob: RatchetSession }

function setup (): Pair {
  const bobPreKey = x25519GenerateKeyPair()
  return {
    alice: initSenderSession(SK, bobPreKey.publicKey, AD),
    bob: initReceiverSession(SK, bobPreKey, AD)
  }
}

function throwsCode (fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(RelaymeshError.is(err), `expected a RelaymeshError, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    return true
  })
}

/** Decrypts and asserts nothing in the session changed when it throws. */
function rejects (session: RatchetSession, m: RatchetMessage): RelaymeshError {
  const before = serializeSession(session)
  let caught: unknown
  try {
    ratchetDecrypt(session, m)
  } catch (err) {
    caught = err
  }
  assert.ok(RelaymeshError.is(caught), `expected a RelaymeshError, got ${String(caught)}`)
  assert.deepEqual(serializeSession(session), before, 'a failed decryption changed the session')
  return caught
}

const DIGEST_TRAILER = 34

function inspect (session: RatchetSession): SessionState {
  const bytes = serializeSession(session)
  return SessionState.decode(bytes.subarray(0, bytes.byteLength - DIGEST_TRAILER))
}

/** Re-encodes a (modified) decoded state with a valid digest, as serializeSession would. */
function reserialize (v: SessionState): Uint8Array {
  const body = SessionState.encode({ ...v, digest: new Uint8Array(0) })
  return concat(body, Uint8Array.of(0x7a, 0x20), sha256(body))
}

function storedKeys (session: RatchetSession): number {
  return inspect(session).receiverChains.reduce((n, c) => n + c.skipped.length, 0)
}

const send = (from: RatchetSession, text: string): RatchetMessage => ratchetEncrypt(from, te(text))
const recv = (to: RatchetSession, m: RatchetMessage): string => td(ratchetDecrypt(to, m))

function flipBit (bytes: Uint8Array, bit: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes)
  const i = bit % (out.byteLength * 8)
  out[i >> 3] = (out[i >> 3] as number) ^ (1 << (i & 7))
  return out
}

describe('protocol/crypto/double-ratchet', function () {
  this.timeout(30_000)

  describe('basics', () => {
    it('carries messages both ways, over the wire encoding', () => {
      const { alice, bob } = setup()
      throwsCode(() => send(bob, 'too early'), ErrorCode.InvalidState)
      const m1 = decodeRatchetMessage(encodeRatchetMessage(send(alice, 'hello bob')))
      assert.equal(m1.version, WIRE_VERSION)
      assert.equal(recv(bob, m1), 'hello bob')
      const r1 = decodeRatchetMessage(encodeRatchetMessage(send(bob, 'hello alice')))
      assert.notDeepEqual(r1.ratchetKey, m1.ratchetKey)
      assert.equal(recv(alice, r1), 'hello alice')
      const m2 = send(alice, 'again')
      assert.equal(m2.counter, 0)
      assert.equal(m2.previousCounter, 1)
      assert.equal(recv(bob, m2), 'again')
      assert.equal(td(ratchetDecrypt(alice, send(bob, ''))), '')
    })

    it('rejects oversized plaintext at encryption, and malformed messages with Decode', () => {
      const { alice, bob } = setup()
      throwsCode(() => ratchetEncrypt(alice, new Uint8Array(MAX_RATCHET_PLAINTEXT_BYTES + 1)), ErrorCode.InvalidArgument)
      const big = ratchetEncrypt(alice, new Uint8Array(MAX_RATCHET_PLAINTEXT_BYTES))
      assert.ok(encodeRatchetMessage(big).byteLength <= MAX_RATCHET_MESSAGE_BYTES)
      assert.equal(ratchetDecrypt(bob, decodeRatchetMessage(encodeRatchetMessage(big))).byteLength, MAX_RATCHET_PLAINTEXT_BYTES)
      const m = send(alice, 'x')
      assert.equal(rejects(bob, { ...m, ratchetKey: m.ratchetKey.subarray(1) }).code, ErrorCode.Decode)
      assert.equal(rejects(bob, { ...m, ciphertext: m.ciphertext.subarray(0, 15) }).code, ErrorCode.Decode)
      assert.equal(rejects(bob, { ...m, counter: 0xffff_ffff }).code, ErrorCode.Decode)
      assert.equal(rejects(bob, { ...m, counter: -1 }).code, ErrorCode.Decode)
      assert.equal(rejects(bob, { ...m, previousCounter: 2 ** 32 }).code, ErrorCode.Decode)
      assert.equal(recv(bob, m), 'x')
    })

    it('decodeRatchetMessage is bounded, versioned and canonical', () => {
      const { alice } = setup()
      const bytes = encodeRatchetMessage(send(alice, 'x'))
      throwsCode(() => decodeRatchetMessage(new Uint8Array(MAX_RATCHET_MESSAGE_BYTES + 1)), ErrorCode.Decode)
      throwsCode(() => decodeRatchetMessage(concat(bytes, Uint8Array.of(0x30, 0x01))), ErrorCode.Decode) // unknown field 6
      throwsCode(() => decodeRatchetMessage(encodeRatchetMessage({ ...decodeRatchetMessage(bytes), version: 2 })), ErrorCode.Decode)
      for (let n = 0; n < bytes.byteLength; n++) throwsCode(() => decodeRatchetMessage(bytes.subarray(0, n)), ErrorCode.Decode)
      fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
        throwsCode(() => decodeRatchetMessage(junk), ErrorCode.Decode)
      }), { numRuns: 300 })
    })
  })

  describe('delivery (property)', () => {
    type Side = 'alice' | 'bob'
    type Action =
      | { kind: 'send', from: Side, deliverNow: boolean }
      | { kind: 'deliver', to: Side, pick: number }
      | { kind: 'redeliver', to: Side, pick: number }
      | { kind: 'reload', who: Side }
    const side = fc.constantFrom<Side>('alice', 'bob')
    const action: fc.Arbitrary<Action> = fc.oneof(
      // deliverNow makes direction changes (DH ratchet steps) frequent enough to evict whole chains
      { arbitrary: fc.record({ kind: fc.constant('send' as const), from: side, deliverNow: fc.boolean() }), weight: 6 },
      { arbitrary: fc.record({ kind: fc.constant('deliver' as const), to: side, pick: fc.nat() }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant('redeliver' as const), to: side, pick: fc.nat() }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant('reload' as const), who: side }), weight: 1 }
    )

    interface InFlight { bytes: Uint8Array, text: string, key: string, delivered: boolean }
    interface Party { session: RatchetSession, canSend: boolean, inbox: InFlight[], seenKeys: string[] }

    it('any interleaving, reordering, loss and duplication: each delivered message decrypts exactly once', () => {
      fc.assert(fc.property(fc.array(action, { minLength: 1, maxLength: 80, size: 'max' }), (actions) => {
        const { alice, bob } = setup()
        const parties: Record<Side, Party> = {
          alice: { session: alice, canSend: true, inbox: [], seenKeys: [] },
          bob: { session: bob, canSend: false, inbox: [], seenKeys: [] }
        }
        let sent = 0

        // The outcome a receiver must produce, from what it has seen (an
        // honest peer's unseen ratchet key is always its newest one).
        const deliver = (to: Party, msg: InFlight): void => {
          const at = to.seenKeys.indexOf(msg.key)
          const m = decodeRatchetMessage(msg.bytes)
          if (at >= 0 && at < to.seenKeys.length - MAX_RECEIVER_CHAINS) {
            assert.equal(rejects(to.session, m).code, ErrorCode.DecryptFailed) // its chain was evicted
            msg.delivered = true
            return
          }
          if (msg.delivered) {
            assert.equal(rejects(to.session, m).code, ErrorCode.DuplicateMessage)
            return
          }
          assert.equal(recv(to.session, m), msg.text)
          msg.delivered = true
          to.canSend = true
          if (at < 0) to.seenKeys.push(msg.key)
        }

        for (const a of actions) {
          if (a.kind === 'send') {
            const from = parties[a.from]
            const to = parties[a.from === 'alice' ? 'bob' : 'alice']
            if (!from.canSend) {
              throwsCode(() => send(from.session, 'x'), ErrorCode.InvalidState)
              continue
            }
            const text = `${a.from} #${sent++}`
            const m = send(from.session, text)
            const msg = { bytes: encodeRatchetMessage(m), text, key: hex(m.ratchetKey), delivered: false }
            to.inbox.push(msg)
            if (a.deliverNow) deliver(to, msg)
          } else if (a.kind === 'reload') {
            const p = parties[a.who]
            const bytes = serializeSession(p.session)
            p.session = deserializeSession(bytes)
            assert.deepEqual(serializeSession(p.session), bytes)
          } else {
            const to = parties[a.to]
            const pool = to.inbox.filter((m) => m.delivered === (a.kind === 'redeliver'))
            if (pool.length > 0) deliver(to, pool[a.pick % pool.length] as InFlight)
          }
          for (const p of Object.values(parties)) {
            const st = inspect(p.session)
            assert.ok(st.receiverChains.length <= MAX_RECEIVER_CHAINS)
            assert.ok(st.receiverChains.reduce((n, c) => n + c.skipped.length, 0) <= MAX_STORED_MESSAGE_KEYS)
          }
        }
        // drain: whatever was lost so far arrives late, newest first
        for (const p of Object.values(parties)) {
          for (const msg of [...p.inbox].reverse()) if (!msg.delivered) deliver(p, msg)
        }
      }), { numRuns: 150 })
    })
  })

  describe('tampering', () => {
    type Field = 'version' | 'ratchetKey' | 'counter' | 'previousCounter' | 'ciphertext'

    /**
     * Bob with a little history: skipped keys on an older chain of Alice and
     * on her current one. Targets: 0 a message on Bob's current chain, 1 a
     * message whose key is stored (skipped), 2 a message under a new ratchet
     * key (DH ratchet step).
     */
    function scenario (target: number): { bob: RatchetSession, m: RatchetMessage, text: string } {
      const { alice, bob } = setup()
      const a0 = [send(alice, 'a0'), send(alice, 'a1'), send(alice, 'a2')]
      recv(bob, a0[2] as RatchetMessage)
      recv(alice, send(bob, 'b0'))
      const a1 = [send(alice, 'c0'), send(alice, 'c1'), send(alice, 'c2')]
      recv(bob, a1[1] as RatchetMessage)
      if (target === 0) return { bob, m: a1[2] as RatchetMessage, text: 'c2' }
      if (target === 1) return { bob, m: a1[0] as RatchetMessage, text: 'c0' }
      recv(alice, send(bob, 'b1'))
      return { bob, m: send(alice, 'd0'), text: 'd0' }
    }

    function tamper (m: RatchetMessage, field: Field, bit: number): RatchetMessage {
      const u32 = (n: number): number => (n ^ (1 << (bit % 32))) >>> 0
      switch (field) {
        case 'version': return { ...m, version: u32(m.version) }
        case 'counter': return { ...m, counter: u32(m.counter) }
        case 'previousCounter': return { ...m, previousCounter: u32(m.previousCounter) }
        case 'ratchetKey': return { ...m, ratchetKey: flipBit(m.ratchetKey, bit) }
        case 'ciphertext': return { ...m, ciphertext: flipBit(m.ciphertext, bit) }
      }
    }

    it('any bit flip in a header field or the ciphertext is rejected and changes nothing', () => {
      const field = fc.constantFrom<Field>('version', 'ratchetKey', 'counter', 'previousCounter', 'ciphertext')
      fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), field, fc.nat(), (target, f, bit) => {
        const { bob, m, text } = scenario(target)
        rejects(bob, tamper(m, f, bit))
        assert.equal(recv(bob, m), text)
      }), { numRuns: 150 })
    })

    it('any bit flip in the encoded message is rejected and changes nothing', () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.nat(), (target, bit) => {
        const { bob, m, text } = scenario(target)
        const bytes = flipBit(encodeRatchetMessage(m), bit)
        const before = serializeSession(bob)
        let decoded: RatchetMessage | undefined
        try {
          decoded = decodeRatchetMessage(bytes)
        } catch (err) {
          assert.ok(RelaymeshError.is(err, ErrorCode.Decode))
        }
        if (decoded !== undefined) rejects(bob, decoded)
        assert.deepEqual(serializeSession(bob), before)
        assert.equal(recv(bob, m), text)
      }), { numRuns: 150 })
    })

    it('any bit flip in the associated data is rejected and changes nothing', () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.nat(), (target, bit) => {
        const { bob, m, text } = scenario(target)
        const v = inspect(bob)
        const wrongAd = deserializeSession(reserialize({ ...v, associatedData: flipBit(v.associatedData, bit) }))
        assert.equal(rejects(wrongAd, m).code, ErrorCode.DecryptFailed)
        assert.equal(recv(bob, m), text)
      }), { numRuns: 60 })
    })

    it('a message is bound to its session (another session with the same keys but other AD rejects it)', () => {
      const bobPreKey = x25519GenerateKeyPair()
      const alice = initSenderSession(SK, bobPreKey.publicKey, AD)
      const bob = initReceiverSession(SK, bobPreKey, te('other AD'))
      assert.equal(rejects(bob, send(alice, 'x')).code, ErrorCode.DecryptFailed)
    })
  })

  describe('bounds', () => {
    it('refuses a jump beyond MAX_SKIP_PER_CHAIN before doing any work', () => {
      const { alice, bob } = setup()
      recv(bob, send(alice, 'first'))
      const m = send(alice, 'second')
      assert.equal(rejects(bob, { ...m, counter: 1 + MAX_SKIP_PER_CHAIN + 1 }).code, ErrorCode.TooManySkipped)
      // 2^32 - 2 keys would take hours to derive: the check comes first
      assert.equal(rejects(bob, { ...m, counter: 0xffff_fffe }).code, ErrorCode.TooManySkipped)
      // the same bound on PN (the rest of the old chain) and N (the new chain) of a DH ratchet step
      recv(alice, send(bob, 'reply'))
      const n = send(alice, 'new chain')
      assert.equal(rejects(bob, { ...n, previousCounter: 2 + MAX_SKIP_PER_CHAIN + 1 }).code, ErrorCode.TooManySkipped)
      assert.equal(rejects(bob, { ...n, counter: MAX_SKIP_PER_CHAIN + 1 }).code, ErrorCode.TooManySkipped)
      assert.equal(recv(bob, m), 'second')
      assert.equal(recv(bob, n), 'new chain')
    })

    it('accepts a jump of exactly MAX_SKIP_PER_CHAIN and keeps only the newest MAX_STORED_MESSAGE_KEYS keys', () => {
      const { alice, bob } = setup()
      const kept = new Map<number, RatchetMessage>()
      const wanted = new Set([0, MAX_SKIP_PER_CHAIN - MAX_STORED_MESSAGE_KEYS - 1, MAX_SKIP_PER_CHAIN - MAX_STORED_MESSAGE_KEYS,
        MAX_SKIP_PER_CHAIN - 1, MAX_SKIP_PER_CHAIN, MAX_SKIP_PER_CHAIN + 1])
      const empty = new Uint8Array(0)
      for (let i = 0; i <= MAX_SKIP_PER_CHAIN + 1; i++) {
        const m = ratchetEncrypt(alice, empty)
        if (wanted.has(i)) kept.set(i, m)
      }
      const get = (i: number): RatchetMessage => kept.get(i) as RatchetMessage
      assert.equal(rejects(bob, get(MAX_SKIP_PER_CHAIN + 1)).code, ErrorCode.TooManySkipped)
      ratchetDecrypt(bob, get(MAX_SKIP_PER_CHAIN))
      assert.equal(storedKeys(bob), MAX_STORED_MESSAGE_KEYS)
      ratchetDecrypt(bob, get(MAX_SKIP_PER_CHAIN - 1))
      ratchetDecrypt(bob, get(MAX_SKIP_PER_CHAIN - MAX_STORED_MESSAGE_KEYS))
      assert.equal(rejects(bob, get(MAX_SKIP_PER_CHAIN - MAX_STORED_MESSAGE_KEYS - 1)).code, ErrorCode.DuplicateMessage)
      assert.equal(rejects(bob, get(0)).code, ErrorCode.DuplicateMessage)
      assert.equal(storedKeys(bob), MAX_STORED_MESSAGE_KEYS - 2)
      assert.equal(rejects(bob, get(MAX_SKIP_PER_CHAIN)).code, ErrorCode.DuplicateMessage)
    })

    it('evicts the oldest skipped keys first, across chains (including keys skipped up to PN)', () => {
      const { alice, bob } = setup()
      const a1 = Array.from({ length: 1500 }, (_, i) => send(alice, `a1 #${i}`))
      recv(bob, a1[1000] as RatchetMessage) // skips a1 0..999
      recv(alice, send(bob, 'reply'))
      const a2 = Array.from({ length: 1000 }, (_, i) => send(alice, `a2 #${i}`))
      recv(bob, a2[999] as RatchetMessage) // PN skips a1 1001..1499, then a2 0..998: 2498, so a1 0..497 go
      assert.equal(storedKeys(bob), MAX_STORED_MESSAGE_KEYS)
      assert.equal(rejects(bob, a1[497] as RatchetMessage).code, ErrorCode.DuplicateMessage)
      assert.equal(recv(bob, a1[498] as RatchetMessage), 'a1 #498')
      assert.equal(recv(bob, a1[1499] as RatchetMessage), 'a1 #1499')
      assert.equal(recv(bob, a2[0] as RatchetMessage), 'a2 #0')
      assert.equal(storedKeys(bob), MAX_STORED_MESSAGE_KEYS - 3)
    })

    it('stored skipped keys never exceed the bound and are always the newest ones (property)', () => {
      // Oracle: a flat list of skipped (chain, counter) in the order the
      // receiver passed over them; keep the newest MAX_STORED_MESSAGE_KEYS
      // of the newest MAX_RECEIVER_CHAINS chains.
      interface Model { chains: Array<{ key: string, next: number }>, skipped: Array<[string, number]> }
      const step = fc.record({ count: fc.integer({ min: 1, max: 700 }), pick: fc.nat() })
      fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 8, size: 'max' }), (steps) => {
        const { alice, bob } = setup()
        const sessions = [alice, bob]
        const models: Model[] = [{ chains: [], skipped: [] }, { chains: [], skipped: [] }]
        steps.forEach(({ count, pick }, i) => {
          const from = sessions[i % 2] as RatchetSession
          const to = sessions[(i + 1) % 2] as RatchetSession
          const model = models[(i + 1) % 2] as Model
          let chosen: RatchetMessage | undefined
          const at = pick % count
          for (let n = 0; n < count; n++) {
            const m = ratchetEncrypt(from, Uint8Array.of(n & 0xff))
            if (n === at) chosen = m
          }
          const m = chosen as RatchetMessage
          assert.equal(ratchetDecrypt(to, m)[0], at & 0xff)
          const key = hex(m.ratchetKey)
          const current = model.chains[model.chains.length - 1]
          if (current !== undefined) for (let n = current.next; n < m.previousCounter; n++) model.skipped.push([current.key, n])
          for (let n = 0; n < m.counter; n++) model.skipped.push([key, n])
          model.chains.push({ key, next: m.counter + 1 })
          const live = new Set(model.chains.slice(-MAX_RECEIVER_CHAINS).map((c) => c.key))
          model.skipped = model.skipped.filter(([k]) => live.has(k)).slice(-MAX_STORED_MESSAGE_KEYS)
          const actual = inspect(to).receiverChains.flatMap((c) => c.skipped.map((s): [string, number] => [hex(c.ratchetKey), s.counter]))
          assert.ok(actual.length <= MAX_STORED_MESSAGE_KEYS)
          assert.deepEqual(actual, model.skipped)
        })
      }), { numRuns: 8 })
    })

    it('keeps at most MAX_RECEIVER_CHAINS receiving chains, dropping the oldest with its skipped keys', () => {
      const { alice, bob } = setup()
      const late: RatchetMessage[] = []
      for (let round = 0; round < MAX_RECEIVER_CHAINS + 1; round++) {
        late.push(send(alice, `late ${round}`))
        recv(bob, send(alice, `on time ${round}`))
        recv(alice, send(bob, `reply ${round}`))
        assert.ok(inspect(bob).receiverChains.length <= MAX_RECEIVER_CHAINS)
      }
      assert.equal(inspect(bob).receiverChains.length, MAX_RECEIVER_CHAINS)
      assert.equal(storedKeys(bob), MAX_RECEIVER_CHAINS)
      assert.equal(rejects(bob, late[0] as RatchetMessage).code, ErrorCode.DecryptFailed)
      for (let round = 1; round < late.length; round++) assert.equal(recv(bob, late[round] as RatchetMessage), `late ${round}`)
    })
  })

  describe('security properties', () => {
    /** What the AEAD of a message must be, rebuilt independently from the documented construction. */
    function openWith (messageKey: Uint8Array, m: RatchetMessage): Uint8Array {
      const header = new Uint8Array(44)
      const view = new DataView(header.buffer)
      view.setUint32(0, m.version)
      header.set(m.ratchetKey, 4)
      view.setUint32(36, m.counter)
      view.setUint32(40, m.previousCounter)
      const okm = hkdfSha256(messageKey, new Uint8Array(32), INFO.ratchetMessageKeys, 44)
      return aesGcmDecrypt(okm.subarray(0, 32), okm.subarray(32), m.ciphertext, concat(AD, header))
    }

    it('forward secrecy: a later snapshot cannot decrypt messages already decrypted', () => {
      const { alice, bob } = setup()
      const a = Array.from({ length: 4 }, (_, i) => send(alice, `a${i}`))
      for (const i of [0, 1, 3]) recv(bob, a[i] as RatchetMessage)
      recv(alice, send(bob, 'reply'))
      const c = [send(alice, 'c0'), send(alice, 'c1')]
      recv(bob, c[1] as RatchetMessage)
      const snapshot = serializeSession(bob)
      const done = [a[0], a[1], a[3], c[1]] as RatchetMessage[]
      for (const m of done) throwsCode(() => ratchetDecrypt(deserializeSession(snapshot), m), ErrorCode.DuplicateMessage)

      // no secret in the snapshot opens an earlier message; the only past
      // messages it can open are those never received (skipped keys; spec: "Deletion of skipped message keys")
      const v = SessionState.decode(snapshot.subarray(0, snapshot.byteLength - DIGEST_TRAILER))
      const secrets = [v.rootKey, v.sendingPrivateKey, v.sendingChainKey,
        ...v.receiverChains.flatMap((ch) => [ch.chainKey, ...ch.skipped.map((s) => s.messageKey)])]
        .filter((k): k is Uint8Array<ArrayBuffer> => k !== undefined)
      assert.equal(secrets.length, 3 + 1 + 2) // RK, DHs, CKs, one open CKr, skipped a2 and c0
      for (const m of done) {
        for (const k of secrets) assert.throws(() => openWith(k, m), (err: unknown) => RelaymeshError.is(err, ErrorCode.DecryptFailed))
      }
      const a2Key = v.receiverChains[0]?.skipped[0]?.messageKey as Uint8Array
      assert.equal(td(openWith(a2Key, a[2] as RatchetMessage)), 'a2') // the oracle itself is right
      assert.equal(recv(deserializeSession(snapshot), c[0] as RatchetMessage), 'c0')
    })

    it('post-compromise security: a stolen state reads Alice only until she answers a Bob ratchet key made after the theft', () => {
      // (a) theft while Alice's new chain is in flight: Bob's current private
      //     key (his signed prekey here) is stolen, his next one is not.
      {
        const { alice, bob } = setup()
        const stolen = deserializeSession(serializeSession(bob))
        const a1 = [send(alice, 'a1 #0'), send(alice, 'a1 #1')]
        recv(bob, a1[0] as RatchetMessage)
        assert.equal(recv(stolen, a1[0] as RatchetMessage), 'a1 #0')
        assert.equal(recv(stolen, a1[1] as RatchetMessage), 'a1 #1')
        recv(alice, send(bob, 'bob replies with a fresh key'))
        const a2 = send(alice, 'a2: answers the fresh key')
        assert.equal(recv(bob, a2), 'a2: answers the fresh key')
        assert.equal(rejects(stolen, a2).code, ErrorCode.DecryptFailed)
        recv(alice, send(bob, 'b2'))
        assert.equal(rejects(stolen, send(alice, 'a3')).code, ErrorCode.DecryptFailed)
      }
      // (b) theft after Bob received Alice's chain: §3.5 has already made his
      //     next key pair, which is in the stolen state; healing takes one
      //     more round trip.
      {
        const { alice, bob } = setup()
        recv(bob, send(alice, 'a1 #0'))
        const stolen = cloneSession(bob)
        assert.equal(recv(stolen, send(alice, 'a1 #1')), 'a1 #1')
        recv(alice, send(bob, 'b1: key made before the theft'))
        const a2 = send(alice, 'a2: answers the stolen key')
        assert.equal(recv(stolen, a2), 'a2: answers the stolen key')
        recv(bob, a2)
        recv(alice, send(bob, 'b2: key made after the theft'))
        const a3 = [send(alice, 'a3 #0'), send(alice, 'a3 #1')]
        for (const m of a3) assert.equal(rejects(stolen, m).code, ErrorCode.DecryptFailed)
        for (const m of a3) recv(bob, m)
      }
    })
  })

  describe('storage format', () => {
    function midConversation (): Pair {
      const { alice, bob } = setup()
      const a = [send(alice, 'a0'), send(alice, 'a1'), send(alice, 'a2')]
      recv(bob, a[2] as RatchetMessage)
      recv(alice, send(bob, 'b0'))
      send(bob, 'b1 (lost)')
      recv(bob, send(alice, 'c0'))
      return { alice, bob }
    }

    it('round-trips mid-conversation, and both copies go on identically', () => {
      const { alice, bob } = midConversation()
      for (const s of [alice, bob]) {
        const bytes = serializeSession(s)
        const copy = deserializeSession(bytes)
        assert.deepEqual(serializeSession(copy), bytes)
        assert.deepEqual(serializeSession(cloneSession(s)), bytes)
      }
      const bobCopy = deserializeSession(serializeSession(bob))
      const m = send(alice, 'same chain')
      assert.equal(recv(bob, m), 'same chain')
      assert.equal(recv(bobCopy, m), 'same chain')
      assert.deepEqual(serializeSession(bobCopy), serializeSession(bob))
      const aliceCopy = deserializeSession(serializeSession(alice))
      assert.equal(recv(aliceCopy, send(bob, 'to the copy')), 'to the copy')
    })

    it('a clone is independent of its original', () => {
      const { alice, bob } = midConversation()
      const clone = cloneSession(bob)
      const before = serializeSession(clone)
      recv(bob, send(alice, 'only the original'))
      recv(alice, send(bob, 'reply'))
      recv(bob, send(alice, 'ratchet'))
      assert.deepEqual(serializeSession(clone), before)
    })

    it('random, truncated, corrupted or oversized bytes give ErrorCode.Decode', () => {
      const { bob } = midConversation()
      const bytes = serializeSession(bob)
      for (let n = 0; n < bytes.byteLength; n++) throwsCode(() => deserializeSession(bytes.subarray(0, n)), ErrorCode.Decode)
      throwsCode(() => deserializeSession(new Uint8Array(MAX_SESSION_STATE_BYTES + 1)), ErrorCode.Decode)
      throwsCode(() => deserializeSession(concat(bytes, Uint8Array.of(0))), ErrorCode.Decode)
      fc.assert(fc.property(fc.nat(), (bit) => {
        throwsCode(() => deserializeSession(flipBit(bytes, bit)), ErrorCode.Decode)
      }), { numRuns: 200 })
      fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (junk) => {
        throwsCode(() => deserializeSession(junk), ErrorCode.Decode)
      }), { numRuns: 300 })
    })

    it('rejects well-formed but inconsistent states with ErrorCode.Decode', () => {
      const { bob } = midConversation()
      const v = inspect(bob)
      const [first, second] = v.receiverChains
      assert.ok(first !== undefined && second !== undefined && first.skipped.length > 0)
      const bad: Array<Partial<SessionState>> = [
        { version: 2 },
        { rootKey: v.rootKey.subarray(1) },
        { sendingChainKey: undefined },
        { receiverChains: [first] }, // the last chain must be open
        { receiverChains: [{ ...first, chainKey: second.chainKey }, second] }, // only the last is open
        { receiverChains: [{ ...first, ratchetKey: second.ratchetKey }, second] },
        { receiverChains: [{ ...first, skipped: [...first.skipped].reverse().concat(first.skipped) }, second] },
        { receiverChains: [{ ...first, nextCounter: 0 }, second] }
      ]
      for (const change of bad) throwsCode(() => deserializeSession(reserialize({ ...v, ...change })), ErrorCode.Decode)
      assert.doesNotThrow(() => deserializeSession(reserialize(v)))
    })
  })

  describe('ratchet key pool', () => {
    it('hands out pooled pairs once each, then falls back to fresh ones', () => {
      const pool = createRatchetKeyPool(3)
      assert.equal(pool.capacity, 3)
      assert.equal(pool.available, 0)
      assert.equal(pool.refill(2), 2)
      assert.equal(pool.refill(), 1)
      assert.equal(pool.refill(), 0)
      const seen = new Set<string>()
      for (let i = 0; i < 5; i++) seen.add(hex(pool.next().privateKey))
      assert.equal(seen.size, 5)
      assert.equal(pool.available, 0)
      pool.refill()
      pool.clear()
      assert.equal(pool.available, 0)
      throwsCode(() => createRatchetKeyPool(-1), ErrorCode.InvalidArgument)
      throwsCode(() => pool.refill(Number.NaN), ErrorCode.InvalidArgument)
    })

    it('feeds DH ratchet steps in both directions', () => {
      const pool = createRatchetKeyPool(4)
      pool.refill()
      const bobPreKey = x25519GenerateKeyPair()
      const alice = initSenderSession(SK, bobPreKey.publicKey, AD, pool)
      const bob = initReceiverSession(SK, bobPreKey, AD)
      assert.equal(pool.available, 3)
      for (let i = 0; i < 6; i++) {
        const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice]
        assert.equal(td(ratchetDecrypt(to, send(from, `m${i}`), pool)), `m${i}`)
      }
      assert.equal(pool.available, 0)
    })
  })
})
