import assert from 'node:assert/strict'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { encode } from '../../../protocol/codec.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { RecordBatch } from '../../../protocol/pb/node-gossip.js'
import { createHost, type RelayHost } from '../../../node/host.js'
import { RECORDS_TOPIC, SYNC_PROTOCOL } from '../../../node/gossip/constants.js'
import { gossipScoring } from '../../../node/gossip/scoring.js'
import type { NodeMetrics } from '../../../node/metrics.js'
import { waitFor } from '../../helpers/wait.js'
import {
  connect, invalidDeliveries, scoreOf, startRelay, startRelays, stopRelays, waitForDirectories, waitForTopicPeers, type TestRelay
} from '../relays/harness.js'
import { bundleKey, bundleRecord, deviceListRecord, forged, mailboxOf, newUser, presenceKey, presenceRecord, type TestUser } from './fixtures.js'
import { LOOPBACK_ALLOW } from '../../helpers/mesh.js'

/**
 * Above gossipsub's message cache window (mcacheLength 5 × 1 s heartbeat): a
 * relay that restarts (empty seen-cache) may be handed, through IHAVE/IWANT,
 * batches up to that old, and those must not count as replays.
 */
const REPLAY_GRACE_MS = 6_000
/** long enough that a few sequential publishes share one gossip message */
const PUBLISH_WINDOW_MS = 300
const RECORDS = { replayGraceMs: REPLAY_GRACE_MS, publishWindowMs: PUBLISH_WINDOW_MS }

const hexOf = (b: Uint8Array | undefined): string | undefined => b === undefined ? undefined : Buffer.from(b).toString('hex')

async function counter (metric: NodeMetrics['gossipAccepted'] | NodeMetrics['gossipRejected'], labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get()
  return values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k as keyof typeof v.labels] === x)).reduce((n, v) => n + v.value, 0)
}

async function expectCode (p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => RelaymeshError.is(err, code))
}

