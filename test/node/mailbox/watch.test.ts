// WATCH (docs/protocol.md §10, WATCH): live pushes without a public
// user-to-node record. Five real relay nodes over TCP and one relay that
// holds a valid node record (admitted everywhere) but no device grant: it
// cannot make a replica push a mailbox's envelopes to it. A node the device
// did attach to (its grant names that node) can, and only while it watches.
import { strict as assert } from 'node:assert'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { decode, encode, type Loose } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus } from '../../../protocol/pb/node-replica.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import type { RelayHost } from '../../../node/host.js'
import { REPLICA_PROTOCOL } from '../../../node/mailbox/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import type { FetchGrant } from '../../../node/components.js'
import { ed25519Sign } from '../../../protocol/crypto/primitives.js'
import { attachSignaturePayload } from '../../../protocol/client-protocol.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { admitTestRelay, envelope, fetchGrant, hex, mailboxOf, newDevice, publishDevice, rand, replicasOf, startTestRelay, waitForEachOther, type TestDevice } from './helpers.js'

const MAX = 4 * 1024 * 1024

describe('WATCH: replicas push to the relay a device attached to, and to no other', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let hostile: RelayHost
  /** envelope ids the hostile relay was asked to deliver */
  const deliveredToHostile: string[] = []

  before(async () => {
    nodes = await startMesh(5)
    await waitForEachOther(nodes)
    hostile = await startTestRelay()
    // it answers DELIVER like a relay would, and remembers what it got
    await hostile.handle(REPLICA_PROTOCOL, (stream) => {
      void (async () => {
        const lp = lpStream(stream, { maxDataLength: MAX })
        const req = decode(ReplicaRequest, (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(), MAX, 'ReplicaRequest')
        if (req.type === ReplicaRequestType.REPLICA_DELIVER) {
          for (const e of req.envelopes) deliveredToHostile.push(hex(e))
        }
        await lp.write(encode(ReplicaResponse, { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_OK, requestId: req.requestId, count: req.envelopes.length }))
        await stream.close().catch(() => {})
      })().catch(() => { stream.abort(new Error('test relay handler failed')) })
    })
    await admitTestRelay(hostile, nodes)
  })

  after(async () => {
    await hostile?.stop()
    await stopAll(nodes)
  })

  async function ask (target: RelayNode, req: Loose<Partial<ReplicaRequest>>): Promise<ReplicaResponse> {
    const stream = await hostile.dialProtocol(multiaddr(addressOf(target)), REPLICA_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const lp = lpStream(stream, { maxDataLength: MAX })
    await lp.write(encode(ReplicaRequest, { version: WIRE_VERSION, ...req }))
    const res = decode(ReplicaResponse, (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(), MAX, 'ReplicaResponse')
    await stream.close().catch(() => {})
    return res
  }

  /** a device whose mailbox's k replicas (in the nodes' directories, which list the test relay too) are honest nodes */
  function honestDevice (): TestDevice {
    const everyone = [...nodes.map((n) => n.peerId.toString()), hostile.peerId.toString()]
    for (;;) {
      const d = newDevice()
      if (!closestReference(d.mailbox, everyone, 3).includes(hostile.peerId.toString())) return d
    }
  }

  /** the device's attach signature made for the hostile relay (what it would get if the device attached there) */
  function grantFor (device: TestDevice, host: RelayHost): FetchGrant {
    const nonce = rand(32)
    const clientPeerId = rand(38)
    const signature = ed25519Sign(device.deviceKey.privateKey, attachSignaturePayload(nonce, host.peerId.toMultihash().bytes, clientPeerId))
    return { nonce, signature, clientPeerId, deviceList: device.deviceList, deviceId: device.deviceId }
  }

  it('refuses a WATCH without the device\'s grant, or with a grant made for another relay; pushes go to the granted node only', async () => {
    const device = honestDevice()
    await publishDevice(nodes[0]!, device)
    const replicas = replicasOf(nodes, device.mailbox)
    const others = nodes.filter((n) => !replicas.includes(n))
    const [entry, sender] = others as [RelayNode, RelayNode]
    const watchersBefore = replicas.map((r) => mailboxOf(r).watcherCount())

    for (const r of replicas) {
      const malformed = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: rand(31), grant: grantFor(device, hostile) })
      assert.equal(malformed.errorCode, ErrorCode.Invalid)
      const none = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: device.mailbox })
      assert.equal(none.status, ReplicaStatus.REPLICA_ERROR)
      assert.equal(none.errorCode, ErrorCode.Unauthorized)
      // the grant the device gave the node it really attached to: signed for that node, not this asker
      const stolen = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: device.mailbox, grant: fetchGrant(device, entry) })
      assert.equal(stolen.status, ReplicaStatus.REPLICA_ERROR)
      assert.equal(stolen.errorCode, ErrorCode.BadSignature)
      // another device's grant for this asker does not cover this mailbox
      const other = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: device.mailbox, grant: grantFor(newDevice(), hostile) })
      assert.equal(other.errorCode, ErrorCode.Unauthorized)
    }
    assert.deepEqual(replicas.map((r) => mailboxOf(r).watcherCount()), watchersBefore, 'no watcher was added')

    // the node the device attached to watches with the grant made for it
    const pushed: Envelope[] = []
    const detach = entry.mailbox.attach(device.mailbox, { push: (e) => { pushed.push(e) } })
    const unwatch = await entry.mailbox.watch(device.mailbox, fetchGrant(device, entry))
    try {
      assert.deepEqual(replicas.map((r) => mailboxOf(r).watcherCount()), watchersBefore.map((n) => n + 1))
      const env = envelope(device.mailbox)
      await sender.mailbox.store(env)
      await waitFor(() => pushed.some((e) => hex(e.id) === hex(env.id)), { what: 'the push at the watching entry node' })
      // every replica that stored it pushed it (best effort, each once): give stragglers a moment, then count
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.equal(pushed.filter((e) => hex(e.id) === hex(env.id)).length, 1, 'pushed to the device once')
      assert.ok(!deliveredToHostile.some((bytes) => bytes.includes(hex(env.id))), 'nothing was pushed to the relay without a grant')
    } finally {
      unwatch()
      detach()
    }
    // withdrawn on detach
    await waitFor(() => replicas.every((r, i) => mailboxOf(r).watcherCount() === watchersBefore[i]), { what: 'the watches withdrawn' })
  })

  /** A published honest device attached at a node that is none of its replicas, watched with a wait that is over before any replica could answer (as on a loaded mesh). */
  async function attachedWithoutWaiting (pushed: Envelope[]): Promise<{ device: TestDevice, replicas: RelayNode[], sender: RelayNode, watchersBefore: number[], unwatch: () => void, detach: () => void }> {
    const device = honestDevice()
    await publishDevice(nodes[0]!, device)
    const replicas = replicasOf(nodes, device.mailbox)
    const [entry, sender] = nodes.filter((n) => !replicas.includes(n)) as [RelayNode, RelayNode]
    const watchersBefore = replicas.map((r) => mailboxOf(r).watcherCount())
    const detach = entry.mailbox.attach(device.mailbox, { push: (e) => { pushed.push(e) } })
    const unwatch = await entry.mailbox.watch(device.mailbox, fetchGrant(device, entry), { wait: AbortSignal.abort() })
    return { device, replicas, sender, watchersBefore, unwatch, detach }
  }

  it('a watch the attach stopped waiting for still takes effect: the replicas push once they answer', async () => {
    const pushed: Envelope[] = []
    const { device, replicas, sender, watchersBefore, unwatch, detach } = await attachedWithoutWaiting(pushed)
    try {
      await waitFor(() => replicas.every((r, i) => mailboxOf(r).watcherCount() === (watchersBefore[i] as number) + 1), { what: 'the watch at every replica' })
      const env = envelope(device.mailbox)
      await sender.mailbox.store(env)
      await waitFor(() => pushed.some((e) => hex(e.id) === hex(env.id)), { what: 'the push at the watching entry node' })
    } finally {
      unwatch()
      detach()
    }
    await waitFor(() => replicas.every((r, i) => mailboxOf(r).watcherCount() === watchersBefore[i]), { what: 'the watches withdrawn' })
  })

  it('a device that detaches before the watch round answered leaves no watcher behind', async () => {
    // the attach stopped waiting at once, and the device went away before any replica answered
    const { replicas, watchersBefore, unwatch, detach } = await attachedWithoutWaiting([])
    unwatch()
    detach()
    // the round's WATCHes still arrive; each is withdrawn once answered
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await waitFor(() => replicas.every((r, i) => mailboxOf(r).watcherCount() === watchersBefore[i]), {
      what: () => `no watcher left (replicas hold ${replicas.map((r) => mailboxOf(r).watcherCount()).join(', ')}, before ${watchersBefore.join(', ')})`
    })
  })

  it('a grant made for the asking relay is accepted (the refusals above are about the grant), with the watch\'s lifetime', async () => {
    const device = honestDevice()
    await publishDevice(nodes[0]!, device)
    const r = replicasOf(nodes, device.mailbox)[0] as RelayNode
    const before = mailboxOf(r).watcherCount()
    const ok = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: device.mailbox, grant: grantFor(device, hostile) })
    assert.equal(ok.status, ReplicaStatus.REPLICA_OK, ok.errorMessage)
    assert.ok(ok.watchTtlMs > 0)
    assert.equal(mailboxOf(r).watcherCount(), before + 1)
    const env = envelope(device.mailbox)
    await nodes.find((n) => n !== r)!.mailbox.store(env)
    await waitFor(() => deliveredToHostile.some((bytes) => bytes.includes(hex(env.id))), { what: 'the push to the granted relay' })
    const off = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: device.mailbox, unwatch: true })
    assert.equal(off.status, ReplicaStatus.REPLICA_OK)
    assert.equal(mailboxOf(r).watcherCount(), before)
  })
})
