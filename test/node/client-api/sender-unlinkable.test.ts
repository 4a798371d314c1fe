// Sealed sending holds against the node that accepts the envelope (issue 10,
// point 1): a sender attached to node A sends its sealed envelope through a
// throwaway libp2p peer. The node that accepted it is scanned (every LevelDB
// key and value, every log line at debug level, and what it keeps in memory
// about clients: attached devices, rate-limit buckets, peers, metrics) for
// anything naming the sender: user id, identity key, device key, mailbox,
// attach peer id, raw and in hex/base64. Through node B (where the sender is
// not attached) none may appear, except the sender's own public signed records
// that every relay of the mesh holds whether or not it carried anything.
// Through node A (where it is attached) the attach state names it, but nothing
// the send added does.
import { strict as assert } from 'node:assert'
import type { Libp2p } from '@libp2p/interface'
import { pino, type Logger } from 'pino'
import { createDeviceCredentials, type DeviceCredentials } from '../../../client/device.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREFIX } from '../../../node/store/keys.js'
import { ContentType, RecordKind } from '../../../protocol/constants.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { sealSender } from '../../../protocol/crypto/sealed-sender.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import { recordKey } from '../../../protocol/records.js'
import { addressOf, startNode, stopAll, waitForFullDirectory } from '../../helpers/mesh.js'
import { sealedSend } from '../../helpers/sealed-send.js'
import { waitFor } from '../../helpers/wait.js'

/** A pino logger at debug level writing every line into `lines`. */
function bufferLogger (lines: string[]): Logger {
  return pino({ level: 'debug' }, { write: (line: string) => { lines.push(line) } })
}

interface Needle {
  what: string
  bytes: Buffer
}

/** Everything that names the sender, raw and in the text forms a node could write it in. */
function needlesOf (sender: DeviceCredentials, attachPeer: Libp2p): Needle[] {
  const out: Needle[] = [{ what: 'user id', bytes: Buffer.from(sender.userId) }]
  const binary: Array<[string, Uint8Array]> = [
    ['identity key', sender.identity.publicKey],
    ['device key', sender.deviceKey.publicKey],
    ['mailbox', sender.mailbox],
    ['attach peer id (multihash)', attachPeer.peerId.toMultihash().bytes]
  ]
  for (const [what, raw] of binary) {
    const b = Buffer.from(raw)
    out.push({ what: `${what} (raw)`, bytes: b })
    for (const enc of ['hex', 'base64', 'base64url'] as const) out.push({ what: `${what} (${enc})`, bytes: Buffer.from(b.toString(enc).replace(/=+$/, '')) })
  }
  out.push({ what: 'attach peer id', bytes: Buffer.from(attachPeer.peerId.toString()) })
  return out
}

function found (haystack: Uint8Array | string, needles: Needle[]): string[] {
  const h = typeof haystack === 'string' ? Buffer.from(haystack) : Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength)
  return needles.filter((n) => h.includes(n.bytes)).map((n) => n.what)
}

/** Every LevelDB entry of `node` naming the sender: key -> what it names. */
async function dbHits (node: RelayNode, needles: Needle[]): Promise<Map<string, string[]>> {
  const hits = new Map<string, string[]>()
  for await (const [key, value] of node.store.range({ gte: '', lt: '\uffff' })) {
    const named = [...found(key, needles), ...found(value, needles)]
    if (named.length > 0) hits.set(key, named)
  }
  return hits
}

/** What the node keeps in memory about clients and peers, as text. */
async function memoryState (node: RelayNode): Promise<Record<string, string>> {
  const api = node.clientApi
  const devices = api.devices.all().map((d) => JSON.stringify({
    peerId: d.peerId,
    userId: d.userId,
    deviceId: d.deviceId,
    identityKey: Buffer.from(d.identityKey).toString('hex'),
    deviceKey: Buffer.from(d.deviceKey).toString('hex'),
    mailbox: Buffer.from(d.mailbox).toString('hex')
  }))
  const peers = (await node.host.peerStore.all()).map((p) => p.id.toString())
  return {
    'attached devices': devices.join('\n'),
    'device buckets': api.devices.limits.devices.keys().join('\n'),
    'peer buckets': api.devices.limits.peers.keys().join('\n'),
    'stranger (IP) buckets': api.strangers.ips.keys().join('\n'),
    'peer store': peers.join('\n'),
    connections: node.host.getConnections().map((c) => `${c.remotePeer.toString()} ${c.remoteAddr.toString()}`).join('\n'),
    metrics: await node.metrics.registry.metrics()
  }
}

function memoryHits (state: Record<string, string>, needles: Needle[]): string[] {
  return Object.entries(state).flatMap(([where, text]) => found(text, needles).map((what) => `${where}: ${what}`))
}

/** The sender's own public signed records (rec!<bucket>!<kind>/<user id>...): held by every relay of the mesh. */
function isOwnPublicRecord (key: string, sender: DeviceCredentials): boolean {
  if (!key.startsWith(PREFIX.record)) return false
  const rest = key.slice(PREFIX.record.length).split('!').slice(1).join('!')
  return [RecordKind.DeviceList, RecordKind.PreKeyBundle, RecordKind.Presence, RecordKind.Profile].some((k) => rest.startsWith(`${k}/${sender.userId}`))
}

