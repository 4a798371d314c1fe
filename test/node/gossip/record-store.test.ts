import assert from 'node:assert/strict'
import { join } from 'node:path'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { encode } from '../../../protocol/codec.js'
import { CONTEXT, RecordKind, WIRE_VERSION } from '../../../protocol/constants.js'
import { concat, ed25519Sign } from '../../../protocol/crypto/primitives.js'
import { PreKeyBundle, SignedRecord } from '../../../protocol/pb/records.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { RecordBatch } from '../../../protocol/pb/node-gossip.js'
import { compareRecords, openRecord } from '../../../protocol/records.js'
import { SYNC_BUCKETS, SYNC_DIGEST_BYTES } from '../../../node/gossip/constants.js'
import { bucketOf, RecordStore } from '../../../node/gossip/record-store.js'
import { decodeBatch, judgeBatch } from '../../../node/gossip/record-validator.js'
import { openStore, type NodeStore } from '../../../node/store/db.js'
import { PREFIX, rangeEnd } from '../../../node/store/keys.js'
import { removeDir, tempDir } from '../../helpers/mesh.js'
import { bundleKey, bundleRecord, deviceListRecord, forged, HOUR, mailboxOf, newUser, presenceKey, presenceRecord, type TestUser } from './fixtures.js'

const open = (bytes: Uint8Array): ReturnType<typeof openRecord> => openRecord(bytes, Date.now())

/** bucket digests computed from scratch: XOR of the first SYNC_DIGEST_BYTES of each record's digest */
function referenceDigests (records: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(SYNC_BUCKETS * SYNC_DIGEST_BYTES)
  for (const bytes of records) {
    const v = open(bytes)
    const off = bucketOf(v.userId) * SYNC_DIGEST_BYTES
    for (let i = 0; i < SYNC_DIGEST_BYTES; i++) out[off + i] = (out[off + i] as number) ^ (v.digest[i] as number)
  }
  return out
}

async function storedKeys (db: NodeStore): Promise<string[]> {
  const keys: string[] = []
  for await (const k of db.keys({ gte: PREFIX.record, lt: rangeEnd(PREFIX.record) })) keys.push(k)
  return keys
}

