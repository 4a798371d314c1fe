import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { createHost, type RelayHost } from '../../../node/host.js'
import { gossipScoring } from '../../../node/gossip/scoring.js'
import { NODES_TOPIC } from '../../../node/relays/constants.js'
import { signNodeRecord } from '../../../node/relays/node-record.js'
import { kadId } from '../../../node/relays/xor.js'
import { closestReference, nodeIdReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { connect, invalidDeliveries, scoreOf, startRelay, startRelays, stopRelays, waitForDirectories, type TestRelay } from './harness.js'
import { LOOPBACK_ALLOW } from '../../helpers/mesh.js'

function ids (peers: PeerId[]): string[] {
  return peers.map(String).sort()
}

describe('relay directory (five relays over TCP)', function () {
  this.timeout(60_000)
  let nodes: TestRelay[] = []
  const extra: TestRelay[] = []
  let attacker: RelayHost | undefined

  before(async () => {
    nodes = await startRelays(5)
    await waitForDirectories(nodes)
  })

  after(async () => {
    await attacker?.stop()
    await stopRelays([...nodes, ...extra])
  })

  it('converges on every relay to the full set, and closest(key, 3) is the same everywhere and equals a brute-force XOR sort', () => {
    const all = nodes.map((n) => n.id)
    for (const n of nodes) {
      assert.deepEqual(ids(n.relays.peers()), all.filter((id) => id !== n.id).sort())
      // every node record is held (its own included)
      assert.deepEqual(n.relays.nodeRecords().map((r) => r.id).sort(), [...all].sort())
    }
    for (let i = 0; i < 64; i++) {
      const key = randomBytes(32)
      const expected = closestReference(key, all, 3)
      for (const n of nodes) assert.deepEqual(n.relays.closest(key, 3).map(String), expected)
      // asking for more than there are returns everyone, self included, closest first
      assert.deepEqual(nodes[0]?.relays.closest(key, 10).map(String), closestReference(key, all, 5))
    }
  })

  it('places relays at their puzzle node ids, not where kad-dht puts them (sha256 of the peer id)', () => {
    for (const n of nodes) {
      const own = n.relays.nodeRecords().find((r) => r.id === n.id)
      assert.ok(own !== undefined)
      assert.deepEqual(Buffer.from(n.relays.nodeId()), nodeIdReference(n.id, own.idNonce))
      assert.notDeepEqual(Buffer.from(n.relays.nodeId()), Buffer.from(kadId(n.host.peerId)))
    }
  })

  it('drops a stopped relay promptly; restarted with its data dir it knows the set at once and is re-admitted everywhere', async () => {
    const victim = nodes[4] as TestRelay
    const survivors = nodes.slice(0, 4)
    let changes = 0
    // liveness comes from the relays that talk to it: wait until each survivor has a connection to the victim
    // (kad-dht and gossipsub open them a moment after the directories agree)
    await waitFor(() => survivors.every((n) => n.host.getConnections(victim.host.peerId).length > 0),
      { timeout: 15_000, what: 'every survivor connected to the relay about to stop' })
    const off = survivors[0]?.relays.onChange(() => { changes++ })
    await victim.stop()
    await waitFor(() => survivors.every((n) => !n.relays.peers().some((p) => p.toString() === victim.id)),
      { timeout: 15_000, what: 'survivors to drop the stopped relay' })
    await waitFor(() => changes > 0, { timeout: 2_000, what: 'onChange after the relay set changed' })
    off?.()

    // no bootstrap: what it knows at once comes from its LevelDB
    const restarted = await startRelay({ dir: victim.dir, privateKey: victim.privateKey })
    nodes[4] = restarted
    assert.equal(restarted.id, victim.id)
    assert.deepEqual(ids(restarted.relays.peers()), survivors.map((n) => n.id).sort())
    await connect(restarted.host, survivors[0] as TestRelay)
    await waitForDirectories(nodes, 15_000)
    const key = randomBytes(32)
    const expected = closestReference(key, nodes.map((n) => n.id), 3)
    for (const n of nodes) assert.deepEqual(n.relays.closest(key, 3).map(String), expected)
  })

  it('a relay that joins later learns the whole set from the relays it meets, and they learn of it', async () => {
    const late = await startRelay({ bootstrap: [(nodes[2] as TestRelay).address] })
    extra.push(late)
    const all = [...nodes, late]
    await waitForDirectories(all)
    // through signed node records, not only through whom each one is connected to
    const everyone = all.map((n) => n.id).sort()
    await waitFor(() => all.every((n) => JSON.stringify(n.relays.nodeRecords().map((r) => r.id).sort()) === JSON.stringify(everyone)),
      { what: 'every relay to hold every node record' })
  })

  it('rejects a forged node record on the nodes topic everywhere and penalises the peer that sent it', async () => {
    const key = await generateKeyPair('Ed25519')
    attacker = await createHost({ privateKey: key, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, allowIps: LOOPBACK_ALLOW, gossip: gossipScoring({ ipColocationWhitelist: LOOPBACK_ALLOW }) })
    await attacker.start()
    const attackerId = attacker.peerId.toString()
    attacker.services.pubsub.subscribe(NODES_TOPIC)
    for (const n of nodes) await connect(attacker, n)
    await waitFor(() => nodes.every((n) => n.host.services.pubsub.getSubscribers(NODES_TOPIC).some((p) => p.toString() === attackerId)) &&
      attacker?.services.pubsub.getSubscribers(NODES_TOPIC).length === nodes.length, { what: 'relays to see the attacker subscribed' })
    for (const n of nodes) assert.ok(scoreOf(n.host, attackerId) >= 0)

    // a record naming a made-up peer, signed by the attacker's key instead of that peer's
    const victimKey = await generateKeyPair('Ed25519')
    const victim = peerIdFromPrivateKey(victimKey)
    const forged = await signNodeRecord(key, victim, { multiaddrs: [], seq: Date.now(), expiresAt: Date.now() + 60_000 })
    await attacker.services.pubsub.publish(NODES_TOPIC, forged)

    await waitFor(() => nodes.every((n) => scoreOf(n.host, attackerId) < 0), { what: 'the attacker penalised on every relay' })
    for (const n of nodes) {
      assert.ok(!n.relays.nodeRecords().some((r) => r.id === victim.toString()))
      assert.ok(!n.relays.peers().some((p) => p.equals(victim)))
      const rejected = await n.metrics.gossipRejected.get()
      assert.ok(rejected.values.some((v) => v.labels.topic === NODES_TOPIC && v.labels.reason === 'bad-signature' && v.value >= 1))
    }
    // honest relays are never penalised for what they forwarded (gossipsub may still
    // briefly dock a restarted relay for re-grafting inside a prune backoff: P7, not ours)
    for (const n of nodes) {
      for (const o of nodes) if (o !== n) assert.equal(invalidDeliveries(n.host, o.id), 0)
      assert.ok(invalidDeliveries(n.host, attackerId) > 0)
    }
  })
})
