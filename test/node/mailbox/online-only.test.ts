// Online-only SEND (typing indicators, docs/protocol.md §10, online-only pushes):
// the node pushes the envelope to a device attached to a replica of its
// mailbox and NEVER stores it. Four real relay nodes over TCP (k = 3, so the
// entry node can be one that is not a replica); after the sends every node is
// stopped and its LevelDB scanned for the payload and the envelope id.
import { strict as assert } from 'node:assert'
import { ClassicLevel } from 'classic-level'
import { randomBytes } from 'node:crypto'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials } from '../../../client/device.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { RequestType, type ClientResponse } from '../../../protocol/pb/client-api.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import { makeStamp, minuteOf, stampBitsFor } from '../../../protocol/send-access.js'
import { ONLINE_ONLY_MAX_BYTES } from '../../../node/mailbox/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import type { Libp2p } from '@libp2p/interface'
import { addressOf, startMesh, stopAll, TEST_STAMP_BITS } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { replicasOf, waitForEachOther } from './helpers.js'

async function onlineOnlySend (conn: NodeConnection, mailbox: Uint8Array, id: Uint8Array, payload: Uint8Array): Promise<ClientResponse> {
  const minute = minuteOf(Date.now())
  const mailboxes = [mailbox]
  const stamp = makeStamp({ envelopeId: id, payload, mailboxes, minute }, stampBitsFor(TEST_STAMP_BITS, 1))
  return await conn.request({ type: RequestType.SEND, onlineOnly: true, mailboxes, envelopeId: id, payload, expiresAt: 0, access: [], stamp, stampMinute: minute })
}

/** true when `needle` occurs in some key or value of the LevelDB at `path` */
async function dbHolds (path: string, needles: Uint8Array[]): Promise<boolean> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' })
  await db.open()
  try {
    for await (const [k, v] of db.iterator()) {
      for (const n of needles) {
        const nb = Buffer.from(n)
        const nh = Buffer.from(Buffer.from(n).toString('hex'))
        if (Buffer.from(k).includes(nb) || Buffer.from(v).includes(nb) || Buffer.from(k).includes(nh) || Buffer.from(v).includes(nh)) return true
      }
    }
    return false
  } finally {
    await db.close()
  }
}

describe('online-only SEND: pushed live, never stored', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let host: Libp2p
  let stopped = false

  before(async () => {
    nodes = await startMesh(4)
    await waitForEachOther(nodes)
    host = await createClientHost()
  })

  after(async () => {
    await host?.stop()
    if (!stopped) await stopAll(nodes)
  })

  it('reaches a device attached to a replica through a non-replica entry node, and no LevelDB holds it', async () => {
    const bob = createDeviceCredentials()
    const replicas = replicasOf(nodes, bob.mailbox)
    const entry = nodes.find((n) => !replicas.includes(n))
    assert.ok(entry !== undefined, 'some node is not a replica')
    // a device of bob "attached" at one replica (the node's own push path)
    const pushed: Envelope[] = []
    const detach = replicas[0]!.mailbox.attach(bob.mailbox, { push: (env: Envelope) => { pushed.push(env) } } as never)
    const conn = await NodeConnection.connect(host, addressOf(entry))
    const id = new Uint8Array(randomBytes(16))
    const payload = new Uint8Array(randomBytes(300))
    const res = await onlineOnlySend(conn, bob.mailbox, id, payload)
    assert.equal(res.sent.length, 1)
    await waitFor(() => pushed.some((e) => Buffer.from(e.id).equals(Buffer.from(id))), { what: 'the online-only envelope pushed to the attached device' })
    assert.deepEqual(Buffer.from(pushed[0]!.payload), Buffer.from(payload))
    // an oversized online-only send is refused, and not stored either
    const bigId = new Uint8Array(randomBytes(16))
    const big = new Uint8Array(randomBytes(ONLINE_ONLY_MAX_BYTES + 1))
    await assert.rejects(onlineOnlySend(conn, bob.mailbox, bigId, big), (err: unknown) => RelaymeshError.is(err, ErrorCode.TooLarge))
    detach()
    // nothing to fetch on any node
    for (const n of nodes) assert.deepEqual(await n.mailbox.fetch(bob.mailbox), [], 'no replica lists it')
    await conn.detach().catch(() => {})
    const dirs = nodes.map((n) => `${n.config.dataDir}/db`)
    await Promise.all(nodes.map(async (n) => { await n.stop() }))
    stopped = true
    for (const d of dirs) assert.equal(await dbHolds(d, [payload, id, big.subarray(0, 64), bigId]), false, `${d} holds the online-only envelope`)
    await stopAll(nodes)
  })
})
