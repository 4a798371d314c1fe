// Backup watches (WATCH push_delay_ms, docs/protocol.md §10 "Backup watches"): a
// watching relay asks one replica to push a mailbox's new envelopes at once
// and the others only what the device has not acknowledged a while later.
// In the common case one DELIVER per envelope reaches the watcher instead
// of one per replica; an envelope nobody acknowledged still comes from every
// replica. Five real relay nodes over TCP and a test relay (admitted, with
// the device's grant made for it) that watches and counts what it is pushed.
import { strict as assert } from 'node:assert'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import { decode, encode, type Loose } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { Envelope } from '../../../protocol/pb/envelope.js'
import { ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus } from '../../../protocol/pb/node-replica.js'
import type { RelayHost } from '../../../node/host.js'
import { MAX_PUSH_DELAY_MS, REPLICA_PROTOCOL } from '../../../node/mailbox/constants.js'
import type { RelayNode } from '../../../node/relay-node.js'
import type { FetchGrant } from '../../../node/components.js'
import { ed25519Sign } from '../../../protocol/crypto/primitives.js'
import { attachSignaturePayload } from '../../../protocol/client-protocol.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'
import { ackProof, admitTestRelay, envelope, hex, mailboxOf, newDevice, publishDevice, rand, startTestRelay, waitForEachOther, type TestDevice } from './helpers.js'

const MAX = 4 * 1024 * 1024
/** the backups' delay in these tests (the replica takes what the watcher asks, up to MAX_PUSH_DELAY_MS): long enough for the ack on a loaded machine */
const DELAY_MS = 5000

describe('backup watches: one replica pushes at once, the others only what is still unacknowledged', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let watcher: RelayHost
  /** DELIVERs the watching relay received: envelope id (hex) -> how many */
  const delivered = new Map<string, number>()

  before(async () => {
    nodes = await startMesh(5)
    await waitForEachOther(nodes)
    watcher = await startTestRelay()
    await watcher.handle(REPLICA_PROTOCOL, (stream) => {
      void (async () => {
        const lp = lpStream(stream, { maxDataLength: MAX })
        const req = decode(ReplicaRequest, (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(), MAX, 'ReplicaRequest')
        if (req.type === ReplicaRequestType.REPLICA_DELIVER) {
          for (const bytes of req.envelopes) {
            const id = hex(decode(Envelope, bytes, MAX, 'Envelope').id)
            delivered.set(id, (delivered.get(id) ?? 0) + 1)
          }
        }
        await lp.write(encode(ReplicaResponse, { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_OK, requestId: req.requestId, count: req.envelopes.length }))
        await stream.close().catch(() => {})
      })().catch(() => { stream.abort(new Error('test relay handler failed')) })
    })
    await admitTestRelay(watcher, nodes)
  })

  after(async () => {
    await watcher?.stop()
    await stopAll(nodes)
  })

  async function ask (target: RelayNode, req: Loose<Partial<ReplicaRequest>>): Promise<ReplicaResponse> {
    const stream = await watcher.dialProtocol(multiaddr(addressOf(target)), REPLICA_PROTOCOL, { signal: AbortSignal.timeout(5000) })
    const lp = lpStream(stream, { maxDataLength: MAX })
    await lp.write(encode(ReplicaRequest, { version: WIRE_VERSION, ...req }))
    const res = decode(ReplicaResponse, (await lp.read({ signal: AbortSignal.timeout(5000) })).subarray(), MAX, 'ReplicaResponse')
    await stream.close().catch(() => {})
    return res
  }

  /** a device whose k replicas are real nodes (not the test relay), and those replicas, closest first */
  function honestDevice (): { device: TestDevice, replicas: RelayNode[] } {
    const everyone = [...nodes.map((n) => n.peerId.toString()), watcher.peerId.toString()]
    for (;;) {
      const device = newDevice()
      const closest = closestReference(device.mailbox, everyone, 3)
      if (closest.includes(watcher.peerId.toString())) continue
      return { device, replicas: closest.map((id) => nodes.find((n) => n.peerId.toString() === id) as RelayNode) }
    }
  }

  function grantFor (device: TestDevice): FetchGrant {
    const nonce = rand(32)
    const clientPeerId = rand(38)
    const signature = ed25519Sign(device.deviceKey.privateKey, attachSignaturePayload(nonce, watcher.peerId.toMultihash().bytes, clientPeerId))
    return { nonce, signature, clientPeerId, deviceList: device.deviceList, deviceId: device.deviceId }
  }

  /** the test relay watches the device's mailbox: the closest replica at once, the others as backups */
  async function watchAll (device: TestDevice, replicas: RelayNode[]): Promise<void> {
    for (const [i, r] of replicas.entries()) {
      const res = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: device.mailbox, grant: grantFor(device), pushDelayMs: i === 0 ? 0 : DELAY_MS })
      assert.equal(res.status, ReplicaStatus.REPLICA_OK, res.errorMessage)
    }
  }

  /** a new device watched by the test relay (watchAll), and one envelope for it stored through a relay that is none of its replicas */
  async function storeForWatchedDevice (): Promise<{ device: TestDevice, replicas: RelayNode[], entry: RelayNode, env: ReturnType<typeof envelope>, id: string, storedAt: number }> {
    const { device, replicas } = honestDevice()
    await publishDevice(nodes[0]!, device)
    await watchAll(device, replicas)
    const entry = nodes.find((n) => !replicas.includes(n)) as RelayNode
    const env = envelope(device.mailbox)
    const storedAt = Date.now()
    await entry.mailbox.store(env)
    return { device, replicas, entry, env, id: hex(env.id), storedAt }
  }

  it('an envelope the device acknowledges is pushed to the watching relay once, not once per replica', async () => {
    const { device, replicas, entry, env, id, storedAt } = await storeForWatchedDevice()
    await waitFor(() => (delivered.get(id) ?? 0) >= 1, { what: 'the primary replica\'s push' })
    // the device got it and acknowledges it (through its entry node, to every replica)
    await entry.mailbox.ack(device.mailbox, [env.id], { proof: ackProof(device, [env.id]) })
    assert.ok(Date.now() - storedAt < DELAY_MS, 'acknowledged before the backups\' delay (else this test proves nothing)')
    // the backups' time comes and goes
    await new Promise((resolve) => setTimeout(resolve, storedAt + DELAY_MS + 1500 - Date.now()))
    assert.equal(delivered.get(id), 1, 'one push for an envelope acknowledged before the backups\' delay')
    assert.ok(replicas.every((r) => mailboxOf(r).watcherCount() >= 1))
  })

  it('an envelope nobody acknowledges is pushed by the backups too, after their delay', async () => {
    const { id } = await storeForWatchedDevice()
    // the primary's push may have been lost: every replica that stored it pushes it in the end
    await waitFor(() => (delivered.get(id) ?? 0) >= 3, { what: 'the backups\' pushes', timeout: DELAY_MS + 10_000 })
  })

  it('refuses a push delay over the bound, and adds no watcher', async () => {
    const { device, replicas } = honestDevice()
    const r = replicas[0] as RelayNode
    const before = mailboxOf(r).watcherCount()
    const res = await ask(r, { type: ReplicaRequestType.REPLICA_WATCH, mailbox: device.mailbox, grant: grantFor(device), pushDelayMs: MAX_PUSH_DELAY_MS + 1 })
    assert.equal(res.status, ReplicaStatus.REPLICA_ERROR)
    assert.equal(res.errorCode, ErrorCode.Invalid)
    assert.equal(mailboxOf(r).watcherCount(), before)
  })
})
