// The presence topic on three real relay nodes over TCP: a blob published at
// one node reaches the others; a batch from an admitted relay with one forged
// blob is rejected whole (its publisher penalised); a valid blob from a peer
// that is no admitted relay is not taken (a plain gossipsub peer may listen,
// not speak).
import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { encode } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { PresenceBatch } from '../../../protocol/pb/node-gossip.js'
import { presenceKey, sealPresence, verifyPresenceBlob } from '../../../protocol/presence.js'
import { createHost, type RelayHost } from '../../../node/host.js'
import type { NodeMetrics } from '../../../node/metrics.js'
import { PRESENCE_TOPIC } from '../../../node/presence/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, LOOPBACK_ALLOW, startMesh, stopAll } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { admitTestRelay, startTestRelay } from '../mailbox/helpers.js'

async function counter (metric: NodeMetrics['gossipRejected'], labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get()
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k as keyof typeof v.labels] === x)).reduce((n, v) => n + v.value, 0)
}

function newBlob (seq = 1): { bytes: Uint8Array, id: Uint8Array } {
  const now = Date.now()
  const bytes = sealPresence(presenceKey(randomBytes(32)), 1, { online: true, at: now, seq, expiresAt: now + 60_000 })
  return { bytes, id: verifyPresenceBlob(bytes, now).id }
}

function forged (bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  out[out.length - 1] = (out[out.length - 1] as number) ^ 1
  return out
}

describe('presence gossip (three relay nodes over TCP)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  const hosts: RelayHost[] = []

  before(async () => {
    nodes = await startMesh(3)
  })

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await stopAll(nodes)
  })

  async function subscribed (host: RelayHost): Promise<void> {
    host.services.pubsub.subscribe(PRESENCE_TOPIC)
    for (const n of nodes) await host.dial(multiaddr(addressOf(n)))
    await waitFor(() => nodes.every((n) => n.host.services.pubsub.getSubscribers(PRESENCE_TOPIC).some((p) => p.equals(host.peerId))) &&
      host.services.pubsub.getSubscribers(PRESENCE_TOPIC).length >= nodes.length, { what: 'the peer and the relays subscribed to each other' })
  }

  const held = (n: RelayNode, id: Uint8Array): boolean => n.presence.get([id]).length === 1

  it('a blob published at one node is held by every node', async () => {
    const b = newBlob()
    await nodes[0]!.presence.publish(b.bytes)
    await waitFor(() => nodes.every((n) => held(n, b.id)), { what: 'the blob on every node' })
  })

  it('rejects a batch holding a forged blob, whole, and takes nothing from a peer that is no admitted relay', async () => {
    const relay = await startTestRelay()
    hosts.push(relay)
    await admitTestRelay(relay, nodes)
    await subscribed(relay)
    const outsider = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, allowIps: LOOPBACK_ALLOW })
    hosts.push(outsider)
    await outsider.start()
    await subscribed(outsider)

    const rejectedBefore = await Promise.all(nodes.map(async (n) => await counter(n.metrics.gossipRejected, { topic: PRESENCE_TOPIC, reason: 'bad-signature' })))
    const good = newBlob()
    const bad = newBlob()
    await relay.services.pubsub.publish(PRESENCE_TOPIC, encode(PresenceBatch, { version: WIRE_VERSION, blobs: [good.bytes, forged(bad.bytes)] }))
    const fromOutsider = newBlob()
    await outsider.services.pubsub.publish(PRESENCE_TOPIC, encode(PresenceBatch, { version: WIRE_VERSION, blobs: [fromOutsider.bytes] }))
    await waitFor(async () => {
      for (const [i, n] of nodes.entries()) if (await counter(n.metrics.gossipRejected, { topic: PRESENCE_TOPIC, reason: 'bad-signature' }) <= (rejectedBefore[i] as number)) return false
      return true
    }, { what: 'the forged batch rejected by every node' })
    // then a valid batch from the admitted relay: once it is everywhere, the others had their chance
    const later = newBlob()
    await relay.services.pubsub.publish(PRESENCE_TOPIC, encode(PresenceBatch, { version: WIRE_VERSION, blobs: [later.bytes] }))
    await waitFor(() => nodes.every((n) => held(n, later.id)), { what: 'the valid batch on every node' })
    for (const n of nodes) {
      assert.equal(held(n, good.id), false, 'a batch with a forged blob changes nothing')
      assert.equal(held(n, bad.id), false)
      assert.equal(held(n, fromOutsider.id), false, 'a peer that is no admitted relay cannot publish presence')
    }
  })
})
