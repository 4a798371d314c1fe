// createRelayNode: the whole relay, wired in dependency order. The CLI, the
// tests and the simulator all run exactly this.
import { prometheusMetrics } from '@libp2p/prometheus-metrics'
import type { Logger } from 'pino'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { Server } from 'node:http'
import { checkAnnounceAddress, defaultConfig, type NodeConfig } from './config.js'
import { createHost, type RelayHost } from './host.js'
import { InboundBudgets } from './inbound-budget.js'
import { createNodeMetrics, readTraffic, serveMetrics, type NodeMetrics, type Traffic } from './metrics.js'
import { loadOrCreateNodeKey, loadOrSolveIdNonce } from './node-key.js'
import { checkOwnAdmission } from './relays/admission-certificate.js'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { openStore, type NodeStore } from './store/db.js'
import { silentLogger } from './log.js'
import { RecordCache } from '../protocol/records.js'
import { createRelayDirectory, type RelayDirectoryInit, type RelayDirectoryService } from './relays/relay-directory.js'
import { createRecordService } from './gossip/record-service.js'
import { gossipScoring } from './gossip/scoring.js'
import { createMailboxService } from './mailbox/mailbox-service.js'
import { createPreKeyService } from './prekeys/prekey-service.js'
import { createClientApi, type ClientApi } from './client-api/client-api.js'
import { createPresenceService, type PresenceServiceHandle } from './presence/presence-service.js'
import { createChannelService, type ChannelServiceHandle } from './channel/channel-service.js'
import type { MailboxService, NodeComponents, PreKeyService, RecordService, Startable } from './components.js'

export interface RelayNodeInit extends Partial<NodeConfig> {
  log?: Logger
  /** use this key instead of the one in the data directory */
  privateKey?: PrivateKey
  /**
   * Refuse these peers (node/host.ts HostInit.denyPeers): off by default; the
   * simulator uses it to partition a mesh that shares one network stack
   */
  denyPeers?: (peerId: string) => boolean
  /** relay directory timings (tests shorten the liveness round); the defaults suit production */
  relayDirectory?: RelayDirectoryInit
  /**
   * Count the bytes the host sends and receives (traffic()) without serving
   * /metrics: installs libp2p's prometheus metrics into the node's registry,
   * without Node.js default metrics. Off: nothing is installed. @default false
   */
  countTraffic?: boolean
}

export interface RelayNode {
  readonly peerId: PeerId
  readonly host: RelayHost
  readonly config: NodeConfig
  readonly store: NodeStore
  readonly metrics: NodeMetrics
  readonly relays: RelayDirectoryService
  readonly records: RecordService
  readonly mailbox: MailboxService
  readonly prekeys: PreKeyService
  /** the client protocols: attached devices and the client rate limits (tests inspect what they keep) */
  readonly clientApi: ClientApi
  /** contacts-only presence blobs, in memory (node/presence) */
  readonly presence: PresenceServiceHandle
  /** public channels: signed posts kept in memory (node/channel) */
  readonly channels: ChannelServiceHandle
  /** "host:port" of /metrics when served */
  readonly metricsAddress: string | undefined
  multiaddrs: () => string[]
  /** bytes in and out over all connections since start (zeros unless countTraffic or metrics is set) */
  traffic: () => Promise<Traffic>
  stop: () => Promise<void>
}

