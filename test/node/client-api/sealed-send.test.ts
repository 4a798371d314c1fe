// Sealed SEND over real nodes and real TCP (issue 10, point 1): no attach;
// the recipient's access key opens its mailboxes, anything else needs a
// stamp bound to the very request and a minute near the node's, and stamped
// (stranger) sends are bounded per source IP.
import { strict as assert } from 'node:assert'
import type { Libp2p } from '@libp2p/interface'
import { createDeviceCredentials, newProfileKey, signDeviceList, type DeviceCredentials } from '../../../client/device.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { DEFAULT_LIMITS } from '../../../node/config.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { RecordKind, STAMP_MINUTE_SKEW } from '../../../protocol/constants.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { RequestType, type ClientResponse } from '../../../protocol/pb/client-api.js'
import { recordKey } from '../../../protocol/records.js'
import { deriveAccessKey, makeStamp, minuteOf, stampBitsFor, stampWork, type StampedRequest } from '../../../protocol/send-access.js'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { addressOf, CLI, killAll, removeDir, spawnNode, startMesh, startNode, stopAll, tempDir, TEST_STAMP_BITS, type NodeProcess } from '../../helpers/mesh.js'
import { sealedSend, stampedSend } from '../../helpers/sealed-send.js'
import { waitFor } from '../../helpers/wait.js'

const dirs: string[] = []
function tempDirFor (): string {
  const d = tempDir()
  dirs.push(d)
  return d
}

/** The node's answer to a refused request. */
async function refusal (p: Promise<unknown>, code: ErrorCode): Promise<ClientResponse> {
  try {
    await p
  } catch (err) {
    assert.ok(RelaymeshError.is(err, code), `expected ${code}, got ${String(err)}`)
    return (err as RelaymeshError & { response: ClientResponse }).response
  }
  assert.fail(`expected ${code}, but the request was accepted`)
}

/**
 * A stamp of `bits` made for a request `other()` gives, that carries less than
 * `below` bits for `real` (by default: for the request it was made for); checked,
 * not left to chance (a stamp of b bits carries b+1 with probability 1/2).
 */
function stampFor (other: () => StampedRequest, real: StampedRequest | undefined, bits: number, below = bits): { stamp: Uint8Array, req: StampedRequest } {
  for (;;) {
    const o = other()
    const stamp = makeStamp(o, bits)
    if (stampWork(real ?? o, stamp) < below) return { stamp, req: o }
  }
}

