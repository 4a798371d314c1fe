// Relay node configuration: every option with its default, and the limits
// that bound what any peer or client can make the node do.
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { RECORD_CACHE_ENTRIES, SEND_STAMP_BITS } from '../protocol/constants.js'

export interface NodeLimits {
  /** largest envelope accepted from a client or a peer, bytes @default 256 KiB */
  maxEnvelopeBytes: number
  /** most envelopes held for one mailbox (device) @default 10,000 */
  mailboxQuotaEnvelopes: number
  /** most bytes held for one mailbox @default 64 MiB */
  mailboxQuotaBytes: number
  /** most bytes of envelopes this node stores in all @default 4 GiB */
  maxStoredBytes: number
  /** envelopes per second one attached client may send (token bucket) @default 200 */
  clientRatePerSecond: number
  /** burst size of that bucket @default 400 */
  clientRateBurst: number
  /** concurrent inbound streams per peer and protocol @default 32 */
  maxStreamsPerPeer: number
  /** largest single framed message on any relaymesh protocol, bytes @default 1 MiB */
  maxFrameBytes: number
  /** recipients in one multi-mailbox send (a group fan-out) @default 1,024 */
  maxRecipients: number
  /** one-time prekeys held per device on this replica @default 200 */
  maxOneTimePreKeysPerDevice: number
  /**
   * longest a frame may take to arrive: a request on a one-request stream from
   * when the stream opens, a frame on a long-lived stream (attach, pipelined)
   * from its first byte; also how long a socket on a WebSocket listener may
   * take to complete its HTTP upgrade, ms @default 10 s
   */
  frameReadTimeoutMs: number
  /** longest a long-lived stream (attach, pipelined) may stay silent with nothing pending, ms @default 15 min */
  streamIdleTimeoutMs: number
  /** open inbound connections from one remote IP (outside allowIps) @default 16 */
  maxConnectionsPerIp: number
  /** inbound frame bytes (partial and unread frames) one connection's streams may hold, bytes @default 16 MiB */
  inboundBytesPerConnection: number
  /** inbound frame bytes all streams together may hold, bytes @default 256 MiB */
  inboundBytesTotal: number
  /** sealed sends with a stamp (mailboxes no access key covers) one remote IP (outside allowIps) may make per minute @default 60 */
  strangerSendsPerMinute: number
  /** burst size of that per-IP bucket @default 60 */
  strangerSendBurst: number
}

export interface NodeConfig {
  /** data directory: node key and LevelDB @default ./.relaymesh/node */
  dataDir: string
  /**
   * listen multiaddrs: TCP for nodes and the CLI, /ws for browsers (any of them
   * may be given; naming any replaces both defaults) @default ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws']
   */
  listen: string[]
  /** bootstrap multiaddrs (with /p2p/<peer id>) */
  bootstrap: string[]
  /**
   * multiaddrs to advertise instead of the listen addresses (behind a port
   * forward or a proxy): identify and the node record carry only these @default []
   */
  announce: string[]
  /** replicas per mailbox (k) @default 3 */
  replicas: number
  /** write quorum: replicas that must persist before "stored" @default floor(k/2)+1 */
  writeQuorum: number
  /** envelope expiry backstop, ms @default 30 days */
  envelopeTtlMs: number
  /** "host:port" for the Prometheus /metrics endpoint; off when undefined */
  metrics?: string
  /** JSON logs (one object per line) on stdout */
  json: boolean
  /** log level @default 'info' */
  logLevel: string
  /** signed records whose verification is remembered (RecordCache; 0 turns it off) @default RECORD_CACHE_ENTRIES (1,024) */
  recordCacheEntries: number
  /** acks go to the next k relays too for this long after the relay set changed (node/mailbox/constants.ts) @default ACK_SPREAD_SETTLE_MS (10 s) */
  ackSpreadSettleMs?: number
  /** LevelDB memory: block cache and write buffer, bytes (node/store/db.ts) @default DEFAULT_DB_MEMORY */
  db: DbMemory
  /**
   * CIDRs ("127.0.0.0/8", "::1/128") whose peers skip the per-IP connection
   * limits and gossipsub's IP colocation penalty. Only for meshes that share
   * one address on purpose (tests, the simulator: loopback) @default []
   */
  allowIps: string[]
  /**
   * node-id puzzle: leading zero bits of SHA-256(node id) this node requires of every relay's
   * record, and solves for its own (once per node key) @default 20 (node/relays/constants.ts DEFAULT_ID_DIFFICULTY)
   */
  idDifficulty: number
  /**
   * a relay holds mail ahead of others only after this node has seen it admitted this long;
   * 0: every admitted relay at once @default 24 h (node/relays/constants.ts DEFAULT_STABLE_AFTER_MS)
   */
  stableAfterMs: number
  /**
   * sealed SEND: leading zero bits of work a stamp must carry for one mailbox no access key
   * covers (one more per doubling of their number); 0: no stamp needed @default SEND_STAMP_BITS (18)
   */
  stampBits: number
  /** permissioned mesh: admit only relays certified by this mesh key; undefined: an open mesh */
  mesh?: MeshAdmission
  limits: NodeLimits
}

