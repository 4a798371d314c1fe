// Nodes speak to browsers (issue 12, point 1): every node listens on libp2p
// WebSockets beside TCP, advertises its /ws address in its signed node record
// and in STATUS (so a client that knows one node learns the others' /ws
// addresses), and the client library and the CLI attach over /ws exactly as
// over TCP. Real nodes on 127.0.0.1, real clients, a real CLI process.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client } from '../../client/client.js'
import { createClientHost } from '../../client/transport/client-host.js'
import { NodeConnection } from '../../client/transport/node-connection.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir, wsAddressOf } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { ok } from '../client/cli/run-cli.js'

const PASS = 'correct horse battery staple'

describe('WebSockets: nodes listen on /ws and clients attach over it', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []
  const ids: Record<string, string> = {}

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-ws-')
  })

  after(async () => {
    for (const c of open) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('every node has a /ws address with /p2p, in its node record and in another node\'s STATUS', async () => {
    const [a, b] = nodes as [RelayNode, RelayNode]
    const aWs = wsAddressOf(a)
    assert.match(aWs, new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${a.peerId.toString()}$`))
    assert.notEqual(aWs.replace(/\/ws\/.*$/, ''), addressOf(a).replace(/\/p2p\/.*$/, ''), 'ws is on its own port')
    // B holds A's signed record, /ws address included
    const bare = aWs.replace(/\/p2p\/.*$/, '')
    await waitFor(() => b.relays.nodeRecords().some((r) => r.id === a.peerId.toString() && r.multiaddrs.some((m) => m.toString() === bare)),
      { what: 'A\'s /ws address in B\'s node records' })
    // a client that knows only B's /ws address asks B over /ws and learns A's /ws address
    const host = await createClientHost()
    try {
      const conn = await NodeConnection.connect(host, wsAddressOf(b), AbortSignal.timeout(5_000))
      const status = await conn.status() as { peerId: string, multiaddrs: string[], relayAddresses: string[] }
      assert.equal(status.peerId, b.peerId.toString())
      assert.ok(status.multiaddrs.includes(wsAddressOf(b)), 'STATUS lists the node\'s own /ws address')
      assert.ok(status.relayAddresses.includes(aWs), `STATUS lists A's /ws address: ${status.relayAddresses.join(' ')}`)
      // and B sees the connection as a WebSocket one
      const seen = b.host.getConnections(host.peerId)
      assert.ok(seen.length > 0 && seen.every((c) => c.remoteAddr.toString().includes('/ws')), 'the node holds it as a /ws connection')
    } finally {
      await host.stop()
    }
  })

  it('a client attached over /ws and one attached over TCP to another node exchange messages both ways', async () => {
    const [a, b] = nodes as [RelayNode, RelayNode]
    for (const who of ['alice', 'bob']) ids[who] = (await initIdentity(join(dir, who), PASS)).userId
    const alice = await openClient({ home: join(dir, 'alice'), passphrase: PASS, nodes: [wsAddressOf(a)] })
    const bob = await openClient({ home: join(dir, 'bob'), passphrase: PASS, nodes: [addressOf(b)] })
    open.push(alice, bob)
    await alice.connect()
    await bob.connect()
    assert.ok(a.host.getConnections().some((c) => c.remoteAddr.toString().includes('/ws')), 'Alice is attached over /ws')
    await waitFor(async () => (await a.records.userRecords(ids.bob as string)).length >= 2 && (await b.records.userRecords(ids.alice as string)).length >= 2,
      { what: 'both users\' records on both nodes' })
    await alice.addContact('bob', ids.bob as string)
    await bob.addContact('alice', ids.alice as string)
    await alice.send(ids.bob as string, 'hello Bob, over WebSockets')
    await waitFor(async () => (await bob.receive()).some((m) => m.text === 'hello Bob, over WebSockets'), { what: 'Bob to get it' })
    await bob.send(ids.alice as string, 'hi Alice, over TCP')
    await waitFor(async () => (await alice.receive()).some((m) => m.text === 'hi Alice, over TCP'), { what: 'Alice to get the answer' })
  })

  it('`relaymesh send` works through a node\'s /ws address (a real CLI process)', async () => {
    const [a] = nodes as [RelayNode, RelayNode]
    const carol = join(dir, 'carol')
    const [c] = await ok(['init', '--home', carol, '--node', wsAddressOf(a), '--json'])
    const carolId = c?.userId as string
    // Bob (TCP, node B) is still attached and takes Carol as a contact: her message reaches him through the mesh
    const bob = open[1] as Client
    await bob.addContact('carol', carolId)
    const [stored] = await ok(['send', '--to', ids.bob as string, 'from the CLI over /ws', '--home', carol, '--node', wsAddressOf(a), '--json'])
    assert.equal(stored?.event, 'stored')
    await waitFor(async () => (await bob.receive()).some((m) => m.text === 'from the CLI over /ws' && m.from === carolId), { what: 'Bob to get Carol\'s message' })
  })
})
