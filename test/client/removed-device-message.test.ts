// Recipients check the sender device against the sender's latest device list
// (issue 9, point 5). A removed linked device keeps the user's identity key
// and its sessions, so it can still seal messages "from" the user and hand
// them to any node as any attached client (sealed sender hides the sender
// from relays): only the recipient can refuse them. Real node, real client
// for Bob; Alice's two devices are driven by hand, as a hostile device would.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { Libp2p } from '@libp2p/interface'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { createDeviceCredentials, newProfileKey, signDeviceList, type DeviceCredentials } from '../../client/device.js'
import { ContentKind, encodeContent, newMessageId } from '../../client/messaging/content.js'
import { lookupUser } from '../../client/messaging/user-directory.js'
import { createClientHost } from '../../client/transport/client-host.js'
import { NodeConnection } from '../../client/transport/node-connection.js'
import type { RelayNode } from '../../node/relay-node.js'
import { RecordKind } from '../../protocol/constants.js'
import { ed25519GenerateKeyPair, randomBytes, type Ed25519KeyPair } from '../../protocol/crypto/primitives.js'
import { sealSender } from '../../protocol/crypto/sealed-sender.js'
import { encryptMessage, startSession } from '../../protocol/crypto/session.js'
import { mailboxAddress, userIdFromIdentityKey } from '../../protocol/identity.js'
import { openRecord, recordKey } from '../../protocol/records.js'
import { addressOf, removeDir, startNode, stopAll, tempDir } from '../helpers/mesh.js'
import { stampedSend } from '../helpers/sealed-send.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'
/** how old a sender's device list Bob may still trust (ClientOptions.deviceListMaxAgeMs; 30 s by default) */
const MAX_AGE_MS = 300

describe('a message from a removed device', function () {
  this.timeout(60_000)
  let node: RelayNode
  let dir: string
  let bob: Client
  let bobId: string
  const hosts: Libp2p[] = []

  before(async () => {
    node = await startNode({ replicas: 1, writeQuorum: 1 })
    dir = tempDir('relaymesh-removed-')
    bobId = (await initIdentity(join(dir, 'bob'), PASS)).userId
    bob = await openClient({ home: join(dir, 'bob'), passphrase: PASS, nodes: [addressOf(node)], deviceListMaxAgeMs: MAX_AGE_MS })
    await bob.connect()
  })

  after(async () => {
    await bob.close().catch(() => {})
    await Promise.all(hosts.map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await stopAll([node])
    removeDir(dir)
  })

  async function connect (): Promise<NodeConnection> {
    const h = await createClientHost()
    hosts.push(h)
    return await NodeConnection.connect(h, addressOf(node))
  }

  async function receiveUntil (text: string, timeout = 15_000): Promise<IncomingMessage[]> {
    const got: IncomingMessage[] = []
    const deadline = Date.now() + timeout
    while (!got.some((m) => m.text === text) && Date.now() < deadline) got.push(...await bob.receive({ waitMs: 200 }))
    return got
  }

  /** Alice's device `deviceId` writes to Bob on a fresh session, through `via` (any attached connection). */
  async function write (via: NodeConnection, identity: Ed25519KeyPair, deviceId: number, text: string): Promise<void> {
    const peer = await lookupUser(via, bobId, Date.now())
    const device = peer.devices[0]
    assert.ok(device?.bundle !== undefined, 'Bob has a prekey bundle')
    const session = startSession({ identity, deviceId, bundle: device.bundle })
    const message = encryptMessage(session, encodeContent({ messageId: newMessageId(), sentAt: Date.now(), kind: ContentKind.TEXT, text }))
    const payload = sealSender({ senderIdentity: identity, senderDeviceId: deviceId, recipientIdentityKey: peer.identityKey, contentType: message.contentType, content: message.bytes })
    await stampedSend(via, [device.mailbox], randomBytes(16), payload)
  }

  it('is refused by the recipient once the device is off the sender\'s latest list', async () => {
    const identity = ed25519GenerateKeyPair()
    const aliceId = userIdFromIdentityKey(identity.publicKey)
    const keys = [ed25519GenerateKeyPair(), ed25519GenerateKeyPair()]
    const now = Date.now()
    const both = signDeviceList(identity, [{ deviceId: 1, deviceKey: keys[0]!.publicKey }, { deviceId: 2, deviceKey: keys[1]!.publicKey }], now)
    const creds = (deviceId: number, deviceList: Uint8Array): DeviceCredentials => ({
      identity, userId: aliceId, deviceId, deviceKey: keys[deviceId - 1]!, mailbox: mailboxAddress(identity.publicKey, deviceId), deviceList, profileKey: newProfileKey()
    })
    const laptop = await connect()
    await laptop.attach(creds(1, both), { onEnvelope: () => {} })

    // while both are listed, Bob shows what either device writes
    await write(laptop, identity, 2, 'from the phone while listed')
    await write(laptop, identity, 1, 'from the laptop while listed')
    const before = await receiveUntil('from the laptop while listed')
    assert.deepEqual(before.map((m) => [m.from, m.text]).sort(), [[aliceId, 'from the laptop while listed'], [aliceId, 'from the phone while listed']])

    // the laptop removes the phone: a newer list, published to the mesh
    await laptop.publish([signDeviceList(identity, [{ deviceId: 1, deviceKey: keys[0]!.publicKey }], now + 1)])
    await waitFor(async () => {
      const held = await node.records.get(recordKey(RecordKind.DeviceList, aliceId))
      return held !== undefined && openRecord(held, Date.now()).seq === now + 1
    }, { what: 'the new list on the node' })
    // what Bob learnt of Alice's devices while receiving is now older than he may trust
    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS + 100))

    // the removed phone still holds the identity key: it seals a message as device 2 and hands it to
    // the node as some other user's attached client; then the laptop writes
    const stranger = await connect()
    await stranger.attach(createDeviceCredentials(), { onEnvelope: () => {} })
    await write(stranger, identity, 2, 'from the removed phone')
    await write(laptop, identity, 1, 'from the laptop after the removal')
    const after = await receiveUntil('from the laptop after the removal')
    assert.deepEqual(after.map((m) => [m.from, m.text]), [[aliceId, 'from the laptop after the removal']])
    assert.equal((await bob.history(aliceId)).some((m) => m.text === 'from the removed phone'), false)
  })
})
