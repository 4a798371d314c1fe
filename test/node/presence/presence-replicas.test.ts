// Presence replicas (docs/protocol.md §9, "Presence replicas") on five real
// relay nodes over TCP, k = 2: a blob is kept by the k relays closest to its
// id and by no other relay (an uninvolved relay learns nothing of it), and
// PRESENCE_GET at any node finds it; of what the replicas answer, the newest
// blob wins; a PUT with one forged blob changes nothing; a relay keeps no
// blob whose id it is not responsible for; a peer that is no admitted relay
// is refused.
import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { decode, encode, type Loose } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { PresenceRequest, PresenceRequestType, PresenceResponse, ReplicaStatus } from '../../../protocol/pb/node-replica.js'
import { presenceKey, sealPresence, verifyPresenceBlob } from '../../../protocol/presence.js'
import { createHost, type RelayHost } from '../../../node/host.js'
import { request } from '../../../node/mailbox/rpc.js'
import { PRESENCE_PROTOCOL, PRESENCE_SPREAD } from '../../../node/presence/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, LOOPBACK_ALLOW, startMesh, stopAll } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { closestReference } from '../../helpers/placement.js'
import { admitTestRelay, replicasOf, startTestRelay } from '../mailbox/helpers.js'

const K = 2

function newBlob (key = presenceKey(randomBytes(32)), seq = 1): { bytes: Uint8Array, id: Uint8Array, key: Uint8Array } {
  const now = Date.now()
  const bytes = sealPresence(key, 1, { online: true, at: now, seq, expiresAt: now + 60_000 })
  return { bytes, id: verifyPresenceBlob(bytes, now).id, key }
}

function forged (bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  out[out.length - 1] = (out[out.length - 1] as number) ^ 1
  return out
}