export async function createRelayNode (init: RelayNodeInit = {}): Promise<RelayNode> {
  const { log: givenLog, privateKey: givenKey, denyPeers, relayDirectory, countTraffic, ...overrides } = init
  const config = defaultConfig(overrides)
  for (const a of config.announce) checkAnnounceAddress(a) // before anything is opened
  const log = givenLog ?? silentLogger()
  const privateKey = givenKey ?? await loadOrCreateNodeKey(config.dataDir)
  if (config.mesh !== undefined) checkOwnAdmission(config.mesh, peerIdFromPrivateKey(privateKey)) // before any work
  // the node-id puzzle, solved once per key (seconds at the default difficulty) and kept beside node.key
  const idNonce = await loadOrSolveIdNonce(config.dataDir, peerIdFromPrivateKey(privateKey), config.idDifficulty,
    (s) => { log.info(s, 'node id puzzle solved') },
    (s) => { if (s.difficulty >= 16) log.info(s, 'solving the node id puzzle (once per node key; seconds at the default difficulty)') })
  const metrics = createNodeMetrics()
  const store = await openStore(`${config.dataDir}/db`, config.db)
  const abort = new AbortController()

  let host: RelayHost
  try {
    host = await createHost({
      privateKey,
      listen: config.listen,
      announce: config.announce,
      bootstrap: config.bootstrap,
      maxStreamsPerPeer: config.limits.maxStreamsPerPeer,
      allowIps: config.allowIps,
      maxConnectionsPerIp: config.limits.maxConnectionsPerIp,
      // the HTTP upgrade of a WebSocket is a request like any other: the frame read bound
      wsUpgradeTimeoutMs: config.limits.frameReadTimeoutMs,
      gossip: gossipScoring({ ipColocationWhitelist: config.allowIps }),
      ...(denyPeers !== undefined ? { denyPeers } : {}),
      ...(config.metrics !== undefined || countTraffic === true
        ? {
            metrics: prometheusMetrics({
              registry: metrics.registry,
              // Node.js process metrics only where an operator scrapes them
              collectDefaultMetrics: config.metrics !== undefined,
              // the library keeps its metric objects in one module-wide map and reuses
              // them by name when asked to preserve: a second node in the same process
              // (tests, the simulator) would then count nothing in its own registry.
              // Not preserving clears that map (and prom-client's global registry,
              // which relaymesh does not use), so this node gets its own counters.
              preserveExistingMetrics: false
            })
          }
        : {})
    })
  } catch (err) {
    await store.close()
    throw err
  }

  const components: NodeComponents = { host, store, config, log, metrics, shutdown: abort.signal, privateKey, recordCache: new RecordCache(config.recordCacheEntries),
    inbound: new InboundBudgets(config.limits.inboundBytesPerConnection, config.limits.inboundBytesTotal) }
  const relays = createRelayDirectory(components, { idNonce, ...relayDirectory })
  const records = createRecordService(components, { relays })
  const mailbox = createMailboxService(components, { relays, records })
  const prekeys = createPreKeyService(components, { relays })
  const presence = createPresenceService(components, { relays })
  const channels = createChannelService(components, { relays })
  const clientApi = createClientApi(components, { records, mailbox, prekeys, presence, channels, relays })
  const services: Startable[] = [relays, records, mailbox, prekeys, presence, channels, clientApi]

  let metricsServer: Server | undefined
  let metricsAddress: string | undefined
  const started: Startable[] = []
  try {
    await host.start()
    for (const s of services) { await s.start(); started.push(s) }
    if (config.metrics !== undefined) {
      const served = await serveMetrics(metrics.registry, config.metrics)
      metricsServer = served.server
      metricsAddress = served.address
    }
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => {})
    await Promise.resolve(host.stop()).catch(() => {})
    await store.close().catch(() => {})
    throw err
  }

  let stopping: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    stopping ??= (async () => {
      // stop accepting client work first, then finish in-flight writes, then close the store
      abort.abort()
      for (const s of [...services].reverse()) {
        await s.stop().catch((err: Error) => { log.warn({ err: err.message }, 'service stop failed') })
      }
      if (metricsServer !== undefined) await new Promise<void>((resolve) => metricsServer?.close(() => { resolve() }))
      await host.stop()
      await store.close()
    })()
    await stopping
  }

  log.info({ peerId: host.peerId.toString(), multiaddrs: host.getMultiaddrs().map(String) }, 'node started')

  return {
    peerId: host.peerId,
    host,
    config,
    store,
    metrics,
    relays,
    records,
    mailbox,
    prekeys,
    clientApi,
    presence,
    channels,
    metricsAddress,
    multiaddrs: () => host.getMultiaddrs().map(String),
    traffic: async () => await readTraffic(metrics.registry),
    stop
  }
}
