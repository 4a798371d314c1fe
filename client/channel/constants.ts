// Constants of the client's public channel view (client/channel).
import { CHANNEL_MAX_FUTURE_MS } from '../../protocol/constants.js'

/** CHANNEL_READ pages one read walks at most (a node keeps at most 1000 posts per channel: 4 pages of 256) */
export const MAX_READ_PAGES = 8
/**
 * posts reach nodes out of order (gossip, clock skew): each look for new posts
 * reads this far before the newest one already shown, and skips those shown
 */
export const CHANNEL_OVERLAP_MS = CHANNEL_MAX_FUTURE_MS
/** post keys remembered per channel as shown (those older than the overlap are forgotten first) */
export const MAX_SHOWN_KEYS = 2000
/** how often recv --wait and chat look for new channel posts */
export const CHANNEL_POLL_MS = 3_000
