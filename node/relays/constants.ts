// Constants of the relay directory (docs/protocol.md §9, "Node records").
import { MINUTE, SECOND } from '../config.js'
import { REPLICA_PROTOCOL } from '../mailbox/constants.js'

/** the relays' kad-dht protocol id (node/host.ts) */
export const DHT_PROTOCOL = '/relaymesh/kad/1.0.0'
/** gossip topic carrying one SignedNodeRecord per message */
export const NODES_TOPIC = '/relaymesh/1/nodes'
/** a peer's node records, on request (pulled when a relay connects) */
export const NODES_PROTOCOL = '/relaymesh/nodes/1.0.0'

/** a connected peer that serves one of these is a relay (clients serve none of them) */
export const RELAY_PROTOCOLS: readonly string[] = [DHT_PROTOCOL, NODES_PROTOCOL, REPLICA_PROTOCOL]

/** a node's record lives this long unless refreshed @default 15 min */
export const NODE_RECORD_TTL_MS = 15 * MINUTE
/** a node republishes its record this often (well before expiry) @default 5 min */
export const NODE_RECORD_REFRESH_MS = 5 * MINUTE
/** a record whose expiry lies further ahead than this is invalid */
export const MAX_NODE_RECORD_LIFETIME_MS = 60 * MINUTE
/** a record that expired less than this ago is ignored (clock skew, propagation), not rejected */
export const EXPIRED_GRACE_MS = 30 * SECOND

/** largest SignedNodeRecord accepted */
export const MAX_SIGNED_NODE_RECORD_BYTES = 4 * 1024
/** largest NodeRecord inside it */
export const MAX_NODE_RECORD_BYTES = 3 * 1024
/** largest binary multiaddr in a record */
export const MAX_MULTIADDR_BYTES = 160
/** multiaddrs in one record (the .proto limit) */
export const MAX_RECORD_MULTIADDRS = 16
/** largest libp2p signature accepted (Ed25519: 64) */
export const MAX_NODE_SIGNATURE_BYTES = 512
/** node records held at most: beyond this, records of unknown peers are ignored */
export const MAX_NODE_RECORDS = 4096

/** onChange listeners fire this long after the last change of the live set */
export const CHANGE_DEBOUNCE_MS = 200
/** how often expired records are dropped */
export const EXPIRY_SWEEP_MS = 10 * SECOND
/** a re-dial after a relay's connection closed must succeed within this */
export const REDIAL_TIMEOUT_MS = 5 * SECOND
/** re-dials in flight at once */
export const REDIAL_CONCURRENCY = 4
/** at start, known relays (from stored records) dialled to confirm they are up */
export const START_DIALS = 8

/** reportUnreachable: the probe (a ping over an open connection, else a dial) must succeed within this */
export const PROBE_TIMEOUT_MS = 2 * SECOND
/** reportUnreachable: a peer whose probe succeeded this recently is not probed again */
export const PROBE_MIN_INTERVAL_MS = 5 * SECOND
/** reportUnreachable: probes in flight at once (more reports are answered "not dropped") */
export const REPORT_PROBES_MAX = 16
/** liveness check of live peers without a connection: period (jittered ±20 %) */
export const LIVENESS_INTERVAL_MS = 15 * SECOND
/** ... a peer is checked only when its last sign of life (connection, probe, newer record) is older than this */
export const LIVENESS_MIN_AGE_MS = 60 * SECOND
/** ... and at most this many per round, oldest sign of life first, through the re-dial queue */
export const LIVENESS_PROBES_PER_ROUND = 4

/** overlay (overlay.ts): the closest relays by XOR distance a node always keeps a connection to */
export const OVERLAY_NEIGHBOURS = 4
/** ... and the closest of each distance bucket (common prefix length), this many per bucket */
export const OVERLAY_PER_BUCKET = 1
/** ... checked this often (jittered ±20 %): missing targets dialled, idle connections closed */
export const OVERLAY_INTERVAL_MS = 5 * SECOND
/** ... a relay connection neither side keeps is closed after no relaymesh stream was open on it for this long */
export const OVERLAY_IDLE_CLOSE_MS = 30 * SECOND

/** a whole node-record exchange (/relaymesh/nodes/1.0.0) */
export const EXCHANGE_TIMEOUT_MS = 10 * SECOND
/** the same peer is asked again at most this often */
export const EXCHANGE_PEER_INTERVAL_MS = 60 * SECOND
/** exchanges in flight at once (outbound), and served at once (inbound) */
export const EXCHANGE_CONCURRENCY = 2
export const EXCHANGE_MAX_INBOUND = 8
/** peers waiting for an exchange; more are dropped (they will be asked on their next connection) */
export const EXCHANGE_QUEUE_MAX = 64
/** records per NodeRecordPage (the .proto limit) and bytes per page */
export const EXCHANGE_PAGE_RECORDS = 256
export const EXCHANGE_PAGE_BYTES = 256 * 1024
/** pages one exchange may carry: MAX_NODE_RECORDS / EXCHANGE_PAGE_RECORDS, plus slack */
export const EXCHANGE_MAX_PAGES = 20
/** after a dropped relay comes back, every other dropped relay with a record is re-dialled at once, at most this often */
export const RETRY_DROPPED_MIN_INTERVAL_MS = 5_000

// ---------------------------------------------------------------- admission (docs/protocol.md)
/**
 * Node-id puzzle difficulty: leading zero bits of SHA-256(node id) every node
 * requires of every relay's record. 20 bits: 2^20 tries of two SHA-256 each,
 * about 4 s of one core here on average (measured: scripts/bench-node-id.ts),
 * once per node key (the nonce is kept in the data dir). Tests and the
 * simulator set a low value explicitly.
 */
export { DEFAULT_ID_DIFFICULTY } from '../config.js'
/** the highest difficulty accepted as an option (2^40 tries is days of CPU) */
export const MAX_ID_DIFFICULTY = 40
/** largest id nonce accepted in a record */
export const MAX_ID_NONCE_BYTES = 32
/**
 * A relay holds mail (takes part in placement ahead of unstable ones) only after
 * this node has seen it admitted, with the same node id, for this long @default 24 h
 */
export { DEFAULT_STABLE_AFTER_MS } from '../config.js'
/**
 * A node on its first start (a new data dir) takes itself and the relays it
 * meets in this window as already stable (as a Tor client trusts the consensus
 * it fetches), so that it places mail as the mesh's older nodes do.
 */
export const STABILITY_BOOTSTRAP_MS = 2 * MINUTE
/** a relay unseen (no record held) for longer than this starts over as new */
export const STABLE_GAP_MS = 60 * MINUTE
/** first-seen entries kept at most (LevelDB, PREFIX.node + '~' ...) */
export const MAX_STABILITY_ENTRIES = 8192
/** largest AdmissionCertificate accepted */
export const MAX_ADMISSION_CERT_BYTES = 512
/** an admission certificate lasts at most this long */
export const MAX_ADMISSION_DAYS = 3650
