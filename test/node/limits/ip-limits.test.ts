// Per-IP connection limits and the loopback allow list (issue 9, point 6):
// a node started without an allow option refuses more than
// maxConnectionsPerIp open connections from one IP (here 127.0.0.1, real TCP
// dials from separate libp2p peers), loopback is allowed only when named,
// and no default allows it (NodeConfig, gossip scoring).
import { strict as assert } from 'node:assert'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { defaultConfig } from '../../../node/config.js'
import { gossipScoring } from '../../../node/gossip/scoring.js'
import { createRelayNode, type RelayNode } from '../../../node/relay-node.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { addressOf, LOOPBACK_ALLOW, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

const CAP = 3
const DIALERS = 7

/** DIALERS separate peers dial `node` one after another (spaced to stay under the per-second threshold); how many got a connection. */
async function dialFromManyPeers (node: RelayNode, hosts: Libp2p[]): Promise<number> {
  let ok = 0
  for (let i = 0; i < DIALERS; i++) {
    const h = await createClientHost()
    hosts.push(h)
    try {
      await h.dial(multiaddr(addressOf(node)), { signal: AbortSignal.timeout(5_000) })
      // a refused socket may still look dialled for a moment: count it only once the node holds it
      ok++
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  return ok
}

describe('per-IP connection limits and the allow list', function () {
  this.timeout(60_000)
  const nodes: RelayNode[] = []
  const hosts: Libp2p[] = []

  afterEach(async () => {
    await Promise.all(hosts.splice(0).map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await stopAll(nodes.splice(0))
  })

  it('a default NodeConfig and default gossip scoring allow no IP, loopback included', () => {
    assert.deepEqual(defaultConfig().allowIps, [])
    const whitelist = gossipScoring().scoreParams?.IPColocationFactorWhitelist
    assert.ok(whitelist !== undefined)
    for (const ip of ['127.0.0.1', '127.5.6.7', '::1']) assert.equal(whitelist.has(ip), false, ip)
    // and an explicit range is honoured for every address in it
    const allowed = gossipScoring({ ipColocationWhitelist: LOOPBACK_ALLOW }).scoreParams?.IPColocationFactorWhitelist
    for (const ip of ['127.0.0.1', '127.5.6.7', '::1']) assert.equal(allowed?.has(ip), true, ip)
    assert.equal(allowed?.has('10.0.0.1'), false)
  })

  it(`refuses more than ${CAP} connections from one IP without the allow option`, async () => {
    const node = await createRelayNode({ dataDir: tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], limits: { ...defaultConfig().limits, maxConnectionsPerIp: CAP } })
    nodes.push(node)
    await dialFromManyPeers(node, hosts)
    // what the node holds open is the cap, whatever the dialers believe
    await waitFor(() => node.host.getConnections().length <= CAP, { what: 'refused connections to close', timeout: 5_000 })
    assert.equal(node.host.getConnections().length, CAP)
    const open = hosts.filter((h) => h.getConnections(node.peerId).length > 0).length
    assert.equal(open, CAP, `${open} of ${DIALERS} peers on one IP hold a connection`)
  })

  it('accepts them all when loopback is allowed explicitly', async () => {
    const node = await createRelayNode({ dataDir: tempDir(), listen: ['/ip4/127.0.0.1/tcp/0'], allowIps: LOOPBACK_ALLOW, limits: { ...defaultConfig().limits, maxConnectionsPerIp: CAP } })
    nodes.push(node)
    assert.equal(await dialFromManyPeers(node, hosts), DIALERS)
    assert.equal(node.host.getConnections().length, DIALERS)
  })
})