describe('record service (five relays over TCP)', function () {
  this.timeout(60_000)
  let nodes: TestRelay[] = []
  const extra: TestRelay[] = []
  const attackers: RelayHost[] = []
  let alice: TestUser
  let aliceBundle: Uint8Array
  // for the replay test: bob's seq 2 supersedes seq 1 everywhere early on, so
  // that by the last test it has been held for longer than REPLAY_GRACE_MS
  const bob = newUser()
  const b1 = bundleRecord(bob, 1)
  const b2 = bundleRecord(bob, 2)
  let b2HeldAt = 0

  async function everywhere (key: string, bytes: Uint8Array): Promise<void> {
    await waitFor(async () => (await Promise.all(nodes.map(async (n) => hexOf(await n.records.get(key))))).every((h) => h === hexOf(bytes)),
      { what: `${key} everywhere` })
  }

  before(async () => {
    alice = newUser()
    nodes = await startRelays(5, { records: RECORDS })
    await waitForDirectories(nodes)
    await waitForTopicPeers(nodes, RECORDS_TOPIC)
    await (nodes[0] as TestRelay).records.publish(b1)
    await everywhere(bundleKey(bob), b1)
    await (nodes[1] as TestRelay).records.publish(b2)
    await everywhere(bundleKey(bob), b2)
    b2HeldAt = Date.now()
  })

  after(async () => {
    await Promise.all(attackers.map(async (a) => { await a.stop() }))
    await stopRelays([...nodes, ...extra])
  })

  /** a peer that speaks gossipsub on the records topic but validates nothing: how a malicious relay publishes */
  async function attacker (): Promise<RelayHost> {
    const host = await createHost({ privateKey: await generateKeyPair('Ed25519'), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [], maxStreamsPerPeer: 32, allowIps: LOOPBACK_ALLOW, gossip: gossipScoring({ ipColocationWhitelist: LOOPBACK_ALLOW }) })
    attackers.push(host)
    await host.start()
    host.services.pubsub.subscribe(RECORDS_TOPIC)
    for (const n of nodes) await connect(host, n)
    const id = host.peerId.toString()
    await waitFor(() => host.services.pubsub.getSubscribers(RECORDS_TOPIC).length === nodes.length &&
      nodes.every((n) => n.host.services.pubsub.getSubscribers(RECORDS_TOPIC).some((p) => p.toString() === id)),
    { timeout: 30_000, what: 'the attacker and the relays to see each other subscribed' })
    return host
  }

  it('publish() refuses forged, expired and stale records with their error codes', async () => {
    const records = (nodes[0] as TestRelay).records
    const u = newUser()
    await expectCode(records.publish(forged(bundleRecord(u, 1))), ErrorCode.BadSignature)
    await expectCode(records.publish(bundleRecord(u, 1, { expiresAt: Date.now() - 1 })), ErrorCode.Expired)
    await expectCode(records.publish(new Uint8Array([1, 2, 3])), ErrorCode.Decode)
    assert.equal(await records.get(bundleKey(u)), undefined)
    const b2 = bundleRecord(u, 2)
    await records.publish(b2)
    await records.publish(b2) // the same record again is fine
    await expectCode(records.publish(bundleRecord(u, 1)), ErrorCode.Stale)
    assert.equal(hexOf(await records.get(bundleKey(u))), hexOf(b2))
    await everywhere(bundleKey(u), b2)
  })

  it('converges bundle and device list published on one relay on every relay, in one gossip message; refuses a retired presence record', async () => {
    const entry = nodes[1] as TestRelay
    // kad-dht and gossipsub open the rest of the mesh's connections a moment after the directories agree, and each
    // new connection to an admitted relay starts a sync: let those settle, so that only gossip can bring these records
    await waitFor(() => nodes.every((n) => nodes.every((m) => m === n || n.host.getConnections(m.host.peerId).length > 0)),
      { what: 'every relay connected to every other' })
    await waitFor(() => nodes.every((n) => n.records.syncsPending() === 0), { what: 'the syncs of new connections to finish' })
    const before = await Promise.all(nodes.map(async (n) => await counter(n.metrics.gossipAccepted, { topic: RECORDS_TOPIC })))
    aliceBundle = bundleRecord(alice, 1)
    const list = deviceListRecord(alice, 1)
    // public presence is retired: PUBLISH refuses it with a clear error, nothing is stored or gossiped
    await assert.rejects(entry.records.publish(presenceRecord(alice, 1, entry.host.peerId.toMultihash().bytes)),
      (err) => RelaymeshError.is(err, ErrorCode.Invalid) && /retired/.test(err.message))
    assert.equal(await entry.records.get(presenceKey(alice)), undefined)
    await entry.records.publish(aliceBundle)
    await entry.records.publish(list)
    await waitFor(async () => {
      for (const n of nodes) {
        if (hexOf(await n.records.get(bundleKey(alice))) !== hexOf(aliceBundle)) return false
        if ((await n.records.userRecords(alice.userId)).length !== 2) return false
      }
      return true
    }, { what: 'the records on every relay' })
    const after = await Promise.all(nodes.map(async (n) => await counter(n.metrics.gossipAccepted, { topic: RECORDS_TOPIC })))
    nodes.forEach((n, i) => {
      // the entry relay publishes; every other relay accepted exactly one batch
      assert.equal((after[i] as number) - (before[i] as number), n === entry ? 0 : 1)
    })
    for (const n of nodes) assert.equal(await n.records.get(presenceKey(alice)), undefined)
  })

  /** Take gossip away from a relay (its topic validator is where gossiped records are stored), so only sync can bring it records. */
  function gossipDeaf (r: TestRelay): void {
    r.host.services.pubsub.topicValidators.delete(RECORDS_TOPIC)
  }

  it('a relay that joins later converges through sync', async () => {
    const late = await startRelay({ records: RECORDS })
    extra.push(late)
    gossipDeaf(late)
    await connect(late.host, nodes[3] as TestRelay)
    await waitFor(async () => hexOf(await late.records.get(bundleKey(alice))) === hexOf(aliceBundle) &&
      late.records.size() === (nodes[3] as TestRelay).records.size(), { what: 'the late relay to hold every record' })
    assert.equal(await counter(late.metrics.gossipAccepted, { topic: SYNC_PROTOCOL }), late.records.size())
    assert.equal(hexOf(await late.records.get(bundleKey(bob))), hexOf(b2))
    // digests now agree: another session moves nothing
    assert.equal(await late.records.syncWith((nodes[2] as TestRelay).host.peerId), 0)
  })

  it('a relay restarted with its data dir keeps its records and catches up through sync', async () => {
    const victim = nodes[4] as TestRelay
    await victim.stop()
    const alice2 = bundleRecord(alice, 2)
    await (nodes[0] as TestRelay).records.publish(alice2)
    await waitFor(async () => { for (const n of nodes.slice(0, 4)) if (hexOf(await n.records.get(bundleKey(alice))) !== hexOf(alice2)) return false; return true },
      { what: 'the new bundle on the running relays' })

    const restarted = await startRelay({ dir: victim.dir, privateKey: victim.privateKey, records: RECORDS })
    nodes[4] = restarted
    gossipDeaf(restarted)
    // from its LevelDB, before any peer could tell it anything
    assert.equal(hexOf(await restarted.records.get(bundleKey(alice))), hexOf(aliceBundle))
    await connect(restarted.host, nodes[0] as TestRelay)
    await waitFor(async () => hexOf(await restarted.records.get(bundleKey(alice))) === hexOf(alice2), { what: 'the restarted relay to catch up' })
    assert.ok(await counter(restarted.metrics.gossipAccepted, { topic: SYNC_PROTOCOL }) >= 1)
    // hear gossip again for the last test
    await restarted.stop()
    nodes[4] = await startRelay({ dir: victim.dir, privateKey: victim.privateKey, records: RECORDS, bootstrap: [(nodes[0] as TestRelay).address] })
    await waitForDirectories(nodes)
    await waitForTopicPeers(nodes, RECORDS_TOPIC)
  })

  it('rejects forged, replayed and expired records everywhere, and penalises the peer that published them', async () => {
    // a replay is an old record sent once the newer one has been held for longer than gossip
    // takes to spread (REPLAY_GRACE_MS): within that, an old record is only ignored
    const wait = b2HeldAt + REPLAY_GRACE_MS + 200 - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))

    const carol = newUser()
    const dave = newUser()
    const cases = [
      { name: 'forged', reason: 'bad-signature', records: [forged(bundleRecord(carol, 1))] },
      // [b1, b1]: not byte-identical to the batch that carried b1, which gossipsub would drop as already seen
      { name: 'replayed', reason: 'replay', records: [b1, b1] },
      { name: 'expired', reason: 'expired', records: [bundleRecord(dave, 1, { expiresAt: Date.now() - 10 * 60_000 })] },
      // validly signed, but public presence is retired: it would tell everyone where and when dave attaches
      { name: 'retired', reason: 'retired', records: [presenceRecord(dave, 1, (nodes[0] as TestRelay).host.peerId.toMultihash().bytes)] }
    ]
    for (const c of cases) {
      const evil = await attacker()
      const evilId = evil.peerId.toString()
      const rejectedBefore = await Promise.all(nodes.map(async (n) => await counter(n.metrics.gossipRejected, { topic: RECORDS_TOPIC, reason: c.reason })))
      for (const n of nodes) assert.ok(scoreOf(n.host, evilId) >= 0, `${c.name}: score before`)
      await evil.services.pubsub.publish(RECORDS_TOPIC, encode(RecordBatch, { version: WIRE_VERSION, records: c.records as Array<Uint8Array<ArrayBuffer>> }))
      await waitFor(() => nodes.every((n) => scoreOf(n.host, evilId) < 0), { what: `${c.name}: the publisher penalised on every relay` })
      for (const [i, n] of nodes.entries()) {
        assert.equal(await counter(n.metrics.gossipRejected, { topic: RECORDS_TOPIC, reason: c.reason }), (rejectedBefore[i] as number) + 1, `${c.name}: rejected once`)
      }
    }
    for (const n of nodes) {
      assert.equal(await n.records.get(bundleKey(carol)), undefined)
      assert.equal(await n.records.get(presenceKey(dave)), undefined)
      assert.equal(await n.records.get(bundleKey(dave)), undefined)
      assert.equal(hexOf(await n.records.get(bundleKey(bob))), hexOf(b2))
      // honest relays never count invalid messages against each other
      for (const o of nodes) if (o !== n) assert.equal(invalidDeliveries(n.host, o.id), 0)
      assert.equal(await counter(n.metrics.gossipRejected, { topic: RECORDS_TOPIC, reason: 'replay' }), 1)
    }
  })
})