describe('sealed SEND: access keys, stamps and the stranger budget', function () {
  this.timeout(90_000)
  const hosts: Libp2p[] = []

  async function connect (node: RelayNode): Promise<NodeConnection> {
    const host = await createClientHost()
    hosts.push(host)
    return await NodeConnection.connect(host, addressOf(node))
  }

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    for (const d of dirs) removeDir(d)
  })

  describe('on a two-node mesh', () => {
    let nodes: RelayNode[] = []
    let bob: DeviceCredentials
    let carol: DeviceCredentials
    let bobConn: NodeConnection
    /** a throwaway peer at node 0 that never attaches */
    let stranger: NodeConnection

    before(async () => {
      nodes = await startMesh(2, { replicas: 2, writeQuorum: 1 })
      bob = createDeviceCredentials()
      carol = createDeviceCredentials()
      // the recipients attach at node 1; their device lists reach node 0 by gossip
      bobConn = await connect(nodes[1]!)
      await bobConn.attach(bob, { onEnvelope: () => {} })
      const c = await connect(nodes[1]!)
      await c.attach(carol, { onEnvelope: () => {} })
      await waitFor(() => [bob, carol].every((u) => nodes[0]!.records.latestSeq(recordKey(RecordKind.DeviceList, u.userId)) !== undefined), { what: 'device lists on node 0' })
      stranger = await connect(nodes[0]!)
    })

    after(async () => { await stopAll(nodes) })

    it('stores an unattached SEND that carries the recipient\'s access key', async () => {
      const id = randomBytes(16)
      const res = await sealedSend(stranger, [bob.mailbox], id, randomBytes(100), { access: [bob] })
      assert.equal(res.sent[0]?.errorCode, '')
      assert.ok((res.sent[0]?.replicas ?? 0) >= 1)
      const { envelopes } = await bobConn.fetch()
      assert.ok(envelopes.some((e) => Buffer.from(e.id).equals(id)), 'Bob fetches it')
    })

    it('refuses a wrong or absent access key without a stamp: ERR_STAMP_REQUIRED with the bits', async () => {
      for (const access of [[], [{ userId: bob.userId, profileKey: newProfileKey() }]]) {
        const res = await refusal(sealedSend(stranger, [bob.mailbox], randomBytes(16), randomBytes(100), { access }), ErrorCode.StampRequired)
        assert.equal(res.stampBits, TEST_STAMP_BITS)
        assert.match(res.errorMessage, /^1 mailbox needs a stamp of 8 bits \(no access key covers it\)$/)
      }
      const two = await refusal(sealedSend(stranger, [bob.mailbox, carol.mailbox], randomBytes(16), randomBytes(100)), ErrorCode.StampRequired)
      assert.equal(two.stampBits, stampBitsFor(TEST_STAMP_BITS, 2))
      assert.match(two.errorMessage, /^2 mailboxes need a stamp of 9 bits/)
    })

    it('accepts a stamp with enough work, without any access key', async () => {
      const id = randomBytes(16)
      const res = await stampedSend(stranger, [bob.mailbox, carol.mailbox], id, randomBytes(100))
      assert.deepEqual(res.sent.map((s) => s.errorCode), ['', ''])
      // and a stamp of too little work (8 bits where two mailboxes need 9) is refused
      const mailboxes = [bob.mailbox, carol.mailbox]
      const weak = stampFor(() => ({ envelopeId: randomBytes(16), payload: randomBytes(100), mailboxes, minute: minuteOf(Date.now()) }), undefined, TEST_STAMP_BITS, TEST_STAMP_BITS + 1)
      const res2 = await refusal(stranger.request({ type: RequestType.SEND, envelopeId: weak.req.envelopeId, payload: weak.req.payload, mailboxes, stamp: weak.stamp, stampMinute: weak.req.minute }), ErrorCode.StampRequired)
      assert.equal(res2.stampBits, TEST_STAMP_BITS + 1)
      assert.match(res2.errorMessage, /the stamp carries 8 bits/)
    })

    it('refuses a stamp made for another payload, another mailbox set, or a minute out of skew', async () => {
      const envelopeId = randomBytes(16)
      const payload = randomBytes(100)
      const minute = minuteOf(Date.now())
      const mailboxes = [bob.mailbox]
      const real: StampedRequest = { envelopeId, payload, mailboxes, minute }
      const send = async (s: { stamp: Uint8Array, minute: number }): Promise<ClientResponse> =>
        await stranger.request({ type: RequestType.SEND, envelopeId, payload, mailboxes, stamp: s.stamp, stampMinute: s.minute })
      for (const other of [
        () => ({ ...real, payload: randomBytes(100) }),
        () => ({ ...real, mailboxes: [carol.mailbox] }),
        () => ({ ...real, mailboxes: [bob.mailbox, carol.mailbox] }),
        () => ({ ...real, envelopeId: randomBytes(16) }),
        () => ({ ...real, minute: minute - 1 })
      ]) {
        // sent as the real request, for the current minute
        const res = await refusal(send({ stamp: stampFor(other, real, TEST_STAMP_BITS).stamp, minute }), ErrorCode.StampRequired)
        assert.equal(res.stampBits, TEST_STAMP_BITS)
      }
      // a stamp with the work, made for a minute beyond the skew (a stamp hoarded, or replayed later)
      for (const m of [minute - STAMP_MINUTE_SKEW - 2, minute + STAMP_MINUTE_SKEW + 2]) {
        const res = await refusal(send({ stamp: makeStamp({ ...real, minute: m }, TEST_STAMP_BITS), minute: m }), ErrorCode.StampRequired)
        assert.match(res.errorMessage, /this node's is/)
      }
      // the same request with its own stamp is accepted
      await send({ stamp: makeStamp(real, TEST_STAMP_BITS), minute })
    })

    it('an access key covers its own user\'s mailboxes only', async () => {
      // Bob's key for Carol's mailbox
      const res = await refusal(stranger.request({ type: RequestType.SEND, envelopeId: randomBytes(16), payload: randomBytes(50), mailboxes: [carol.mailbox], access: [{ userId: carol.userId, accessKey: deriveAccessKey(bob.profileKey) }] }), ErrorCode.StampRequired)
      assert.equal(res.stampBits, TEST_STAMP_BITS)
      await refusal(sealedSend(stranger, [carol.mailbox], randomBytes(16), randomBytes(50), { access: [bob] }), ErrorCode.StampRequired)
      // Bob's key with Bob's and Carol's mailboxes: only Carol's needs a stamp
      const mixed = await refusal(sealedSend(stranger, [bob.mailbox, carol.mailbox], randomBytes(16), randomBytes(50), { access: [bob] }), ErrorCode.StampRequired)
      assert.equal(mixed.stampBits, stampBitsFor(TEST_STAMP_BITS, 1))
      assert.match(mixed.errorMessage, /^1 mailbox needs/)
      // with both keys, no stamp
      await sealedSend(stranger, [bob.mailbox, carol.mailbox], randomBytes(16), randomBytes(50), { access: [bob, carol] })
    })

    it('a rotated profile key closes the old access key (a removed contact looks like a stranger)', async () => {
      const dave = createDeviceCredentials()
      const d = await connect(nodes[1]!)
      await d.attach(dave, { onEnvelope: () => {} })
      await waitFor(() => nodes[0]!.records.latestSeq(recordKey(RecordKind.DeviceList, dave.userId)) !== undefined, { what: 'Dave\'s list on node 0' })
      await sealedSend(stranger, [dave.mailbox], randomBytes(16), randomBytes(50), { access: [dave] })
      const profileKey = newProfileKey()
      const now = Date.now()
      const rotated = { ...dave, profileKey, deviceList: signDeviceList(dave.identity, [{ deviceId: dave.deviceId, deviceKey: dave.deviceKey.publicKey }], now + 1, now, { profileKey }) }
      await d.detach()
      const d2 = await connect(nodes[1]!)
      await d2.attach(rotated, { onEnvelope: () => {} })
      await waitFor(() => (nodes[0]!.records.latestSeq(recordKey(RecordKind.DeviceList, dave.userId)) ?? 0) > now, { what: 'the rotated list on node 0' })
      const res = await refusal(sealedSend(stranger, [dave.mailbox], randomBytes(16), randomBytes(50), { access: [dave] }), ErrorCode.StampRequired)
      assert.equal(res.stampBits, TEST_STAMP_BITS)
      await sealedSend(stranger, [dave.mailbox], randomBytes(16), randomBytes(50), { access: [rotated] })
    })

    it('refuses malformed access entries', async () => {
      await refusal(stranger.request({ type: RequestType.SEND, envelopeId: randomBytes(16), payload: randomBytes(50), mailboxes: [bob.mailbox], access: [{ userId: bob.userId, accessKey: randomBytes(15) }] }), ErrorCode.Invalid)
      await refusal(stranger.request({ type: RequestType.SEND, envelopeId: randomBytes(16), payload: randomBytes(50), mailboxes: [bob.mailbox], access: [{ userId: 'nobody', accessKey: randomBytes(16) }] }), ErrorCode.InvalidArgument)
    })
  })

  describe('the per-IP budget of stamped sends', () => {
    const BURST = 3
    let node: RelayNode

    before(async () => {
      // no allowIps: loopback is an ordinary address here, as any client's would be
      node = await startNode({ replicas: 1, writeQuorum: 1, allowIps: [], limits: { ...DEFAULT_LIMITS, strangerSendsPerMinute: 0.01, strangerSendBurst: BURST } })
    })

    after(async () => { await stopAll([node]) })

    it('refuses the (budget+1)-th stamped send from one IP, whichever peer sends it; access-key sends are not counted', async () => {
      const bob = createDeviceCredentials()
      const b = await connect(node)
      await b.attach(bob, { onEnvelope: () => {} })
      const first = await connect(node)
      for (let i = 0; i < BURST; i++) await stampedSend(first, [bob.mailbox], randomBytes(16), randomBytes(50))
      const res = await refusal(stampedSend(first, [bob.mailbox], randomBytes(16), randomBytes(50)), ErrorCode.RateLimited)
      assert.match(res.errorMessage, /stamped sends from this address/)
      // a fresh throwaway peer from the same address gets no new budget
      const second = await connect(node)
      await refusal(stampedSend(second, [bob.mailbox], randomBytes(16), randomBytes(50)), ErrorCode.RateLimited)
      // a contact (access key) is not a stranger: not counted, not refused
      await sealedSend(second, [bob.mailbox], randomBytes(16), randomBytes(50), { access: [bob] })
      assert.deepEqual(node.clientApi.strangers.ips.keys(), ['127.0.0.1'])
    })
  })

  describe('relaymesh node start --stamp-bits --stranger-rate (a node process)', () => {
    let proc: NodeProcess | undefined

    after(async () => { await killAll([proc]) })

    it('asks the configured stamp bits and holds the configured per-IP budget', async () => {
      proc = await spawnNode({ replicas: 1, allowLoopback: false, extra: ['--stamp-bits', '10', '--stranger-rate', '2'] })
      const host = await createClientHost()
      hosts.push(host)
      const conn = await NodeConnection.connect(host, proc.address)
      const to = createDeviceCredentials().mailbox
      const res = await refusal(sealedSend(conn, [to], randomBytes(16), randomBytes(50)), ErrorCode.StampRequired)
      assert.equal(res.stampBits, 10)
      // a stamp of 8 or 9 bits (what test nodes ask) is not enough here
      const weak = stampFor(() => ({ envelopeId: randomBytes(16), payload: randomBytes(50), mailboxes: [to], minute: minuteOf(Date.now()) }), undefined, 8, 10)
      await refusal(conn.request({ type: RequestType.SEND, envelopeId: weak.req.envelopeId, payload: weak.req.payload, mailboxes: [to], stamp: weak.stamp, stampMinute: weak.req.minute }), ErrorCode.StampRequired)
      for (let i = 0; i < 2; i++) await sealedSend(conn, [to], randomBytes(16), randomBytes(50), { stampBits: 10 })
      await refusal(sealedSend(conn, [to], randomBytes(16), randomBytes(50), { stampBits: 10 }), ErrorCode.RateLimited)
    })

    it('refuses stamp bits beyond the most a client will do', async () => {
      const err = await promisify(execFile)(process.execPath, [CLI, 'node', 'start', '--stamp-bits', '27', '--data', tempDirFor()]).then(() => undefined, (e: { code: number, stderr: string }) => e)
      assert.ok(err !== undefined && err.code !== 0)
      assert.match(err.stderr, /--stamp-bits.*expected an integer from 0 to 26/)
    })
  })
})
