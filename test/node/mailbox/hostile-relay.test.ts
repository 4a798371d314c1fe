// A hostile relay: a stock libp2p host that holds a valid signed node record
// (so every node admits it as a relay) and answers the replica protocol with
// lies. Real relay nodes over TCP on 127.0.0.1, real LevelDB, a real client.
// It cannot list a mailbox it is not a replica of, cannot delete with an ack
// that carries no device proof, and cannot make an honest replica delete
// through a forged tombstone or a handover that claims "acknowledged"; the
// recipient still gets both of its waiting messages.
import { strict as assert } from 'node:assert'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p } from '@libp2p/interface'
import { decode, encode, type Loose } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus, StoreOutcome } from '../../../protocol/pb/node-replica.js'
import { createDeviceCredentials, type DeviceCredentials } from '../../../client/device.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import type { RelayHost } from '../../../node/host.js'
import { REPLICA_PROTOCOL } from '../../../node/mailbox/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREFIX } from '../../../node/store/keys.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { admitTestRelay, envelope, heldIds, hex, mailboxOf, rand, replicasOf, startTestRelay, waitForEachOther } from './helpers.js'

const MAX = 4 * 1024 * 1024

describe('a hostile relay with a valid node record (five honest relay nodes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let hostile: RelayHost | undefined
  const clients: Libp2p[] = []
  /** what the hostile relay was asked (request types), for the handover test */
  const asked: ReplicaRequestType[] = []

  before(async () => {
    nodes = await startMesh(5)
    await waitForEachOther(nodes)
    hostile = await startTestRelay()
    // as a replica it lies: every id it is asked about is "acknowledged", every digest differs,
    // and the proofs it shows are forged
    await hostile.handle(REPLICA_PROTOCOL, (stream) => {
      void (async () => {
        const lp = lpStream(stream, { maxDataLength: MAX })
        const req = decode(ReplicaRequest, (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(), MAX, 'ReplicaRequest')
        asked.push(req.type)
        const answer: Loose<Partial<ReplicaResponse>> = { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_OK, requestId: req.requestId }
        if (req.type === ReplicaRequestType.REPLICA_STORE) answer.results = req.envelopes.map(() => ({ outcome: StoreOutcome.STORE_ACKED, errorCode: '' }))
        if (req.type === ReplicaRequestType.REPLICA_DIGEST) {
          answer.differ = req.digests.map((_, n) => n)
          answer.ackedDiffer = req.digests.map((_, n) => n)
        }
        if (req.type === ReplicaRequestType.REPLICA_SYNC) answer.acked = req.ids
        // (a type today's code does not have: 7, the proofs behind tombstones) a forged one
        if ((req.type as unknown as number) === 7) answer.proofs = [{ ids: req.ids, signature: rand(64), deviceList: forgedList, deviceId: 1 }]
        await lp.write(encode(ReplicaResponse, answer))
        await stream.close().catch(() => {})
      })().catch(() => { stream.abort(new Error('hostile handler failed')) })
    })
    await admitTestRelay(hostile, nodes)
  })

  after(async () => {
    await Promise.all(clients.map(async (c) => { await c.stop() }))
    await hostile?.stop()
    await stopAll(nodes)
  })

  /** the device list the hostile relay shows with its forged proofs (a real one, from gossip) */
  let forgedList: Uint8Array<ArrayBuffer> = new Uint8Array(0)

  async function ask (target: RelayNode, req: Loose<Partial<ReplicaRequest>>): Promise<ReplicaResponse> {
    const stream = await (hostile as RelayHost).dialProtocol(multiaddr(addressOf(target)), REPLICA_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const lp = lpStream(stream, { maxDataLength: MAX })
    await lp.write(encode(ReplicaRequest, { version: WIRE_VERSION, ...req }))
    const res = decode(ReplicaResponse, (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(), MAX, 'ReplicaResponse')
    await stream.close().catch(() => {})
    return res
  }

  /** a recipient device whose mailbox the hostile relay is (or is not) one of the k replicas of */
  function victim (hostileIsReplica: boolean): DeviceCredentials {
    const everyone = [...nodes.map((n) => n.peerId.toString()), (hostile as RelayHost).peerId.toString()]
    for (;;) {
      const creds = createDeviceCredentials()
      if (closestReference(creds.mailbox, everyone, 3).includes((hostile as RelayHost).peerId.toString()) === hostileIsReplica) return creds
    }
  }

  /** two envelopes stored for the device through an honest entry node, on every honest replica */
  async function twoWaiting (creds: DeviceCredentials): Promise<{ ids: Array<Uint8Array<ArrayBuffer>>, replicas: RelayNode[] }> {
    const mailbox = new Uint8Array(creds.mailbox)
    const replicas = replicasOf(nodes, mailbox).filter((n) => closestReference(mailbox, [...nodes.map((m) => m.peerId.toString()), (hostile as RelayHost).peerId.toString()], 3).includes(n.peerId.toString()))
    const entry = nodes.find((n) => !replicas.includes(n)) as RelayNode
    const ids: Array<Uint8Array<ArrayBuffer>> = []
    for (let i = 0; i < 2; i++) {
      const env = envelope(mailbox)
      ids.push(env.id)
      await entry.mailbox.store(env)
    }
    const want = ids.map(hex).sort()
    await waitFor(async () => { for (const r of replicas) if ((await heldIds(r, mailbox)).join() !== want.join()) return false; return true },
      { what: 'both envelopes on every honest replica' })
    return { ids, replicas }
  }

  /** the recipient attaches to a node that is not a replica of its mailbox and fetches: both messages are there */
  async function recipientGets (creds: DeviceCredentials, ids: Uint8Array[], replicas: RelayNode[]): Promise<void> {
    const entry = nodes.find((n) => !replicas.includes(n) && !n.peerId.equals((hostile as RelayHost).peerId)) as RelayNode
    const host = await createClientHost()
    clients.push(host)
    const conn = await NodeConnection.connect(host, addressOf(entry))
    await conn.attach(creds, { onEnvelope: () => {} })
    const { envelopes } = await conn.fetch()
    assert.deepEqual(envelopes.map((e) => hex(e.id)).sort(), ids.map(hex).sort(), 'the recipient gets both waiting messages')
    // and its own acknowledgement (signed by the device) does delete them everywhere
    await conn.ack(creds, ids)
    for (const r of replicas) assert.deepEqual(await heldIds(r, creds.mailbox), [], 'the device\'s own ack deletes')
  }

  async function tombstones (node: RelayNode, mailbox: Uint8Array): Promise<number> {
    let n = 0
    const prefix = `${PREFIX.ack}${hex(mailbox)}!`
    for await (const _ of node.store.keys({ gte: prefix, lt: `${prefix}\xff` })) n++
    return n
  }

  it('cannot list a mailbox it is not a replica of, nor delete from it with an ack that carries no device proof', async () => {
    const creds = victim(false)
    const mailbox = new Uint8Array(creds.mailbox)
    forgedList = new Uint8Array(creds.deviceList)
    const { ids, replicas } = await twoWaiting(creds)
    assert.equal(replicas.length, 3)
    for (const r of replicas) {
      const listed = await ask(r, { type: ReplicaRequestType.REPLICA_FETCH, mailbox })
      assert.equal(listed.errorCode, ErrorCode.Unauthorized, 'FETCH of a mailbox it is no replica of')
      assert.equal(listed.envelopes.length, 0, 'no envelope listed')
      const sync = await ask(r, { type: ReplicaRequestType.REPLICA_SYNC, mailbox, ids })
      assert.equal(sync.errorCode, ErrorCode.Unauthorized, 'SYNC of a mailbox it is no replica of')
      // the ack a stock peer sent in the report: ids and a tombstone expiry, no device proof
      const ack = await ask(r, { type: ReplicaRequestType.REPLICA_ACK, mailbox, ids, expires: ids.map(() => Date.now() + 60_000) })
      assert.equal(ack.errorCode, ErrorCode.Unauthorized, 'ACK without the device\'s proof')
      assert.equal(ack.count, 0)
      assert.deepEqual(await heldIds(r, mailbox), ids.map(hex).sort(), 'nothing deleted')
      assert.equal(await tombstones(r, mailbox), 0, 'no tombstone')
    }
    await recipientGets(creds, ids, replicas)
  })

  it('cannot make an honest replica delete through a forged tombstone or a handover that says "acknowledged"', async () => {
    const creds = victim(true)
    const mailbox = new Uint8Array(creds.mailbox)
    forgedList = new Uint8Array(creds.deviceList)
    const { ids, replicas } = await twoWaiting(creds)
    assert.equal(replicas.length, 2, 'the hostile relay is the third replica')
    asked.length = 0
    // handover: the honest replicas reconcile with it; it claims every id acknowledged (SYNC, STORE)
    // and shows forged proofs
    for (const r of replicas) await mailboxOf(r).handover()
    assert.ok(asked.includes(ReplicaRequestType.REPLICA_SYNC) || asked.includes(ReplicaRequestType.REPLICA_STORE), 'the honest replicas reconciled with it')
    for (const r of replicas) {
      assert.deepEqual(await heldIds(r, mailbox), ids.map(hex).sort(), 'a handover partner saying "acknowledged" deletes nothing')
      assert.equal(await tombstones(r, mailbox), 0, 'no tombstone from a handover claim')
    }
    // a tombstone handed over the way handover used to: ids and expiries, no device proof
    for (const r of replicas) {
      const ack = await ask(r, { type: ReplicaRequestType.REPLICA_ACK, mailbox, ids, expires: ids.map(() => Date.now() + 60_000) })
      assert.equal(ack.errorCode, ErrorCode.Unauthorized, 'a tombstone without the device\'s proof')
      // and one with a forged proof: the device's real list, a signature it never made
      const forged = await ask(r, { type: ReplicaRequestType.REPLICA_ACK, mailbox, ids, signature: rand(64), deviceList: forgedList, deviceId: creds.deviceId })
      assert.equal(forged.errorCode, ErrorCode.BadSignature)
    }
    // the honest replicas reconcile with each other too: nothing changes
    for (const r of replicas) await mailboxOf(r).handover()
    for (const r of replicas) {
      assert.deepEqual(await heldIds(r, mailbox), ids.map(hex).sort(), 'nothing deleted')
      assert.equal(await tombstones(r, mailbox), 0, 'no tombstone')
    }
    await recipientGets(creds, ids, replicas)
  })
})
