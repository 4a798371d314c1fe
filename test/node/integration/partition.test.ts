// A partition heals by itself: five in-process relay nodes (TCP on 127.0.0.1)
// are split 3/2 by their own connection gates (RelayNodeInit.denyPeers), each
// side's relay directory drops the other side after failed dials, and once
// the gate is lifted, with nobody dialling across, the liveness round's retry
// of dropped relays that still hold a node record joins the mesh again. An
// envelope stored on one side during the partition is fetched on the other
// after the heal.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import type { Libp2p } from '@libp2p/interface'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials } from '../../../client/device.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, startNode, stopAll, waitForFullDirectory } from '../../helpers/mesh.js'
import { stampedSend } from '../../helpers/sealed-send.js'
import { waitFor } from '../../helpers/wait.js'

/** a short liveness round so the retry happens within a test's time; the defaults are 15 s and 60 s */
const relayDirectory = { livenessIntervalMs: 300, livenessMinAgeMs: 1_500 }

describe('partition and heal of a five-node mesh', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  const hosts: Libp2p[] = []
  /** peer id -> side while partitioned; undefined: no partition */
  let sideOf: Map<string, number> | undefined

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await stopAll(nodes)
  })

  function gate (self: () => string): (peerId: string) => boolean {
    return (peerId) => {
      if (sideOf === undefined) return false
      const other = sideOf.get(peerId)
      return other !== undefined && other !== sideOf.get(self())
    }
  }

  async function startGated (bootstrap: string[]): Promise<RelayNode> {
    let id = ''
    const node = await startNode({ bootstrap, relayDirectory, denyPeers: gate(() => id) })
    id = node.peerId.toString()
    return node
  }

  const listed = (node: RelayNode): string[] => node.relays.peers().map(String).sort()
  const idsOf = (group: RelayNode[]): string[] => group.map((n) => n.peerId.toString()).sort()

  it('each side drops the other, and every node lists every other again after the gate lifts, without a dial from outside', async () => {
    const first = await startGated([])
    nodes.push(first)
    for (let i = 1; i < 5; i++) nodes.push(await startGated([addressOf(first)]))
    await waitForFullDirectory(nodes)
    const sideA = nodes.slice(0, 3)
    const sideB = nodes.slice(3)

    // Alice and Bob exist before the split; Alice sends on side A while Bob is offline
    const alice = createDeviceCredentials()
    const bob = createDeviceCredentials()

    // partition: gate first, then close every connection across
    sideOf = new Map(nodes.map((n, i) => [n.peerId.toString(), i < 3 ? 0 : 1]))
    await Promise.all(nodes.map(async (n) => {
      const across = n.host.getConnections().map((c) => c.remotePeer).filter((p) => {
        const s = sideOf?.get(p.toString())
        return s !== undefined && s !== sideOf?.get(n.peerId.toString())
      })
      await Promise.all(across.map(async (p) => { await n.host.hangUp(p).catch(() => {}) }))
    }))
    await waitFor(() => [...sideA, ...sideB].every((n) => {
      const own = idsOf(sideA.includes(n) ? sideA : sideB).filter((id) => id !== n.peerId.toString())
      return JSON.stringify(listed(n)) === JSON.stringify(own)
    }), { timeout: 30_000, what: 'each side to list only its own nodes' })

    const clientHost = await createClientHost()
    hosts.push(clientHost)
    const a = await NodeConnection.connect(clientHost, addressOf(sideA[0]!))
    await a.attach(alice, { onEnvelope: () => {} })
    const id = randomBytes(16)
    const res = await stampedSend(a, [bob.mailbox], id, randomBytes(200))
    assert.ok((res.sent[0]?.replicas ?? 0) >= 2, 'stored on a write quorum of side A')
    await a.detach()

    // heal: the gates let everything through again; nobody dials
    sideOf = undefined
    const lifted = Date.now()
    await waitForFullDirectory(nodes, 60_000)
    console.log(`      every directory full again ${Date.now() - lifted} ms after the gate lifted (liveness round ${relayDirectory.livenessIntervalMs} ms)`)
    for (const n of nodes) {
      assert.deepEqual(listed(n), idsOf(nodes).filter((x) => x !== n.peerId.toString()))
    }

    // Bob comes online on side B: the envelope stored on side A reaches him
    const bobHost = await createClientHost()
    hosts.push(bobHost)
    const b = await NodeConnection.connect(bobHost, addressOf(sideB[0]!))
    await b.attach(bob, { onEnvelope: () => {} })
    await waitFor(async () => (await b.fetch()).envelopes.some((e) => Buffer.from(e.id).equals(id)),
      { timeout: 30_000, what: 'the envelope stored during the partition fetched on the other side' })
    await b.ack(bob, [id])
    await b.detach()
  })
})
