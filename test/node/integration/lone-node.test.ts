// A mesh of one (`npm start` on a single machine): the node is every
// mailbox's only replica, so it stores with a quorum of one and delivers.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import type { Libp2p } from '@libp2p/interface'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials } from '../../../client/device.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, startNode, stopAll } from '../../helpers/mesh.js'

describe('a lone relay node', function () {
  this.timeout(30_000)
  let node: RelayNode | undefined
  const hosts: Libp2p[] = []

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await stopAll([node])
  })

  it('stores with a quorum of one and serves the envelope to its recipient', async () => {
    node = await startNode()
    assert.equal(node.relays.alone(), true)
    const connect = async (): Promise<NodeConnection> => {
      const host = await createClientHost()
      hosts.push(host)
      return await NodeConnection.connect(host, addressOf(node as RelayNode))
    }
    const alice = createDeviceCredentials()
    const bob = createDeviceCredentials()
    const a = await connect()
    await a.attach(alice, { onEnvelope: () => {} })
    const id = randomBytes(16)
    const res = await a.send([bob.mailbox], id, randomBytes(100))
    assert.equal(res.sent[0]?.replicas, 1)
    const b = await connect()
    await b.attach(bob, { onEnvelope: () => {} })
    const { envelopes } = await b.fetch()
    assert.deepEqual(envelopes.map((e) => Buffer.from(e.id).toString('hex')), [id.toString('hex')])
  })
})
