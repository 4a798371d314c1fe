// Limits and timings of the one-time prekey service (node/prekeys).
import { DAY, HOUR, SECOND } from '../config.js'

export const PREKEY_PROTOCOL = '/relaymesh/prekey/1.0.0'
/** an encoded OneTimePreKey (id varint + 32-byte key) is far below this */
export const MAX_PREKEY_BYTES = 128
/** keys in one upload (the .proto limit) */
export const MAX_UPLOAD_KEYS = 1000
/** prekey requests to one replica at once */
export const MAX_INFLIGHT_PER_PEER = 8
/** how long an attach waits for the replicas' counts before answering without one */
export const PREKEY_COUNT_TIMEOUT_MS = 2 * SECOND
/**
 * A mailbox's spent-id watermark is forgotten once the mailbox has held no
 * one-time prekey on this replica and seen no upload or claim for this long
 * (the end of its prekey generation here). Three times the envelope expiry.
 */
export const WATERMARK_RETENTION_MS = 90 * DAY
/** how often watermarks past their retention are looked for */
export const WATERMARK_SWEEP_MS = 6 * HOUR
/** watermarks looked at in one sweep at most (the rest wait for the next) */
export const WATERMARK_SWEEP_BATCH = 10_000
/** mailboxes whose key count is remembered (oldest forgotten first): a claim then reads one entry, not the whole share */
export const COUNT_MEMORY = 4096
