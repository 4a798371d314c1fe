// Constants of the contacts-only presence board (docs/protocol.md §8e).
import { MAX_PRESENCE_BLOB_BYTES } from '../../protocol/constants.js'
import { SECOND } from '../config.js'

/** gossip topic carrying one PresenceBatch per message */
export const PRESENCE_TOPIC = '/relaymesh/1/presence'
/** blobs in one PresenceBatch (the .proto limit) */
export const MAX_PRESENCE_BATCH_BLOBS = 128
/** largest PresenceBatch accepted: every blob at its size limit, plus framing */
export const MAX_PRESENCE_BATCH_BYTES = MAX_PRESENCE_BATCH_BLOBS * (MAX_PRESENCE_BLOB_BYTES + 4) + 16
/** blobs published within this window share one gossip message */
export const PRESENCE_PUBLISH_WINDOW_MS = 50
/**
 * blobs held at most (about 600 B each with their index: ~40 MiB); beyond it
 * the soonest-expiring blob makes room for one that lives longer
 */
export const MAX_PRESENCE_ENTRIES = 65_536
/** expired blobs are dropped this often */
export const PRESENCE_PURGE_INTERVAL_MS = 30 * SECOND
/** a blob that expired less than this ago is ignored (clock skew, propagation), not rejected */
export const PRESENCE_EXPIRED_GRACE_MS = 30 * SECOND
