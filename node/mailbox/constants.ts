// Constants of the replicated mailbox store (docs/protocol.md §10).
import { SECOND } from '../config.js'

export const REPLICA_PROTOCOL = '/relaymesh/replica/1.0.0'
/** the same messages, many pipelined requests per long-lived stream (node/mailbox/pipeline.ts) */
export const REPLICA_PROTOCOL_PIPELINED = '/relaymesh/replica/1.1.0'
/** pipelined replica streams one peer may open to us (and we to it) per connection */
export const PIPELINED_STREAMS_PER_PEER = 4
/** requests answered at once on one pipelined stream (it is not read further meanwhile) */
export const PIPELINE_MAX_PENDING = 64
/** a peer that refused 1.1.0 (older code) is asked again after this long; meanwhile 1.0.0 */
export const PIPELINE_UNSUPPORTED_RETRY_MS = 60 * SECOND

/** one replica request (dial, write, wait for the synced write, read) @default 5 s */
export const REPLICA_REQUEST_TIMEOUT_MS = 5 * SECOND
/** store(): how long the entry node waits for a write quorum in all */
export const STORE_TIMEOUT_MS = 10 * SECOND
/**
 * store(): after a round that missed the quorum because replicas were unreachable, the
 * directory probes them for at most this long (its probes dial with a 2 s timeout)
 */
export const UNREACHABLE_PROBE_BUDGET_MS = 3 * SECOND
/** store(): the one retry on the recomputed replica set must reach the quorum within this */
export const STORE_RETRY_TIMEOUT_MS = 5 * SECOND
/** an inbound request must arrive and be answered within this */
export const INBOUND_TIMEOUT_MS = 10 * SECOND

/** envelopes in one STORE or DELIVER request (the .proto limit) */
export const MAX_BATCH_ENVELOPES = 256
/** bytes kept free in a frame for the message around the envelopes */
export const FRAME_MARGIN_BYTES = 16 * 1024
/**
 * an ack goes to the ACK_SPREAD * k closest relays (the k replicas and the next ones, which hold
 * stand-in copies after churn) while the relay set changed within ACK_SPREAD_SETTLE_MS, or when a
 * replica did not apply it; otherwise to the k replicas only (handover reconciles the rest)
 */
export const ACK_SPREAD = 2
/** how long after a change of the relay set acks still go to the next k too (handovers run 0.5 s after a change) */
export const ACK_SPREAD_SETTLE_MS = 10 * SECOND
/** ids in one ACK request */
export const MAX_ACK_IDS = 1024
/** fetch grants a node remembers as verified (sha256 of grant signature and mailbox), across askers */
export const GRANT_MEMORY = 4096
/** ids in one SYNC request (the .proto limit) */
export const MAX_SYNC_IDS = 16_384
/** digests in one DIGEST request (the .proto limit) */
export const MAX_DIGEST_ENTRIES = 1024
/** fetch(): default and largest page; the largest is 1024 plus one look-ahead so a caller can tell whether more follow */
export const DEFAULT_FETCH_LIMIT = 256
export const MAX_FETCH_LIMIT = 1025

/** outbound replica requests in flight to one peer (below the peer's maxInboundStreams, 32 by default) */
export const MAX_INFLIGHT_PER_PEER = 8
/**
 * STORE (and DELIVER) requests in flight to one peer. One: while it is out,
 * the next envelopes queue and leave together as one batch (one stream, one
 * synced write on the peer). Measured with 4 in-process nodes, 32 stores in
 * flight: 1 -> ~1,200 stores/s, 2 -> ~900, 8 -> ~550 (mostly 1-envelope batches).
 */
export const STORE_REQUESTS_IN_FLIGHT = 1
/** peers reconciled at once during handover */
export const HANDOVER_PEER_CONCURRENCY = 4
/** envelopes a handover sends per STORE request (bounded further by frame bytes) */
export const HANDOVER_BATCH = 128

/** handover runs this often (jittered ±20 %) and after every relay-set change */
export const HANDOVER_INTERVAL_MS = 30 * SECOND
/** a relay-set change starts a handover after this quiet time */
export const HANDOVER_CHANGE_DELAY_MS = 500
/** expiry purge period (jittered ±20 %) */
export const EXPIRY_INTERVAL_MS = 60 * SECOND
/** expired index entries purged per batch */
export const EXPIRY_BATCH = 512

/** an envelope from another relay may expire this much later than now + envelopeTtlMs (clock skew between nodes) */
export const CLOCK_SKEW_MS = 5 * 60 * SECOND

/**
 * WATCH push_delay_ms: a watching relay asks the closest replica of the mailbox to push at once
 * (delay 0) and the other replicas to push only what is still unacknowledged this long after they
 * stored it (backups: a lost or missed first push still arrives, and in the common case one push
 * per envelope crosses the mesh instead of k). Longer than the client's ACK_DELAY_MS (1 s) plus an
 * ACK's way to the replicas, so an envelope delivered at once is acknowledged before its backups fire.
 */
export const BACKUP_PUSH_DELAY_MS = 3 * SECOND
/** the longest push delay a replica accepts in a WATCH */
export const MAX_PUSH_DELAY_MS = 30 * SECOND
/** delayed backup pushes a replica keeps waiting, and their bytes; beyond either a backup pushes at once (as a primary) */
export const MAX_DELAYED_PUSHES = 8192
export const MAX_DELAYED_PUSH_BYTES = 16 * 1024 * 1024
/** how often a replica sends the backup pushes that came due */
export const DELAYED_PUSH_TICK_MS = 250

/** (mailbox, id) pairs remembered so that a node pushes an envelope at most once */
export const PUSHED_MEMORY = 65_536

/** WATCH: a replica keeps a watcher this long unless the watch is renewed (ReplicaResponse.watch_ttl_ms says so) */
export const WATCH_TTL_MS = 5 * 60 * SECOND
/** WATCH: an entry node renews its watches this often while the device stays attached (and when the relay set changes) */
export const WATCH_REFRESH_MS = 100 * SECOND
/** WATCH: a round that a replica refused or did not answer is tried again this long after, the delay doubling up to WATCH_REFRESH_MS (reset by a round every replica took) */
export const WATCH_RETRY_MIN_MS = 2 * SECOND
/** WATCH: watchers one replica keeps per mailbox (a device attaches to one node; a few cover a move); the soonest-expiring makes room */
export const MAX_WATCHERS_PER_MAILBOX = 4
/** WATCH: watchers one replica keeps in all; beyond it new watches are refused (QuotaExceeded) until some expire */
export const MAX_WATCHERS = 65_536
/** largest payload an online-only SEND may carry (typing indicators: a few hundred bytes) */
export const ONLINE_ONLY_MAX_BYTES = 4 * 1024
/** an online-only envelope's expiry: it is pushed now or never, so it is never older than this */
export const ONLINE_ONLY_TTL_MS = 60 * SECOND
