import { strict as assert } from 'node:assert'
import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { Fingerprint, PublicKey } from '@signalapp/libsignal-client'
import { CONTEXT, FINGERPRINT_ITERATIONS } from '../../protocol/constants.js'
import { encodeEC } from '../../protocol/crypto/encoding.js'
import { ed25519GenerateKeyPair, ed25519PrivateToX25519, ed25519PublicToX25519, x25519PublicFromPrivate } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import {
  base32Encode, fingerprintHalf, identityX25519Private, identityX25519Public, mailboxAddress, numericFingerprint, parseUserId, safetyNumber,
  userIdFromIdentityKey, userIdMatches, USER_ID_LENGTH
} from '../../protocol/identity.js'

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const isCode = (code: ErrorCode) => (err: unknown): boolean => RelaymeshError.is(err, code)

/** Reference base32 (RFC 4648 §6) through BigInt, a different method from the implementation's. */
function refBase32 (bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  const bits = bytes.byteLength * 8
  const chars = Math.ceil(bits / 5)
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  n <<= BigInt(chars * 5 - bits)
  let out = ''
  for (let i = chars - 1; i >= 0; i--) out += alphabet[Number((n >> BigInt(i * 5)) & 31n)]
  return out
}

/** A 32-byte string that is not an Ed25519 point: a y with no matching x. */
function invalidPoint (): Uint8Array {
  for (let y = 2; y < 256; y++) {
    const bytes = new Uint8Array(32)
    bytes[0] = y
    try {
      ed25519PublicToX25519(bytes)
    } catch {
      return bytes
    }
  }
  throw new Error('no invalid point found')
}

