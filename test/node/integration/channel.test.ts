// Public channels on three real relay nodes over TCP, with real clients: a
// post reaches a third user on another node and a user who comes online
// later; a channel other than "all" is carried once a client uses it. Every
// node refuses a forged post, an oversize post and a flood from one author,
// whether a client hands it over (CHANNEL_POST) or an admitted relay gossips it.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { initIdentity, openClient, type Client } from '../../../client/client.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { verifyChannelPost } from '../../../protocol/channel-post.js'
import { MAX_CHANNEL_TEXT_BYTES } from '../../../protocol/constants.js'
import { ed25519GenerateKeyPair, type Ed25519KeyPair } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { RequestType } from '../../../protocol/pb/client-api.js'
import { AUTHOR_POST_BURST, channelTopic } from '../../../node/channel/constants.js'
import type { RelayHost } from '../../../node/host.js'
import type { NodeMetrics } from '../../../node/metrics.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { forged, rawPost } from '../../helpers/channel.js'
import { admitTestRelay, startTestRelay } from '../mailbox/helpers.js'

const PASS = 'pass phrase'
const TOPIC = channelTopic('all')

async function counter (metric: NodeMetrics['gossipRejected'], labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get()
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k as keyof typeof v.labels] === x)).reduce((n, v) => n + v.value, 0)
}

/** the keys (author/id) of the posts a node keeps of a channel */
function kept (node: RelayNode, channel = 'all'): string[] {
  return node.channels.read(channel, 0).map((b) => verifyChannelPost(b, Date.now()).key)
}

function keyOf (bytes: Uint8Array): string {
  return verifyChannelPost(bytes, Date.now()).key
}

function authorOf (identity: Ed25519KeyPair): string {
  return Buffer.from(identity.publicKey).toString('hex') + '/'
}

