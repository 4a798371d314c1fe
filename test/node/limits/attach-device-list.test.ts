// Attaching requires the user's latest device list (issue 9, point 5): over
// a real two-node mesh, once a device list without device 2 has reached the
// node, device 2 cannot attach with the older (unexpired, validly signed)
// list that still names it, a device attached before the removal can no
// longer use its attach session (fetch), and no device attaches with a list
// older than the node's. (Sending needs no attach: it is sealed.)
import { strict as assert } from 'node:assert'
import type { Libp2p } from '@libp2p/interface'
import { newProfileKey, signDeviceList, type DeviceCredentials } from '../../../client/device.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { RecordKind } from '../../../protocol/constants.js'
import { ed25519GenerateKeyPair } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { mailboxAddress, userIdFromIdentityKey } from '../../../protocol/identity.js'
import { openRecord, recordKey } from '../../../protocol/records.js'
import { addressOf, startMesh, stopAll } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

async function rejectsWith (p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    if (!RelaymeshError.is(err, code)) assert.fail(`expected ${code}, got ${String(err)}`)
    if (message !== undefined) assert.match((err as Error).message, message)
    return true
  })
}

describe('attaching requires the latest device list', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  const hosts: Libp2p[] = []

  before(async () => { nodes = await startMesh(2, { replicas: 2, writeQuorum: 1 }) })
  after(async () => {
    await Promise.all(hosts.map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await stopAll(nodes)
  })

  async function connect (node: RelayNode): Promise<NodeConnection> {
    const h = await createClientHost()
    hosts.push(h)
    return await NodeConnection.connect(h, addressOf(node))
  }

  it('a removed device can neither attach with its old list nor keep using its attach session', async () => {
    const identity = ed25519GenerateKeyPair()
    const userId = userIdFromIdentityKey(identity.publicKey)
    const keys = [ed25519GenerateKeyPair(), ed25519GenerateKeyPair()]
    const now = Date.now()
    const both = signDeviceList(identity, [{ deviceId: 1, deviceKey: keys[0]!.publicKey }, { deviceId: 2, deviceKey: keys[1]!.publicKey }], now)
    const onlyOne = signDeviceList(identity, [{ deviceId: 1, deviceKey: keys[0]!.publicKey }], now + 1)
    const creds = (deviceId: number, deviceList: Uint8Array): DeviceCredentials => ({
      identity, userId, deviceId, deviceKey: keys[deviceId - 1]!, mailbox: mailboxAddress(identity.publicKey, deviceId), deviceList, profileKey: newProfileKey()
    })

    // device 2 attaches to node 1 while it is listed, and can fetch its mailbox
    const phone = await connect(nodes[1]!)
    await phone.attach(creds(2, both), { onEnvelope: () => {} })
    await phone.fetch()

    // device 1 removes it: the new list goes in through node 0 and reaches node 1 by gossip
    const laptop = await connect(nodes[0]!)
    await laptop.attach(creds(1, onlyOne), { onEnvelope: () => {} })
    const key = recordKey(RecordKind.DeviceList, userId)
    await waitFor(async () => {
      const held = await nodes[1]!.records.get(key)
      return held !== undefined && openRecord(held, Date.now()).seq === now + 1
    }, { what: 'the new device list on node 1' })

    // the device attached before the removal is cut off
    await rejectsWith(phone.fetch(), ErrorCode.Unauthorized, /not in the user's latest device list/)

    // the old list, still signed and unexpired, attaches nowhere
    for (const node of nodes) {
      await rejectsWith((await connect(node)).attach(creds(2, both), { onEnvelope: () => {} }), ErrorCode.Stale, /older than the newest/)
      // nor with the latest one, which does not name it
      await rejectsWith((await connect(node)).attach(creds(2, onlyOne), { onEnvelope: () => {} }), ErrorCode.Unauthorized)
      // and even a listed device needs the newest list
      await rejectsWith((await connect(node)).attach(creds(1, both), { onEnvelope: () => {} }), ErrorCode.Stale)
    }
    // device 1 with the newest list still attaches anywhere
    await (await connect(nodes[1]!)).attach(creds(1, onlyOne), { onEnvelope: () => {} })
  })
})