describe('protocol/identity', () => {
  describe('base32', () => {
    it('matches the RFC 4648 §10 test vectors (lowercase, no padding)', () => {
      const vectors: Array<[string, string]> = [
        ['', ''], ['f', 'my'], ['fo', 'mzxq'], ['foo', 'mzxw6'], ['foob', 'mzxw6yq'],
        ['fooba', 'mzxw6ytb'], ['foobar', 'mzxw6ytboi']
      ]
      for (const [input, output] of vectors) assert.equal(base32Encode(utf8(input)), output, input)
    })

    it('agrees with a BigInt reference encoder', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        assert.equal(base32Encode(bytes), refBase32(bytes))
      }), { numRuns: 200 })
    })
  })

  describe('user ids', () => {
    it('is rm1 + base32 of the first 20 bytes of SHA-256(CONTEXT.userId || key)', () => {
      const key = ed25519GenerateKeyPair().publicKey
      const hash = createHash('sha256').update(CONTEXT.userId).update(key).digest().subarray(0, 20)
      const id = userIdFromIdentityKey(key)
      assert.equal(id, 'rm1' + refBase32(hash))
      assert.match(id, /^rm1[a-z2-7]{32}$/)
      assert.equal(id.length, USER_ID_LENGTH)
      assert.deepEqual(parseUserId(id), new Uint8Array(hash))
      assert.equal(userIdFromIdentityKey(key), id, 'deterministic')
    })

    it('round-trips and matches only its own key', () => {
      fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        const id = userIdFromIdentityKey(a)
        assert.equal(userIdFromIdentityKey(a), id)
        assert.ok(userIdMatches(id, a))
        assert.equal(userIdMatches(id, b), Buffer.compare(a, b) === 0)
        assert.equal(parseUserId(id).byteLength, 20)
      }), { numRuns: 100 })
    })

    it('any changed character makes the id malformed or another user\'s', () => {
      const key = ed25519GenerateKeyPair().publicKey
      const id = userIdFromIdentityKey(key)
      fc.assert(fc.property(fc.integer({ min: 0, max: id.length - 1 }), fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n)), (i, c) => {
        fc.pre(id[i] !== c)
        const changed = id.slice(0, i) + c + id.slice(i + 1)
        assert.equal(userIdMatches(changed, key), false)
      }), { numRuns: 200 })
    })

    it('refuses malformed ids with InvalidArgument', () => {
      const id = userIdFromIdentityKey(ed25519GenerateKeyPair().publicKey)
      const bad = [
        '', 'rm1', id.slice(0, -1), id + 'a', 'rm2' + id.slice(3), 'xx1' + id.slice(3), id.toUpperCase(),
        id.slice(0, 3) + 'A' + id.slice(4), id.slice(0, -1) + '1', id.slice(0, -1) + '8', id.slice(0, -1) + '=',
        ' ' + id.slice(1), id.slice(0, -2) + '==', 'rm1' + '='.repeat(32)
      ]
      for (const s of bad) assert.throws(() => parseUserId(s), isCode(ErrorCode.InvalidArgument), JSON.stringify(s))
      assert.throws(() => parseUserId(42 as unknown as string), isCode(ErrorCode.InvalidArgument))
      assert.equal(userIdMatches('rm1', ed25519GenerateKeyPair().publicKey), false)
    })

    it('refuses keys that are not 32 bytes', () => {
      assert.throws(() => userIdFromIdentityKey(new Uint8Array(31)), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => userIdFromIdentityKey(new Uint8Array(33)), isCode(ErrorCode.InvalidArgument))
    })
  })

  describe('mailbox addresses', () => {
    it('is SHA-256(CONTEXT.mailbox || key || u32be(deviceId))', () => {
      const key = ed25519GenerateKeyPair().publicKey
      for (const deviceId of [0, 1, 2, 0x01020304, 0xffffffff]) {
        const id = Buffer.alloc(4)
        id.writeUInt32BE(deviceId)
        const expected = createHash('sha256').update(CONTEXT.mailbox).update(key).update(id).digest()
        assert.deepEqual(Buffer.from(mailboxAddress(key, deviceId)), expected)
      }
      assert.notDeepEqual(mailboxAddress(key, 1), mailboxAddress(key, 2))
      assert.notDeepEqual(mailboxAddress(key, 1), mailboxAddress(ed25519GenerateKeyPair().publicKey, 1))
    })

    it('refuses device ids that are not u32 and keys that are not 32 bytes', () => {
      const key = ed25519GenerateKeyPair().publicKey
      for (const d of [-1, 2 ** 32, 1.5, Number.NaN]) {
        assert.throws(() => mailboxAddress(key, d), isCode(ErrorCode.InvalidArgument), String(d))
      }
      assert.throws(() => mailboxAddress(new Uint8Array(16), 1), isCode(ErrorCode.InvalidArgument))
    })
  })

  describe('X25519 forms', () => {
    it('match the birational map, through more keys than the cache holds', () => {
      const keys = Array.from({ length: 1100 }, () => ed25519GenerateKeyPair())
      for (const k of [...keys, ...keys.slice(0, 50), ...keys.slice(1050)]) {
        assert.deepEqual(identityX25519Public(k.publicKey.slice()), ed25519PublicToX25519(k.publicKey))
      }
      const k = keys[0]!
      assert.equal(identityX25519Public(k.publicKey), identityX25519Public(k.publicKey.slice()), 'same array for the same key')
      assert.deepEqual(identityX25519Private(k.privateKey), ed25519PrivateToX25519(k.privateKey))
      assert.deepEqual(x25519PublicFromPrivate(identityX25519Private(k.privateKey)), identityX25519Public(k.publicKey))
    })

    it('refuses an encoding that is not a curve point', () => {
      const notPoint = invalidPoint()
      assert.throws(() => identityX25519Public(notPoint), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => identityX25519Public(new Uint8Array(31)), isCode(ErrorCode.InvalidArgument))
    })
  })

  describe('safety numbers', () => {
    // libsignal rust/protocol/src/fingerprint.rs, fingerprint_test_v1
    // (testVectorsVersion1 in Java): fixed Curve25519 identity keys, 5200 iterations.
    const ALICE_IDENTITY = hex('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868')
    const BOB_IDENTITY = hex('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b')
    const DISPLAYABLE = '300354477692869396892869876765458257569162576843440918079131'

    it('matches libsignal\'s displayable fingerprint test vector from both sides', () => {
      const alice = numericFingerprint(ALICE_IDENTITY, utf8('+14152222222'), BOB_IDENTITY, utf8('+14153333333'))
      const bob = numericFingerprint(BOB_IDENTITY, utf8('+14153333333'), ALICE_IDENTITY, utf8('+14152222222'))
      assert.equal(alice, DISPLAYABLE)
      assert.equal(bob, DISPLAYABLE)
      assert.equal(fingerprintHalf(ALICE_IDENTITY, utf8('+14152222222'), FINGERPRINT_ITERATIONS).length, 30)
    })

    it('equals libsignal-client\'s fingerprint of the X25519 forms with the user ids as stable ids', () => {
      for (let i = 0; i < 3; i++) {
        const a = ed25519GenerateKeyPair().publicKey
        const b = ed25519GenerateKeyPair().publicKey
        const aId = userIdFromIdentityKey(a)
        const bId = userIdFromIdentityKey(b)
        const ours = safetyNumber(a, aId, b, bId)
        const theirs = Fingerprint.new(
          FINGERPRINT_ITERATIONS, 2,
          Buffer.from(aId), PublicKey.deserialize(Buffer.from(encodeEC(ed25519PublicToX25519(a)))),
          Buffer.from(bId), PublicKey.deserialize(Buffer.from(encodeEC(ed25519PublicToX25519(b))))
        ).displayableFingerprint().toString()
        assert.equal(ours, theirs)
      }
    })

    it('is the same 60 digits for both sides and changes when either key changes', () => {
      const a = ed25519GenerateKeyPair().publicKey
      const b = ed25519GenerateKeyPair().publicKey
      const m = ed25519GenerateKeyPair().publicKey
      const [aId, bId, mId] = [a, b, m].map(userIdFromIdentityKey) as [string, string, string]
      const ab = safetyNumber(a, aId, b, bId)
      assert.match(ab, /^[0-9]{60}$/)
      assert.equal(safetyNumber(b, bId, a, aId), ab)
      // a man in the middle shows each side a different key
      assert.notEqual(safetyNumber(a, aId, m, mId), ab)
      assert.notEqual(safetyNumber(m, mId, b, bId), ab)
    })

    it('refuses a user id that does not belong to its key', () => {
      const a = ed25519GenerateKeyPair().publicKey
      const b = ed25519GenerateKeyPair().publicKey
      const aId = userIdFromIdentityKey(a)
      const bId = userIdFromIdentityKey(b)
      assert.throws(() => safetyNumber(a, bId, b, bId), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => safetyNumber(a, aId, b, aId), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => safetyNumber(a, aId, new Uint8Array(33), bId), isCode(ErrorCode.InvalidArgument))
    })

    it('refuses iteration counts libsignal refuses', () => {
      for (const n of [0, 1, 1_000_001, 2.5]) {
        assert.throws(() => fingerprintHalf(ALICE_IDENTITY, utf8('x'), n), isCode(ErrorCode.InvalidArgument), String(n))
      }
    })
  })
})
