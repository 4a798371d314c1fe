// A mesh of one (`npm start` on a single machine). A node never lowers the
// write quorum on its own: with the default quorum (2 of k = 3) a lone node
// refuses to answer "stored" and says why; a deployment that wants a single
// node says so with quorum 1, and then it stores with one copy and delivers.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import type { Libp2p } from '@libp2p/interface'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials } from '../../../client/device.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREFIX } from '../../../node/store/keys.js'
import { addressOf, startNode, stopAll } from '../../helpers/mesh.js'
import { stampedSend } from '../../helpers/sealed-send.js'

describe('a lone relay node', function () {
  this.timeout(30_000)
  const nodes: RelayNode[] = []
  const hosts: Libp2p[] = []

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await stopAll(nodes)
  })

  const connect = async (node: RelayNode): Promise<NodeConnection> => {
    const host = await createClientHost()
    hosts.push(host)
    return await NodeConnection.connect(host, addressOf(node))
  }

  async function envelopesOn (node: RelayNode): Promise<number> {
    let n = 0
    for await (const _ of node.store.keys({ gte: PREFIX.envelope, lt: `${PREFIX.envelope}\xff` })) n++
    return n
  }

  it('with the default quorum, refuses to answer "stored" with one copy, and says why', async () => {
    const node = await startNode()
    nodes.push(node)
    assert.equal(node.relays.alone(), true)
    assert.equal(node.config.writeQuorum, 2)
    const a = await connect(node)
    await a.attach(createDeviceCredentials(), { onEnvelope: () => {} })
    const bob = createDeviceCredentials()
    await assert.rejects(stampedSend(a, [bob.mailbox], randomBytes(16), randomBytes(100)), (err) => {
      assert.ok(RelaymeshError.is(err, ErrorCode.Unavailable), String(err))
      assert.match(err.message, /1 relay reachable, 2 needed/)
      return true
    })
    await assert.rejects(node.mailbox.store({ version: 1, id: randomBytes(16), mailbox: new Uint8Array(bob.mailbox), expiresAt: 0, payload: randomBytes(10) }),
      /1 relay reachable, 2 needed/)
    assert.equal(await envelopesOn(node), 0, 'nothing stored')
  })

  it('with quorum 1 (a single-node deployment, chosen), stores with one copy and serves it to its recipient', async () => {
    const node = await startNode({ writeQuorum: 1 })
    nodes.push(node)
    const alice = createDeviceCredentials()
    const bob = createDeviceCredentials()
    const a = await connect(node)
    await a.attach(alice, { onEnvelope: () => {} })
    const id = randomBytes(16)
    const res = await stampedSend(a, [bob.mailbox], id, randomBytes(100))
    assert.equal(res.sent[0]?.replicas, 1)
    const b = await connect(node)
    await b.attach(bob, { onEnvelope: () => {} })
    const { envelopes } = await b.fetch()
    assert.deepEqual(envelopes.map((e) => Buffer.from(e.id).toString('hex')), [id.toString('hex')])
  })
})
