// Bounded connectivity (node/relays/overlay.ts): a relay keeps connections to
// its overlay targets and to the relays that target it, not to every relay;
// a connection opened for a request (a replica that is no neighbour) closes
// once idle; every relay still knows every other's record and places mail the
// same way. The target computation is checked against a brute-force model.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import fc from 'fast-check'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { initIdentity, openClient, type Client } from '../../../client/client.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { commonPrefixBits, overlayTargets, targetedBy, type OverlayShape } from '../../../node/relays/overlay-targets.js'
import { compareDistance } from '../../../node/relays/xor.js'
import { mailboxAddress } from '../../../protocol/identity.js'
import { openRecord } from '../../../protocol/records.js'
import { CHANNEL_IDLE_CLOSE_MS } from '../../../protocol/rpc-pipeline.js'
import { receiveN } from '../../helpers/receive.js'
import { addressOf, removeDir, startNode, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

const SHAPE: OverlayShape = { neighbours: 2, perBucket: 1 }
const N = 20

interface Member { peerId: PeerId, nodeId: Uint8Array, name: number }

/** the model: sort everyone by distance, the first `neighbours`, then the first of each bucket */
function modelTargets (self: Uint8Array, members: Member[], shape: OverlayShape): number[] {
  const sorted = [...members].sort((a, b) => compareDistance(a.nodeId, b.nodeId, self))
  const out = new Set(sorted.slice(0, shape.neighbours).map((m) => m.name))
  const buckets = new Map<number, Member[]>()
  for (const m of sorted) {
    let bits = 0
    while (bits < 256 && ((self[bits >> 3] as number) >> (7 - (bits & 7)) & 1) === ((m.nodeId[bits >> 3] as number) >> (7 - (bits & 7)) & 1)) bits++
    buckets.set(bits, [...(buckets.get(bits) ?? []), m])
  }
  for (const list of buckets.values()) for (const m of list.slice(0, shape.perBucket)) out.add(m.name)
  return [...out].sort((a, b) => a - b)
}

function relayConnections (node: RelayNode): Set<string> {
  const out = new Set<string>()
  for (const c of node.host.getConnections()) if (node.relays.isAdmitted(c.remotePeer)) out.add(c.remotePeer.toString())
  return out
}

/** relays `node` is connected to that are not its overlay neighbours */
function strayConnections (node: RelayNode): string[] {
  return [...relayConnections(node)].filter((id) => !node.relays.overlay().neighbours.includes(id))
}

describe('overlay targets (node/relays/overlay-targets.ts)', () => {
  const idArb = fc.uint8Array({ minLength: 32, maxLength: 32 })

  it('overlayTargets equals the model, and targetedBy(p, s) says whether s is among p\'s targets', () => {
    fc.assert(fc.property(fc.uniqueArray(idArb, { minLength: 2, maxLength: 40, selector: (a) => Buffer.from(a).toString('hex') }),
      fc.integer({ min: 0, max: 4 }), fc.integer({ min: 1, max: 2 }), (ids, neighbours, perBucket) => {
        const shape = { neighbours, perBucket }
        const all: Member[] = ids.map((nodeId, name) => ({ peerId: { toString: () => String(name) } as unknown as PeerId, nodeId, name }))
        for (const p of all) {
          const others = all.filter((m) => m !== p)
          const got = overlayTargets(p.nodeId, others, shape).map((m) => (m as Member).name).sort((a, b) => a - b)
          assert.deepEqual(got, modelTargets(p.nodeId, others, shape))
          for (const s of others) assert.equal(targetedBy(p.nodeId, s.nodeId, others, shape), got.includes(s.name))
        }
      }), { numRuns: 60 })
  })

  it('counts common prefix bits', () => {
    const a = new Uint8Array(32)
    const b = new Uint8Array(32)
    assert.equal(commonPrefixBits(a, b), 256)
    b[0] = 0x80
    assert.equal(commonPrefixBits(a, b), 0)
    b[0] = 0; b[3] = 0x01
    assert.equal(commonPrefixBits(a, b), 31)
  })

  it('grows with the log of the mesh, not with its size', () => {
    for (const n of [16, 256, 4096]) {
      const members = Array.from({ length: n }, (_, i) => ({ peerId: { toString: () => String(i) } as unknown as PeerId, nodeId: randomBytes(32) }))
      const count = overlayTargets(randomBytes(32), members, { neighbours: 4, perBucket: 1 }).length
      assert.ok(count <= 4 + Math.ceil(Math.log2(n)) + 4, `${count} targets among ${n}`)
    }
  })
})

describe(`bounded connectivity (${N} relays over TCP)`, function () {
  this.timeout(300_000)
  const nodes: RelayNode[] = []
  const clients: Client[] = []
  let dir: string

  before(async () => {
    dir = tempDir('relaymesh-overlay-')
    for (let i = 0; i < N; i++) {
      const bootstrap = nodes.slice(-2).map(addressOf)
      nodes.push(await startNode({
        dataDir: join(dir, `node-${i}`),
        bootstrap,
        relayDirectory: { overlayNeighbours: SHAPE.neighbours, overlayPerBucket: SHAPE.perBucket, idleCloseMs: 1_500, overlayIntervalMs: 500 }
      }))
    }
    await waitFor(() => nodes.every((n) => n.relays.nodeRecords().length === N && n.relays.peers().length === N - 1),
      { timeout: 60_000, what: 'every relay knows every other' })
  })

  after(async () => {
    for (const c of clients) await c.close()
    for (const n of nodes) await n.stop()
    removeDir(dir)
  })

  it('each relay keeps connections to its overlay neighbours only, far fewer than N-1, and all place mail alike', async () => {
    await waitFor(() => nodes.every((n) => strayConnections(n).length === 0 && n.relays.overlay().targets.every((t) => relayConnections(n).has(t))),
      { timeout: 60_000, what: 'only neighbour connections, every target connected' })
    const counts = nodes.map((n) => relayConnections(n).size).sort((a, b) => a - b)
    const median = counts[counts.length >> 1] as number
    assert.ok(median <= (N - 1) / 2, `median relay connections ${median} of ${N - 1} (${counts.join(',')})`)
    // STATUS tells an operator the same
    const host = await createClientHost()
    try {
      const status = await (await NodeConnection.connect(host, addressOf(nodes[0] as RelayNode))).status() as { relayConnections: number, overlayNeighbours: number, relays: number }
      assert.equal(status.relays, N - 1)
      assert.equal(status.overlayNeighbours, (nodes[0] as RelayNode).relays.overlay().neighbours.length)
      // (a kad-dht query may open one more for a moment)
      assert.ok(status.relayConnections >= (nodes[0] as RelayNode).relays.overlay().targets.length && status.relayConnections < N - 1, `${status.relayConnections} relay connections`)
    } finally {
      await host.stop()
    }
    const key = randomBytes(32)
    const placements = new Set(nodes.map((n) => n.relays.closest(key, 3).map(String).join(',')))
    assert.equal(placements.size, 1, 'every relay computes the same replicas')
  })

  it('a connection between two relays that are no neighbours closes when idle and neither side dials it again', async () => {
    const x = nodes[1] as RelayNode
    const y = nodes.find((n) => n !== x && !x.relays.isNeighbour(n.peerId)) as RelayNode
    assert.ok(y !== undefined, 'some relay is no neighbour of relay 1')
    await x.host.dial(y.peerId)
    // kad-dht tags its closest peers (here: every relay) keep-alive, and libp2p re-dials a keep-alive
    // peer when its connection closes, whichever side closed it
    await waitFor(() => x.host.getConnections(y.peerId).length === 0 && y.host.getConnections(x.peerId).length === 0,
      { timeout: 20_000, what: 'the idle connection between two relays that are no neighbours to close' })
    let reopened = 0
    const count = (other: RelayNode) => (e: CustomEvent<{ remotePeer: PeerId }>): void => { if (e.detail.remotePeer.equals(other.peerId)) reopened++ }
    const onX = count(y)
    const onY = count(x)
    x.host.addEventListener('connection:open', onX)
    y.host.addEventListener('connection:open', onY)
    try {
      // ten overlay ticks, twice the idle period
      await new Promise((resolve) => setTimeout(resolve, 5_000))
    } finally {
      x.host.removeEventListener('connection:open', onX)
      y.host.removeEventListener('connection:open', onY)
    }
    assert.equal(reopened, 0, 'connections opened again between the two relays')
  })

  it('delivers between relays that are not neighbours, over connections opened on demand and closed when idle', async () => {
    const a = nodes[0] as RelayNode
    const b = nodes.find((n) => !a.relays.isNeighbour(n.peerId)) as RelayNode
    assert.ok(b !== undefined, 'some relay is no neighbour of relay 0')
    const replicasOf = async (userId: string): Promise<string[]> => {
      const records = await waitFor(async () => { const r = await a.records.userRecords(userId); return r.length > 0 ? r : undefined }, { what: `${userId}'s records at relay 0` })
      return a.relays.closest(mailboxAddress(openRecord(records[0] as Uint8Array, Date.now()).identityKey, 1), 3).map(String)
    }
    // Bob's mailbox replicas: relay 0 must be none of them and some must be no neighbour of it
    // (a new identity until so), so relay 0's connections to them are opened for this send only
    const alice = (await initIdentity(join(dir, 'alice'), 'pass phrase')).userId
    let bob = ''
    let far: string[] = []
    for (let i = 0; far.length === 0; i++) {
      assert.ok(i < 20, 'an identity whose replicas are far from relay 0')
      bob = (await initIdentity(join(dir, `bob-${i}`), 'pass phrase')).userId
      const home = join(dir, `bob-${i}`)
      const c = await openClient({ home, passphrase: 'pass phrase', nodes: [addressOf(b)], receiptDelayMs: 0 })
      await c.connect()
      const replicas = await replicasOf(bob)
      if (!replicas.includes(a.peerId.toString())) far = replicas.filter((id) => !a.relays.isNeighbour(peerIdFromString(id)))
      if (far.length === 0) await c.close(); else clients.push(c)
    }
    const c = await openClient({ home: join(dir, 'alice'), passphrase: 'pass phrase', nodes: [addressOf(a)], receiptDelayMs: 0 })
    await c.connect()
    clients.unshift(c)
    const [aliceClient, bobClient] = clients as [Client, Client]
    await waitFor(async () => { for (const n of [a, b]) for (const id of [alice, bob]) if ((await n.records.userRecords(id)).length < 2) return false; return true },
      { timeout: 30_000, what: 'both users known at both nodes' })
    // connections closed as idle by relay 0's overlay or by the far replicas' (both ends time the same idle
    // period from the last replica stream: whichever ticks first closes it)
    const farNodes = nodes.filter((n) => far.includes(n.peerId.toString()))
    const closedIdle = (): number => [a, ...farNodes].reduce((sum, n) => sum + n.relays.overlay().closedIdle, 0)
    const closedBefore = closedIdle()
    for (let i = 0; i < 3; i++) await aliceClient.send(bob, `hello ${i}`)
    const got = await receiveN(bobClient, 3, 30_000)
    assert.deepEqual(got.map((m) => m.text).sort(), ['hello 0', 'hello 1', 'hello 2'])
    // relay 0 stored into Bob's replicas, over connections opened for that
    assert.ok(far.some((id) => relayConnections(a).has(id)), 'relay 0 connected to a replica that is no neighbour of it')
    // once nobody is attached, relay 0 has no more work with them (a replica stream closes after
    // CHANNEL_IDLE_CLOSE_MS idle), and the overlay (at one end or the other) closes those connections
    for (const client of clients.splice(0)) await client.close()
    await waitFor(() => far.every((id) => !relayConnections(a).has(id)) && closedIdle() > closedBefore,
      { timeout: CHANNEL_IDLE_CLOSE_MS + 60_000, what: () => `relay 0's on-demand connections to Bob's replicas to close (open: ${far.filter((id) => relayConnections(a).has(id)).join(', ')})` })
  })
})
