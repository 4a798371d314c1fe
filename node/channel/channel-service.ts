// Public channels on the node (docs/protocol.md §8i): one gossip topic
// per channel, a bounded in-memory log per channel (channel-log.ts), posts
// from clients (CHANNEL_POST) and from admitted relays (gossip), read by
// CHANNEL_READ. Every post is verified (protocol/channel-post.ts) before its
// author's rate limit is charged, so nobody can spend another author's
// budget with forged posts. The node carries "all" from the start and any
// other channel once a client posts to or reads it (at most MAX_CHANNELS).
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { checkChannelName, checkChannelTime, verifyChannelPost, verifyChannelPostBytes, type VerifiedChannelPost } from '../../protocol/channel-post.js'
import { DEFAULT_CHANNEL, MAX_CHANNEL_READ_POSTS } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { BucketMap } from '../client-api/rate-limit.js'
import type { ChannelService, NodeComponents, RelayDirectory } from '../components.js'
import { ChannelLog } from './channel-log.js'
import {
  AUTHOR_POST_BURST, AUTHOR_POSTS_PER_MINUTE, CHANNEL_IDLE_MS, CHANNEL_KEEP_MS, CHANNEL_POST_BURST, CHANNEL_POSTS_PER_MINUTE, CHANNEL_PURGE_INTERVAL_MS,
  MAX_AUTHOR_BUCKETS, MAX_CHANNELS, MAX_POSTS_PER_CHANNEL, channelTopic
} from './constants.js'

export interface ChannelServiceInit {
  relays: RelayDirectory
  /** @default MAX_POSTS_PER_CHANNEL */
  maxPostsPerChannel?: number
  /** @default MAX_CHANNELS */
  maxChannels?: number
  /** the clock (tests) @default Date.now */
  now?: () => number
}

export interface ChannelServiceHandle extends ChannelService {
  /** the channels carried, and how many posts each holds (status, tests) */
  channels: () => Map<string, number>
}

interface Carried {
  log: ChannelLog
  lastUsed: number
}

/** Why a post was refused: a label for metrics. */
function reasonOf (err: unknown): string {
  if (!RelaymeshError.is(err)) return 'decode'
  switch (err.code) {
    case ErrorCode.BadSignature: return 'bad-signature'
    case ErrorCode.TooLarge: return 'too-large'
    case ErrorCode.Expired: return 'expired'
    case ErrorCode.RateLimited: return 'rate'
    case ErrorCode.Invalid: return 'invalid'
    default: return 'decode'
  }
}

