// Constants of contacts-only presence on the node (docs/protocol.md §8e, §9
// "Presence replicas").
import { MAX_PRESENCE_BLOB_BYTES } from '../../protocol/constants.js'
import { SECOND } from '../config.js'

/** relay-to-relay protocol: PUT blobs at, FETCH them from, the relays closest to their ids */
export const PRESENCE_PROTOCOL = '/relaymesh/presence/1.0.0'
/** blobs in one PUT (the .proto limit) */
export const MAX_PRESENCE_PUT_BLOBS = 128
/** a PUT, every blob at its size limit, plus framing: far below limits.maxFrameBytes */
export const MAX_PRESENCE_PUT_BYTES = MAX_PRESENCE_PUT_BLOBS * (MAX_PRESENCE_BLOB_BYTES + 4) + 16
/** blobs for one replica published within this window share one PUT */
export const PRESENCE_PUBLISH_WINDOW_MS = 50
/**
 * A relay keeps a blob only if it is among the PRESENCE_SPREAD * k relays
 * closest to the blob's id in its own directory (directories may differ for a
 * while after a join or a leave); it answers FETCH for any id it holds.
 */
export const PRESENCE_SPREAD = 2
/** how long PRESENCE_GET waits for the replicas of its ids (a client is waiting) */
export const PRESENCE_FETCH_TIMEOUT_MS = 2 * SECOND
/** how long a PUT waits for its replica */
export const PRESENCE_PUT_TIMEOUT_MS = 5 * SECOND
/** presence requests to one relay at once */
export const MAX_PRESENCE_INFLIGHT_PER_PEER = 8
/**
 * blobs held at most (about 600 B each with their index: ~40 MiB); beyond it
 * the soonest-expiring blob makes room for one that lives longer
 */
export const MAX_PRESENCE_ENTRIES = 65_536
/** expired blobs are dropped this often */
export const PRESENCE_PURGE_INTERVAL_MS = 30 * SECOND
/** a blob that expired less than this ago is ignored (clock skew, propagation), not rejected */
export const PRESENCE_EXPIRED_GRACE_MS = 30 * SECOND