describe('public channels (three nodes over TCP)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const clients: Client[] = []
  const hosts: Libp2p[] = []
  let relay: RelayHost | undefined

  async function user (name: string, node: RelayNode): Promise<{ client: Client, userId: string }> {
    const { userId } = await initIdentity(join(dir, name), PASS)
    const client = await openClient({ home: join(dir, name), passphrase: PASS, nodes: [addressOf(node)] })
    clients.push(client)
    return { client, userId }
  }

  async function connect (node: RelayNode): Promise<NodeConnection> {
    const host = await createClientHost()
    hosts.push(host)
    return await NodeConnection.connect(host, addressOf(node))
  }

  async function post (conn: NodeConnection, bytes: Uint8Array): Promise<ErrorCode | undefined> {
    try {
      await conn.request({ type: RequestType.CHANNEL_POST, channelPost: bytes })
      return undefined
    } catch (err) {
      if (RelaymeshError.is(err)) return err.code
      throw err
    }
  }

  /** an admitted relay (a stock gossipsub host) subscribed to #all with every node: it publishes straight onto the topic */
  async function relayOnTopic (): Promise<RelayHost> {
    if (relay !== undefined) return relay
    const r = relay = await startTestRelay()
    await admitTestRelay(r, nodes)
    r.services.pubsub.subscribe(TOPIC)
    for (const n of nodes) await r.dial(multiaddr(addressOf(n)))
    await waitFor(() => r.services.pubsub.getSubscribers(TOPIC).length >= nodes.length &&
      nodes.every((n) => n.host.services.pubsub.getSubscribers(TOPIC).some((p) => p.equals(r.peerId))), { what: 'the relay and the nodes subscribed to #all' })
    return r
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-channel-')
  })

  after(async () => {
    for (const c of clients) await c.close().catch(() => {})
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await relay?.stop()
    await stopAll(nodes)
    removeDir(dir)
  })

  it('a post reaches a third user on another node, and a user who comes online later sees it once', async () => {
    const alice = await user('alice', nodes[0] as RelayNode)
    const carol = await user('carol', nodes[2] as RelayNode)
    const p = await alice.client.postToChannel('hello, mesh')
    assert.deepEqual(Object.keys(p).sort(), ['channel', 'from', 'id', 'sentAt', 'text'])
    const seen = await waitFor(async () => (await carol.client.readChannel()).find((x) => x.id === p.id), { what: 'the post at Carol, on node 3' })
    assert.deepEqual(seen, { channel: 'all', id: p.id, from: alice.userId, text: 'hello, mesh', sentAt: p.sentAt })
    await waitFor(() => nodes.every((n) => (n.channels.channels().get('all') ?? 0) >= 1), { what: 'the post kept by every node' })

    // Dave did not exist when Alice posted: he comes online at node 2 and sees the post, once
    const dave = await user('dave', nodes[1] as RelayNode)
    assert.deepEqual((await dave.client.newChannelPosts()).map((x) => [x.id, x.from, x.text]), [[p.id, alice.userId, 'hello, mesh']])
    assert.deepEqual(await dave.client.newChannelPosts(), [], 'shown once')
    assert.deepEqual(await dave.client.readChannel({ since: p.sentAt }), [], 'since is exclusive')
    assert.equal((await dave.client.readChannel({ since: p.sentAt - 1 })).length, 1)
    // our own post is not handed back to us as new
    assert.deepEqual(await alice.client.newChannelPosts(), [])
    // and a later post is new to Dave
    const q = await carol.client.postToChannel('hi Alice')
    const fresh = await waitFor(async () => { const f = await dave.client.newChannelPosts(); return f.length > 0 ? f : undefined }, { what: 'Carol\'s post at Dave' })
    assert.deepEqual(fresh.map((x) => [x.id, x.from]), [[q.id, carol.userId]])
  })

  it('a channel other than "all" is carried by a node once a client reads or posts there', async () => {
    const [erin, frank] = [await user('erin', nodes[0] as RelayNode), await user('frank', nodes[2] as RelayNode)]
    assert.deepEqual(await frank.client.readChannel({ channel: 'dev-talk' }), [])
    assert.equal(nodes[2]?.channels.channels().has('dev-talk'), true)
    await waitFor(() => nodes[0]?.host.services.pubsub.getSubscribers(channelTopic('dev-talk')).some((peer) => peer.equals(nodes[2]!.peerId)), { what: 'node 3\'s subscription known at node 1' })
    const p = await erin.client.postToChannel('release on friday', { channel: 'dev-talk' })
    await waitFor(async () => (await frank.client.readChannel({ channel: 'dev-talk' })).some((x) => x.id === p.id), { what: 'the post in #dev-talk at Frank' })
    assert.equal(nodes[1]?.channels.channels().has('dev-talk'), false, 'a node nobody asked for the channel does not carry it')
    await assert.rejects(erin.client.postToChannel('x', { channel: 'Not A Name' }), (err: unknown) => RelaymeshError.is(err, ErrorCode.Invalid))
  })

  it('a forged post is refused by the node it is handed to, and by every node it is gossiped to', async () => {
    const mallory = ed25519GenerateKeyPair()
    const conn = await connect(nodes[0] as RelayNode)
    const bad = forged(rawPost(mallory, { sentAt: Date.now(), text: 'forged' }))
    assert.equal(await post(conn, bad), ErrorCode.BadSignature)

    const r = await relayOnTopic()
    const before = await Promise.all(nodes.map(async (n) => await counter(n.metrics.gossipRejected, { topic: TOPIC, reason: 'bad-signature' })))
    const other = forged(rawPost(mallory, { sentAt: Date.now(), text: 'forged again' }))
    await r.services.pubsub.publish(TOPIC, other)
    await waitFor(async () => {
      for (const [i, n] of nodes.entries()) if (await counter(n.metrics.gossipRejected, { topic: TOPIC, reason: 'bad-signature' }) <= (before[i] as number)) return false
      return true
    }, { what: 'the forged post rejected by every node' })
    for (const n of nodes) assert.equal(kept(n).some((k) => k.startsWith(authorOf(mallory))), false, 'no forged post kept')
  })

  it('an oversize post is refused, handed over or gossiped', async () => {
    const author = ed25519GenerateKeyPair()
    const conn = await connect(nodes[1] as RelayNode)
    const big = rawPost(author, { sentAt: Date.now(), text: 'x'.repeat(MAX_CHANNEL_TEXT_BYTES + 1) })
    assert.equal(await post(conn, big), ErrorCode.TooLarge)
    const r = await relayOnTopic()
    const before = await Promise.all(nodes.map(async (n) => await counter(n.metrics.gossipRejected, { topic: TOPIC, reason: 'too-large' })))
    await r.services.pubsub.publish(TOPIC, rawPost(author, { sentAt: Date.now(), text: 'y'.repeat(MAX_CHANNEL_TEXT_BYTES + 1) }))
    await waitFor(async () => {
      for (const [i, n] of nodes.entries()) if (await counter(n.metrics.gossipRejected, { topic: TOPIC, reason: 'too-large' }) <= (before[i] as number)) return false
      return true
    }, { what: 'the oversize post rejected by every node' })
    for (const n of nodes) assert.equal(kept(n).some((k) => k.startsWith(authorOf(author))), false)
  })

  it('a flood from one author: every node keeps the first 10, handed over or gossiped', async () => {
    const flooder = ed25519GenerateKeyPair()
    const conn = await connect(nodes[2] as RelayNode)
    const codes: Array<ErrorCode | undefined> = []
    for (let i = 0; i < AUTHOR_POST_BURST + 4; i++) codes.push(await post(conn, rawPost(flooder, { sentAt: Date.now(), text: `flood ${i}` })))
    assert.deepEqual(codes, [...Array(AUTHOR_POST_BURST).fill(undefined), ...Array(4).fill(ErrorCode.RateLimited)])
    await waitFor(() => nodes.every((n) => kept(n).filter((k) => k.startsWith(authorOf(flooder))).length === AUTHOR_POST_BURST), { what: 'the flooder\'s 10 posts on every node' })

    // the same from an admitted relay, straight onto the topic: every node stops at 10 too
    const r = await relayOnTopic()
    const gossiper = ed25519GenerateKeyPair()
    const posts = Array.from({ length: AUTHOR_POST_BURST + 4 }, (_, i) => rawPost(gossiper, { sentAt: Date.now(), text: `gossip flood ${i}` }))
    for (const p of posts) await r.services.pubsub.publish(TOPIC, p)
    const last = posts[posts.length - 1] as Uint8Array
    const fromGossiper = (n: RelayNode): string[] => kept(n).filter((k) => k.startsWith(authorOf(gossiper)))
    await waitFor(() => nodes.every((n) => fromGossiper(n).length === AUTHOR_POST_BURST), { what: 'the gossiped flood on every node' })
    // then a post of someone else: once it is everywhere, the flood had its chance
    const marker = rawPost(ed25519GenerateKeyPair(), { sentAt: Date.now(), text: 'after the flood' })
    await r.services.pubsub.publish(TOPIC, marker)
    await waitFor(() => nodes.every((n) => kept(n).includes(keyOf(marker))), { what: 'the marker on every node' })
    for (const n of nodes) {
      assert.equal(fromGossiper(n).length, AUTHOR_POST_BURST)
      assert.equal(kept(n).includes(keyOf(last)), false, 'the 14th post is nowhere')
    }
  })
})