describe('record store (node/gossip/record-store.ts, real LevelDB)', () => {
  let dir: string
  let db: NodeStore
  let alice: TestUser
  let bob: TestUser
  let node: PeerId

  before(async () => {
    alice = newUser()
    bob = newUser()
    node = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  })

  beforeEach(async () => {
    dir = tempDir()
    db = await openStore(join(dir, 'db'))
  })

  afterEach(async () => {
    await db.close()
    removeDir(dir)
  })

  it('keeps the latest seq per record key', async () => {
    const store = new RecordStore(db)
    const now = Date.now()
    const [b1, b2, b0] = [bundleRecord(alice, 1), bundleRecord(alice, 2), bundleRecord(alice, 0)]
    assert.deepEqual(await store.apply([open(b1)], now), ['newer'])
    assert.deepEqual(await store.apply([open(b1)], now), ['same'])
    assert.deepEqual(await store.apply([open(b0)], now), ['older'])
    assert.deepEqual(await store.get(bundleKey(alice), now), b1)
    // two versions in one batch: the newer one wins whatever the order
    assert.deepEqual(await store.apply([open(b2), open(b1)], now), ['newer', 'older'])
    assert.deepEqual(await store.get(bundleKey(alice), now), b2)
    assert.equal(store.size, 1)
  })

  it('commits concurrent calls together, in call order', async () => {
    const store = new RecordStore(db)
    const now = Date.now()
    const [b1, b2] = [bundleRecord(alice, 1), bundleRecord(alice, 2)]
    const results = await Promise.all([
      store.apply([open(b1)], now, { sync: true }),
      store.apply([open(b2)], now),
      store.apply([open(b1), open(bundleRecord(bob, 1))], now, { sync: true })
    ])
    assert.deepEqual(results, [['newer'], ['newer'], ['older', 'newer']])
    assert.deepEqual(await store.get(bundleKey(alice), now), b2)
    assert.equal((await storedKeys(db)).length, 2)
  })

  it('settles equal seqs with compareRecords, so every node keeps the same record whatever the order', async () => {
    const now = Date.now()
    const x = bundleRecord(alice, 5)
    const y = bundleRecord(alice, 5, { expiresAt: now + 2 * HOUR })
    const winner = compareRecords(open(x), open(y)) === 'newer' ? x : y
    const s1 = new RecordStore(db)
    await s1.apply([open(x)], now)
    await s1.apply([open(y)], now)
    const dir2 = tempDir()
    const db2 = await openStore(join(dir2, 'db'))
    try {
      const s2 = new RecordStore(db2)
      await s2.apply([open(y)], now)
      await s2.apply([open(x)], now)
      assert.deepEqual(await s1.get(bundleKey(alice), now), winner)
      assert.deepEqual(await s2.get(bundleKey(alice), now), winner)
      assert.deepEqual(s1.bucketDigests(), s2.bucketDigests())
      assert.deepEqual(s1.differingBuckets(s2.bucketDigests()), [])
    } finally {
      await db2.close()
      removeDir(dir2)
    }
  })

  it('drops expired records on read and purges them from LevelDB', async () => {
    const store = new RecordStore(db)
    const now = Date.now()
    const short = bundleRecord(alice, 1, { expiresAt: now + 1_000 })
    const kept = bundleRecord(bob, 1)
    await store.apply([open(short), open(kept)], now)
    assert.ok(await store.get(bundleKey(alice), now) !== undefined)
    assert.equal(await store.get(bundleKey(alice), now + 1_000), undefined)
    assert.equal((await storedKeys(db)).length, 2)
    assert.equal(await store.purge(now + 1_000), 1)
    assert.equal((await storedKeys(db)).length, 1)
    assert.deepEqual(store.bucketDigests(), referenceDigests([kept]))
  })

  it('keeps bucket digests equal to a from-scratch XOR through replacements, purges and a reload', async () => {
    const store = new RecordStore(db)
    const now = Date.now()
    const carol = newUser()
    const a1 = bundleRecord(alice, 1)
    const a2 = bundleRecord(alice, 2)
    const b1 = deviceListRecord(bob, 1)
    const c1 = bundleRecord(carol, 1, { expiresAt: now + 500 })
    await store.apply([open(a1), open(b1), open(c1)], now)
    assert.deepEqual(store.bucketDigests(), referenceDigests([a1, b1, c1]))
    await store.apply([open(a2)], now)
    assert.deepEqual(store.bucketDigests(), referenceDigests([a2, b1, c1]))
    await store.purge(now + 500)
    assert.deepEqual(store.bucketDigests(), referenceDigests([a2, b1]))
    const reloaded = new RecordStore(db)
    assert.equal(await reloaded.load(now), 2)
    assert.deepEqual(reloaded.bucketDigests(), store.bucketDigests())
    // buckets that differ are exactly those of the records one side lacks
    const fresh = new RecordStore(db)
    assert.deepEqual(fresh.differingBuckets(store.bucketDigests()).sort((x, y) => x - y),
      [...new Set([bucketOf(alice.userId), bucketOf(bob.userId)])].sort((x, y) => x - y))
    assert.equal(fresh.differingBuckets(new Uint8Array(0)).length, SYNC_BUCKETS)
  })

  it('returns a user\'s device list and bundles; a retired presence record left on disk is dropped at load', async () => {
    const store = new RecordStore(db)
    const now = Date.now()
    const list = deviceListRecord(alice, 1, [1, 2])
    const d1 = bundleRecord(alice, 1, { deviceId: 1 })
    const d2 = bundleRecord(alice, 1, { deviceId: 2 })
    await store.apply([open(list), open(d1), open(d2), open(bundleRecord(bob, 1)), open(deviceListRecord(bob, 1))], now)
    const got = await store.userRecords(alice.userId, now)
    assert.equal(got.length, 3)
    assert.deepEqual(new Set(got.map((b) => Buffer.from(b).toString('hex'))), new Set([list, d1, d2].map((b) => Buffer.from(b).toString('hex'))))
    assert.deepEqual(await store.userRecords(newUser().userId, now), [])

    // what an older node wrote (the record service refuses these now: record-validator.ts)
    await store.apply([open(presenceRecord(alice, 1, node.toMultihash().bytes, { deviceId: 2 }))], now)
    const keysBefore = (await storedKeys(db)).length
    const reloaded = new RecordStore(db)
    await reloaded.load(now)
    assert.equal(await reloaded.get(presenceKey(alice, 2), now), undefined)
    assert.equal((await storedKeys(db)).length, keysBefore - 1, 'the presence record is deleted from LevelDB')
    assert.equal((await reloaded.userRecords(alice.userId, now)).length, 3)
  })

  it('stops taking new keys at maxRecords, but still takes newer versions of held ones', async () => {
    const store = new RecordStore(db, { maxRecords: 1 })
    const now = Date.now()
    assert.deepEqual(await store.apply([open(bundleRecord(alice, 1))], now), ['newer'])
    assert.deepEqual(await store.apply([open(bundleRecord(bob, 1))], now), ['full'])
    assert.deepEqual(await store.apply([open(bundleRecord(alice, 2))], now), ['newer'])
  })
})

