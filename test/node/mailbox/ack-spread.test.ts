// Where an acknowledgement goes (docs/protocol.md §10, "Acknowledging"): in a
// settled mesh to the k replicas only; right after a change of the relay set
// (or when a replica missed it) to the next k too, which hold stand-in copies
// after churn. Real relay nodes over TCP on 127.0.0.1, LevelDB in temp dirs.
import { strict as assert } from 'node:assert'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREFIX } from '../../../node/store/keys.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { ackProof, envelope, heldIds, hex, newDevice, publishDevice, replicasOf } from './helpers.js'

async function tombstoned (node: RelayNode, mailbox: Uint8Array, id: Uint8Array): Promise<boolean> {
  return await node.store.get(`${PREFIX.ack}${hex(mailbox)}!${hex(id)}`) !== undefined
}

describe('ack spread (six relay nodes)', function () {
  this.timeout(60_000)
  const all: RelayNode[] = []
  after(async () => { await stopAll(all) })

  it('in a settled mesh an ack goes to the k replicas; within the settle window to the next k too', async () => {
    // node 0 counts the mesh as settled at once, the others never within this test
    const settled = await startMesh(1, { ackSpreadSettleMs: 0 })
    all.push(...settled)
    const rest = await startMesh(5, { ackSpreadSettleMs: 10 * 60_000, bootstrap: [addressOf(settled[0]!)] })
    all.push(...rest)
    await waitFor(() => all.every((n) => n.relays.peers().length >= all.length - 1), { what: 'six nodes to know each other' })
    const ids = all.map((n) => n.peerId.toString())
    for (const [entry, expectSpread] of [[all[0]!, false], [all[1]!, true]] as const) {
      const device = newDevice()
      const mailbox = device.mailbox
      await publishDevice(entry, device)
      const env = envelope(mailbox)
      await entry.mailbox.store(env)
      const replicas = replicasOf(all, mailbox)
      await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).length !== 1) return false; return true })
      await entry.mailbox.ack(mailbox, [env.id], { proof: ackProof(device, [env.id]) })
      for (const r of replicas) {
        assert.deepEqual(await heldIds(r, mailbox), [], 'every replica deleted it')
        assert.ok(await tombstoned(r, mailbox, env.id), 'and keeps a tombstone')
      }
      const next = closestReference(mailbox, ids, 6).slice(3).map((p) => all.find((n) => n.peerId.toString() === p) as RelayNode)
      for (const n of next) {
        // (the entry node applies an ack to its own copies only when it holds some: it holds none here)
        if (n === entry) continue
        assert.equal(await tombstoned(n, mailbox, env.id), expectSpread, expectSpread ? 'the next k got it too' : 'the next k were not asked')
      }
    }
  })

  it('in a settled mesh an ack that a replica misses still succeeds on the others', async () => {
    const entry = all[0]!
    // a mailbox whose replicas do not include the entry node
    let d = newDevice()
    while (replicasOf(all, d.mailbox).includes(entry)) d = newDevice()
    await publishDevice(entry, d)
    const env = envelope(d.mailbox)
    await entry.mailbox.store(env)
    const replicas = replicasOf(all, d.mailbox)
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, d.mailbox)).length !== 1) return false; return true })
    const down = replicas[0]!
    await down.stop()
    await entry.mailbox.ack(d.mailbox, [env.id], { proof: ackProof(d, [env.id]) })
    for (const r of replicas.slice(1)) {
      assert.deepEqual(await heldIds(r, d.mailbox), [], 'the live replicas deleted it')
      assert.ok(await tombstoned(r, d.mailbox, env.id))
    }
  })
})
