// Constants of the gossiped record service (docs/protocol.md §9).
import { MAX_PROFILE_RECORD_BYTES, MAX_SIGNED_RECORD_BYTES } from '../../protocol/constants.js'
import { MINUTE, SECOND } from '../config.js'

/** gossip topic carrying one RecordBatch per message */
export const RECORDS_TOPIC = '/relaymesh/1/records'
/** anti-entropy for records: what a peer holds that we lack */
export const SYNC_PROTOCOL = '/relaymesh/sync/1.0.0'

/** records in one RecordBatch (the .proto limit) */
export const MAX_BATCH_RECORDS = 128
/** a batch this node publishes is flushed at this many records or bytes, or after PUBLISH_WINDOW_MS */
export const PUBLISH_BATCH_RECORDS = 64
export const PUBLISH_BATCH_BYTES = 128 * 1024
/**
 * Largest RecordBatch accepted: MAX_BATCH_RECORDS records of the small kinds at
 * their size limit, or what a publisher flushes at most (PUBLISH_BATCH_BYTES
 * plus the record that crossed it, which may be a profile of up to
 * MAX_PROFILE_RECORD_BYTES), whichever is larger; plus framing. A batch of
 * many profiles beyond that is refused (no honest relay publishes one).
 */
export const MAX_BATCH_BYTES = Math.max(MAX_BATCH_RECORDS * (MAX_SIGNED_RECORD_BYTES + 8), PUBLISH_BATCH_BYTES + MAX_PROFILE_RECORD_BYTES + 8) + 16
/** records published within this window share one gossip message (gossip costs ~3 ms CPU per node per message) */
export const PUBLISH_WINDOW_MS = 50

/** a record that expired less than this ago is ignored (clock skew, propagation), not rejected */
export const EXPIRED_GRACE_MS = 30 * SECOND
/**
 * A record older than one held since longer than this is a replay and is
 * rejected (its sender penalised); younger conflicts are propagation races and
 * only ignored. Honest peers forward a record within seconds of accepting it.
 */
export const REPLAY_GRACE_MS = 60 * SECOND
/** publish() refuses records whose expiry lies within this of MAX_RECORD_LIFETIME_MS, so clock skew never makes peers reject what we gossip */
export const LIFETIME_MARGIN_MS = 5 * MINUTE

/** expired records are purged this often */
export const PURGE_INTERVAL_MS = 60 * SECOND
/** records held at most; beyond this, records for new keys are ignored (newer versions of held keys still replace them) */
export const MAX_RECORDS = 1_000_000

/** sync: records are grouped into buckets by the first byte of SHA-256(user id) */
export const SYNC_BUCKETS = 256
/** sync: bytes of each bucket digest sent */
export const SYNC_DIGEST_BYTES = 16
/** sync: the largest frame a requester may send (a SyncRequest with every bucket digest, or a SyncNext) */
export const SYNC_REQUEST_MAX_BYTES = SYNC_BUCKETS * SYNC_DIGEST_BYTES + 64
/** sync: records and bytes per page (bytes also kept under limits.maxFrameBytes) */
export const SYNC_PAGE_RECORDS = 256
export const SYNC_PAGE_BYTES = 512 * 1024
/** sync: a whole session, and each step (a page or a SyncNext) */
export const SYNC_SESSION_TIMEOUT_MS = 60 * SECOND
export const SYNC_STEP_TIMEOUT_MS = 10 * SECOND
/** sync: sessions served at once; more get SYNC_BUSY */
export const SYNC_MAX_INBOUND = 4
/** sync: sessions this node runs at once (one: each later one only fetches what the earlier ones missed) */
export const SYNC_CONCURRENCY = 1
/** sync: peers waiting; more are dropped */
export const SYNC_QUEUE_MAX = 16
/** sync: the same peer is asked again at most this often */
export const SYNC_PEER_INTERVAL_MS = 60 * SECOND
/** sync: anti-entropy with one random relay this often (gossip can miss a peer that was not yet in the mesh) */
export const SYNC_INTERVAL_MS = 5 * MINUTE
