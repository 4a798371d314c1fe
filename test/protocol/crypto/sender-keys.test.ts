import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import {
  MAX_GROUP_MESSAGE_BYTES, MAX_SENDER_KEY_DISTRIBUTION_BYTES, MAX_SENDER_KEY_FORWARD, MAX_SENDER_KEY_RECORD_BYTES,
  MAX_SENDER_KEY_STATE_BYTES, MAX_SENDER_KEY_STATES, MAX_SENDER_KEY_STORED_KEYS
} from '../../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { hmacSha256, randomBytes } from '../../../protocol/crypto/primitives.js'
import {
  createSenderKey, decodeDistribution, deserializeSenderKeyRecord, deserializeSenderKeyState, distributionMessage,
  encodeDistribution, groupDecrypt, groupEncrypt, MAX_SENDER_KEY_ITERATION, processDistribution, readGroupMessageHeader,
  rotateSenderKey, serializeSenderKeyRecord, serializeSenderKeyState
} from '../../../protocol/crypto/sender-keys.js'
import type { SenderKeyRecord, SenderKeyState } from '../../../protocol/crypto/sender-keys.js'

const te = new TextEncoder()
const td = new TextDecoder()

function throwsCode (fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (err: unknown) => RelaymeshError.is(err, code), `expected ${code}`)
}

/** A receiver record for `state`, as a member gets it: through the encoded distribution. */
function receive (state: SenderKeyState, record?: SenderKeyRecord): SenderKeyRecord {
  return processDistribution(record, decodeDistribution(encodeDistribution(distributionMessage(state))))
}

/** Advance a sending state by `n` iterations with the chain KDF (spec: next = HMAC(ck, 0x02)), without sending. */
function skipAhead (state: SenderKeyState, n: number): void {
  for (let i = 0; i < n; i++) state.chainKey = hmacSha256(state.chainKey, Uint8Array.of(0x02))
  state.iteration += n
}

/** Asserts `fn` throws one of `codes` and leaves `record` byte-for-byte unchanged. */
function rejectsUnchanged (record: SenderKeyRecord, fn: () => unknown, ...codes: ErrorCode[]): void {
  const before = serializeSenderKeyRecord(record)
  assert.throws(fn, (err: unknown) => RelaymeshError.is(err) && codes.includes(err.code), `expected one of ${codes.join(', ')}`)
  assert.deepEqual(serializeSenderKeyRecord(record), before)
}

