// Bounds of edits, deletes and typing indicators (docs/protocol.md §8g-8h).
const SECOND = 1000

/** edits / deletes that arrived before their message, kept (sealed) at most this many at once; more are dropped with a log line */
export const MAX_PENDING_EDITS = 256
/** a pending edit whose message never came is forgotten after this long */
export const PENDING_EDIT_TTL_MS = 7 * 24 * 3600 * SECOND
/** a TYPING "started" to one conversation at most this often (chat); chat sends only "started" (a receiver shows it for a few seconds); "stopped" exists for clients that track the input box */
export const TYPING_INTERVAL_MS = 3 * SECOND
