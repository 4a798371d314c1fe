// One-time prekeys on real relay nodes (TCP on 127.0.0.1, LevelDB in temp
// dirs): the upload is split into disjoint shares on the k closest replicas,
// and concurrent claims from many nodes hand each key out at most once.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import { lpStream } from '@libp2p/utils'
import { encode } from '../../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { OneTimePreKey } from '../../../protocol/pb/records.js'
import { PreKeyRequest } from '../../../protocol/pb/node-replica.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREKEY_PROTOCOL, parsePreKeys } from '../../../node/prekeys/prekey-service.js'
import { PreKeyStore } from '../../../node/prekeys/prekey-store.js'
import { PREFIX, rangeEnd } from '../../../node/store/keys.js'
import { startMesh, stopAll } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'

function rand (n: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(n))
}

function preKeys (ids: number[]): Uint8Array[] {
  return ids.map((id) => encode(OneTimePreKey, { id, publicKey: rand(32) }))
}

/** key ids a node holds for a mailbox, straight from its LevelDB */
async function heldKeyIds (node: RelayNode, mailbox: Uint8Array): Promise<number[]> {
  const prefix = `${PREFIX.oneTimePreKey}${Buffer.from(mailbox).toString('hex')}!`
  const ids: number[] = []
  for await (const key of node.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) ids.push(parseInt(key.slice(prefix.length), 16))
  return ids
}

/** the replicas of a mailbox among `nodes`, in order of closeness */
function replicasIn (nodes: RelayNode[], mailbox: Uint8Array): RelayNode[] {
  return closestReference(mailbox, nodes.map((n) => n.peerId.toString()), 3)
    .map((id) => nodes.find((n) => n.peerId.toString() === id) as RelayNode)
}

function range (from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i)
}

describe('one-time prekeys (four relay nodes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []

  before(async () => { nodes = await startMesh(4) })
  after(async () => { await stopAll(nodes) })

  const replicas = (mailbox: Uint8Array): RelayNode[] => replicasIn(nodes, mailbox)

  it('splits an upload into disjoint shares on the k closest replicas, by key id', async () => {
    const mailbox = rand(32)
    const ids = range(1, 21)
    assert.equal(await nodes[0]!.prekeys.upload(mailbox, preKeys(ids)), 20)
    const order = replicas(mailbox)
    for (const [n, r] of order.entries()) {
      assert.deepEqual(await heldKeyIds(r, mailbox), ids.filter((id) => id % 3 === n), `share ${n}`)
    }
    for (const node of nodes.filter((x) => !order.includes(x))) assert.deepEqual(await heldKeyIds(node, mailbox), [])
    // re-uploading the same ids (through another node) adds nothing
    assert.equal(await nodes[3]!.prekeys.upload(mailbox, preKeys(ids)), 20)
  })

  it('never hands out the same key twice under 50 concurrent claims from every node', async () => {
    const mailbox = rand(32)
    const uploaded = preKeys(range(100, 120))
    assert.equal(await nodes[1]!.prekeys.upload(mailbox, uploaded), 20)
    const claims = await Promise.all(range(0, 50).map(async (i) => await nodes[i % nodes.length]!.prekeys.claim(mailbox)))
    const handed = claims.flatMap((c) => c.key !== undefined ? [Buffer.from(c.key).toString('hex')] : [])
    assert.equal(handed.length, 20, 'every key handed out')
    assert.equal(new Set(handed).size, 20, 'no key handed out twice')
    assert.deepEqual([...handed].sort(), uploaded.map((k) => Buffer.from(k).toString('hex')).sort())
    for (const c of claims) if (c.key === undefined) assert.equal(c.remaining, 0)
    for (const node of nodes) assert.deepEqual(await heldKeyIds(node, mailbox), [], 'claimed keys are gone from LevelDB')
    assert.deepEqual(await nodes[2]!.prekeys.claim(mailbox), { key: undefined, remaining: 0 })
  })

  it('reports what remains, so a device can top up', async () => {
    const mailbox = rand(32)
    await nodes[2]!.prekeys.upload(mailbox, preKeys(range(1, 7)))
    const first = await nodes[0]!.prekeys.claim(mailbox)
    assert.ok(first.key !== undefined)
    assert.equal(first.remaining, 5)
  })

  it('keeps "remaining" exact through claims, re-uploads and claims past the last key', async () => {
    const mailbox = rand(32)
    await nodes[1]!.prekeys.upload(mailbox, preKeys(range(1, 10)))
    const seen = new Set<string>()
    for (let expect = 8; expect >= 0; expect--) {
      const got = await nodes[expect % 4]!.prekeys.claim(mailbox)
      assert.ok(got.key !== undefined)
      seen.add(Buffer.from(got.key).toString('hex'))
      assert.equal(got.remaining, expect)
    }
    assert.equal(seen.size, 9)
    assert.deepEqual(await nodes[3]!.prekeys.claim(mailbox), { key: undefined, remaining: 0 })
    // a top-up with fresh ids (above every id handed out: a device's ids only grow)
    assert.equal(await nodes[0]!.prekeys.upload(mailbox, preKeys(range(20, 26))), 6)
    const next = await nodes[2]!.prekeys.claim(mailbox)
    assert.ok(next.key !== undefined)
    assert.equal(next.remaining, 5)
    let total = 0
    for (const r of replicas(mailbox)) total += (await heldKeyIds(r, mailbox)).length
    assert.equal(total, 5)
  })

  it('holds at most maxOneTimePreKeysPerDevice per replica and rejects malformed keys', async () => {
    const mailbox = rand(32)
    const max = nodes[0]!.config.limits.maxOneTimePreKeysPerDevice
    assert.equal(await nodes[0]!.prekeys.upload(mailbox, preKeys(range(0, 3 * max + 30))), 3 * max)
    for (const r of replicas(mailbox)) assert.equal((await heldKeyIds(r, mailbox)).length, max)

    const other = rand(32)
    await assert.rejects(nodes[0]!.prekeys.upload(other, [encode(OneTimePreKey, { id: 1, publicKey: rand(31) })]), (err) => RelaymeshError.is(err, ErrorCode.Invalid))
    await assert.rejects(nodes[0]!.prekeys.upload(other, [rand(40)]), (err) => RelaymeshError.is(err, ErrorCode.Decode))
    for (const node of nodes) assert.deepEqual(await heldKeyIds(node, other), [])
  })
})

