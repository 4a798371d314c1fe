// Five in-process relay nodes over TCP: envelopes land on exactly the k
// closest replicas, are pushed live across nodes, wait for offline devices,
// and are deleted everywhere once the device acknowledges them.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import type { Libp2p } from '@libp2p/interface'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials, type DeviceCredentials } from '../../../client/device.js'
import { PREFIX, rangeEnd } from '../../../node/store/keys.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import { RequestType } from '../../../protocol/pb/client-api.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { sealedSend, stampedSend } from '../../helpers/sealed-send.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'

async function storedIds (node: RelayNode, mailbox: Uint8Array): Promise<string[]> {
  const prefix = `${PREFIX.envelope}${Buffer.from(mailbox).toString('hex')}!`
  const ids: string[] = []
  for await (const key of node.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) ids.push(key.slice(prefix.length))
  return ids
}

describe('store-and-forward across a five-node mesh', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  const hosts: Libp2p[] = []
  let alice: DeviceCredentials
  let bob: DeviceCredentials

  before(async () => {
    nodes = await startMesh(5)
    alice = createDeviceCredentials()
    bob = createDeviceCredentials()
  })

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await h.stop() }))
    await stopAll(nodes)
  })

  async function connect (node: RelayNode): Promise<NodeConnection> {
    const host = await createClientHost()
    hosts.push(host)
    return await NodeConnection.connect(host, addressOf(node))
  }

  it('stores on exactly the k closest replicas and pushes live to the recipient on another node', async () => {
    const a = await connect(nodes[0]!)
    await a.attach(alice, { onEnvelope: () => {} })
    const b = await connect(nodes[4]!)
    const pushed: Envelope[] = []
    await b.attach(bob, { onEnvelope: (e) => pushed.push(e) })
    // no public record says where Bob is: node 4 asked his mailbox's replicas to push to it (WATCH) before the attach answered

    const id = randomBytes(16)
    const res = await stampedSend(a, [bob.mailbox], id, randomBytes(300))
    assert.ok((res.sent[0]?.replicas ?? 0) >= 2, 'stored on a write quorum')

    const replicas = closestReference(bob.mailbox, nodes.map((n) => n.peerId.toString()), 3)
    await waitFor(async () => {
      for (const n of nodes) {
        const has = (await storedIds(n, bob.mailbox)).includes(id.toString('hex'))
        if (has !== replicas.includes(n.peerId.toString())) return false
      }
      return true
    }, { what: 'the envelope on exactly the 3 closest nodes' })

    const got = await waitFor(() => pushed.find((e) => Buffer.from(e.id).equals(id)), { what: 'live push to Bob' })
    assert.deepEqual(Buffer.from(got.mailbox), Buffer.from(bob.mailbox))
    await b.ack(bob, [id])
    await b.detach()
    await a.detach()
  })

  it('keeps envelopes for an offline device, serves them on any node, and deletes them on ack', async () => {
    const a = await connect(nodes[1]!)
    await a.attach(alice, { onEnvelope: () => {} })
    const ids = Array.from({ length: 5 }, () => randomBytes(16))
    for (const id of ids) await stampedSend(a, [bob.mailbox], id, randomBytes(100))

    // Bob comes online at a node that may hold none of his mailbox
    const b = await connect(nodes[2]!)
    await b.attach(bob, { onEnvelope: () => {} })
    const { envelopes } = await b.fetch()
    const fetched = envelopes.map((e) => Buffer.from(e.id).toString('hex')).sort()
    assert.deepEqual(fetched, ids.map((i) => i.toString('hex')).sort())

    await b.ack(bob, ids)
    await waitFor(async () => {
      for (const n of nodes) if ((await storedIds(n, bob.mailbox)).length > 0) return false
      return true
    }, { what: 'acknowledged envelopes deleted on every replica' })
    assert.equal((await b.fetch()).envelopes.length, 0)
    await b.detach()
    await a.detach()
  })

  it('refuses fetches from a connection that has not attached, sends with neither access key nor stamp, and acks not signed by the device', async () => {
    const c = await connect(nodes[3]!)
    await assert.rejects(c.fetch(), (err) => RelaymeshError.is(err, ErrorCode.Unauthorized))
    // sending needs no attach (sealed), but a stranger's send needs a stamp
    await assert.rejects(sealedSend(c, [bob.mailbox], randomBytes(16), randomBytes(10)), (err) => RelaymeshError.is(err, ErrorCode.StampRequired))
    await c.attach(alice, { onEnvelope: () => {} })
    const id = randomBytes(16)
    await stampedSend(c, [bob.mailbox], id, randomBytes(10))
    // Alice cannot delete from Bob's mailbox: her ack names her own mailbox, and a forged signature fails
    await assert.rejects(c.request({ type: RequestType.ACK, ids: [id], signature: randomBytes(64) }), (err) => RelaymeshError.is(err, ErrorCode.BadSignature))
    const b = await connect(nodes[0]!)
    await b.attach(bob, { onEnvelope: () => {} })
    assert.ok((await b.fetch()).envelopes.some((e) => Buffer.from(e.id).equals(id)))
    await b.ack(bob, [id])
    await b.detach()
    await c.detach()
  })
})
