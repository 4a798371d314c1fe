// What this client has shown of each channel (PREFIX.channel + name(channel)):
// the newest sent_at shown, and the keys (author/id) of the posts shown
// within CHANNEL_OVERLAP_MS of it, so a post that arrives late is shown once
// and a post shown is never shown again. Bounded by MAX_SHOWN_KEYS.
import { PREFIX } from '../store/keys.js'
import type { SealedStore, StoreOp } from '../store/sealed-store.js'
import { CHANNEL_OVERLAP_MS, MAX_SHOWN_KEYS } from './constants.js'

export interface ChannelMark {
  /** the newest sent_at shown (0: nothing yet) */
  newest: number
  /** [post key, sent_at] of the posts shown lately */
  shown: Array<[string, number]>
}

function markKey (store: SealedStore, channel: string): string {
  return PREFIX.channel + store.name(channel)
}

export async function loadMark (store: SealedStore, channel: string): Promise<ChannelMark> {
  const j = await store.getJson<ChannelMark>(markKey(store, channel))
  if (j === undefined || typeof j.newest !== 'number' || !Array.isArray(j.shown)) return { newest: 0, shown: [] }
  return j
}

/** The mark after showing `posts` (given in order): the newest time, and the keys still within the overlap. */
export function advanceMark (mark: ChannelMark, posts: Array<{ key: string, sentAt: number }>): ChannelMark {
  let newest = mark.newest
  for (const p of posts) newest = Math.max(newest, p.sentAt)
  const shown = [...mark.shown, ...posts.map((p): [string, number] => [p.key, p.sentAt])]
    .filter(([, at]) => at > newest - CHANNEL_OVERLAP_MS)
    .slice(-MAX_SHOWN_KEYS)
  return { newest, shown }
}

export function markOp (store: SealedStore, channel: string, mark: ChannelMark): StoreOp {
  return store.jsonOp(markKey(store, channel), mark)
}
