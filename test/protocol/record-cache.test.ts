import { strict as assert } from 'node:assert'
import { MAX_RECORD_LIFETIME_MS, RecordKind, WIRE_VERSION } from '../../protocol/constants.js'
import { ed25519GenerateKeyPair } from '../../protocol/crypto/primitives.js'
import type { Ed25519KeyPair } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { SignedRecord } from '../../protocol/pb/records.js'
import { openRecord, RecordCache, signRecord } from '../../protocol/records.js'

type AB = Uint8Array<ArrayBuffer>
const ab = (b: Uint8Array): AB => b as AB
const isCode = (code: ErrorCode) => (err: unknown): boolean => RelaymeshError.is(err, code)

const NOW = 1_800_000_000_000
const DAY = 24 * 60 * 60 * 1000

const alice = ed25519GenerateKeyPair()

function signedList (identity: Ed25519KeyPair, seq: number, expiresAt = NOW + 7 * DAY): Uint8Array {
  const devices = [{ deviceId: 1, deviceKey: ab(ed25519GenerateKeyPair().publicKey) }]
  return signRecord(identity, { kind: RecordKind.DeviceList, body: { version: WIRE_VERSION, identityKey: ab(identity.publicKey), seq, expiresAt, devices } })
}

describe('protocol/records RecordCache', () => {
  it('answers a repeated record from memory with what openRecord returns', () => {
    const cache = new RecordCache(8)
    const bytes = signedList(alice, 1)
    const first = cache.open(bytes, NOW)
    const again = cache.open(bytes.slice(), NOW + 1)
    assert.equal(cache.hits, 1)
    const plain = openRecord(bytes, NOW)
    for (const r of [first, again]) {
      assert.equal(r.kind, plain.kind)
      assert.equal(r.key, plain.key)
      assert.equal(r.seq, plain.seq)
      assert.deepEqual(r.digest, plain.digest)
      assert.deepEqual(r.bytes, bytes)
    }
  })

  it('still rejects a cached record once it has expired, and one whose expiry is too far ahead', () => {
    const cache = new RecordCache(8)
    const expiresAt = NOW + DAY
    const bytes = signedList(alice, 2, expiresAt)
    cache.open(bytes, NOW)
    assert.throws(() => cache.open(bytes, expiresAt), isCode(ErrorCode.Expired))
    assert.throws(() => cache.open(bytes, expiresAt + DAY), isCode(ErrorCode.Expired))
    // a clock far behind: the expiry lies more than the allowed lifetime ahead
    assert.throws(() => cache.open(bytes, expiresAt - MAX_RECORD_LIFETIME_MS - 1), isCode(ErrorCode.Decode))
    assert.equal(cache.open(bytes, NOW + 1).seq, 2)
  })

  it('verifies changed bytes anew: a bad signature is rejected even after the good record was cached', () => {
    const cache = new RecordCache(8)
    const bytes = signedList(alice, 3)
    cache.open(bytes, NOW)
    const outer = SignedRecord.decode(bytes)
    const sig = outer.signature.slice()
    sig[0] = (sig[0] as number) ^ 1
    const tampered = SignedRecord.encode({ ...outer, signature: sig })
    assert.throws(() => cache.open(tampered, NOW), isCode(ErrorCode.BadSignature))
    assert.throws(() => cache.open(tampered, NOW), isCode(ErrorCode.BadSignature))
    assert.equal(cache.size, 1)
    assert.equal(cache.hits, 0)
  })

  it('keeps a copy: changing the caller\'s buffer afterwards changes nothing cached', () => {
    const cache = new RecordCache(8)
    const bytes = signedList(alice, 4)
    const pristine = bytes.slice()
    cache.open(bytes, NOW)
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1
    assert.throws(() => cache.open(bytes, NOW), isCode(ErrorCode.BadSignature))
    assert.equal(cache.open(pristine, NOW).seq, 4)
    assert.equal(cache.hits, 1)
  })

  it('is bounded: the least recently used record is dropped first', () => {
    const cache = new RecordCache(3)
    const records = [1, 2, 3, 4].map((seq) => signedList(alice, 10 + seq))
    cache.open(records[0] as Uint8Array, NOW)
    cache.open(records[1] as Uint8Array, NOW)
    cache.open(records[2] as Uint8Array, NOW)
    cache.open(records[0] as Uint8Array, NOW) // now the most recently used
    cache.open(records[3] as Uint8Array, NOW) // evicts records[1]
    assert.equal(cache.size, 3)
    const hits = cache.hits
    cache.open(records[0] as Uint8Array, NOW)
    assert.equal(cache.hits, hits + 1)
    cache.open(records[1] as Uint8Array, NOW)
    assert.equal(cache.hits, hits + 1, 'the evicted record was verified again')
    assert.equal(cache.size, 3)
  })

  it('with size 0 keeps nothing and still verifies', () => {
    const cache = new RecordCache(0)
    const bytes = signedList(alice, 5)
    assert.equal(cache.open(bytes, NOW).seq, 5)
    assert.equal(cache.size, 0)
    assert.throws(() => cache.open(bytes, Number.NaN), isCode(ErrorCode.InvalidArgument))
    assert.throws(() => new RecordCache(-1), isCode(ErrorCode.InvalidArgument))
  })
})
