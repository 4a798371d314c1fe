// The libp2p host of a relay node: TCP and WebSockets (node/ws-transport.ts), Noise, yamux, identify, ping, kad-dht
// (server mode, our own protocol prefix) and gossipsub (signed, scored).
import { noise } from '@chainsafe/libp2p-noise'
import { bootstrap } from '@libp2p/bootstrap'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, type KadDHT } from '@libp2p/kad-dht'
import { memory } from '@libp2p/memory'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import { sha256 } from '../protocol/crypto/primitives.js'
import { CidrSet, cidrMultiaddr, IpConnectionLimiter } from './connection-limits.js'
import { boundedWebSockets } from './ws-transport.js'
import { DHT_PROTOCOL } from './relays/constants.js'
import type { Metrics, PrivateKey, PeerDiscovery, ComponentLogger } from '@libp2p/interface'
import { lazyYamux } from '../protocol/yamux-window.js'

/** new inbound connections per second from one IP (libp2p inboundConnectionThreshold) */
export const INBOUND_CONNECTIONS_PER_IP_PER_SECOND = 10
/** inbound connections still in their Noise/yamux upgrade, from all IPs (libp2p maxIncomingPendingConnections) */
export const MAX_PENDING_INBOUND = 32
/** dials in flight at once (libp2p maxParallelDials) */
export const MAX_PARALLEL_DIALS = 50
/** open inbound connections per remote IP when the caller names none (NodeLimits.maxConnectionsPerIp) */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 16
/** HostInit.wsUpgradeTimeoutMs when the caller names none (the node passes limits.frameReadTimeoutMs) */
export const WS_UPGRADE_TIMEOUT_MS = 10_000
/**
 * libp2p's connection monitor pings every open connection this often and
 * aborts one whose ping fails: it is what finds a half-open connection. Its
 * default, 10 s, was the largest share of an idle relay's work (a stream
 * opened and negotiated per connection per ping, BENCHMARKS "Idle cost").
 */
export const CONNECTION_PING_INTERVAL_MS = 60_000

export interface RelayHostServices {
  identify: Identify
  ping: Ping
  dht: KadDHT
  pubsub: GossipSub
  [key: string]: unknown
}

export type RelayHost = Libp2p<RelayHostServices>

export interface HostInit {
  privateKey: PrivateKey
  listen: string[]
  /** advertised instead of the listen addresses when not empty (libp2p addresses.announce) */
  announce?: string[]
  bootstrap: string[]
  /** libp2p metrics implementation (prometheus), when /metrics is on */
  metrics?: (components: any) => Metrics
  logger?: ComponentLogger
  /**
   * CIDRs whose peers skip the per-IP limits (libp2p's allow list and
   * maxConnectionsPerIp) and gossipsub's IP colocation penalty: only what the
   * operator names (tests and the simulator name loopback) @default []
   */
  allowIps?: string[]
  /** open inbound connections per remote IP outside allowIps @default DEFAULT_MAX_CONNECTIONS_PER_IP */
  maxConnectionsPerIp?: number
  maxStreamsPerPeer: number
  /** a WebSocket listener's socket not upgraded (HTTP phase) within this is closed, ms @default WS_UPGRADE_TIMEOUT_MS */
  wsUpgradeTimeoutMs?: number
  /** gossipsub peer-score params tuned by node/gossip; merged here */
  gossip?: Partial<Parameters<typeof gossipsub>[0]>
  /**
   * Connection gate (off by default): peers for which this returns true are
   * never dialled and their connections are refused once the peer id is known
   * (after Noise). It is consulted on every dial and every new connection, so
   * the caller may change its answer over time (the simulator's partitions);
   * connections already open are not closed by it (close them with hangUp).
   */
  denyPeers?: (peerId: string) => boolean
}

export async function createHost (init: HostInit): Promise<RelayHost> {
  const memoryListen = init.listen.some((a) => a.startsWith('/memory/'))
  const peerDiscovery: Array<(components: any) => PeerDiscovery> = []
  // @libp2p/bootstrap keeps only addresses its P2P matcher accepts (IP/DNS
  // transports + /p2p) and drops /memory/ ones as "invalid multiaddr": dial
  // those ourselves once the host has started (the same single dial it makes)
  const memoryBoot = init.bootstrap.filter((a) => a.startsWith('/memory/'))
  const networkBoot = init.bootstrap.filter((a) => !a.startsWith('/memory/'))
  if (networkBoot.length > 0) {
    peerDiscovery.push(bootstrap({ list: networkBoot, timeout: 0 }))
  }
  const deny = init.denyPeers
  const denied = (peerId: { toString: () => string }): boolean => deny !== undefined && deny(peerId.toString())
  // libp2p's allow list takes multiaddrs (/ip4/<ip>/ipcidr/<bits>), not CIDR strings
  const allowIps = init.allowIps ?? []
  const allow = allowIps.map(cidrMultiaddr)
  const allowSet = new CidrSet(allowIps)
  const perIp = new IpConnectionLimiter(init.maxConnectionsPerIp ?? DEFAULT_MAX_CONNECTIONS_PER_IP, allowSet)
  // WebSockets share the per-IP count and the pending-upgrade bound with TCP
  const ws = boundedWebSockets({
    perIp,
    allowed: (ip) => allowSet.has(ip),
    maxPending: MAX_PENDING_INBOUND,
    upgradeTimeoutMs: init.wsUpgradeTimeoutMs ?? WS_UPGRADE_TIMEOUT_MS
  })
  const host = await createLibp2p<RelayHostServices>({
    privateKey: init.privateKey,
    addresses: { listen: init.listen, ...(init.announce !== undefined && init.announce.length > 0 ? { announce: init.announce } : {}) },
    transports: memoryListen ? [memory(), tcp(), ws] : [tcp(), ws],
    connectionEncrypters: [noise()],
    streamMuxers: [lazyYamux(yamux())],
    peerDiscovery,
    ...(init.logger !== undefined ? { logger: init.logger } : {}),
    ...(init.metrics !== undefined ? { metrics: init.metrics } : {}),
    connectionManager: {
      // only what the operator allows skips the per-IP limits (tests and sims: loopback)
      allow,
      maxConnections: 300,
      inboundConnectionThreshold: INBOUND_CONNECTIONS_PER_IP_PER_SECOND,
      maxIncomingPendingConnections: MAX_PENDING_INBOUND,
      maxParallelDials: MAX_PARALLEL_DIALS
    },
    connectionMonitor: { pingInterval: CONNECTION_PING_INTERVAL_MS },
    connectionGater: {
      denyInboundConnection: (maConn) => perIp.denyInbound(maConn),
      ...(deny !== undefined
        ? {
            denyDialPeer: denied,
            denyInboundEncryptedConnection: denied,
            denyOutboundEncryptedConnection: denied
          }
        : {})
    },
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        // relays may run on private or loopback addresses; keep them all
        peerInfoMapper: passthroughMapper
      }),
      pubsub: gossipsub({
        // a message id is the hash of its data: copies of one record are one message
        msgIdFn: (msg) => sha256(msg.data),
        fastMsgIdFn: (msg) => Buffer.from(sha256(msg.data ?? new Uint8Array(0))).toString('base64'),
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        ...init.gossip
      })
    }
  })
  if (memoryBoot.length > 0) {
    const dialAll = (): void => { for (const a of memoryBoot) host.dial(multiaddr(a)).catch(() => {}) }
    // createLibp2p starts the host unless told otherwise; its 'start' event has then fired already
    if (host.status === 'started') dialAll(); else host.addEventListener('start', dialAll, { once: true })
  }
  return host
}
