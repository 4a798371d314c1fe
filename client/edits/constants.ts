// Bounds of edits, deletes and typing indicators (docs/spec-drafts/edits-gaps.md).
const SECOND = 1000

/** edits / deletes that arrived before their message, kept (sealed) at most this many at once; more are dropped with a log line */
export const MAX_PENDING_EDITS = 256
/** a pending edit whose message never came is forgotten after this long */
export const PENDING_EDIT_TTL_MS = 7 * 24 * 3600 * SECOND
/** a TYPING "started" to one conversation at most this often (chat); "stopped" is sent once when the line is sent or cleared */
export const TYPING_INTERVAL_MS = 3 * SECOND
/** a "typing" shown this long after the last STARTED unless a STOPPED or a message comes first */
export const TYPING_SHOWN_MS = 6 * SECOND
