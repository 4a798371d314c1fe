// Shared by the mailbox tests: random bytes, envelopes, and what a node's
// LevelDB holds for a mailbox (read directly, not through the service).
import { randomBytes } from 'node:crypto'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { DEFAULT_LIMITS } from '../../../node/config.js'
import { createHost, type RelayHost } from '../../../node/host.js'
import { NODES_PROTOCOL } from '../../../node/relays/constants.js'
import { serveNodeRecords } from '../../../node/relays/node-exchange.js'
import { signNodeRecord } from '../../../node/relays/node-record.js'
import { addressOf, LOOPBACK_ALLOW } from '../../helpers/mesh.js'
import { RecordKind, WIRE_VERSION } from '../../../protocol/constants.js'
import { ackSignaturePayload, attachSignaturePayload } from '../../../protocol/client-protocol.js'
import { ed25519GenerateKeyPair, ed25519Sign, type Ed25519KeyPair } from '../../../protocol/crypto/primitives.js'
import { mailboxAddress, userIdFromIdentityKey } from '../../../protocol/identity.js'
import { signRecord } from '../../../protocol/records.js'
import type { AckProof, FetchGrant } from '../../../node/components.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import type { MailboxServiceNode } from '../../../node/mailbox/mailbox-service.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREFIX, rangeEnd } from '../../../node/store/keys.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'

/**
 * The one place tests make a node record for a relay that is not a RelayNode
 * (a stock libp2p host, possibly hostile): whatever admission asks of a record
 * (a proof of work, a mesh key) is added here. Valid for 30 minutes.
 */
export async function testNodeRecord (privateKey: PrivateKey, host: RelayHost): Promise<Uint8Array> {
  const now = Date.now()
  return await signNodeRecord(privateKey, host.peerId, { multiaddrs: host.getMultiaddrs(), seq: now, expiresAt: now + 30 * 60_000 })
}

/**
 * A relay host (kad-dht, gossipsub, no relaymesh services) holding a valid
 * signed node record, which it serves on /relaymesh/nodes/1.0.0: every node it
 * connects to pulls the record, admits it, and gossips the record on.
 */
export async function startTestRelay (): Promise<RelayHost> {
  const privateKey = await generateKeyPair('Ed25519')
  const host = await createHost({ privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, allowIps: LOOPBACK_ALLOW })
  await host.start()
  const record = await testNodeRecord(privateKey, host)
  await host.handle(NODES_PROTOCOL, (stream) => {
    serveNodeRecords(stream, async () => {}, () => [record], DEFAULT_LIMITS.maxFrameBytes, AbortSignal.timeout(5000)).catch(() => { stream.abort(new Error('exchange failed')) })
  })
  return host
}

/** Connect a test relay to `nodes[0]` and wait until every node admits it (its record pulled, then gossiped). */
export async function admitTestRelay (host: RelayHost, nodes: RelayNode[]): Promise<void> {
  await host.dial(multiaddr(addressOf(nodes[0] as RelayNode)))
  await waitFor(() => nodes.every((n) => n.relays.isAdmitted(host.peerId)), { what: 'the test relay admitted by every node' })
}

export function rand (n: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(n))
}

export function hex (b: Uint8Array): string {
  return Buffer.from(b).toString('hex')
}

export function envelope (mailbox: Uint8Array<ArrayBuffer>, size = 200, expiresAt = 0): Envelope {
  return { version: WIRE_VERSION, id: rand(16), mailbox, expiresAt, payload: rand(size) }
}

export function mailboxOf (node: RelayNode): MailboxServiceNode {
  return node.mailbox as MailboxServiceNode
}

/** envelope ids (hex) a node holds for a mailbox, read straight from its LevelDB */
export async function heldIds (node: RelayNode, mailbox: Uint8Array): Promise<string[]> {
  const prefix = `${PREFIX.envelope}${hex(mailbox)}!`
  const ids: string[] = []
  for await (const key of node.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) ids.push(key.slice(prefix.length))
  return ids
}

export function replicasOf (nodes: RelayNode[], mailbox: Uint8Array, k = 3): RelayNode[] {
  const ids = closestReference(mailbox, nodes.map((n) => n.peerId.toString()), k)
  return nodes.filter((n) => ids.includes(n.peerId.toString()))
}


/** until every node's relay directory lists every other node (placement agrees everywhere) */
export async function waitForEachOther (nodes: RelayNode[], timeout = 30_000): Promise<void> {
  await waitFor(() => nodes.every((n) => {
    const known = new Set(n.relays.peers().map(String))
    return nodes.every((m) => m === n || known.has(m.peerId.toString()))
  }), { timeout, what: `${nodes.length} nodes to list each other` })
}

/** A user's device as the relays see it: its mailbox, device key, and the user's signed device list. */
export interface TestDevice {
  userId: string
  deviceId: number
  deviceKey: Ed25519KeyPair
  mailbox: Uint8Array<ArrayBuffer>
  /** SignedRecord bytes of the user's DeviceList naming deviceKey */
  deviceList: Uint8Array<ArrayBuffer>
}

export function newDevice (deviceId = 1): TestDevice {
  const identity = ed25519GenerateKeyPair()
  const deviceKey = ed25519GenerateKeyPair()
  const deviceList = new Uint8Array(signRecord(identity, {
    kind: RecordKind.DeviceList,
    body: {
      version: WIRE_VERSION,
      identityKey: identity.publicKey as Uint8Array<ArrayBuffer>,
      seq: 1,
      expiresAt: Date.now() + 60 * 60 * 1000,
      devices: [{ deviceId, deviceKey: deviceKey.publicKey as Uint8Array<ArrayBuffer> }]
    }
  }))
  const mailbox = new Uint8Array(mailboxAddress(identity.publicKey, deviceId))
  return { userId: userIdFromIdentityKey(identity.publicKey), deviceId, deviceKey, mailbox, deviceList }
}

/** the device's signature over its acknowledgement of `ids` (what a client sends with ACK) */
export function signAck (device: TestDevice, ids: Uint8Array[], mailbox: Uint8Array = device.mailbox): Uint8Array<ArrayBuffer> {
  return new Uint8Array(ed25519Sign(device.deviceKey.privateKey, ackSignaturePayload(mailbox, ids)))
}

/** the proof MailboxService.ack takes (the client API passes the same) */
export function ackProof (device: TestDevice, ids: Uint8Array[]): AckProof {
  return { signature: signAck(device, ids), userId: device.userId }
}

/** publish the device list on `node` (the entry node looks it up there to prove an ack) */
export async function publishDevice (node: RelayNode, device: TestDevice): Promise<void> {
  await node.records.publish(device.deviceList)
}

/** What a device's attach to `node` gives it: the grant that lets `node`, not a replica, list the device's mailbox on its replicas. */
export function fetchGrant (device: TestDevice, node: RelayNode): FetchGrant {
  const nonce = rand(32)
  const clientPeerId = rand(38)
  const signature = ed25519Sign(device.deviceKey.privateKey, attachSignaturePayload(nonce, node.peerId.toMultihash().bytes, clientPeerId))
  return { nonce, signature, clientPeerId, deviceList: device.deviceList, deviceId: device.deviceId }
}

/** `node` fetches the device's mailbox for it (as it does for a device attached there), ids in hex. */
export async function fetchIds (node: RelayNode, device: TestDevice, options: { limit?: number, after?: string } = {}): Promise<string[]> {
  return (await node.mailbox.fetch(device.mailbox, { ...options, grant: fetchGrant(device, node) })).map((e) => hex(e.id))
}
