// Contacts-only presence and pushes without public presence, on five real
// relay nodes over TCP: a device attaches with presence blobs; a contact
// (who holds the profile key) asks another node with PRESENCE_GET, without
// attaching, and sees it online, then offline after the detach; a stranger
// (no profile key, or a wrong one) sees "unknown". A message to a device
// attached to a node that is none of its mailbox's replicas is still
// pushed live (the replicas push to the node that watches the mailbox).
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import type { Libp2p } from '@libp2p/interface'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials, type DeviceCredentials } from '../../../client/device.js'
import { contactPresence, devicesPresence } from '../../../client/presence/contact-presence.js'
import { MAX_PRESENCE_IDS } from '../../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import { RequestType } from '../../../protocol/pb/client-api.js'
import type { RelayNode } from '../../../node/relay-node.js'
import type { MailboxServiceNode } from '../../../node/mailbox/mailbox-service.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { stampedSend } from '../../helpers/sealed-send.js'

describe('contacts-only presence and live pushes without public presence (five nodes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  const hosts: Libp2p[] = []

  before(async () => {
    nodes = await startMesh(5)
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

  it('a contact with the profile key sees online, then offline after detach; a stranger sees unknown', async () => {
    const alice = createDeviceCredentials()
    const a = await connect(nodes[0]!)
    await a.attach(alice, { onEnvelope: () => {} })
    // the contact asks another node, without attaching (nothing names the asker)
    const contact = await connect(nodes[3]!)
    const now = (): number => Date.now()
    await waitFor(async () => (await devicesPresence(contact, alice.profileKey, [1], now())).state === 'online', { what: 'Alice online at the contact' })
    assert.equal(await contactPresence(contact, alice.userId, [1], (id) => id === alice.userId ? alice.profileKey : undefined, now()), 'online')

    // a stranger: no profile key, or a wrong one; the ids of her blobs are not computable without it
    assert.equal(await contactPresence(contact, alice.userId, [1], () => undefined, now()), 'unknown')
    assert.equal((await devicesPresence(contact, randomBytes(32), [1, 2, 3], now())).state, 'unknown')
    assert.deepEqual(await contact.presence([randomBytes(32)]), [])

    await a.detach()
    await waitFor(async () => (await devicesPresence(contact, alice.profileKey, [1], now())).state === 'offline', { what: 'Alice offline at the contact' })
    const seen = await devicesPresence(contact, alice.profileKey, [1, 2], now())
    assert.deepEqual([...seen.devices], [[1, 'offline'], [2, 'unknown']])
  })

  it('PRESENCE_GET is bounded: too many ids or malformed ids get a typed error', async () => {
    const c = await connect(nodes[1]!)
    const code = async (ids: Uint8Array[]): Promise<string | undefined> => {
      try { await c.request({ type: RequestType.PRESENCE_GET, presenceIds: ids }); return undefined } catch (err) { return RelaymeshError.is(err) ? err.code : String(err) }
    }
    assert.equal(await code([]), ErrorCode.Invalid)
    assert.equal(await code([randomBytes(31)]), ErrorCode.Invalid)
    // the .proto limit of presence_ids is MAX_PRESENCE_IDS: the request does not even decode
    assert.equal(await code(Array.from({ length: MAX_PRESENCE_IDS + 1 }, () => randomBytes(32))), ErrorCode.Decode)
    assert.deepEqual(await c.presence(Array.from({ length: MAX_PRESENCE_IDS }, () => randomBytes(32))), [])
  })

  it('pushes live to a recipient attached to a node that is none of its mailbox\'s replicas, from a sender on another such node', async () => {
    let bob: DeviceCredentials
    let outside: RelayNode[]
    // a mailbox with two non-replica nodes (always: 5 nodes, 3 replicas)
    do {
      bob = createDeviceCredentials()
      const replicas = closestReference(bob.mailbox, nodes.map((n) => n.peerId.toString()), 3)
      outside = nodes.filter((n) => !replicas.includes(n.peerId.toString()))
    } while (outside.length < 2)
    const [home, other] = outside as [RelayNode, RelayNode]
    const replicas = nodes.filter((n) => !outside.includes(n))
    const watchers = (): number[] => replicas.map((r) => (r.mailbox as MailboxServiceNode).watcherCount())
    const before = watchers()

    const b = await connect(home)
    const pushed: Envelope[] = []
    await b.attach(bob, { onEnvelope: (e) => pushed.push(e) })
    // the attach answered once the replicas took the watch
    assert.deepEqual(watchers(), before.map((n) => n + 1))

    // a sealed send through another non-replica node (a stranger's: stamped)
    const a = await connect(other)
    const id = randomBytes(16)
    await stampedSend(a, [bob.mailbox], id, randomBytes(200))
    const got = await waitFor(() => pushed.find((e) => Buffer.from(e.id).equals(id)), { what: 'the live push to Bob' })
    assert.deepEqual(Buffer.from(got.mailbox), Buffer.from(bob.mailbox))

    await b.ack(bob, [id])
    await b.detach()
    await a.detach()
    // the watch is withdrawn when Bob detaches
    await waitFor(() => watchers().every((n, i) => n === before[i]), { what: 'the watches withdrawn on detach' })
  })
})
