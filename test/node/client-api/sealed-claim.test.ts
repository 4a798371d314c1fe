// Sealed prekey claims over real nodes and TCP (issue 10, point 1): whoever
// starts a session with a device is not named. A claim from an unattached,
// throwaway peer is answered when the device's user's access key or a stamp
// (over CLAIM_STAMP_ID, an empty payload and the one mailbox) opens the
// mailbox; anything else gets ERR_STAMP_REQUIRED and hands out nothing.
import { strict as assert } from 'node:assert'
import type { Libp2p } from '@libp2p/interface'
import { createDeviceCredentials, newProfileKey, type DeviceCredentials } from '../../../client/device.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { RecordKind } from '../../../protocol/constants.js'
import { randomBytes, x25519GenerateKeyPair } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { encode } from '../../../protocol/codec.js'
import { RequestType, type ClientResponse } from '../../../protocol/pb/client-api.js'
import { OneTimePreKey } from '../../../protocol/pb/records.js'
import { recordKey } from '../../../protocol/records.js'
import { CLAIM_STAMP_ID, deriveAccessKey, makeStamp, minuteOf, stampWork } from '../../../protocol/send-access.js'
import { addressOf, startMesh, stopAll, TEST_STAMP_BITS } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

describe('sealed CLAIM_PREKEY: access keys and stamps, no attach', function () {
  this.timeout(90_000)
  const hosts: Libp2p[] = []
  let nodes: RelayNode[] = []
  let bob: DeviceCredentials
  /** a throwaway peer at node 0 that never attaches */
  let stranger: NodeConnection

  async function connect (node: RelayNode): Promise<NodeConnection> {
    const host = await createClientHost()
    hosts.push(host)
    return await NodeConnection.connect(host, addressOf(node))
  }

  function claim (extra: Record<string, unknown>): Promise<ClientResponse> {
    return stranger.request({ type: RequestType.CLAIM_PREKEY, mailboxes: [bob.mailbox], ...extra })
  }

  async function refused (p: Promise<unknown>): Promise<ClientResponse> {
    try {
      await p
    } catch (err) {
      assert.ok(RelaymeshError.is(err, ErrorCode.StampRequired), `expected ERR_STAMP_REQUIRED, got ${String(err)}`)
      return (err as RelaymeshError & { response: ClientResponse }).response
    }
    assert.fail('the claim was answered')
  }

  before(async () => {
    nodes = await startMesh(2, { replicas: 2, writeQuorum: 1 })
    bob = createDeviceCredentials()
    const bobConn = await connect(nodes[1]!)
    await bobConn.attach(bob, { onEnvelope: () => {} })
    const keys = Array.from({ length: 4 }, (_, i) => encode(OneTimePreKey, { id: i + 1, publicKey: x25519GenerateKeyPair().publicKey }))
    assert.equal(await bobConn.uploadPreKeys(keys), 4)
    await waitFor(() => nodes[0]!.records.latestSeq(recordKey(RecordKind.DeviceList, bob.userId)) !== undefined, { what: 'Bob\'s device list on node 0' })
    stranger = await connect(nodes[0]!)
  })

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await stopAll(nodes)
  })

  it('refuses an unattached claim without access key or stamp, and hands nothing out', async () => {
    const res = await refused(claim({}))
    assert.equal(res.stampBits, TEST_STAMP_BITS)
    assert.equal(res.prekey.byteLength, 0)
    // a wrong access key covers nothing either
    await refused(claim({ access: [{ userId: bob.userId, accessKey: deriveAccessKey(newProfileKey()) }] }))
  })

  it('answers a claim carrying the device\'s user\'s access key', async () => {
    const res = await claim({ access: [{ userId: bob.userId, accessKey: deriveAccessKey(bob.profileKey) }] })
    assert.ok(res.prekey.byteLength > 0, 'a one-time prekey')
  })

  it('answers a stamped claim; a SEND\'s stamp or a stamp for another mailbox does not open it', async () => {
    const minute = minuteOf(Date.now())
    const stamp = makeStamp({ envelopeId: CLAIM_STAMP_ID, payload: new Uint8Array(0), mailboxes: [bob.mailbox], minute }, TEST_STAMP_BITS)
    const res = await claim({ stamp, stampMinute: minute })
    assert.ok(res.prekey.byteLength > 0, 'a one-time prekey')
    // made for a SEND to the same mailbox (another id, a payload): checked to carry too little for the claim
    for (;;) {
      const sendStamp = makeStamp({ envelopeId: randomBytes(16), payload: randomBytes(10), mailboxes: [bob.mailbox], minute }, TEST_STAMP_BITS)
      if (stampWork({ envelopeId: CLAIM_STAMP_ID, payload: new Uint8Array(0), mailboxes: [bob.mailbox], minute }, sendStamp) >= TEST_STAMP_BITS) continue
      await refused(claim({ stamp: sendStamp, stampMinute: minute }))
      break
    }
    for (;;) {
      const other = makeStamp({ envelopeId: CLAIM_STAMP_ID, payload: new Uint8Array(0), mailboxes: [randomBytes(32)], minute }, TEST_STAMP_BITS)
      if (stampWork({ envelopeId: CLAIM_STAMP_ID, payload: new Uint8Array(0), mailboxes: [bob.mailbox], minute }, other) >= TEST_STAMP_BITS) continue
      await refused(claim({ stamp: other, stampMinute: minute }))
      break
    }
  })
})