async function ask (from: RelayHost, to: RelayNode, req: Loose<Partial<PresenceRequest>>): Promise<PresenceResponse> {
  const frame = encode(PresenceRequest, { version: WIRE_VERSION, ...req })
  const answer = await request(from, to.peerId, PRESENCE_PROTOCOL, frame, { signal: AbortSignal.timeout(20_000), maxFrameBytes: 1 << 20 })
  return decode(PresenceResponse, answer, 1 << 20, 'PresenceResponse')
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

describe('presence replicas (five relay nodes over TCP, k = 2)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  const hosts: RelayHost[] = []
  let relay: RelayHost

  before(async () => {
    nodes = await startMesh(5, { replicas: K })
    relay = await startTestRelay()
    hosts.push(relay)
    await admitTestRelay(relay, nodes)
  })

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await stopAll(nodes)
  })

  const holds = (n: RelayNode, id: Uint8Array): boolean => n.presence.held(id) !== undefined

  /** a blob whose k replicas are relay nodes (the admitted test relay, which keeps nothing, is no replica of it) */
  function nodeKeptBlob (): ReturnType<typeof newBlob> {
    for (;;) {
      const b = newBlob()
      const all = [...nodes.map((n) => n.peerId.toString()), relay.peerId.toString()]
      if (!closestReference(b.id, all, K).includes(relay.peerId.toString())) return b
    }
  }

  it('a blob is kept by the k relays closest to its id, by no other, and found by PRESENCE_GET at every node', async () => {
    const b = nodeKeptBlob()
    const keepers = replicasOf(nodes, b.id, K)
    const entry = nodes.find((n) => !keepers.includes(n)) as RelayNode
    await entry.presence.publish(b.bytes)
    await waitFor(() => keepers.every((n) => holds(n, b.id)), { what: 'the blob on its k replicas' })
    // the PUTs left together; give a flood time to reach the others
    await sleep(1000)
    for (const n of nodes) if (!keepers.includes(n)) assert.equal(holds(n, b.id), false, 'a relay that is no replica of the blob holds it')
    for (const n of nodes) {
      const got = await n.presence.get([b.id])
      assert.deepEqual(got.map((x) => Buffer.from(x).toString('hex')), [Buffer.from(b.bytes).toString('hex')], 'PRESENCE_GET at every node finds the blob')
    }
  })

  it('the newest blob any replica holds wins over an older one the others replay', async () => {
    const old = nodeKeptBlob()
    const keepers = replicasOf(nodes, old.id, K)
    const asker = nodes.find((n) => !keepers.includes(n)) as RelayNode
    await asker.presence.publish(old.bytes)
    await waitFor(() => keepers.every((n) => holds(n, old.id)), { what: 'the first blob on its k replicas' })
    // the newer blob reaches one replica only (the other one, as a withholding relay would, keeps the old)
    const newer = newBlob(old.key, 2)
    const res = await ask(relay, keepers[1] as RelayNode, { type: PresenceRequestType.PRESENCE_PUT, blobs: [newer.bytes] })
    assert.equal(res.status, ReplicaStatus.REPLICA_OK)
    assert.equal(res.stored, 1)
    for (let i = 0; i < 3; i++) {
      const got = await asker.presence.get([old.id])
      assert.equal(got.length, 1)
      assert.equal(verifyPresenceBlob(got[0] as Uint8Array, Date.now()).seq, 2, 'the newest blob wins')
    }
  })

  it('a PUT with one forged blob changes nothing; a relay keeps no blob it is not responsible for', async () => {
    const good = newBlob()
    const replica = replicasOf(nodes, good.id, K)[0] as RelayNode
    const refused = await ask(relay, replica, { type: PresenceRequestType.PRESENCE_PUT, blobs: [good.bytes, forged(newBlob().bytes)] })
    assert.equal(refused.status, ReplicaStatus.REPLICA_ERROR)
    assert.equal(refused.errorCode, 'ERR_BAD_SIGNATURE')
    assert.equal(holds(replica, good.id), false, 'a PUT with a forged blob keeps nothing')
    const taken = await ask(relay, replica, { type: PresenceRequestType.PRESENCE_PUT, blobs: [good.bytes] })
    assert.equal(taken.stored, 1)
    assert.ok(holds(replica, good.id))

    // the one node outside the PRESENCE_SPREAD * k closest of an id keeps nothing of it
    assert.equal(PRESENCE_SPREAD * K, nodes.length - 1)
    const stray = newBlob()
    const outside = nodes.find((n) => !replicasOf(nodes, stray.id, PRESENCE_SPREAD * K).includes(n)) as RelayNode
    const res = await ask(relay, outside, { type: PresenceRequestType.PRESENCE_PUT, blobs: [stray.bytes] })
    assert.equal(res.status, ReplicaStatus.REPLICA_OK)
    assert.equal(res.stored, 0)
    assert.equal(holds(outside, stray.id), false, 'a relay keeps a blob whose id is not its to keep')
  })

  it('refuses a peer that is no admitted relay, PUT and FETCH alike', async () => {
    const outsider = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, allowIps: LOOPBACK_ALLOW })
    hosts.push(outsider)
    await outsider.start()
    const b = newBlob()
    const replica = replicasOf(nodes, b.id, K)[0] as RelayNode
    await outsider.dial(multiaddr(addressOf(replica)))
    const put = await ask(outsider, replica, { type: PresenceRequestType.PRESENCE_PUT, blobs: [b.bytes] })
    assert.equal(put.status, ReplicaStatus.REPLICA_ERROR)
    assert.equal(put.errorCode, 'ERR_UNAUTHORIZED')
    assert.equal(holds(replica, b.id), false)
    await replica.presence.publish(b.bytes)
    const fetch = await ask(outsider, replica, { type: PresenceRequestType.PRESENCE_FETCH, ids: [b.id] })
    assert.equal(fetch.status, ReplicaStatus.REPLICA_ERROR)
    assert.equal(fetch.blobs.length, 0)
  })
})
