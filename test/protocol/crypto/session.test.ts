import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { codeOf } from '../../helpers/errors.js'
import { ContentType, MAX_SESSION_RECORD_BYTES } from '../../../protocol/constants.js'
import { ErrorCode } from '../../../protocol/errors.js'
import {
  buildPreKeyBundle, generateIdentityKeyPair, generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey,
  oneTimePreKeyPublic, type KemPreKeyRecord, type OneTimePreKeyRecord, type SignedPreKeyRecord
} from '../../../protocol/keys.js'
import { PqxdhInitial } from '../../../protocol/pb/ratchet.js'
import type { PreKeyBundle } from '../../../protocol/pb/records.js'
import {
  acceptSession, decryptMessage, deserializeSessionRecord, encryptMessage, serializeSessionRecord, startSession,
  type CiphertextMessage, type PreKeyStore, type Session
} from '../../../protocol/crypto/session.js'
import { sha256, x25519GenerateKeyPair, type Ed25519KeyPair, type X25519KeyPair } from '../../../protocol/crypto/primitives.js'

const NOW = 1_790_000_000_000
const te = new TextEncoder()
const td = new TextDecoder()

class MemoryPreKeyStore implements PreKeyStore {
  readonly signed = new Map<number, SignedPreKeyRecord>()
  readonly kem = new Map<number, KemPreKeyRecord>()
  readonly oneTime = new Map<number, OneTimePreKeyRecord>()
  removals = 0

  signedPreKey (id: number): SignedPreKeyRecord | undefined { return this.signed.get(id) }
  kemPreKey (id: number): KemPreKeyRecord | undefined { return this.kem.get(id) }
  oneTimePreKey (id: number): OneTimePreKeyRecord | undefined { return this.oneTime.get(id) }
  removeOneTimePreKey (id: number): void {
    this.removals++
    this.oneTime.delete(id)
  }

  /** everything a failed acceptSession must leave alone */
  snapshot (): string {
    return JSON.stringify([[...this.signed.keys()], [...this.kem.keys()], [...this.oneTime.keys()], this.removals])
  }
}

function flipBit (bytes: Uint8Array, index: number, bit: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes)
  out[index % out.length]! ^= 1 << bit
  return out
}

