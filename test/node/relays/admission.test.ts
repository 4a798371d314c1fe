// Relay admission (issue 9, point 1), with real relay nodes over TCP on
// 127.0.0.1: only a valid node record admitted by this node makes a peer a
// relay (never identify's protocol list), a record must carry the node-id
// puzzle's work, and relays ground close to a mailbox hold its mail only once
// they are stable. docs/protocol.md.
import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import type { PrivateKey } from '@libp2p/interface'
import { decode, encode } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { NodeRecordPage } from '../../../protocol/pb/node-gossip.js'
import { ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus } from '../../../protocol/pb/node-replica.js'
import { createHost, type RelayHost } from '../../../node/host.js'
import { gossipScoring } from '../../../node/gossip/scoring.js'
import { REPLICA_PROTOCOL } from '../../../node/mailbox/constants.js'
import { NODES_PROTOCOL } from '../../../node/relays/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, startMesh, startNode, stopAll, waitForFullDirectory } from '../../helpers/mesh.js'
import { closestReference, kadKey, nodeIdReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { envelope, heldIds, newDevice, rand } from '../mailbox/helpers.js'

const ids = (nodes: RelayNode[]): string[] => nodes.map((n) => n.peerId.toString()).sort()
const lists = (n: RelayNode, peer: string): boolean => n.relays.peers().some((p) => p.toString() === peer)

/** XOR distance of a to key, as a comparable buffer */
const dist = (a: Uint8Array, key: Uint8Array): Buffer => Buffer.from(a.map((b, i) => b ^ (key[i] as number)))

async function rejectedUnauthorized (n: RelayNode): Promise<number> {
  const m = await n.metrics.gossipRejected.get()
  return m.values.filter((v) => v.labels.reason === 'unauthorized').reduce((s, v) => s + v.value, 0)
}

describe('relay admission (real nodes over TCP)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let stock: RelayHost | undefined

  afterEach(async () => {
    await stock?.stop()
    stock = undefined
    await stopAll(nodes)
    nodes = []
  })

  it('a stock libp2p peer serving /relaymesh/replica/1.0.0 and /relaymesh/nodes/1.0.0 is never a relay: not placed, refused by the replica and nodes protocols', async () => {
    nodes = await startMesh(3)
    stock = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, gossip: gossipScoring() })
    await stock.start()
    const asked = new Set<string>()
    await stock.handle(REPLICA_PROTOCOL, (stream) => { void stream.close() })
    await stock.handle(NODES_PROTOCOL, (stream, connection) => { asked.add(connection.remotePeer.toString()); stream.abort(new Error('no records')) })
    const stockId = stock.peerId.toString()
    for (const n of nodes) await stock.dial(multiaddr(addressOf(n)), { signal: AbortSignal.timeout(10_000) })
    // every node identified it (it lists relay protocols) and asked it for its record
    await waitFor(() => nodes.every((n) => asked.has(n.peerId.toString())), { what: 'every node to ask the stock peer for its node record' })
    for (const n of nodes) {
      const known = await n.host.peerStore.get(stock.peerId)
      assert.ok(known.protocols.includes(REPLICA_PROTOCOL), 'identify told the node the stock peer serves the replica protocol')
      assert.ok(!lists(n, stockId), 'not in the live set')
      assert.equal(n.relays.isAdmitted(stock.peerId), false)
      for (let i = 0; i < 200; i++) {
        assert.ok(!n.relays.closest(rand(32), 3).some((p) => p.equals(stock!.peerId)), 'never placed as a replica')
      }
    }

    // the replica protocol refuses it before reading the request
    const target = nodes[0] as RelayNode
    const rs = await stock.dialProtocol(target.peerId, REPLICA_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
    const lp = lpStream(rs)
    await lp.write(encode(ReplicaRequest, { version: WIRE_VERSION, type: ReplicaRequestType.REPLICA_FETCH, mailbox: rand(32), limit: 10 } as ReplicaRequest))
    const answer = decode(ReplicaResponse, (await lp.read({ signal: AbortSignal.timeout(5_000) })).subarray(), 1 << 20, 'ReplicaResponse')
    assert.equal(answer.status, ReplicaStatus.REPLICA_ERROR)
    assert.equal(answer.errorCode, ErrorCode.Unauthorized)

    // the node exchange serves nothing to a peer that presents no admitted record
    const ns = await stock.dialProtocol(target.peerId, NODES_PROTOCOL, { signal: AbortSignal.timeout(5_000) })
    const nlp = lpStream(ns)
    await nlp.write(encode(NodeRecordPage, { version: WIRE_VERSION, records: [], done: true }))
    await assert.rejects(nlp.read({ signal: AbortSignal.timeout(5_000) }), 'no page of node records for an unadmitted peer')
  })

  it('refuses a node record whose node id carries too little puzzle work; admits one with enough, placed at its puzzle node id', async () => {
    nodes = await startMesh(3, { idDifficulty: 8 })
    // a real relay, run at difficulty 0: its node id (empty nonce) carries fewer than 8 bits of work
    let key: PrivateKey
    do key = await generateKeyPair('Ed25519')
    while (nodeIdReference(peerIdFromPrivateKey(key).toString(), new Uint8Array(0)).readUInt8(0) === 0)
    const cheap = await startNode({ privateKey: key, idDifficulty: 0, bootstrap: [addressOf(nodes[0] as RelayNode)] })
    const cheapId = cheap.peerId.toString()
    // it meets every honest node (their records reach it when they ask it for its own) and each refuses its record
    await waitFor(async () => (await Promise.all(nodes.map(rejectedUnauthorized))).every((c) => c > 0) && cheap.relays.peers().length === 3,
      { what: 'every honest node to refuse the cheap record' })
    for (const n of nodes) {
      assert.ok(!lists(n, cheapId))
      assert.equal(n.relays.isAdmitted(cheap.peerId), false)
      assert.ok(!n.relays.nodeRecords().some((r) => r.id === cheapId))
    }
    nodes.push(cheap)

    // the control: a relay that solved the puzzle is admitted everywhere and placed where the reference puts it
    const fair = await startNode({ idDifficulty: 8, bootstrap: [addressOf(nodes[1] as RelayNode)] })
    nodes.push(fair)
    const honest = [nodes[0], nodes[1], nodes[2], fair] as RelayNode[]
    await waitForFullDirectory(honest)
    assert.ok(!honest.some((n) => lists(n, cheapId)))
    for (let i = 0; i < 32; i++) {
      const k = rand(32)
      const expected = closestReference(k, ids(honest), 3)
      for (const n of honest) assert.deepEqual(n.relays.closest(k, 3).map(String), expected)
    }
  })

  it('relays ground close to a mailbox do not hold its mail until they are stable', async () => {
    const stableAfterMs = 3_000
    // fresh honest nodes that take nobody for stable at once (no first-start grace)
    nodes = await startMesh(3, { stableAfterMs, relayDirectory: { stabilityBootstrapMs: 0 } })
    const honest = [...nodes]
    await waitFor(() => honest.every((n) => n.relays.closest(rand(32), 3).length === 3), { what: 'placement' })
    await new Promise((resolve) => setTimeout(resolve, stableAfterMs + 200)) // the honest nodes become stable to each other
    const device = newDevice()
    const m = device.mailbox
    // the attacker grinds three keys closer to the mailbox than every honest node, both in
    // kad-dht's key space (sha256 of the peer id) and by node id (the nonce, at difficulty 0)
    const bestKad = honest.map((n) => kadKey(n.peerId.toString())).map((k) => dist(k, m)).sort(Buffer.compare)[0] as Buffer
    const bestNode = honest.map((n) => nodeIdReference(n.peerId.toString())).map((k) => dist(k, m)).sort(Buffer.compare)[0] as Buffer
    const ground: Array<{ key: PrivateKey, nonce: Uint8Array }> = []
    for (let tries = 0; ground.length < 3 && tries < 100_000; tries++) {
      const key = await generateKeyPair('Ed25519')
      const id = peerIdFromPrivateKey(key).toString()
      if (Buffer.compare(dist(kadKey(id), m), bestKad) >= 0) continue
      for (let i = 1; ; i++) {
        const nonce = new Uint8Array(8)
        new DataView(nonce.buffer).setUint32(4, i)
        if (Buffer.compare(dist(nodeIdReference(id, nonce), m), bestNode) < 0) { ground.push({ key, nonce }); break }
      }
    }
    assert.equal(ground.length, 3)
    const boot = addressOf(honest[0] as RelayNode)
    const sybils: RelayNode[] = []
    for (const g of ground) {
      const s = await startNode({ privateKey: g.key, bootstrap: [boot], relayDirectory: { idNonce: g.nonce } })
      sybils.push(s)
      nodes.push(s)
    }
    await waitFor(() => honest.every((n) => sybils.every((s) => lists(n, s.peerId.toString()))), { what: 'the honest nodes to admit the ground relays' })

    const stored = await (honest[0] as RelayNode).mailbox.store(envelope(m))
    // "stored" once the write quorum persisted it: every replica that did is an honest one
    assert.ok(stored.replicas.length >= 2 && stored.replicas.every((r) => ids(honest).includes(r)), `the stable honest relays hold the mail (${stored.replicas.join(', ')})`)
    for (const s of sybils) assert.deepEqual(await heldIds(s, m), [])
    for (const n of honest) assert.deepEqual(n.relays.closest(m, 3).map(String).sort(), ids(honest))

    // the trade-off, written down: once stable (still up after stableAfterMs), they are the closest
    await waitFor(() => honest.every((n) => n.relays.closest(m, 3).every((p) => sybils.some((s) => s.peerId.equals(p)))),
      { timeout: stableAfterMs + 5_000, what: 'the ground relays to become stable' })
  })
})
