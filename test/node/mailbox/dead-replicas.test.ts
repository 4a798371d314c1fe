// Dead relays must not block writes until their node records expire (15 min):
// a node that never had a connection to two dead replicas of a mailbox (so no
// disconnect told it anything) still gets its store through, in one call: the
// failed writes are reported to its relay directory, which probes the peers,
// drops them, and store() retries once on the recomputed k closest live relays.
// Real relay nodes over TCP on 127.0.0.1, LevelDB in temp dirs.
import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, startNode, stopAll, waitForFullDirectory } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { envelope, heldIds, hex, rand } from './helpers.js'

/**
 * A firewall on `node`: no connection to or from `blocked`, either way. It is
 * libp2p's connection gater, which libp2p consults on every dial and upgrade
 * (the gater object is read at call time, so it can be set on a running node).
 */
function firewall (node: RelayNode, blocked: PeerId): void {
  const gater = (node.host as unknown as { components: { connectionGater: Record<string, unknown> } }).components.connectionGater
  gater.denyDialPeer = async (peer: PeerId) => peer.equals(blocked)
  gater.denyInboundEncryptedConnection = async (peer: PeerId) => peer.equals(blocked)
  gater.denyOutboundEncryptedConnection = async (peer: PeerId) => peer.equals(blocked)
}

/** Stop a node without goodbyes: every connection is aborted first (as if the process died), then it stops. */
async function hardStop (node: RelayNode): Promise<void> {
  for (const conn of node.host.getConnections()) conn.abort(new Error('crashed'))
  await node.stop()
}

describe('dead replicas (five relay nodes)', function () {
  this.timeout(90_000)
  const nodes: RelayNode[] = []

  after(async () => { await stopAll(nodes) })

  it('a store from a node with no connection to two dead replicas succeeds at once on the new k closest live nodes', async () => {
    // Roles from the keys, made before any node starts: a mailbox, its k = 3 closest
    // (X, Y die; Z survives and bootstraps the mesh) and two others (E, the entry node, and B).
    // Not every 3-set is some key's closest set under XOR, so the mailbox is drawn first.
    const keys = await Promise.all(Array.from({ length: 5 }, async () => await generateKeyPair('Ed25519')))
    const ids = keys.map((k) => peerIdFromPrivateKey(k).toString())
    const mailbox = rand(32)
    const closest = closestReference(mailbox, ids, 3)
    const keyOf = (id: string): PrivateKey => keys[ids.indexOf(id)] as PrivateKey
    const others = ids.filter((id) => !closest.includes(id))
    const [xId, yId, zId] = closest as [string, string, string]
    const [eId, bId] = others as [string, string]
    const entryId = peerIdFromString(eId)
    // E is firewalled from X and Y from before it exists, so it only ever hears of them
    // through node records relayed by Z and B
    const z = await startNode({ privateKey: keyOf(zId) }); nodes.push(z)
    const boot = [addressOf(z)]
    const b = await startNode({ bootstrap: boot, privateKey: keyOf(bId) }); nodes.push(b)
    const x = await startNode({ bootstrap: boot, privateKey: keyOf(xId) }); nodes.push(x)
    firewall(x, entryId)
    const y = await startNode({ bootstrap: boot, privateKey: keyOf(yId) }); nodes.push(y)
    firewall(y, entryId)
    const e = await startNode({ bootstrap: boot, privateKey: keyOf(eId) }); nodes.push(e)
    await waitForFullDirectory(nodes)

    // E lists X and Y as live relays and has no connection to them (a dial of E's that X's firewall
    // refuses can show on E's side for a moment, under load, until X's close reaches it)
    for (const dead of [x, y]) {
      assert.ok(e.relays.peers().some((p) => p.equals(dead.peerId)), 'E lists the replica before it dies')
      await waitFor(() => e.host.getConnections(dead.peerId).length === 0, { timeout: 10_000, what: 'E to have no connection to it' })
    }
    assert.deepEqual(e.relays.closest(mailbox, 3).map(String).sort(), closestReference(mailbox, ids, 3).sort())

    await Promise.all([hardStop(x), hardStop(y)])
    const survivors = [z, b, e]
    const newReplicas = closestReference(mailbox, survivors.map((n) => n.peerId.toString()), 3)

    // the send: polled with a deadline, but the first call is expected to succeed
    const env = envelope(mailbox)
    let attempts = 0
    const started = Date.now()
    const res = await waitFor(async () => {
      attempts++
      return await e.mailbox.store(env)
    }, { timeout: 30_000, interval: 200, what: 'a store with two of three replicas dead' })
    const elapsed = Date.now() - started
    console.log(`      store with 2 dead replicas: ${attempts} call(s), ${elapsed} ms`)
    assert.equal(attempts, 1, 'the first store() call succeeded (report, probe, retry on the new replica set)')
    assert.ok(res.replicas.length >= 2)
    for (const r of res.replicas) assert.ok(newReplicas.includes(r), 'persisted only on the new k closest live nodes')
    // E dropped the dead relays from its live set
    for (const dead of [x, y]) assert.ok(!e.relays.peers().some((p) => p.equals(dead.peerId)), 'E no longer lists the dead replica')
    assert.deepEqual(e.relays.closest(mailbox, 3).map(String).sort(), [...newReplicas].sort())
    // and it lands on all of them
    await waitFor(async () => {
      for (const n of survivors) if (!(await heldIds(n, mailbox)).includes(hex(env.id))) return false
      return true
    }, { timeout: 20_000, what: 'the envelope on each of the new k closest nodes' })
    assert.deepEqual((await z.mailbox.fetch(mailbox)).map((m) => hex(m.id)), [hex(env.id)])
  })
})
