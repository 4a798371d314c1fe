// The posts one node keeps of one channel: in memory, ordered by (sent_at,
// id), deduplicated by author and id, bounded in count (the oldest post goes
// when full) and in time (purge drops what was sent before a cutoff).
import type { VerifiedChannelPost } from '../../protocol/channel-post.js'

export type Offer = 'kept' | 'duplicate' | 'full'

/** What the log keeps of a post: its encoding (a copy, so no larger frame stays alive) and what orders and dedupes it. */
export interface KeptPost {
  key: string
  sentAt: number
  bytes: Uint8Array
}

function before (a: KeptPost, b: KeptPost): boolean {
  return a.sentAt < b.sentAt || (a.sentAt === b.sentAt && a.key < b.key)
}

export class ChannelLog {
  /** oldest first */
  private posts: KeptPost[] = []
  private readonly keys = new Set<string>()

  constructor (readonly maxPosts: number) {}

  get size (): number { return this.posts.length }

  has (key: string): boolean { return this.keys.has(key) }

  /** Keep `post` unless held already, or the log is full of newer posts. */
  offer (verified: VerifiedChannelPost): Offer {
    if (this.keys.has(verified.key)) return 'duplicate'
    const post: KeptPost = { key: verified.key, sentAt: verified.sentAt, bytes: verified.bytes.slice() }
    if (this.posts.length >= this.maxPosts) {
      const oldest = this.posts[0] as KeptPost
      if (!before(oldest, post)) return 'full'
      this.posts.shift()
      this.keys.delete(oldest.key)
    }
    // binary search for the first post after this one (posts mostly arrive in order: usually the end)
    let lo = 0
    let hi = this.posts.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (before(post, this.posts[mid] as KeptPost)) hi = mid; else lo = mid + 1
    }
    this.posts.splice(lo, 0, post)
    this.keys.add(post.key)
    return 'kept'
  }

  /** Posts sent after `since` (ms), oldest first, at most `limit`. */
  after (since: number, limit: number): KeptPost[] {
    let lo = 0
    let hi = this.posts.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.posts[mid] as KeptPost).sentAt <= since) lo = mid + 1; else hi = mid
    }
    return this.posts.slice(lo, lo + limit)
  }

  /** Drop the posts sent before `cutoff`; returns how many. */
  purge (cutoff: number): number {
    let n = 0
    while (n < this.posts.length && (this.posts[n] as KeptPost).sentAt < cutoff) {
      this.keys.delete((this.posts[n] as KeptPost).key)
      n++
    }
    if (n > 0) this.posts = this.posts.slice(n)
    return n
  }
}