/** A permissioned mesh (node/relays/admission-certificate.ts) */
export interface MeshAdmission {
  /** the mesh's Ed25519 public key (32 bytes) */
  publicKey: Uint8Array
  /** this node's AdmissionCertificate, signed by the mesh key */
  certificate: Uint8Array
}

/** LevelDB (classic-level) memory per database */
export interface DbMemory {
  /** block cache for reads, bytes @default 2 MiB (classic-level: 8 MiB) */
  cacheBytes: number
  /** memtable size before it is written to a level-0 file, bytes @default 1 MiB (classic-level: 4 MiB) */
  writeBufferBytes: number
}

/**
 * Why smaller than classic-level's defaults (8 + 4 MiB per database): a
 * relay's hot data is the few newest envelopes per mailbox, read back once
 * (fetch/handover) soon after the write, mostly from the memtable; the
 * records index lives in memory (node/gossip). A large block cache only
 * pays on a node holding far more than it is asked for. Raise both for a
 * node that holds many large mailboxes.
 */
export const DEFAULT_DB_MEMORY: DbMemory = {
  cacheBytes: 2 * 1024 * 1024,
  writeBufferBytes: 1024 * 1024
}

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE
export const DAY = 24 * HOUR

/** node/relays/constants.ts has the reasons; repeated here because that module imports this one */
export const DEFAULT_ID_DIFFICULTY = 20
export const DEFAULT_STABLE_AFTER_MS = 24 * HOUR

export const DEFAULT_LIMITS: NodeLimits = {
  maxEnvelopeBytes: 256 * 1024,
  mailboxQuotaEnvelopes: 10_000,
  mailboxQuotaBytes: 64 * 1024 * 1024,
  maxStoredBytes: 4 * 1024 * 1024 * 1024,
  clientRatePerSecond: 200,
  clientRateBurst: 400,
  maxStreamsPerPeer: 32,
  maxFrameBytes: 1024 * 1024,
  maxRecipients: 1024,
  maxOneTimePreKeysPerDevice: 200,
  frameReadTimeoutMs: 10 * SECOND,
  streamIdleTimeoutMs: 15 * MINUTE,
  maxConnectionsPerIp: 16,
  inboundBytesPerConnection: 16 * 1024 * 1024,
  inboundBytesTotal: 256 * 1024 * 1024,
  strangerSendsPerMinute: 60,
  strangerSendBurst: 60
}

export function defaultConfig (overrides: Partial<NodeConfig> = {}): NodeConfig {
  const replicas = overrides.replicas ?? 3
  return {
    dataDir: join(process.cwd(), '.relaymesh', 'node'),
    listen: ['/ip4/0.0.0.0/tcp/4001', '/ip4/0.0.0.0/tcp/4002/ws'],
    bootstrap: [],
    announce: [],
    replicas,
    writeQuorum: Math.floor(replicas / 2) + 1,
    envelopeTtlMs: 30 * DAY,
    json: false,
    logLevel: 'info',
    recordCacheEntries: RECORD_CACHE_ENTRIES,
    allowIps: [],
    idDifficulty: DEFAULT_ID_DIFFICULTY,
    stableAfterMs: DEFAULT_STABLE_AFTER_MS,
    stampBits: SEND_STAMP_BITS,
    ...overrides,
    db: { ...DEFAULT_DB_MEMORY, ...overrides.db },
    limits: { ...DEFAULT_LIMITS, ...overrides.limits }
  }
}

/**
 * Check an address to announce: a multiaddr naming a host, not a wildcard
 * (0.0.0.0 or ::, which no peer can dial). Returns it in canonical form.
 */
export function checkAnnounceAddress (value: string): string {
  let ma
  try {
    ma = multiaddr(value)
  } catch {
    throw new Error(`expected a multiaddr such as /ip4/203.0.113.7/tcp/4001, got "${value}"`)
  }
  const s = ma.toString()
  if (s.startsWith('/ip4/0.0.0.0/') || s.startsWith('/ip6/::/') || s === '/ip4/0.0.0.0' || s === '/ip6/::') {
    throw new Error(`"${value}" is a wildcard address: announce one that peers can dial`)
  }
  return s
}