describe('a node that accepted a sealed envelope holds nothing naming its sender', function () {
  this.timeout(120_000)
  const logs: string[][] = [[], [], []]
  let nodes: RelayNode[] = []
  const hosts: Libp2p[] = []
  let sender: DeviceCredentials
  let recipient: DeviceCredentials
  let attachHost: Libp2p
  const pushed: Envelope[] = []

  before(async () => {
    const a = await startNode({ log: bufferLogger(logs[0]!) })
    nodes = [a]
    for (let i = 1; i < 3; i++) nodes.push(await startNode({ log: bufferLogger(logs[i]!), bootstrap: [addressOf(a)] }))
    await waitForFullDirectory(nodes)
    sender = createDeviceCredentials()
    recipient = createDeviceCredentials()
    // the recipient is attached at C; the sender at A (its attach peer is the one named in the needles)
    const r = await connect(nodes[2]!)
    await r.attach(recipient, { onEnvelope: (e) => pushed.push(e) })
    attachHost = await createClientHost()
    hosts.push(attachHost)
    const s = await NodeConnection.connect(attachHost, addressOf(nodes[0]!))
    await s.attach(sender, { onEnvelope: () => {} })
    // A and B hold the recipient's device list (its access key is checked against it)
    await waitFor(() => nodes.slice(0, 2).every((n) => n.records.latestSeq(recordKey(RecordKind.DeviceList, recipient.userId)) !== undefined), { what: 'the recipient\'s device list on A and B' })
    // and B holds the sender's (public) device list: the scan's self-check below looks for it
    await waitFor(() => nodes[1]!.records.latestSeq(recordKey(RecordKind.DeviceList, sender.userId)) !== undefined, { what: 'the sender\'s device list on B' })
  })

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await stopAll(nodes)
  })

  async function connect (node: RelayNode): Promise<NodeConnection> {
    const host = await createClientHost()
    hosts.push(host)
    return await NodeConnection.connect(host, addressOf(node))
  }

  /** The sender's sealed envelope for the recipient, sent through `node` over a fresh throwaway peer; resolves once pushed to the recipient. */
  async function sendThrough (node: RelayNode): Promise<Uint8Array> {
    const payload = sealSender({ senderIdentity: sender.identity, senderDeviceId: sender.deviceId, recipientIdentityKey: recipient.identity.publicKey, contentType: ContentType.Ratchet, content: randomBytes(200) })
    const id = randomBytes(16)
    const throwaway = await connect(node)
    const res = await sealedSend(throwaway, [recipient.mailbox], id, payload, { access: [recipient] })
    assert.ok((res.sent[0]?.replicas ?? 0) >= 2, 'stored on a write quorum')
    await waitFor(() => pushed.some((e) => Buffer.from(e.id).equals(id)), { what: 'the envelope pushed to the recipient' })
    return id
  }

  it('through node B, where the sender is not attached: no key, value, log line or client state names the sender', async () => {
    const b = nodes[1]!
    await sendThrough(b)
    const needles = needlesOf(sender, attachHost)

    const db = await dbHits(b, needles)
    // the scan does find the sender where it is: its public device list, gossiped to every relay
    assert.ok([...db.keys()].some((k) => k.includes(`${RecordKind.DeviceList}/${sender.userId}`)), 'the scan finds the sender\'s public device list')
    for (const [key, named] of db) assert.ok(isOwnPublicRecord(key, sender), `LevelDB entry ${key} names the sender (${named.join(', ')})`)
    const envelopeKeys = [...db.keys()].filter((k) => k.startsWith(PREFIX.envelope) || k.startsWith(PREFIX.expiry) || k.startsWith(PREFIX.mailboxUsage))
    assert.deepEqual(envelopeKeys, [])

    const logHits = logs[1]!.flatMap((line) => found(line, needles).map((what) => `${what} in ${line.slice(0, 200)}`))
    assert.ok(logs[1]!.length > 0, 'node B logged at debug level')
    assert.deepEqual(logHits, [])

    assert.deepEqual(memoryHits(await memoryState(b), needles), [])
  })

  it('through node A, where the sender is attached: only the attach state names it, and nothing the send added', async () => {
    const a = nodes[0]!
    const needles = needlesOf(sender, attachHost)
    const dbBefore = await dbHits(a, needles)
    const stateBefore = await memoryState(a)
    assert.ok(memoryHits(stateBefore, needles).some((h) => h.startsWith('attached devices')), 'the scan finds the sender\'s attach state')
    const logStart = logs[0]!.length
    const id = await sendThrough(a)
    const idHex = Buffer.from(id).toString('hex')

    // LevelDB: what names the sender is the same set of its own public records as before
    const dbAfter = await dbHits(a, needles)
    for (const [key, named] of dbAfter) assert.ok(isOwnPublicRecord(key, sender) || dbBefore.has(key), `LevelDB entry ${key} added by the send names the sender (${named.join(', ')})`)
    for (const key of dbAfter.keys()) assert.ok(!key.includes(idHex), `LevelDB entry ${key} names both the envelope and the sender`)

    // logs: no line written while the send ran names the sender, and no line at all names both
    const during = logs[0]!.slice(logStart)
    assert.deepEqual(during.flatMap((line) => found(line, needles).map((what) => `${what} in ${line.slice(0, 200)}`)), [])
    assert.deepEqual(logs[0]!.filter((line) => line.includes(idHex) && found(line, needles).length > 0), [])

    // memory: the sender is attached (its attach peer), the throwaway peer is not, and the send added nothing naming the sender
    const stateAfter = await memoryState(a)
    const attached = a.clientApi.devices.all()
    assert.deepEqual(attached.filter((d) => d.userId === sender.userId).map((d) => d.peerId), [attachHost.peerId.toString()])
    assert.deepEqual(stateAfter['device buckets'], stateBefore['device buckets'], 'the send took nothing from the sender\'s device bucket')
    for (const [where, text] of Object.entries(stateAfter)) {
      const added = text.split('\n').filter((line) => !(stateBefore[where] ?? '').split('\n').includes(line))
      assert.deepEqual(added.flatMap((line) => found(line, needles).map((what) => `${where}: ${what}`)), [], `${where} gained something naming the sender`)
    }
  })
})
