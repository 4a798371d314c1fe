// The client's sealed transport (issue 10, point 1), with real clients on a
// real three-node mesh: the node a device is attached to sees none of its
// sending. Every SEND, prekey CLAIM, lookup of another user and PRESENCE_GET
// leaves from the client's send channel (a throwaway libp2p peer, never the
// attach peer) through a node other than the attached one. Counted with the
// nodes' per-type request metric, which names no one.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client } from '../../client/client.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'

/** How many client requests of `type` a node received. */
async function requests (node: RelayNode, type: string): Promise<number> {
  const m = await node.metrics.clientRequests.get()
  return m.values.find((v) => v.labels.type === type)?.value ?? 0
}

/** The peer ids a node has connections with. */
function peersOf (node: RelayNode): string[] {
  return node.host.getConnections().map((c) => c.remotePeer.toString())
}

describe('the client sends sealed, through a node other than the one it is attached to', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []

  after(async () => {
    for (const c of open) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('the attached node gets no SEND, CLAIM_PREKEY or PRESENCE_GET; the sending peer is not the attach peer', async () => {
    nodes = await startMesh(3)
    const [a, b, c] = nodes as [RelayNode, RelayNode, RelayNode]
    dir = tempDir('relaymesh-sealed-transport-')
    const ids: Record<string, string> = {}
    for (const who of ['alice', 'bob']) ids[who] = (await initIdentity(join(dir, who), PASS)).userId
    // Alice lists two nodes: she attaches to the first, her sends leave through the other
    const alice = await openClient({ home: join(dir, 'alice'), passphrase: PASS, nodes: [addressOf(a), addressOf(b)] })
    const bob = await openClient({ home: join(dir, 'bob'), passphrase: PASS, nodes: [addressOf(c)] })
    open.push(alice, bob)
    await alice.connect()
    await bob.connect()
    await waitFor(async () => (await b.records.userRecords(ids.bob as string)).length >= 2, { what: 'Bob\'s records on node 2' })
    await alice.addContact('bob', ids.bob as string)
    await bob.addContact('alice', ids.alice as string)
    const attachPeer = (alice as unknown as { p: { conns: { connection: { host: { peerId: { toString: () => string } } } } } }).p.conns.connection.host.peerId.toString()
    const before = { send: await requests(a, 'SEND'), claim: await requests(a, 'CLAIM_PREKEY'), presence: await requests(a, 'PRESENCE_GET') }
    const sentBefore = await requests(b, 'SEND')

    // a first message (lookup, one-time prekey claim, stamped send), Bob's answer, a second message (access key)
    await alice.send(ids.bob as string, 'hello Bob')
    await waitFor(async () => (await bob.receive()).some((m) => m.text === 'hello Bob'), { what: 'Bob to get it' })
    await bob.send(ids.alice as string, 'hi Alice')
    await waitFor(async () => (await alice.receive()).some((m) => m.text === 'hi Alice'), { what: 'Alice to get the answer' })
    await alice.send(ids.bob as string, 'second')
    // and Alice asks whether Bob is online (he shared his profile key with his answer)
    assert.equal(await alice.presenceOf(ids.bob as string), 'online')

    assert.deepEqual({ send: await requests(a, 'SEND'), claim: await requests(a, 'CLAIM_PREKEY'), presence: await requests(a, 'PRESENCE_GET') }, before,
      'the node Alice is attached to got none of her sending')
    assert.ok(await requests(b, 'SEND') >= sentBefore + 2, 'node 2 took her sends')
    const sendPeer = (alice as unknown as { ctx: { outbound: { host: { peerId: { toString: () => string } } } } }).ctx.outbound.host.peerId.toString()
    assert.notEqual(sendPeer, attachPeer)
    assert.ok(peersOf(b).includes(sendPeer), 'the send channel is connected to node 2')
    assert.ok(!peersOf(a).includes(sendPeer), 'and not to the node Alice is attached to')
  })
})
