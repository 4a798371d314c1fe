// Announce addresses (NodeConfig.announce, `node start --announce`): a node
// behind a port forward advertises the forwarded address in identify and in
// the node record it gossips, and a node that only learned it from the mesh
// reaches it through the forward. The forward is scripts/sim/slow-link.ts with
// no delay. Real libp2p over TCP on 127.0.0.1.
import { strict as assert } from 'node:assert'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { SlowLink } from '../../scripts/sim/slow-link.js'
import { checkAnnounceAddress } from '../../node/config.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, startNode, stopAll, tempDir, removeDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

/** a TCP port free on 127.0.0.1 right now */
async function freePort (): Promise<number> {
  const srv = createServer().listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const port = (srv.address() as AddressInfo).port
  await new Promise<void>((resolve) => { srv.close(() => { resolve() }) })
  return port
}

describe('announce addresses', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let link: SlowLink | undefined

  afterEach(async () => {
    await stopAll(nodes)
    nodes = []
    await link?.close()
    link = undefined
  })

  it('a node behind a forward is advertised and reached at the forwarded address', async () => {
    const p = await freePort()
    link = await SlowLink.open({ targetPort: p, delayMs: 0 })
    const forwarded = `/ip4/127.0.0.1/tcp/${link.port}`

    const c = await startNode()
    nodes.push(c)
    // A dials C itself (that connection does not pass the forward); B knows only C
    const a = await startNode({ listen: [`/ip4/127.0.0.1/tcp/${p}`], announce: [forwarded], bootstrap: [addressOf(c)] })
    nodes.push(a)
    assert.deepEqual(a.multiaddrs(), [`${forwarded}/p2p/${a.peerId.toString()}`], 'A advertises only the announced address')

    // identify: C holds the announced address for A, not the one A listens on
    await waitFor(async () => (await c.host.peerStore.get(a.peerId)).addresses.some((x) => x.multiaddr.toString() === forwarded), { what: 'C to learn A\'s announced address through identify' })
    assert.ok(!(await c.host.peerStore.get(a.peerId)).addresses.some((x) => x.multiaddr.toString().includes(`/tcp/${p}`)))

    const b = await startNode({ bootstrap: [addressOf(c)] })
    nodes.push(b)
    // B gets A's node record from C (exchange or gossip): it carries exactly the announced address
    const record = await waitFor(() => b.relays.nodeRecords().find((r) => r.id === a.peerId.toString()), { what: 'A\'s node record at B' })
    assert.deepEqual(record.multiaddrs.map(String), [forwarded])

    // B dials A by peer id, with only what it learned: the connection goes through the forward
    // (a new connection: A may already have dialled B itself, kad-dht and gossipsub open such connections)
    const conn = await b.host.dial(a.peerId, { signal: AbortSignal.timeout(10_000), force: true })
    assert.equal(conn.remoteAddr.toString(), `${forwarded}/p2p/${a.peerId.toString()}`)
    assert.ok(link.accepted >= 1, 'the forward saw B\'s connection')
    await waitFor(() => b.relays.peers().some((x) => x.equals(a.peerId)), { what: 'B to list A' })
  })

  it('refuses an announce address that is not a dialable multiaddr', async () => {
    assert.throws(() => checkAnnounceAddress('203.0.113.7:4001'), /expected a multiaddr/)
    assert.throws(() => checkAnnounceAddress('/ip4/0.0.0.0/tcp/4001'), /wildcard/)
    assert.equal(checkAnnounceAddress('/dns4/relay.example.org/tcp/4001'), '/dns4/relay.example.org/tcp/4001')
    const dataDir = tempDir()
    try {
      await assert.rejects(startNode({ dataDir, announce: ['not-an-address'] }), /expected a multiaddr/)
    } finally {
      removeDir(dataDir)
    }
  })
})