describe('gossip validation (node/gossip/record-validator.ts)', () => {
  let dir: string
  let db: NodeStore
  let store: RecordStore
  let alice: TestUser

  before(() => { alice = newUser() })

  beforeEach(async () => {
    dir = tempDir()
    db = await openStore(join(dir, 'db'))
    store = new RecordStore(db)
  })

  afterEach(async () => {
    await db.close()
    removeDir(dir)
  })

  const judge = async (records: Uint8Array[], now = Date.now(), grace = 60_000): ReturnType<typeof judgeBatch> =>
    await judgeBatch(records, store, now, grace)

  it('decodes batches bounded, and refuses garbage and empty batches with Decode', () => {
    const b = bundleRecord(alice, 1)
    assert.deepEqual(decodeBatch(encode(RecordBatch, { version: WIRE_VERSION, records: [b as Uint8Array<ArrayBuffer>] })), [b])
    for (const bad of [new Uint8Array([0xff, 0xff, 0xff]), encode(RecordBatch, { version: WIRE_VERSION, records: [] }),
      encode(RecordBatch, { version: 2, records: [b as Uint8Array<ArrayBuffer>] }), new Uint8Array(2 * 1024 * 1024)]) {
      assert.throws(() => decodeBatch(bad), (err: unknown) => RelaymeshError.is(err, ErrorCode.Decode))
    }
  })

  it('accepts new records, and rejects a whole batch for one forged or long-expired record', async () => {
    const good = bundleRecord(alice, 1)
    const accepted = await judge([good])
    assert.equal(accepted.result, 'accept')
    assert.equal(accepted.result === 'accept' ? accepted.fresh.length : 0, 1)
    assert.deepEqual(await judge([good, forged(bundleRecord(newUser(), 1))]).then((v) => [v.result, v.result === 'reject' && v.reason]), ['reject', 'bad-signature'])
    const expired = bundleRecord(newUser(), 1, { expiresAt: Date.now() - 10 * 60_000 })
    assert.deepEqual(await judge([good, expired]).then((v) => [v.result, v.result === 'reject' && v.reason]), ['reject', 'expired'])
    // judging stores nothing
    assert.equal(store.size, 0)
  })

  it('ignores, without blame, a record that expired within the grace period', async () => {
    const recent = bundleRecord(alice, 1, { expiresAt: Date.now() - 1_000 })
    assert.deepEqual(await judge([recent]), { result: 'ignore', reason: 'stale' })
  })

  it('rejects a bundle whose prekey signatures do not verify even though the record signature does', async () => {
    const v = open(bundleRecord(alice, 1))
    if (v.kind !== RecordKind.PreKeyBundle || v.body.signedPrekey === undefined) throw new Error('unreachable')
    // signRecord refuses such a bundle, so sign it by hand as a careless or hostile client would
    const body = encode(PreKeyBundle, { ...v.body, signedPrekey: { ...v.body.signedPrekey, signature: ed25519Sign(alice.identity.privateKey, new Uint8Array(3)) as Uint8Array<ArrayBuffer> } })
    const signature = ed25519Sign(alice.identity.privateKey, concat(CONTEXT.record, Uint8Array.of(RecordKind.PreKeyBundle), body))
    const bad = encode(SignedRecord, { version: WIRE_VERSION, kind: RecordKind.PreKeyBundle, body: body as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
    assert.deepEqual(await judge([bad]).then((r) => [r.result, r.result === 'reject' && r.reason]), ['reject', 'bad-signature'])
  })

  it('ignores stale records inside the replay grace, and rejects them as replays after it', async () => {
    const now = Date.now()
    const held = bundleRecord(alice, 2)
    await store.apply([open(held)], now)
    const old = bundleRecord(alice, 1)
    assert.deepEqual(await judge([old], now + 1_000, 60_000), { result: 'ignore', reason: 'stale' })
    // the same record again is a duplicate, never a replay
    assert.deepEqual(await judge([held], now + 61_000, 60_000), { result: 'ignore', reason: 'stale' })
    const late = await judge([old], now + 61_000, 60_000)
    assert.deepEqual([late.result, late.result === 'reject' && late.reason], ['reject', 'replay'])
  })
})
