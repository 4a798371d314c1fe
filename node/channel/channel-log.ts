// The posts one node keeps of one channel: in memory, ordered by (sent_at,
// id), deduplicated by author and id, bounded in count (the oldest post goes
// when full) and in time (purge drops what was sent before a cutoff).
import type { VerifiedChannelPost } from '../../protocol/channel-post.js'

export type Offer = 'kept' | 'duplicate' | 'full'

function before (a: VerifiedChannelPost, b: VerifiedChannelPost): boolean {
  return a.sentAt < b.sentAt || (a.sentAt === b.sentAt && a.key < b.key)
}

export class ChannelLog {
  /** oldest first */
  private posts: VerifiedChannelPost[] = []
  private readonly keys = new Set<string>()

  constructor (readonly maxPosts: number) {}

  get size (): number { return this.posts.length }

  has (key: string): boolean { return this.keys.has(key) }

  /** Keep `post` unless held already, or the log is full of newer posts. */
  offer (post: VerifiedChannelPost): Offer {
    if (this.keys.has(post.key)) return 'duplicate'
    if (this.posts.length >= this.maxPosts) {
      const oldest = this.posts[0] as VerifiedChannelPost
      if (!before(oldest, post)) return 'full'
      this.posts.shift()
      this.keys.delete(oldest.key)
    }
    // binary search for the first post after this one (posts mostly arrive in order: usually the end)
    let lo = 0
    let hi = this.posts.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (before(post, this.posts[mid] as VerifiedChannelPost)) hi = mid; else lo = mid + 1
    }
    this.posts.splice(lo, 0, post)
    this.keys.add(post.key)
    return 'kept'
  }

  /** Posts sent after `since` (ms), oldest first, at most `limit`. */
  after (since: number, limit: number): VerifiedChannelPost[] {
    let lo = 0
    let hi = this.posts.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.posts[mid] as VerifiedChannelPost).sentAt <= since) lo = mid + 1; else hi = mid
    }
    return this.posts.slice(lo, lo + limit)
  }

  /** Drop the posts sent before `cutoff`; returns how many. */
  purge (cutoff: number): number {
    let n = 0
    while (n < this.posts.length && (this.posts[n] as VerifiedChannelPost).sentAt < cutoff) {
      this.keys.delete((this.posts[n] as VerifiedChannelPost).key)
      n++
    }
    if (n > 0) this.posts = this.posts.slice(n)
    return n
  }
}