export function createChannelService (components: NodeComponents, init: ChannelServiceInit): ChannelServiceHandle {
  const { host, metrics } = components
  const log = components.log.child({ component: 'channel' })
  const now = init.now ?? Date.now
  const maxPosts = init.maxPostsPerChannel ?? MAX_POSTS_PER_CHANNEL
  const maxChannels = init.maxChannels ?? MAX_CHANNELS
  const carried = new Map<string, Carried>()
  const authors = new BucketMap(AUTHOR_POSTS_PER_MINUTE / 60, AUTHOR_POST_BURST, MAX_AUTHOR_BUCKETS, now)
  const channelRates = new BucketMap(CHANNEL_POSTS_PER_MINUTE / 60, CHANNEL_POST_BURST, maxChannels * 2, now)
  let running = false
  let purgeTimer: NodeJS.Timeout | undefined

  /** A verified post, not held yet: charge its author and its channel, then keep it. Throws RateLimited / QuotaExceeded. */
  function admit (c: Carried, post: VerifiedChannelPost): void {
    const authorKey = post.key.slice(0, post.key.indexOf('/'))
    if (!authors.get(authorKey).take()) throw new RelaymeshError(ErrorCode.RateLimited, `channel post: this author posts more than ${AUTHOR_POSTS_PER_MINUTE} a minute`)
    if (!channelRates.get(post.channel).take()) throw new RelaymeshError(ErrorCode.RateLimited, `channel post: #${post.channel} carries more than ${CHANNEL_POSTS_PER_MINUTE} posts a minute`)
    if (c.log.offer(post) === 'full') throw new RelaymeshError(ErrorCode.QuotaExceeded, `channel post: #${post.channel} is full of newer posts`)
  }

  async function validate (name: string, from: PeerId, msg: Message): Promise<TopicValidatorResult> {
    const topic = channelTopic(name)
    const c = carried.get(name)
    if (!running || c === undefined) return TopicValidatorResult.Ignore
    // only admitted relays' messages count (a plain gossipsub peer may listen, not speak)
    if (!init.relays.isAdmitted(from)) {
      metrics.gossipRejected.inc({ topic, reason: 'not-admitted' })
      return TopicValidatorResult.Ignore
    }
    let post: VerifiedChannelPost
    try {
      post = verifyChannelPostBytes(msg.data)
      if (post.channel !== name) throw new RelaymeshError(ErrorCode.Invalid, `channel post for #${post.channel} on the topic of #${name}`)
    } catch (err) {
      metrics.gossipRejected.inc({ topic, reason: reasonOf(err) })
      log.debug({ channel: name, err: (err as Error).message }, 'channel post rejected')
      return TopicValidatorResult.Reject
    }
    try {
      checkChannelTime(post.sentAt, now())
    } catch {
      // clocks differ between nodes: a post out of this node's time window is dropped, not held against the relay
      metrics.gossipRejected.inc({ topic, reason: 'time' })
      return TopicValidatorResult.Ignore
    }
    if (c.log.has(post.key)) {
      metrics.gossipRejected.inc({ topic, reason: 'duplicate' })
      return TopicValidatorResult.Ignore
    }
    try {
      admit(c, post)
    } catch (err) {
      // buckets fill at slightly different times on each node: over the rate is dropped, not punished
      metrics.gossipRejected.inc({ topic, reason: reasonOf(err) })
      return TopicValidatorResult.Ignore
    }
    metrics.gossipAccepted.inc({ topic })
    return TopicValidatorResult.Accept
  }

  function subscribe (name: string): void {
    const pubsub = host.services.pubsub
    const topic = channelTopic(name)
    pubsub.topicValidators.set(topic, async (from, msg) => await validate(name, from, msg))
    pubsub.subscribe(topic)
  }

  function leave (name: string): void {
    carried.delete(name)
    const topic = channelTopic(name)
    host.services.pubsub.unsubscribe(topic)
    host.services.pubsub.topicValidators.delete(topic)
  }

  /** The channel, carried from now on; QuotaExceeded when MAX_CHANNELS are carried and none is idle. */
  function carry (name: string): Carried {
    const t = now()
    let c = carried.get(name)
    if (c === undefined) {
      if (carried.size >= maxChannels) {
        let idlest: [string, Carried] | undefined
        for (const e of carried) if (e[0] !== DEFAULT_CHANNEL && (idlest === undefined || e[1].lastUsed < idlest[1].lastUsed)) idlest = e
        if (idlest === undefined || idlest[1].lastUsed > t - CHANNEL_IDLE_MS) {
          throw new RelaymeshError(ErrorCode.QuotaExceeded, `this node carries ${maxChannels} channels already; try again later or another channel`)
        }
        leave(idlest[0])
      }
      c = { log: new ChannelLog(maxPosts), lastUsed: t }
      carried.set(name, c)
      if (running) subscribe(name)
    }
    c.lastUsed = t
    return c
  }

  return {
    async start () {
      if (running) return
      running = true
      carry(DEFAULT_CHANNEL)
      for (const name of carried.keys()) subscribe(name)
      purgeTimer = setInterval(() => {
        const cutoff = now() - CHANNEL_KEEP_MS
        for (const c of carried.values()) c.log.purge(cutoff)
      }, CHANNEL_PURGE_INTERVAL_MS)
      purgeTimer.unref()
    },

    async stop () {
      if (!running) return
      running = false
      clearInterval(purgeTimer)
      // validators stay (they ignore everything once stopped), as presence-service.ts does
    },

    post (bytes) {
      const post = verifyChannelPost(bytes, now())
      const c = carry(post.channel)
      if (c.log.has(post.key)) return // a retry: already kept and gossiped
      admit(c, post)
      if (!running) return
      host.services.pubsub.publish(channelTopic(post.channel), post.bytes).catch((err: Error) => {
        log.debug({ channel: post.channel, err: err.message }, 'channel post publish failed')
      })
    },

    read (channel, since) {
      checkChannelName(channel)
      if (!Number.isSafeInteger(since) || since < 0) throw new RelaymeshError(ErrorCode.Invalid, `channel read: since ${since} is not a time`)
      const c = carry(channel)
      c.log.purge(now() - CHANNEL_KEEP_MS)
      return c.log.after(since, MAX_CHANNEL_READ_POSTS).map((p) => p.bytes)
    },

    channels: () => new Map([...carried].map(([name, c]) => [name, c.log.size]))
  }
}
