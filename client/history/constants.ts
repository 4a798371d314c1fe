// Limits of client/history.

/** `history --limit` and the library's `limit`: at most this many messages per call */
export const MAX_HISTORY_LIMIT = 10_000
/** a search text longer than this is refused (it is matched against every stored message) */
export const MAX_SEARCH_LENGTH = 256
/** what `/open` and `/history` show by default */
export const DEFAULT_SHOWN = 20
/** a group id as the person types it (32 hex digits, any case) */
export const GROUP_ID_RE = /^[0-9a-f]{32}$/i
