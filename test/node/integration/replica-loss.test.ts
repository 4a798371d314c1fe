// The core promise, with real node processes: an envelope answered "stored"
// survives k-1 of its replicas killed at once (SIGKILL), is delivered, and is
// still there after the killed nodes restart from their data directories.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import type { Libp2p } from '@libp2p/interface'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials } from '../../../client/device.js'
import { killAll, removeDir, spawnNode, type NodeProcess } from '../../helpers/mesh.js'
import { stampedSend } from '../../helpers/sealed-send.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'

describe('replica loss (five node processes, SIGKILL)', function () {
  this.timeout(180_000)
  const procs: NodeProcess[] = []
  const hosts: Libp2p[] = []

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await killAll(procs)
    for (const p of procs) removeDir(p.dataDir)
  })

  async function connect (address: string, attachAs: ReturnType<typeof createDeviceCredentials>): Promise<NodeConnection> {
    const host = await createClientHost()
    hosts.push(host)
    const conn = await waitFor(async () => await NodeConnection.connect(host, address), { what: `connect ${address}` })
    await waitFor(async () => { await conn.attach(attachAs, { onEnvelope: () => {} }); return true }, { what: 'attach' })
    return conn
  }

  it('delivers every stored envelope with k-1 replicas killed, and after they restart', async () => {
    const first = await spawnNode()
    procs.push(first)
    // the four others start side by side (separate processes and data directories)
    procs.push(...await Promise.all(Array.from({ length: 4 }, async () => await spawnNode({ bootstrap: [first.address] }))))
    const peerIds = procs.map((p) => p.peerId)

    const alice = createDeviceCredentials()
    const bob = createDeviceCredentials()
    const replicas = closestReference(bob.mailbox, peerIds, 3)
    const others = procs.filter((p) => !replicas.includes(p.peerId))
    const entry = others[0]!

    // the entry node must know the whole mesh before placement is right
    const a = await connect(entry.address, alice)
    await waitFor(async () => (await a.status()).relays as number >= 4, { what: 'entry node connected to the mesh' })

    const ids = Array.from({ length: 20 }, () => randomBytes(16))
    for (const id of ids) {
      const res = await stampedSend(a, [bob.mailbox], id, randomBytes(512))
      assert.ok((res.sent[0]?.replicas ?? 0) >= 2)
    }

    // kill k-1 = 2 replicas at once, hard
    const victims = procs.filter((p) => replicas.slice(0, 2).includes(p.peerId))
    assert.equal(victims.length, 2)
    await killAll(victims, 'SIGKILL')

    const want = ids.map((i) => i.toString('hex')).sort()
    const b = await connect(others[1]!.address, bob)
    /** Bob's mailbox as he can fetch it, once it holds as many envelopes as were sent */
    const fetchAll = async (what: string): Promise<string[]> => await waitFor(async () => {
      const { envelopes } = await b.fetch({ limit: 1000 })
      const have = envelopes.map((e) => Buffer.from(e.id).toString('hex')).sort()
      return have.length === want.length ? have : undefined
    }, { timeout: 60_000, what })
    assert.deepEqual(await fetchAll('all envelopes from the surviving replica'), want)

    // restart the killed nodes from their data directories: nothing was lost there either
    const restarted = await Promise.all(victims.map(async (v) => await spawnNode({ dataDir: v.dataDir, bootstrap: [entry.address] })))
    for (const [i, r] of restarted.entries()) {
      assert.equal(r.peerId, victims[i]?.peerId)
      procs.push(r)
    }
    // with the third replica now killed too, the restarted ones still hold every unacknowledged envelope
    const third = procs.find((p) => p.peerId === replicas[2] && p.proc.exitCode === null && p.proc.signalCode === null)
    await killAll([third])
    assert.deepEqual(await fetchAll('all envelopes after restarts'), want)

    await b.ack(bob, ids)
    // the ack reaches every replica that answers at once; one that was restarting
    // learns it from the others' tombstones at the next handover (docs/protocol.md §10)
    await waitFor(async () => (await b.fetch()).envelopes.length === 0, { timeout: 90_000, interval: 1000, what: 'acknowledged envelopes gone from every replica' })
  })
})
