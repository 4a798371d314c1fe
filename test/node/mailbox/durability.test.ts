// The replication promises on real relay nodes (TCP on 127.0.0.1, LevelDB in
// temp dirs): an envelope answered "stored" survives k-1 replicas stopped at
// once and is served after they restart (with everything still on disk);
// handover after closer nodes join loses nothing; and with fewer than a write
// quorum of replicas reachable, store refuses with a typed error.
// The its run in order on one growing mesh.
import { strict as assert } from 'node:assert'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { createRelayNode, type RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startNode, TEST_NODE_OPTIONS } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { ackProof, envelope, fetchIds, heldIds, hex, mailboxOf, newDevice, publishDevice, rand, replicasOf, waitForEachOther, type TestDevice } from './helpers.js'

describe('mailbox durability (replica loss, restart, handover)', function () {
  this.timeout(120_000)
  /** every node ever started (stopped ones included), for cleanup */
  const all: RelayNode[] = []
  /** the nodes currently running */
  let live: RelayNode[] = []

  async function start (dataDir?: string): Promise<RelayNode> {
    const boot = live[0] !== undefined ? [addressOf(live[0])] : []
    // a restart reuses its data directory (startNode would make a new one)
    const node = dataDir !== undefined
      ? await createRelayNode({ listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: boot, dataDir, ...TEST_NODE_OPTIONS })
      : await startNode({ bootstrap: boot })
    all.push(node)
    live.push(node)
    return node
  }

  async function stop (nodes: RelayNode[]): Promise<void> {
    live = live.filter((n) => !nodes.includes(n))
    await Promise.all(nodes.map(async (n) => { await n.stop() }))
  }

  before(async () => {
    for (let i = 0; i < 5; i++) await start()
    await waitForEachOther(live)
  })

  after(async () => {
    await Promise.all(live.map(async (n) => { await n.stop().catch(() => {}) }))
    for (const dir of new Set(all.map((n) => n.config.dataDir))) removeDir(dir)
  })

  it('serves every stored envelope with k-1 replicas stopped at once, and after they restart from their data', async () => {
    const device = newDevice()
    const mailbox = device.mailbox
    const replicas = replicasOf(live, mailbox)
    const entry = live.find((n) => !replicas.includes(n)) as RelayNode
    const ids: string[] = []
    for (let i = 0; i < 20; i++) {
      const env = envelope(mailbox, 512)
      ids.push(hex(env.id))
      const res = await entry.mailbox.store(env)
      assert.ok(res.replicas.length >= 2)
    }
    ids.sort()
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 20) return false; return true }, { what: 'all three replicas written' })

    const [v0, v1, survivor] = replicas as [RelayNode, RelayNode, RelayNode]
    const dirs = [v0.config.dataDir, v1.config.dataDir]
    await stop([v0, v1])

    // whatever the entry node's directory believes right now, the survivor answers
    assert.deepEqual(await fetchIds(entry, device), ids)
    assert.deepEqual(await fetchIds(survivor, device), ids)

    // restart one from its data directory (same key, same LevelDB): everything is still on disk
    const back1 = await start(dirs[1])
    assert.ok(back1.peerId.equals(v1.peerId), 'same peer id')
    assert.deepEqual(await heldIds(back1, mailbox), ids, 'every unacknowledged envelope is still on disk')
    await waitForEachOther(live)

    // while the other is still down, more envelopes arrive (a quorum: the survivor and the restarted one)
    const whileDown: string[] = []
    for (let i = 0; i < 5; i++) {
      const env = envelope(mailbox, 512)
      whileDown.push(hex(env.id))
      await entry.mailbox.store(env)
    }
    const everything = [...ids, ...whileDown].sort()

    const back0 = await start(dirs[0])
    assert.ok(back0.peerId.equals(v0.peerId), 'same peer id')
    assert.deepEqual(await heldIds(back0, mailbox), ids, 'every unacknowledged envelope is still on disk')
    await waitForEachOther(live)
    for (const n of [back0, back1, entry]) {
      assert.deepEqual(await fetchIds(n, device), everything)
    }
    // the restarted replica gets back what it missed; any stand-in hands over and drops its copies
    await waitFor(async () => {
      for (const n of live) await mailboxOf(n).handover()
      for (const n of live) {
        const held = (await heldIds(n, mailbox)).join()
        if (held !== (replicas.some((r) => r.peerId.equals(n.peerId)) ? everything.join() : '')) return false
      }
      return true
    }, { what: 'every envelope on exactly the original replicas', timeout: 30_000 })
  })

  it('hands envelopes over when closer nodes join, and loses none', async () => {
    const stored = new Map<string, { mailbox: Uint8Array<ArrayBuffer>, device: TestDevice, ids: string[] }>()
    for (let m = 0; m < 30; m++) {
      const device = newDevice()
      const mailbox = device.mailbox
      const ids: string[] = []
      for (let i = 0; i < 2; i++) {
        const env = envelope(mailbox, 300)
        ids.push(hex(env.id))
        await live[m % live.length]!.mailbox.store(env)
      }
      stored.set(hex(mailbox), { mailbox, device, ids: ids.sort() })
    }
    const before = [...live]
    const handedBefore = await sumMetric(before)

    for (let i = 0; i < 3; i++) await start()
    await waitForEachOther(live)
    const newcomers = live.filter((n) => !before.includes(n))
    const responsible = [...stored.values()].filter((s) => replicasOf(live, s.mailbox).some((r) => newcomers.includes(r)))
    assert.ok(responsible.length > 0, 'some mailbox now belongs to a new node')

    await waitFor(async () => {
      for (const n of live) await mailboxOf(n).handover()
      for (const { mailbox, ids } of stored.values()) {
        const replicas = replicasOf(live, mailbox)
        for (const n of live) {
          const held = await heldIds(n, mailbox)
          if (replicas.includes(n) ? held.join() !== ids.join() : held.length > 0) return false
        }
      }
      return true
    }, { what: 'every mailbox on exactly its new k closest nodes', timeout: 40_000 })

    assert.ok(await sumMetric(before) > handedBefore, 'envelopesHandedOver counted')
    for (const { device, ids } of stored.values()) {
      assert.deepEqual(await fetchIds(newcomers[0]!, device), ids)
    }
  })

  it('a replica that missed an ack while down learns it at handover and deletes its copy', async () => {
    const device = newDevice()
    const mailbox = device.mailbox
    const replicas = replicasOf(live, mailbox)
    const entry = live.find((n) => !replicas.includes(n)) as RelayNode
    const keep = envelope(mailbox)
    const acked = envelope(mailbox)
    await entry.mailbox.store(keep)
    await entry.mailbox.store(acked)
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 2) return false; return true })

    const late = replicas[2] as RelayNode
    const dir = late.config.dataDir
    await stop([late])
    await publishDevice(entry, device)
    await entry.mailbox.ack(mailbox, [acked.id], { proof: ackProof(device, [acked.id]) })
    const back = await start(dir)
    assert.deepEqual(await heldIds(back, mailbox), [hex(keep.id), hex(acked.id)].sort(), 'it still holds the acknowledged envelope')
    await waitForEachOther(live)
    await waitFor(async () => {
      for (const n of live) await mailboxOf(n).handover()
      for (const n of live) {
        const held = (await heldIds(n, mailbox)).join()
        if (held !== (replicas.some((r) => r.peerId.equals(n.peerId)) ? hex(keep.id) : '')) return false
      }
      return true
    }, { what: 'the acknowledged envelope gone everywhere, the other on its replicas', timeout: 30_000 })
    assert.deepEqual((await back.mailbox.fetch(mailbox)).map((e) => hex(e.id)), [hex(keep.id)])
  })

  it('refuses with a typed error when fewer than a write quorum of replicas is reachable', async () => {
    const mailbox = rand(32)
    const survivor = live[0] as RelayNode
    // leave one node: writeQuorum - 1 = 1 replica reachable, whatever its directory still lists
    await stop(live.slice(1))
    await assert.rejects(survivor.mailbox.store(envelope(mailbox)), (err) => RelaymeshError.is(err, ErrorCode.Unavailable))
  })
})

async function sumMetric (nodes: RelayNode[]): Promise<number> {
  let total = 0
  for (const n of nodes) total += (await n.metrics.envelopesHandedOver.get()).values[0]?.value ?? 0
  return total
}