describe('one-time prekeys whatever the network does (four relay nodes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []

  before(async () => { nodes = await startMesh(4) })
  after(async () => { await stopAll(nodes) })

  const replicas = (mailbox: Uint8Array): RelayNode[] => replicasIn(nodes, mailbox)

  /** claim through every node in turn until none is left; the ids handed out, in order */
  async function drain (mailbox: Uint8Array): Promise<number[]> {
    const ids: number[] = []
    for (let i = 0; ; i++) {
      const got = await nodes[i % nodes.length]!.prekeys.claim(mailbox)
      if (got.key === undefined) return ids
      ids.push(OneTimePreKey.decode(got.key).id)
    }
  }

  function twice (ids: number[]): number[] {
    const seen = new Set<number>()
    return ids.filter((id) => seen.has(id) || (seen.add(id), false))
  }

  it('a re-sent upload (its answer lost) stores nothing new, and no id is handed out twice', async () => {
    const mailbox = rand(32)
    const upload = preKeys(range(1, 31))
    assert.equal(await nodes[0]!.prekeys.upload(mailbox, upload), 30)
    // the same upload again before any hand-out: idempotent
    assert.equal(await nodes[1]!.prekeys.upload(mailbox, upload), 30)
    const first: number[] = []
    for (let i = 0; i < 10; i++) {
      const got = await nodes[i % 4]!.prekeys.claim(mailbox)
      first.push(OneTimePreKey.decode(got.key!).id)
    }
    // ... and again after ten hand-outs: the ids handed out are refused, the held ones stay as they are
    assert.equal(await nodes[2]!.prekeys.upload(mailbox, upload), 20)
    // a held id with another key keeps the first key
    const other = encode(OneTimePreKey, { id: 30, publicKey: rand(32) })
    await nodes[3]!.prekeys.upload(mailbox, [other])
    const rest = await drain(mailbox)
    const all = [...first, ...rest]
    assert.deepEqual(twice(all), [], 'an id handed out twice')
    assert.deepEqual([...all].sort((a, b) => a - b), range(1, 31))
    const r = replicas(mailbox)
    for (const node of r) assert.deepEqual(await heldKeyIds(node, mailbox), [])
  })

  it('a replica that stored a share but whose answer was lost does not get its share copied to another replica', async () => {
    const mailbox = rand(32)
    const order = replicas(mailbox)
    const lossy = order[2] as RelayNode
    const entry = nodes.find((n) => !order.includes(n)) as RelayNode
    // the farthest replica stores what it is sent with the real store code, then loses the answer
    await lossy.prekeys.stop()
    await lossy.host.handle(PREKEY_PROTOCOL, (stream) => {
      void (async () => {
        const lp = lpStream(stream)
        const req = PreKeyRequest.decode((await lp.read()).subarray())
        await new PreKeyStore(lossy.store).upload(Buffer.from(req.mailbox).toString('hex'), parsePreKeys(req.keys), 1000)
        stream.abort(new Error('answer lost'))
      })()
    })
    try {
      await entry.prekeys.upload(mailbox, preKeys(range(1, 31)))
    } finally {
      await lossy.host.unhandle(PREKEY_PROTOCOL)
      await lossy.prekeys.start()
    }
    assert.deepEqual(await heldKeyIds(lossy, mailbox), range(1, 31).filter((id) => id % 3 === 2), 'the lossy replica stored its share')
    const handed = await drain(mailbox)
    assert.deepEqual(twice(handed), [], 'an id handed out twice')
    assert.equal(handed.length, 30)
  })

  it('counts what the replicas of a mailbox hold, from any node', async () => {
    const mailbox = rand(32)
    for (const node of nodes) assert.equal(await node.prekeys.count(mailbox), 0)
    await nodes[1]!.prekeys.upload(mailbox, preKeys(range(1, 13)))
    await nodes[2]!.prekeys.claim(mailbox)
    for (const node of nodes) assert.equal(await node.prekeys.count(mailbox), 11)
  })
})
