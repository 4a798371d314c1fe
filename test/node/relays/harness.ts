// A relay with only the relay directory and the record service running, built
// from its components (real libp2p over TCP on 127.0.0.1, real LevelDB in a
// temp dir), so these services can be tested without the rest of the node.
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import type { PrivateKey } from '@libp2p/interface'
import { join } from 'node:path'
import { DEFAULT_LIMITS, defaultConfig, type NodeConfig } from '../../../node/config.js'
import { InboundBudgets } from '../../../node/inbound-budget.js'
import { createHost, type RelayHost } from '../../../node/host.js'
import { silentLogger } from '../../../node/log.js'
import { createNodeMetrics, type NodeMetrics } from '../../../node/metrics.js'
import { openStore, type NodeStore } from '../../../node/store/db.js'
import type { NodeComponents } from '../../../node/components.js'
import { RecordCache } from '../../../protocol/records.js'
import { createRelayDirectory, type RelayDirectoryInit, type RelayDirectoryService } from '../../../node/relays/relay-directory.js'
import { createRecordService, type RecordServiceHandle, type RecordServiceInit } from '../../../node/gossip/record-service.js'
import { gossipScoring } from '../../../node/gossip/scoring.js'
import { LOOPBACK_ALLOW, removeDir, tempDir, TEST_NODE_OPTIONS } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

export interface TestRelay {
  dir: string
  privateKey: PrivateKey
  host: RelayHost
  store: NodeStore
  metrics: NodeMetrics
  relays: RelayDirectoryService
  records: RecordServiceHandle
  id: string
  address: string
  stop: () => Promise<void>
}

export interface TestRelayInit {
  dir?: string
  privateKey?: PrivateKey
  bootstrap?: string[]
  relays?: RelayDirectoryInit
  records?: Omit<RecordServiceInit, 'relays'>
  /** config overrides (idDifficulty, stableAfterMs, mesh) */
  config?: Partial<NodeConfig>
}

export async function startRelay (init: TestRelayInit = {}): Promise<TestRelay> {
  const dir = init.dir ?? tempDir('relaymesh-gossip-')
  const privateKey = init.privateKey ?? await generateKeyPair('Ed25519')
  const store = await openStore(join(dir, 'db'))
  const host = await createHost({
    privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: init.bootstrap ?? [],
    maxStreamsPerPeer: 32,
    allowIps: LOOPBACK_ALLOW,
    gossip: gossipScoring({ ipColocationWhitelist: LOOPBACK_ALLOW })
  })
  await host.start()
  const abort = new AbortController()
  const metrics = createNodeMetrics()
  const components: NodeComponents = {
    host, store, metrics, privateKey, shutdown: abort.signal, log: silentLogger(), config: defaultConfig({ dataDir: dir, ...TEST_NODE_OPTIONS, ...init.config }), recordCache: new RecordCache(),
    inbound: new InboundBudgets(DEFAULT_LIMITS.inboundBytesPerConnection, DEFAULT_LIMITS.inboundBytesTotal)
  }
  const relays = createRelayDirectory(components, init.relays)
  const records = createRecordService(components, { relays, ...init.records })
  await relays.start()
  await records.start()
  let stopped = false
  const address = host.getMultiaddrs().map(String).find((a) => a.includes('/127.0.0.1/tcp/'))
  if (address === undefined) throw new Error('no loopback address')
  return {
    dir, privateKey, host, store, metrics, relays, records, id: host.peerId.toString(), address,
    stop: async () => {
      if (stopped) return
      stopped = true
      abort.abort()
      await records.stop()
      await relays.stop()
      await host.stop()
      await store.close()
    }
  }
}

/** n relays bootstrapped from the first one. */
export async function startRelays (n: number, init: Omit<TestRelayInit, 'dir' | 'privateKey' | 'bootstrap'> = {}): Promise<TestRelay[]> {
  const first = await startRelay(init)
  const rest = await Promise.all(Array.from({ length: n - 1 }, async () => await startRelay({ ...init, bootstrap: [first.address] })))
  return [first, ...rest]
}

/** Every relay's directory lists every other relay. */
export async function waitForDirectories (relays: TestRelay[], timeout = 20_000): Promise<void> {
  await waitFor(() => relays.every((r) => {
    const known = new Set(r.relays.peers().map(String))
    return relays.every((o) => o === r || known.has(o.id))
  }), { timeout, what: 'every relay directory to list every relay' })
}

/** Every relay has at least one gossipsub mesh peer on `topic` (so what it forwards goes somewhere). */
export async function waitForTopicPeers (relays: TestRelay[], topic: string, timeout = 20_000): Promise<void> {
  const mesh = (r: TestRelay): string[] => (r.host.services.pubsub as unknown as { getMeshPeers: (t: string) => string[] }).getMeshPeers(topic)
  await waitFor(() => relays.every((r) => mesh(r).length >= 1), { timeout, what: `gossipsub meshes on ${topic}` })
}

export async function stopRelays (relays: Array<TestRelay | undefined>, options: { keepDirs?: boolean } = {}): Promise<void> {
  await Promise.all(relays.map(async (r) => { await r?.stop().catch(() => {}) }))
  if (options.keepDirs !== true) for (const r of relays) if (r !== undefined) removeDir(r.dir)
}

/** dial `to` from `from` by address */
export async function connect (from: RelayHost, to: TestRelay): Promise<void> {
  await from.dial(multiaddr(to.address), { signal: AbortSignal.timeout(10_000) })
}

interface ScoredPubsub {
  getScore: (peerId: string) => number
  dumpPeerScoreStats: () => Record<string, { topics: Record<string, { invalidMessageDeliveries: number }> }>
}

/** this host's gossipsub score of a peer (GossipSub's class has it; its interface does not) */
export function scoreOf (host: RelayHost, peerId: string): number {
  return (host.services.pubsub as unknown as ScoredPubsub).getScore(peerId)
}

/** the P4 counter (invalid messages, decaying) this host holds against a peer, over all topics */
export function invalidDeliveries (host: RelayHost, peerId: string): number {
  const stats = (host.services.pubsub as unknown as ScoredPubsub).dumpPeerScoreStats()[peerId]
  return Object.values(stats?.topics ?? {}).reduce((n, t) => n + t.invalidMessageDeliveries, 0)
}
