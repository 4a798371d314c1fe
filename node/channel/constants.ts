// Constants of the public channels a node carries (docs/protocol.md §8i).
import { CHANNEL_RETENTION_MS } from '../../protocol/constants.js'
import { SECOND } from '../config.js'

/** gossip topics: one per channel, `${CHANNEL_TOPIC_PREFIX}<name>`; one ChannelPost per message */
export const CHANNEL_TOPIC_PREFIX = '/relaymesh/1/channel/'
/** posts kept per channel (the oldest goes first when full) */
export const MAX_POSTS_PER_CHANNEL = 1000
/** channels a node carries at once ("all" included) */
export const MAX_CHANNELS = 16
/** a channel nobody posted to or read on this node for this long may make room for another */
export const CHANNEL_IDLE_MS = 60 * 60 * SECOND
/** how long a node keeps a post after it was sent */
export const CHANNEL_KEEP_MS = CHANNEL_RETENTION_MS
/** posts per author: 10 a minute, in bursts of up to 10 (token bucket, held per author key on every node) */
export const AUTHOR_POSTS_PER_MINUTE = 10
export const AUTHOR_POST_BURST = 10
/** posts per channel from all authors together: 120 a minute, bursts of 60 */
export const CHANNEL_POSTS_PER_MINUTE = 120
export const CHANNEL_POST_BURST = 60
/** author buckets held (idle ones are dropped first) */
export const MAX_AUTHOR_BUCKETS = 10_000
/** expired posts are dropped this often */
export const CHANNEL_PURGE_INTERVAL_MS = 60 * SECOND

export function channelTopic (name: string): string {
  return CHANNEL_TOPIC_PREFIX + name
}
