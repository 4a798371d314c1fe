import assert from 'node:assert/strict'
import { join } from 'node:path'
import fc from 'fast-check'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { encode } from '../../../protocol/codec.js'
import { CONTEXT, WIRE_VERSION } from '../../../protocol/constants.js'
import { concat } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { NodeRecord, SignedNodeRecord } from '../../../protocol/pb/node-gossip.js'
import { MAX_NODE_RECORD_LIFETIME_MS } from '../../../node/relays/constants.js'
import { openNodeRecord, signNodeRecord } from '../../../node/relays/node-record.js'
import { NodeRecordBook } from '../../../node/relays/node-record-book.js'
import { nodeRecordPages } from '../../../node/relays/node-exchange.js'
import { closestTo, compareDistance } from '../../../node/relays/xor.js'
import { nodeIdOf } from '../../../node/relays/node-id.js'
import { openStore } from '../../../node/store/db.js'
import { closestReference } from '../../helpers/placement.js'
import { removeDir, tempDir } from '../../helpers/mesh.js'

const ADDRS = [
  multiaddr('/ip4/127.0.0.1/tcp/4001'),
  multiaddr('/ip4/0.0.0.0/tcp/4001'),
  multiaddr('/ip6/::1/tcp/4002/p2p/12D3KooWLdFKJeuNQ9RVm1RURk95mLnqMgpK5cxrDWJp5aYb7L6s')
]

async function expectCode (p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => RelaymeshError.is(err, code))
}

/** a SignedNodeRecord with arbitrary fields, signed by `key` */
async function craft (key: PrivateKey, fields: Partial<NodeRecord>): Promise<Uint8Array> {
  const record = encode(NodeRecord, {
    version: WIRE_VERSION,
    peerId: peerIdFromPrivateKey(key).toMultihash().bytes,
    multiaddrs: [],
    seq: 1,
    expiresAt: Date.now() + 60_000,
    ...fields
  } as NodeRecord)
  const signature = await key.sign(concat(CONTEXT.nodeRecord, record))
  return encode(SignedNodeRecord, { version: WIRE_VERSION, record, signature } as SignedNodeRecord)
}

describe('node records (node/relays/node-record.ts)', () => {
  let key: PrivateKey
  let peerId: PeerId

  before(async () => {
    key = await generateKeyPair('Ed25519')
    peerId = peerIdFromPrivateKey(key)
  })

  it('round-trips: peer id, seq, expiry, and publishable multiaddrs (no wildcard, no /p2p)', async () => {
    const now = Date.now()
    const bytes = await signNodeRecord(key, peerId, { multiaddrs: ADDRS, seq: 7, expiresAt: now + 60_000 })
    const r = await openNodeRecord(bytes, now)
    assert.ok(r.peerId.equals(peerId))
    assert.equal(r.id, peerId.toString())
    assert.equal(r.seq, 7)
    assert.equal(r.expiresAt, now + 60_000)
    assert.deepEqual(r.multiaddrs.map(String), ['/ip4/127.0.0.1/tcp/4001', '/ip6/::1/tcp/4002'])
    assert.deepEqual(r.bytes, bytes)
  })

  it('rejects a tampered signature, and a record naming another peer than its signer (BadSignature)', async () => {
    const now = Date.now()
    const bytes = await signNodeRecord(key, peerId, { multiaddrs: [], seq: 1, expiresAt: now + 60_000 })
    const tampered = bytes.slice()
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
    await expectCode(openNodeRecord(tampered, now), ErrorCode.BadSignature)
    const other = await generateKeyPair('Ed25519')
    const impostor = await craft(other, { peerId: peerId.toMultihash().bytes })
    await expectCode(openNodeRecord(impostor, now), ErrorCode.BadSignature)
    // verify: false is only for records this node checked before storing them
    assert.equal((await openNodeRecord(impostor, now, { verify: false })).id, peerId.toString())
  })

  it('rejects expired records (Expired) and expiries too far ahead (Decode)', async () => {
    const now = Date.now()
    await expectCode(openNodeRecord(await craft(key, { expiresAt: now }), now), ErrorCode.Expired)
    await expectCode(openNodeRecord(await craft(key, { expiresAt: now + MAX_NODE_RECORD_LIFETIME_MS + 1 }), now), ErrorCode.Decode)
  })

  it('rejects malformed records with Decode: non-canonical, wrong version, no inline key, bad multiaddr, oversized', async () => {
    const now = Date.now()
    const good = await craft(key, {})
    await expectCode(openNodeRecord(concat(good, Uint8Array.of(0x78, 0x01)), now), ErrorCode.Decode) // unknown field 15
    await expectCode(openNodeRecord(await craft(key, { version: 2 }), now), ErrorCode.Decode)
    const rsaStyle = peerIdFromString('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N')
    await expectCode(openNodeRecord(await craft(key, { peerId: rsaStyle.toMultihash().bytes }), now), ErrorCode.Decode)
    await expectCode(openNodeRecord(await craft(key, { multiaddrs: [Uint8Array.of(0xff, 0xff, 0xff)] }), now), ErrorCode.Decode)
    await expectCode(openNodeRecord(new Uint8Array(64 * 1024), now), ErrorCode.Decode)
  })

  it('turns any byte string into a typed error, never anything else', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
      try {
        await openNodeRecord(bytes, Date.now())
        return false
      } catch (err) {
        return RelaymeshError.is(err)
      }
    }), { numRuns: 300 })
  })

  it('pages node records by count and bytes, the last page marked done', () => {
    assert.deepEqual(nodeRecordPages([]).map((p) => [p.records.length, p.done]), [[0, true]])
    const many = Array.from({ length: 600 }, () => new Uint8Array(100))
    assert.deepEqual(nodeRecordPages(many).map((p) => [p.records.length, p.done]), [[256, false], [256, false], [88, true]])
    const big = Array.from({ length: 300 }, () => new Uint8Array(4000))
    const pages = nodeRecordPages(big)
    assert.ok(pages.every((p) => p.records.reduce((n, r) => n + r.byteLength, 0) <= 256 * 1024))
    assert.equal(pages.reduce((n, p) => n + p.records.length, 0), 300)
  })
})