describe('protocol/crypto/session', function () {
  this.timeout(20_000)

  const alice = generateIdentityKeyPair()
  const bob = generateIdentityKeyPair()
  const BOB_DEVICE = 2
  const ALICE_DEVICE = 7
  const spk = generateSignedPreKey(bob, 1, NOW)
  const kem = generateKemPreKey(bob, 1, NOW)
  const otks = generateOneTimePreKeys(100, 8)
  const bundle: PreKeyBundle = buildPreKeyBundle({ identity: bob, deviceId: BOB_DEVICE, seq: 1, expiresAt: NOW + 1000, signedPreKey: spk, kemPreKey: kem })

  function bobStore (): MemoryPreKeyStore {
    const s = new MemoryPreKeyStore()
    s.signed.set(spk.id, spk)
    s.kem.set(kem.id, kem)
    for (const k of otks) s.oneTime.set(k.id, k)
    return s
  }

  function start (otk?: OneTimePreKeyRecord, identity: Ed25519KeyPair = alice): Session {
    return startSession({ identity, deviceId: ALICE_DEVICE, bundle, oneTimePreKey: otk === undefined ? undefined : oneTimePreKeyPublic(otk) })
  }

  function send (session: Session, text: string): CiphertextMessage {
    return encryptMessage(session, te.encode(text))
  }

  function receive (session: Session, m: CiphertextMessage): string {
    return td.decode(decryptMessage(session, m.contentType, m.bytes))
  }

  describe('setup and conversation', () => {
    for (const withOtk of [true, false]) {
      it(`Alice and Bob exchange messages both ways ${withOtk ? 'with' : 'without'} a one-time prekey`, () => {
        const store = bobStore()
        const a = start(withOtk ? otks[0] : undefined)
        const first = send(a, 'hello bob')
        assert.equal(first.contentType, ContentType.PreKey)
        const accepted = acceptSession({ identity: bob, store, initialBytes: first.bytes })
        assert.equal(td.decode(accepted.plaintext), 'hello bob')
        assert.deepEqual(accepted.peerIdentityKey, alice.publicKey)
        assert.equal(accepted.peerDeviceId, ALICE_DEVICE)
        assert.deepEqual(a.peerIdentityKey, bob.publicKey)
        assert.equal(a.peerDeviceId, BOB_DEVICE)
        if (withOtk) {
          assert.equal(accepted.usedOneTimePreKeyId, otks[0]!.id)
          assert.equal(store.oneTimePreKey(otks[0]!.id), undefined, 'the used one-time prekey is gone')
          assert.equal(store.oneTime.size, otks.length - 1)
        } else {
          assert.equal(accepted.usedOneTimePreKeyId, undefined)
          assert.equal(store.removals, 0)
        }
        const b = accepted.session
        // alternating, then bursts each way, then interleaved out of order
        for (let i = 0; i < 5; i++) {
          assert.equal(receive(a, send(b, `b${i}`)), `b${i}`)
          assert.equal(receive(b, send(a, `a${i}`)), `a${i}`)
        }
        const burst = [0, 1, 2, 3].map((i) => send(a, `burst${i}`))
        assert.deepEqual([3, 0, 2, 1].map((i) => receive(b, burst[i]!)), ['burst3', 'burst0', 'burst2', 'burst1'])
        const replies = [0, 1, 2].map((i) => send(b, `reply${i}`))
        const mine = send(a, 'crossing')
        assert.equal(receive(a, replies[2]!), 'reply2')
        assert.equal(receive(b, mine), 'crossing')
        assert.equal(receive(a, replies[0]!), 'reply0')
        assert.equal(receive(a, replies[1]!), 'reply1')
      })
    }

    it('messages before Bob\'s first reply are PqxdhInitial (re-sent from the same EK_A), after it Ratchet', () => {
      const store = bobStore()
      const a = start(otks[1])
      const early = [0, 1, 2].map((i) => send(a, `early${i}`))
      assert.ok(early.every((m) => m.contentType === ContentType.PreKey))
      const headers = early.map((m) => PqxdhInitial.decode(m.bytes))
      for (const h of headers) {
        assert.deepEqual(h.ephemeralKey, a.baseKey)
        assert.deepEqual(h.kemCiphertext, headers[0]!.kemCiphertext)
        assert.equal(h.oneTimePrekeyId, otks[1]!.id)
      }
      // Bob gets the last one first: it creates the session; the others are re-sends on it
      const accepted = acceptSession({ identity: bob, store, initialBytes: early[2]!.bytes })
      assert.equal(td.decode(accepted.plaintext), 'early2')
      const b = accepted.session
      assert.equal(receive(b, early[0]!), 'early0')
      assert.equal(receive(b, early[1]!), 'early1')
      assert.equal(codeOf(() => receive(b, early[1]!)), ErrorCode.DuplicateMessage)
      assert.equal(store.removals, 1)

      const reply = send(b, 'hi alice')
      assert.equal(reply.contentType, ContentType.Ratchet, 'the responder never sends PqxdhInitial')
      assert.equal(send(a, 'still unanswered').contentType, ContentType.PreKey, 'Alice keeps the header until a reply decrypts')
      assert.equal(receive(a, reply), 'hi alice')
      assert.equal(a.pendingPreKey, undefined)
      const after = send(a, 'now ratchet')
      assert.equal(after.contentType, ContentType.Ratchet)
      assert.equal(receive(b, after), 'now ratchet')
    })

    it('a PqxdhInitial that did not create the session is refused by decryptMessage (InvalidState)', () => {
      const store = bobStore()
      const a = start()
      const first = send(a, 'one')
      const b = acceptSession({ identity: bob, store, initialBytes: first.bytes }).session
      // a new session from the same peer (new EK_A): it needs acceptSession, not this session
      const other = send(start(), 'new session')
      assert.equal(codeOf(() => decryptMessage(b, other.contentType, other.bytes)), ErrorCode.InvalidState)
      // Alice's own initial reflected back to her
      assert.equal(codeOf(() => decryptMessage(a, first.contentType, first.bytes)), ErrorCode.InvalidState)
      // the same EK_A with any other header field changed
      const h = PqxdhInitial.decode(send(a, 'two').bytes)
      const forged = PqxdhInitial.encode({ ...h, kemPrekeyId: 5 })
      assert.equal(codeOf(() => decryptMessage(b, ContentType.PreKey, forged)), ErrorCode.InvalidState)
      // and the session still works
      assert.equal(receive(b, send(a, 'three')), 'three')
    })

    it('decryptMessage rejects other content types and garbage without changing the session', () => {
      const a = start()
      const b = acceptSession({ identity: bob, store: bobStore(), initialBytes: send(a, 'x').bytes }).session
      const m = send(b, 'intact')
      assert.equal(codeOf(() => decryptMessage(a, ContentType.Group, m.bytes)), ErrorCode.InvalidArgument)
      assert.equal(codeOf(() => decryptMessage(a, ContentType.Ratchet, new Uint8Array([1, 2, 3]))), ErrorCode.Decode)
      assert.equal(codeOf(() => decryptMessage(a, ContentType.PreKey, new Uint8Array([1, 2, 3]))), ErrorCode.Decode)
      assert.equal(codeOf(() => decryptMessage(a, ContentType.Ratchet, flipBit(m.bytes, m.bytes.length - 1, 0))), ErrorCode.DecryptFailed)
      assert.ok(a.pendingPreKey !== undefined, 'a failed decrypt does not end the pending state')
      assert.equal(receive(a, m), 'intact')
    })

    it('takes EK_A and ratchet keys from the key source when one is given', () => {
      const handed: X25519KeyPair[] = []
      const keys = { next: (): X25519KeyPair => { const k = x25519GenerateKeyPair(); handed.push(k); return k } }
      const a = startSession({ identity: alice, deviceId: ALICE_DEVICE, bundle, keys })
      assert.equal(handed.length, 2) // EK_A and Alice's first ratchet key
      assert.deepEqual(a.baseKey, handed[0]!.publicKey)
      assert.ok(handed[0]!.privateKey.every((x) => x === 0), 'EK_A private key is wiped')
      const accepted = acceptSession({ identity: bob, store: bobStore(), initialBytes: send(a, 'k').bytes, keys })
      assert.equal(handed.length, 3) // Bob's DH ratchet step on the first message
      assert.equal(receive(a, send(accepted.session, 'ok')), 'ok')
    })
  })

  describe('PQXDH initial message checks (acceptSession)', () => {
    it('an unknown signed, KEM or one-time prekey id gives UnknownPreKey and changes nothing', () => {
      const initial = send(start(otks[2]), 'x').bytes
      const noSpk = bobStore()
      noSpk.signed.clear()
      const noKem = bobStore()
      noKem.kem.clear()
      const noOtk = bobStore()
      noOtk.oneTime.delete(otks[2]!.id)
      for (const store of [noSpk, noKem, noOtk]) {
        const before = store.snapshot()
        assert.equal(codeOf(() => acceptSession({ identity: bob, store, initialBytes: initial })), ErrorCode.UnknownPreKey)
        assert.equal(store.snapshot(), before)
      }
    })

    it('a one-time prekey cannot be used twice', () => {
      const store = bobStore()
      const otk = otks[3]!
      const first = send(start(otk), 'first').bytes
      const second = send(start(otk, generateIdentityKeyPair()), 'second').bytes
      assert.equal(acceptSession({ identity: bob, store, initialBytes: first }).usedOneTimePreKeyId, otk.id)
      const before = store.snapshot()
      assert.equal(codeOf(() => acceptSession({ identity: bob, store, initialBytes: second })), ErrorCode.UnknownPreKey)
      assert.equal(store.snapshot(), before)
    })

    const fields = [
      'identityKey', 'deviceId', 'ephemeralKey', 'signedPrekeyId', 'oneTimePrekeyId', 'kemPrekeyId', 'kemCiphertext',
      'message.ratchetKey', 'message.counter', 'message.previousCounter', 'message.ciphertext'
    ] as const

    function tamper (bytes: Uint8Array, field: typeof fields[number], index: number, bit: number): Uint8Array {
      const m = PqxdhInitial.decode(bytes)
      const inner = { ...m.message! }
      const flipNumber = (n: number): number => (n ^ (1 << (bit + 8 * (index % 4)))) >>> 0
      switch (field) {
        case 'identityKey': m.identityKey = flipBit(m.identityKey, index, bit); break
        case 'deviceId': m.deviceId = flipNumber(m.deviceId); break
        case 'ephemeralKey': m.ephemeralKey = flipBit(m.ephemeralKey, index, bit); break
        case 'signedPrekeyId': m.signedPrekeyId = flipNumber(m.signedPrekeyId); break
        case 'oneTimePrekeyId': m.oneTimePrekeyId = flipNumber(m.oneTimePrekeyId!); break
        case 'kemPrekeyId': m.kemPrekeyId = flipNumber(m.kemPrekeyId); break
        case 'kemCiphertext': m.kemCiphertext = flipBit(m.kemCiphertext, index, bit); break
        case 'message.ratchetKey': inner.ratchetKey = flipBit(inner.ratchetKey, index, bit); break
        case 'message.counter': inner.counter ^= 1 << (bit + 8 * (index % 2)); break // stay below 2^16
        case 'message.previousCounter': inner.previousCounter = flipNumber(inner.previousCounter); break
        case 'message.ciphertext': inner.ciphertext = flipBit(inner.ciphertext, index, bit); break
      }
      return PqxdhInitial.encode({ ...m, message: inner })
    }

    it('a tampered field of the initial message is rejected and changes no store state', () => {
      const initial = send(start(otks[4]), 'genuine').bytes
      const before = bobStore().snapshot()
      fc.assert(fc.property(fc.constantFrom(...fields), fc.nat(), fc.integer({ min: 0, max: 7 }), (field, index, bit) => {
        const store = bobStore()
        const bytes = tamper(initial, field, index, bit)
        const code = codeOf(() => acceptSession({ identity: bob, store, initialBytes: bytes }))
        // a flipped id names either no prekey or another of Bob's prekeys (then SK differs)
        if (field.endsWith('PrekeyId')) assert.ok(code === ErrorCode.UnknownPreKey || code === ErrorCode.DecryptFailed, `${field}: ${String(code)}`)
        else assert.ok(code === ErrorCode.DecryptFailed || code === ErrorCode.Decode || code === ErrorCode.TooManySkipped, `${field}: ${String(code)}`)
        assert.equal(store.snapshot(), before)
        assert.ok(store.oneTimePreKey(otks[4]!.id) !== undefined)
      }), { numRuns: 120 })
      // every field at least once, deterministically
      const store = bobStore()
      for (const field of fields) {
        assert.ok(codeOf(() => acceptSession({ identity: bob, store, initialBytes: tamper(initial, field, 0, 0) })) !== undefined, field)
      }
      assert.equal(store.snapshot(), before)
      // the genuine message is still accepted afterwards
      assert.equal(td.decode(acceptSession({ identity: bob, store, initialBytes: initial }).plaintext), 'genuine')
    })

    it('any flipped bit, truncation or extension of the encoded initial message is rejected and changes nothing', () => {
      const initial = send(start(otks[5]), 'genuine').bytes
      const store = bobStore()
      const before = store.snapshot()
      const attempt = (bytes: Uint8Array): void => {
        const code = codeOf(() => acceptSession({ identity: bob, store, initialBytes: bytes }))
        assert.ok(code !== undefined, 'rejected')
        assert.equal(store.snapshot(), before)
      }
      fc.assert(fc.property(fc.nat({ max: initial.length - 1 }), fc.integer({ min: 0, max: 7 }), (index, bit) => {
        attempt(flipBit(initial, index, bit))
      }), { numRuns: 150 })
      fc.assert(fc.property(fc.nat({ max: initial.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 8 }), (cut, extra) => {
        attempt(initial.subarray(0, cut))
        attempt(Uint8Array.from([...initial, ...extra]))
      }), { numRuns: 40 })
      attempt(new Uint8Array(MAX_SESSION_RECORD_BYTES))
      assert.equal(td.decode(acceptSession({ identity: bob, store, initialBytes: initial }).plaintext), 'genuine')
    })
  })

  describe('session records', () => {
    const roundTrip = (s: Session): Session => {
      const bytes = serializeSessionRecord(s)
      const back = deserializeSessionRecord(bytes)
      assert.deepEqual(serializeSessionRecord(back), bytes, 'stable encoding')
      return back
    }

    it('serialize/deserialize mid-conversation, on both sides, before and after the first reply', () => {
      const store = bobStore()
      let a = roundTrip(start(otks[6]))
      assert.ok(a.pendingPreKey !== undefined)
      const m0 = send(a, 'm0')
      a = roundTrip(a)
      const m1 = send(a, 'm1')
      assert.equal(m1.contentType, ContentType.PreKey)
      const accepted = acceptSession({ identity: bob, store, initialBytes: m0.bytes })
      let b = roundTrip(accepted.session)
      assert.deepEqual(b.peerIdentityKey, alice.publicKey)
      assert.equal(b.peerDeviceId, ALICE_DEVICE)
      assert.equal(receive(b, m1), 'm1', 'a restored responder still recognises re-sent initials')
      const r0 = send(b, 'r0')
      b = roundTrip(b)
      assert.equal(receive(a, r0), 'r0')
      a = roundTrip(a)
      assert.equal(a.pendingPreKey, undefined)
      for (let i = 0; i < 4; i++) {
        const ma = send(a, `a${i}`)
        a = roundTrip(a)
        assert.equal(receive(b, ma), `a${i}`)
        b = roundTrip(b)
        const mb = send(b, `b${i}`)
        const skipped = send(b, `skipped${i}`)
        b = roundTrip(b)
        assert.equal(receive(a, skipped), `skipped${i}`)
        a = roundTrip(a)
        assert.equal(receive(a, mb), `b${i}`)
      }
    })

    it('sessions keep no view into the bytes they were decoded from', () => {
      const a = start()
      const first = send(a, 'first')
      const initialBytes = Uint8Array.from(first.bytes)
      const accepted = acceptSession({ identity: bob, store: bobStore(), initialBytes })
      initialBytes.fill(0) // e.g. a receive buffer reused by the caller
      assert.deepEqual(accepted.session.peerIdentityKey, alice.publicKey)
      assert.equal(receive(accepted.session, send(a, 'resend')), 'resend')
      const stored = serializeSessionRecord(a)
      const restored = deserializeSessionRecord(stored)
      const copy = Uint8Array.from(stored)
      stored.fill(0) // e.g. local state wiped after loading
      assert.deepEqual(serializeSessionRecord(restored), copy)
      assert.equal(receive(restored, send(accepted.session, 'reply')), 'reply')
    })

    it('deserializeSessionRecord: Decode for garbage, any truncation or flipped bit, oversize and a wrong version', () => {
      const a = start()
      send(a, 'x')
      const bytes = serializeSessionRecord(a)
      fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (junk) => {
        assert.equal(codeOf(() => deserializeSessionRecord(junk)), ErrorCode.Decode)
      }), { numRuns: 100 })
      fc.assert(fc.property(fc.nat({ max: bytes.length - 1 }), (cut) => {
        assert.equal(codeOf(() => deserializeSessionRecord(bytes.subarray(0, cut))), ErrorCode.Decode)
      }), { numRuns: 60 })
      fc.assert(fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 7 }), (index, bit) => {
        assert.equal(codeOf(() => deserializeSessionRecord(flipBit(bytes, index, bit))), ErrorCode.Decode)
      }), { numRuns: 100 })
      assert.equal(codeOf(() => deserializeSessionRecord(new Uint8Array(MAX_SESSION_RECORD_BYTES + 1))), ErrorCode.Decode)
      // a correctly digested body with another version (or a digest inside the body) is refused too
      const body = bytes.slice(0, bytes.length - 34)
      const reseal = (b: Uint8Array): Uint8Array => Uint8Array.from([...b, 15 << 3 | 2, 32, ...sha256(b)])
      assert.deepEqual(reseal(body), bytes)
      assert.equal(body[0], 0x08) // field 1 (version), varint
      const v2 = Uint8Array.from(body)
      v2[1] = 2
      assert.equal(codeOf(() => deserializeSessionRecord(reseal(v2))), ErrorCode.Decode)
      assert.equal(codeOf(() => deserializeSessionRecord(reseal(bytes))), ErrorCode.Decode)
    })
  })
})
