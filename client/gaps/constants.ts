// Bounds of gap detection and resends (docs/protocol.md §8h).
const SECOND = 1000

/**
 * a sequence number still missing this long after the receiver noticed the gap is reported, after one more
 * drain of the mailbox (a lost push is fetched then): reordering inside a drain, among pushes, and sends still
 * being stored (STORE_TIMEOUT_MS is 10 s) settle sooner
 */
export const GAP_GRACE_MS = 10 * SECOND
/** missing sequence numbers tracked per sender device and conversation; a larger jump is counted, reported, and not asked for */
export const MAX_MISSING_TRACKED = 1024
/** what we sent, per conversation, that a resend request can still be answered from (sequence → message id) */
export const SENT_KEEP = 1024
/** a resend request from one user is answered at most this often */
export const RESEND_ANSWER_INTERVAL_MS = 5 * SECOND
/** reported sequence numbers are remembered this long (a late arrival or a "gone" answer still matches) */
export const REPORTED_KEEP_MS = 7 * 24 * 3600 * SECOND