describe('node record book (LevelDB)', () => {
  it('keeps the latest seq per peer, drops expired records, and reloads after a restart', async () => {
    const dir = tempDir()
    try {
      const now = Date.now()
      const keys = await Promise.all([0, 1].map(async () => await generateKeyPair('Ed25519')))
      const [a, b] = keys as [PrivateKey, PrivateKey]
      const open = async (k: PrivateKey, seq: number, ttl: number): Promise<Awaited<ReturnType<typeof openNodeRecord>>> =>
        await openNodeRecord(await signNodeRecord(k, peerIdFromPrivateKey(k), { multiaddrs: [], seq, expiresAt: now + ttl }), now)
      let store = await openStore(join(dir, 'db'))
      const book = new NodeRecordBook(store)
      assert.equal(await book.add(await open(a, 5, 60_000), now, Infinity), 'newer')
      assert.equal(await book.add(await open(a, 4, 60_000), now, Infinity), 'older')
      assert.equal(await book.add(await open(a, 5, 60_000), now, Infinity), 'same')
      assert.equal(await book.add(await open(a, 6, 60_000), now, Infinity), 'newer')
      assert.equal(await book.add(await open(b, 1, 1_000), now, Infinity), 'newer')
      assert.equal(book.all(now).length, 2)
      assert.deepEqual(await book.expire(now + 2_000), [peerIdFromPrivateKey(b).toString()])
      await store.close()

      store = await openStore(join(dir, 'db'))
      const reloaded = new NodeRecordBook(store)
      assert.equal(await reloaded.load(now, (r) => r.expiresAt), 1)
      assert.equal(reloaded.get(peerIdFromPrivateKey(a).toString())?.seq, 6)
      await store.close()
    } finally {
      removeDir(dir)
    }
  })
})

describe('kad-dht key space (node/relays/xor.ts)', () => {
  it('closestTo over puzzle node ids equals a brute-force sort by XOR distance (test/helpers/placement.ts)', async () => {
    const peers = await Promise.all(Array.from({ length: 12 }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
    const entries = peers.map((p) => ({ peerId: p, nodeId: nodeIdOf(p.toMultihash().bytes, new Uint8Array(0)) }))
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 14 }), (key, k) => {
      const got = closestTo(key, entries, k).map((e) => e.peerId.toString())
      return JSON.stringify(got) === JSON.stringify(closestReference(key, peers.map(String), k))
    }), { numRuns: 300 })
  })

  it('compareDistance is antisymmetric and zero only for equal ids; closestTo refuses bad keys', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b, key) => {
      const ab = Math.sign(compareDistance(a, b, key))
      return ab === -Math.sign(compareDistance(b, a, key)) && (ab === 0) === Buffer.from(a).equals(Buffer.from(b))
    }), { numRuns: 300 })
    assert.throws(() => closestTo(new Uint8Array(31), [], 3), (err: unknown) => RelaymeshError.is(err, ErrorCode.InvalidArgument))
    assert.throws(() => closestTo(new Uint8Array(32), [], -1), (err: unknown) => RelaymeshError.is(err, ErrorCode.InvalidArgument))
  })
})
