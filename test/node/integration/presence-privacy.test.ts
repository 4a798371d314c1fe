// Issue 10, point 2: nothing a gossip observer or an uninvolved relay sees
// tells when a user attaches or detaches. A plain libp2p peer (stock
// @libp2p/gossipsub, no relaymesh code) subscribes to every relaymesh topic
// of a real three-node mesh over TCP; a relay the user never talks to shows
// its record store. After the user's first registration, a detach and a
// second attach must produce no gossip message, and no record change on that
// relay, that names the user (user id, identity key, device key, mailbox).
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { noise } from '@chainsafe/libp2p-noise'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { initIdentity, openClient, type Client } from '../../../client/client.js'
import { RecordKind } from '../../../protocol/constants.js'
import { mailboxAddress } from '../../../protocol/identity.js'
import type { DeviceList } from '../../../protocol/pb/records.js'
import { openRecord } from '../../../protocol/records.js'
import { PREFIX } from '../../../node/store/keys.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

const PASS = 'pass phrase'
/** every gossip topic a relaymesh node uses (records, node records; presence blobs go to their k replicas, never into gossip) */
const TOPICS = ['/relaymesh/1/records', '/relaymesh/1/nodes']

interface Seen { topic: string, data: Uint8Array, at: number }

async function recordSnapshot (node: RelayNode): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for await (const [key, value] of node.store.range({ gte: PREFIX.record, lt: PREFIX.record + '\xff' })) out.set(key, Buffer.from(value).toString('hex'))
  return out
}

describe('presence privacy: a gossip observer cannot tell when a user attaches', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let observer: Libp2p<{ pubsub: GossipSub }>
  let dir: string
  const seen: Seen[] = []
  let client: Client | undefined

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-presence-privacy-')
    observer = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), pubsub: gossipsub({ allowPublishToZeroTopicPeers: true }) }
    })
    observer.services.pubsub.addEventListener('message', (evt) => {
      seen.push({ topic: evt.detail.topic, data: evt.detail.data.slice(), at: Date.now() })
    })
    for (const t of TOPICS) observer.services.pubsub.subscribe(t)
    for (const n of nodes) await observer.dial(multiaddr(addressOf(n)))
    // the observer is in every node's mesh for every topic
    await waitFor(() => nodes.every((n) => TOPICS.every((t) => n.host.services.pubsub.getSubscribers(t).some((p) => p.equals(observer.peerId)))),
      { what: 'the observer to be subscribed on every node' })
  })

  after(async () => {
    await client?.close().catch(() => {})
    await observer?.stop()
    await stopAll(nodes)
    if (dir !== undefined) removeDir(dir)
  })

  it('a detach and a second attach put nothing naming the user into gossip or into an uninvolved relay\'s records', async () => {
    const home = join(dir, 'alice')
    const { userId } = await initIdentity(home, PASS, { name: 'alice' })
    const entry = nodes[0] as RelayNode
    const bystander = nodes[2] as RelayNode
    // first registration: device list and prekey bundle reach every relay
    client = await openClient({ home, passphrase: PASS, nodes: [addressOf(entry)] })
    await client.connect()
    await waitFor(async () => (await bystander.records.userRecords(userId)).length >= 2, { what: 'the user\'s records on the bystander' })
    const list = openRecord((await bystander.records.userRecords(userId))[0] as Uint8Array, Date.now())
    assert.equal(list.kind, RecordKind.DeviceList)
    const devices = (list.body as DeviceList).devices
    const needles: Array<[string, Buffer]> = [
      ['user id', Buffer.from(userId)],
      ['identity key', Buffer.from(list.identityKey)],
      ...devices.map((d): [string, Buffer] => [`device ${d.deviceId} key`, Buffer.from(d.deviceKey)]),
      ...devices.map((d): [string, Buffer] => [`device ${d.deviceId} mailbox`, Buffer.from(mailboxAddress(list.identityKey, d.deviceId))])
    ]
    // let the registration's gossip settle, then watch
    await new Promise((resolve) => setTimeout(resolve, 1500))
    // the observer hears the user's records (else this test could not fail)
    assert.ok(seen.some((s) => s.topic === '/relaymesh/1/records' && needles.some(([, needle]) => Buffer.from(s.data).includes(needle))),
      'the observer heard the registration\'s records')
    const before = await recordSnapshot(bystander)
    const from = seen.length

    await client.close()
    client = await openClient({ home, passphrase: PASS, nodes: [addressOf(entry)] })
    await client.connect()
    // what the attach publishes, and everything that follows it
    await new Promise((resolve) => setTimeout(resolve, 2000))

    const window = seen.slice(from)
    for (const s of window) {
      for (const [what, needle] of needles) {
        assert.ok(!Buffer.from(s.data).includes(needle), `a gossip message on ${s.topic} names the user's ${what}`)
      }
    }
    const after = await recordSnapshot(bystander)
    for (const [key, value] of after) {
      if (before.get(key) === value) continue
      for (const [what, needle] of needles) {
        assert.ok(!Buffer.from(value, 'hex').includes(needle) && !key.includes(userId), `the bystander's record ${key} changed and names the user's ${what}`)
      }
    }
  })
})