describe('protocol/crypto/sender-keys', () => {
  const groupId = randomBytes(16)

  describe('group messaging', () => {
    it('every member decrypts every sender (several members, several senders)', () => {
      const members = ['alice', 'bob', 'carol', 'dave']
      const senders = new Map(members.map((m) => [m, createSenderKey(groupId)]))
      // records.get(receiver).get(sender)
      const records = new Map(members.map((r) => [r, new Map(members.filter((s) => s !== r).map((s) => [s, receive(senders.get(s)!)]))]))
      for (let round = 0; round < 3; round++) {
        for (const sender of members) {
          const text = `${sender} round ${round}`
          const wire = groupEncrypt(senders.get(sender)!, te.encode(text))
          assert.ok(!td.decode(wire).includes(text), 'plaintext not visible on the wire')
          for (const receiver of members) {
            if (receiver === sender) continue
            assert.equal(td.decode(groupDecrypt(records.get(receiver)!.get(sender)!, wire)), text)
          }
        }
      }
    })

    it('decrypts in any delivery order, skipping lost messages, and rejects every duplicate', () => {
      fc.assert(fc.property(
        fc.integer({ min: 1, max: 30 }).chain((n) => fc.tuple(
          fc.shuffledSubarray([...Array(n).keys()], { minLength: 0, maxLength: n }),
          fc.array(fc.nat(n - 1), { maxLength: 5 })
        ).map(([order, replays]) => ({ n, order, replays }))),
        ({ n, order, replays }) => {
          const sender = createSenderKey(groupId)
          const record = receive(sender)
          const wire = Array.from({ length: n }, (_, i) => groupEncrypt(sender, te.encode(`m${i}`)))
          const done = new Set<number>()
          for (const i of order) {
            assert.equal(td.decode(groupDecrypt(record, wire[i]!)), `m${i}`)
            done.add(i)
            for (const r of replays) {
              if (done.has(r)) rejectsUnchanged(record, () => groupDecrypt(record, wire[r]!), ErrorCode.DuplicateMessage)
            }
          }
          for (const i of order) rejectsUnchanged(record, () => groupDecrypt(record, wire[i]!), ErrorCode.DuplicateMessage)
          // what was never delivered is still readable later
          for (let i = 0; i < n; i++) if (!done.has(i)) assert.equal(td.decode(groupDecrypt(record, wire[i]!)), `m${i}`)
        }), { numRuns: 40 })
    })

    it('keeps at most MAX_SENDER_KEY_STORED_KEYS skipped keys, evicting the oldest', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      const extra = 5
      const wire = Array.from({ length: MAX_SENDER_KEY_STORED_KEYS + extra + 1 }, (_, i) => groupEncrypt(sender, te.encode(`m${i}`)))
      const last = wire.length - 1
      assert.equal(td.decode(groupDecrypt(record, wire[last]!)), `m${last}`)
      assert.equal(record.chains[0]!.skipped.size, MAX_SENDER_KEY_STORED_KEYS)
      for (let i = 0; i < extra; i++) rejectsUnchanged(record, () => groupDecrypt(record, wire[i]!), ErrorCode.DuplicateMessage)
      assert.equal(td.decode(groupDecrypt(record, wire[extra]!)), `m${extra}`)
      assert.equal(td.decode(groupDecrypt(record, wire[last - 1]!)), `m${last - 1}`)
    })

    it('encrypts an empty plaintext and refuses one too large for a group message', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      assert.equal(groupDecrypt(record, groupEncrypt(sender, new Uint8Array(0))).byteLength, 0)
      const before = serializeSenderKeyState(sender)
      throwsCode(() => groupEncrypt(sender, new Uint8Array(MAX_GROUP_MESSAGE_BYTES)), ErrorCode.InvalidArgument)
      assert.deepEqual(serializeSenderKeyState(sender), before, 'a failed encrypt does not advance the chain')
    })

    it('readGroupMessageHeader names the group, chain and iteration', () => {
      const sender = createSenderKey(groupId)
      groupEncrypt(sender, te.encode('x'))
      const h = readGroupMessageHeader(groupEncrypt(sender, te.encode('y')))
      assert.deepEqual(h, { groupId, chainId: sender.chainId, iteration: 1 })
    })
  })

  describe('forgery and tampering', () => {
    it('rejects a message signed by another key (an insider holding the chain key) and keeps the record', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      groupDecrypt(record, groupEncrypt(sender, te.encode('hello')))
      // a member knows chain id and chain key from the distribution, but not the signing key
      const insider = { ...distributionMessage(sender), signingKey: createSenderKey(groupId).signingKey }
      const forged = groupEncrypt(insider, te.encode('forged'))
      rejectsUnchanged(record, () => groupDecrypt(record, forged), ErrorCode.BadSignature)
      // the genuine message at that iteration still decrypts
      assert.equal(td.decode(groupDecrypt(record, groupEncrypt(sender, te.encode('real')))), 'real')
    })

    it('checks the signature before the forward-jump bound', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      const insider = { ...distributionMessage(sender), signingKey: createSenderKey(groupId).signingKey }
      insider.iteration = 4_000_000
      rejectsUnchanged(record, () => groupDecrypt(record, groupEncrypt(insider, te.encode('x'))), ErrorCode.BadSignature)
    })

    it('rejects a message with any byte flipped and keeps the record', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      groupDecrypt(record, groupEncrypt(sender, te.encode('first')))
      const wire = groupEncrypt(sender, te.encode('a group message'))
      fc.assert(fc.property(fc.nat(wire.byteLength - 1), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const bad = wire.slice()
        bad[at] = bad[at]! ^ mask
        rejectsUnchanged(record, () => groupDecrypt(record, bad), ErrorCode.Decode, ErrorCode.BadSignature, ErrorCode.InvalidState)
      }), { numRuns: 200 })
      assert.equal(td.decode(groupDecrypt(record, wire)), 'a group message')
    })

    it('a validly signed message that fails AEAD (corrupt sender) leaves the record unchanged, even after a jump', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      const corrupt = { ...sender, chainKey: randomBytes(32) }
      skipAhead(corrupt, 10)
      rejectsUnchanged(record, () => groupDecrypt(record, groupEncrypt(corrupt, te.encode('x'))), ErrorCode.DecryptFailed)
      assert.equal(record.chains[0]!.skipped.size, 0)
      assert.equal(td.decode(groupDecrypt(record, groupEncrypt(sender, te.encode('ok')))), 'ok')
    })

    it('rejects a message for another group', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      const other = { ...sender, groupId: randomBytes(16) }
      rejectsUnchanged(record, () => groupDecrypt(record, groupEncrypt(other, te.encode('x'))), ErrorCode.InvalidState)
    })
  })

  describe('membership changes', () => {
    it('a member removed before a rotation cannot decrypt what is sent after it', () => {
      let alice = createSenderKey(groupId)
      const bob = receive(alice)
      const carol = receive(alice)
      const before = groupEncrypt(alice, te.encode('before'))
      const inFlight = groupEncrypt(alice, te.encode('in flight'))
      assert.equal(td.decode(groupDecrypt(carol, before)), 'before')
      // carol is removed: alice rotates and distributes to bob only
      alice = rotateSenderKey(alice)
      receive(alice, bob)
      const after = groupEncrypt(alice, te.encode('after'))
      assert.equal(td.decode(groupDecrypt(bob, after)), 'after')
      rejectsUnchanged(carol, () => groupDecrypt(carol, after), ErrorCode.InvalidState)
      // a message sent before the rotation still decrypts for bob (old chain kept)
      assert.equal(td.decode(groupDecrypt(bob, before)), 'before')
      assert.equal(td.decode(groupDecrypt(bob, inFlight)), 'in flight')
    })

    it('a member added after a rotation reads from the point it joined, not earlier', () => {
      let alice = createSenderKey(groupId)
      const bob = receive(alice)
      const old = groupEncrypt(alice, te.encode('old'))
      alice = rotateSenderKey(alice)
      receive(alice, bob)
      const dave = receive(alice)
      const m1 = groupEncrypt(alice, te.encode('m1'))
      const m2 = groupEncrypt(alice, te.encode('m2'))
      assert.equal(td.decode(groupDecrypt(dave, m2)), 'm2')
      assert.equal(td.decode(groupDecrypt(dave, m1)), 'm1')
      rejectsUnchanged(dave, () => groupDecrypt(dave, old), ErrorCode.InvalidState)
      assert.equal(td.decode(groupDecrypt(bob, old)), 'old')
      // joining mid-chain (a distribution of the current point): earlier iterations stay unreadable
      const erin = receive(alice)
      const m3 = groupEncrypt(alice, te.encode('m3'))
      rejectsUnchanged(erin, () => groupDecrypt(erin, m1), ErrorCode.DuplicateMessage)
      assert.equal(td.decode(groupDecrypt(erin, m3)), 'm3')
    })

    it('rotation changes chain id, chain key and signing key', () => {
      const a = createSenderKey(groupId)
      const b = rotateSenderKey(a)
      assert.notEqual(a.chainId, b.chainId)
      assert.notDeepEqual(a.chainKey, b.chainKey)
      assert.notDeepEqual(a.signingKey.publicKey, b.signingKey.publicKey)
      assert.deepEqual(b.groupId, a.groupId)
      assert.equal(b.iteration, 0)
    })

    it(`keeps the newest ${MAX_SENDER_KEY_STATES} chains of a sender`, () => {
      let alice = createSenderKey(groupId)
      const bob = receive(alice)
      const wire = [groupEncrypt(alice, te.encode('chain 0'))]
      for (let i = 1; i <= MAX_SENDER_KEY_STATES; i++) {
        alice = rotateSenderKey(alice)
        receive(alice, bob)
        wire.push(groupEncrypt(alice, te.encode(`chain ${i}`)))
      }
      assert.equal(bob.chains.length, MAX_SENDER_KEY_STATES)
      rejectsUnchanged(bob, () => groupDecrypt(bob, wire[0]!), ErrorCode.InvalidState)
      for (let i = 1; i <= MAX_SENDER_KEY_STATES; i++) assert.equal(td.decode(groupDecrypt(bob, wire[i]!)), `chain ${i}`)
    })

    it('a replayed distribution does not rewind a chain; one with the same chain id and another key replaces it', () => {
      const alice = createSenderKey(groupId)
      const dist = distributionMessage(alice)
      const bob = processDistribution(undefined, dist)
      const m0 = groupEncrypt(alice, te.encode('m0'))
      groupDecrypt(bob, m0)
      processDistribution(bob, dist)
      assert.equal(bob.chains.length, 1)
      rejectsUnchanged(bob, () => groupDecrypt(bob, m0), ErrorCode.DuplicateMessage)
      const impostor = { ...dist, signingKey: createSenderKey(groupId).signingKey.publicKey }
      processDistribution(bob, impostor)
      assert.equal(bob.chains.length, 1)
      assert.deepEqual(bob.chains[0]!.signingKey, impostor.signingKey)
    })

    it('refuses a distribution for another group than the record', () => {
      const bob = receive(createSenderKey(groupId))
      throwsCode(() => receive(createSenderKey(randomBytes(16)), bob), ErrorCode.InvalidArgument)
    })
  })

  describe('bounded work', () => {
    it(`accepts a jump of exactly MAX_SENDER_KEY_FORWARD (${MAX_SENDER_KEY_FORWARD}) and rejects one more`, () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      const probe = { ...sender, chainKey: sender.chainKey.slice() }
      skipAhead(probe, MAX_SENDER_KEY_FORWARD + 1)
      rejectsUnchanged(record, () => groupDecrypt(record, groupEncrypt(probe, te.encode('too far'))), ErrorCode.TooManySkipped)
      skipAhead(sender, MAX_SENDER_KEY_FORWARD)
      assert.equal(td.decode(groupDecrypt(record, groupEncrypt(sender, te.encode('far')))), 'far')
      assert.equal(record.chains[0]!.skipped.size, MAX_SENDER_KEY_STORED_KEYS)
    })

    it('rejects a validly signed far jump without walking the chain', function () {
      // Walking 4,000,000 steps is 8M HMACs (~20 s here); the bound check takes
      // microseconds. Mocha fails a synchronous test that returns after its
      // timeout, so an implementation that walks before it checks fails here.
      this.timeout(2000)
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      const far = { ...sender, iteration: 4_000_000 }
      rejectsUnchanged(record, () => groupDecrypt(record, groupEncrypt(far, te.encode('x'))), ErrorCode.TooManySkipped)
    })

    it('refuses to encrypt past the last iteration of a chain', () => {
      const sender = { ...createSenderKey(groupId), iteration: MAX_SENDER_KEY_ITERATION }
      groupEncrypt(sender, te.encode('last'))
      throwsCode(() => groupEncrypt(sender, te.encode('one more')), ErrorCode.InvalidState)
    })
  })

  describe('encoding and storage', () => {
    it('distribution messages round trip', () => {
      const dist = distributionMessage(createSenderKey(groupId))
      const bytes = encodeDistribution(dist)
      assert.ok(bytes.byteLength <= MAX_SENDER_KEY_DISTRIBUTION_BYTES)
      assert.deepEqual(decodeDistribution(bytes), dist)
      throwsCode(() => encodeDistribution({ ...dist, chainKey: new Uint8Array(31) }), ErrorCode.InvalidArgument)
      throwsCode(() => processDistribution(undefined, { ...dist, iteration: -1 }), ErrorCode.InvalidArgument)
    })

    it('a distribution with a signing key that is not a curve point fails to decode', () => {
      const dist = distributionMessage(createSenderKey(groupId))
      // y = 2 is not on edwards25519 (x^2 has no square root)
      const bad = new Uint8Array(32)
      bad[0] = 2
      throwsCode(() => decodeDistribution(encodeDistribution({ ...dist, signingKey: bad })), ErrorCode.Decode)
    })

    it('sending state round trips and keeps working', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      groupEncrypt(sender, te.encode('m0'))
      const bytes = serializeSenderKeyState(sender)
      assert.ok(bytes.byteLength <= MAX_SENDER_KEY_STATE_BYTES)
      const back = deserializeSenderKeyState(bytes)
      assert.deepEqual(back, sender)
      assert.deepEqual(serializeSenderKeyState(back), bytes)
      assert.equal(td.decode(groupDecrypt(record, groupEncrypt(back, te.encode('m1')))), 'm1')
    })

    it('receiver records round trip with chains and skipped keys, and keep working', () => {
      let alice = createSenderKey(groupId)
      const bob = receive(alice)
      const wire = Array.from({ length: 6 }, (_, i) => groupEncrypt(alice, te.encode(`m${i}`)))
      groupDecrypt(bob, wire[5]!)
      groupDecrypt(bob, wire[2]!)
      alice = rotateSenderKey(alice)
      receive(alice, bob)
      const bytes = serializeSenderKeyRecord(bob)
      const back = deserializeSenderKeyRecord(bytes)
      assert.deepEqual(back, bob)
      assert.deepEqual(serializeSenderKeyRecord(back), bytes)
      for (const i of [0, 1, 3, 4]) assert.equal(td.decode(groupDecrypt(back, wire[i]!)), `m${i}`)
      throwsCode(() => groupDecrypt(back, wire[2]!), ErrorCode.DuplicateMessage)
      assert.equal(td.decode(groupDecrypt(back, groupEncrypt(alice, te.encode('new')))), 'new')
    })

    it('a record at its bounds fits MAX_SENDER_KEY_RECORD_BYTES and round trips', () => {
      let alice = createSenderKey(groupId)
      let bob: SenderKeyRecord | undefined
      for (let c = 0; c < MAX_SENDER_KEY_STATES; c++) {
        if (c > 0) alice = rotateSenderKey(alice)
        // iterations near 2^32 make the varints as long as they get
        const sender = { ...alice, iteration: MAX_SENDER_KEY_ITERATION - MAX_SENDER_KEY_STORED_KEYS - 1 }
        bob = receive(sender, bob)
        skipAhead(sender, MAX_SENDER_KEY_STORED_KEYS)
        groupDecrypt(bob, groupEncrypt(sender, te.encode('x')))
      }
      assert.ok(bob !== undefined)
      assert.equal(bob.chains.length, MAX_SENDER_KEY_STATES)
      assert.ok(bob.chains.every((c) => c.skipped.size === MAX_SENDER_KEY_STORED_KEYS))
      const bytes = serializeSenderKeyRecord(bob)
      assert.ok(bytes.byteLength <= MAX_SENDER_KEY_RECORD_BYTES, `${bytes.byteLength} bytes`)
      assert.deepEqual(deserializeSenderKeyRecord(bytes), bob)
    })

    describe('decoding hostile bytes fails with ErrorCode.Decode', () => {
      const sender = createSenderKey(groupId)
      const record = receive(sender)
      groupEncrypt(sender, te.encode('skipped'))
      groupDecrypt(record, groupEncrypt(sender, te.encode('x')))
      receive(rotateSenderKey(sender), record)
      const cases: Array<{ name: string, valid: Uint8Array, max: number, run: (b: Uint8Array) => unknown }> = [
        { name: 'distribution', valid: encodeDistribution(distributionMessage(sender)), max: MAX_SENDER_KEY_DISTRIBUTION_BYTES, run: decodeDistribution },
        { name: 'group message', valid: groupEncrypt(sender, te.encode('hello group')), max: MAX_GROUP_MESSAGE_BYTES, run: (b) => groupDecrypt(record, b) },
        { name: 'sending state', valid: serializeSenderKeyState(sender), max: MAX_SENDER_KEY_STATE_BYTES, run: deserializeSenderKeyState },
        { name: 'receiver record', valid: serializeSenderKeyRecord(record), max: MAX_SENDER_KEY_RECORD_BYTES, run: deserializeSenderKeyRecord }
      ]
      for (const { name, valid, max, run } of cases) {
        it(`${name}: random, truncated, oversized`, () => {
          const before = serializeSenderKeyRecord(record)
          fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => { throwsCode(() => run(b), ErrorCode.Decode) }), { numRuns: 150 })
          for (let n = 0; n < valid.byteLength; n++) throwsCode(() => run(valid.subarray(0, n)), ErrorCode.Decode)
          const big = new Uint8Array(max + 1)
          big.set(valid)
          throwsCode(() => run(big), ErrorCode.Decode)
          assert.deepEqual(serializeSenderKeyRecord(record), before)
        })
      }
    })
  })
})
