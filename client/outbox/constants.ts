// Bounds and timings of the outbox (client/outbox).

/** a failed attempt (no node could store it) is retried after this long, doubling each time, while the process lives */
export const RETRY_MIN_MS = 1_000
/** …up to this long between attempts (an attach retries at once) */
export const RETRY_MAX_MS = 30_000
/** close() waits this long at most for an attempt under way (a message typed just before /quit still goes) */
export const CLOSE_WAIT_MS = 10_000
/** messages waiting in the outbox at most: a send beyond this is refused (Invalid), nothing is dropped */
export const MAX_OUTBOX_ENTRIES = 10_000
