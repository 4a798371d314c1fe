// Public channels as a client uses them (docs/protocol.md §8i): a post
// is signed by our identity key and handed to a node (CHANNEL_POST); reading
// asks a node for a channel's kept posts (CHANNEL_READ). Both go over the send
// channel (ctx.outbound), so the node we are attached to does not learn which
// channels this device reads. Every post read is verified here again: a node
// may withhold posts, never forge or alter one. A channel is public by design.
import { signChannelPost, checkChannelName, checkChannelText, verifyChannelPost, type VerifiedChannelPost } from '../../protocol/channel-post.js'
import { CHANNEL_RETENTION_MS, DEFAULT_CHANNEL, MAX_CHANNEL_READ_POSTS } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RequestType } from '../../protocol/pb/client-api.js'
import type { MessagingContext } from '../messaging/context.js'
import { advanceMark, loadMark, markOp, type ChannelMark } from './channel-marks.js'
import { CHANNEL_OVERLAP_MS, MAX_READ_PAGES } from './constants.js'

/** A verified channel post as the library hands it out. */
export interface ChannelPostView {
  channel: string
  /** the post id, 32 hex digits */
  id: string
  /** the author's user id */
  from: string
  text: string
  /** the author's clock, ms since the epoch */
  sentAt: number
}

function view (p: VerifiedChannelPost): ChannelPostView {
  return { channel: p.channel, id: p.idHex, from: p.from, text: p.text, sentAt: p.sentAt }
}

function channelOf (options: { channel?: string | undefined }): string {
  return checkChannelName(options.channel ?? DEFAULT_CHANNEL)
}

export class ChannelOps {
  /** one mark update at a time */
  private marking: Promise<unknown> = Promise.resolve()

  constructor (private readonly ctx: MessagingContext) {}

  /** Sign `text` and post it to a channel ("all" by default); resolves once a node kept and gossiped it. */
  async post (text: string, options: { channel?: string | undefined } = {}): Promise<ChannelPostView> {
    const channel = channelOf(options)
    checkChannelText(text)
    const bytes = signChannelPost(this.ctx.identity.identity, { channel, text, sentAt: this.ctx.now() })
    const post = verifyChannelPost(bytes, this.ctx.now())
    await this.ctx.outbound.withConnection(async (conn) => await conn.request({ type: RequestType.CHANNEL_POST, channelPost: bytes }))
    // our own post is not shown back to us as new (the newest mark stays: earlier posts are still to be shown)
    await this.updateMark(channel, async (mark) => ({ ...mark, shown: advanceMark({ newest: 0, shown: mark.shown }, [post]).shown }))
    return view(post)
  }

  /** The posts a node keeps of a channel sent after `since` (ms; default: all it keeps), oldest first, verified, blocked authors left out. */
  async read (options: { channel?: string | undefined, since?: number | undefined } = {}): Promise<ChannelPostView[]> {
    const channel = channelOf(options)
    const since = options.since ?? 0
    if (!Number.isSafeInteger(since) || since < 0) throw new RelaymeshError(ErrorCode.InvalidArgument, `since: ${since} is not a time`)
    return (await this.fetch(channel, since)).map(view)
  }

  /**
   * The posts of a channel not handed out by this call before (recv, chat), oldest
   * first; remembers them as shown (PREFIX.channel). The first time: every post
   * the node still keeps (up to CHANNEL_RETENTION_MS old).
   */
  async fresh (options: { channel?: string | undefined } = {}): Promise<ChannelPostView[]> {
    const channel = channelOf(options)
    let out: VerifiedChannelPost[] = []
    await this.updateMark(channel, async (mark) => {
      const since = mark.newest === 0 ? Math.max(0, this.ctx.now() - CHANNEL_RETENTION_MS) : Math.max(0, mark.newest - CHANNEL_OVERLAP_MS)
      const shown = new Set(mark.shown.map(([key]) => key))
      out = (await this.fetch(channel, since)).filter((p) => !shown.has(p.key) && p.sentAt > mark.newest - CHANNEL_OVERLAP_MS)
      return advanceMark(mark, out)
    })
    return out.map(view)
  }

  private async updateMark (channel: string, change: (mark: ChannelMark) => Promise<ChannelMark>): Promise<void> {
    const run = this.marking.then(async () => {
      const next = await change(await loadMark(this.ctx.store, channel))
      await this.ctx.store.batch([markOp(this.ctx.store, channel, next)])
    })
    this.marking = run.catch(() => {})
    await run
  }

  /** Every kept post after `since`, page by page (MAX_READ_PAGES at most), verified and deduplicated, oldest first. */
  private async fetch (channel: string, since: number): Promise<VerifiedChannelPost[]> {
    const found = new Map<string, VerifiedChannelPost>()
    let cursor = since
    for (let page = 0; page < MAX_READ_PAGES; page++) {
      const res = await this.ctx.outbound.withConnection(async (conn) => await conn.request({ type: RequestType.CHANNEL_READ, channel, since: cursor }))
      const now = this.ctx.now()
      let added = 0
      let last = cursor
      for (const bytes of res.channelPosts) {
        let p: VerifiedChannelPost
        try {
          p = verifyChannelPost(bytes, now)
        } catch (err) {
          this.ctx.log.debug({ channel, err: (err as Error).message }, 'a node handed out a channel post that does not verify: dropped')
          continue
        }
        // what was not asked for is not taken: another channel, or older than asked
        if (p.channel !== channel || p.sentAt <= since) continue
        last = Math.max(last, p.sentAt)
        if (found.has(p.key) || this.ctx.requests?.isBlocked(p.from) === true) continue
        found.set(p.key, p)
        added++
      }
      if (res.channelPosts.length < MAX_CHANNEL_READ_POSTS || added === 0) break
      // the next page starts at the last time seen again (posts of one millisecond may straddle pages)
      cursor = last - 1
    }
    return [...found.values()].sort((a, b) => a.sentAt - b.sentAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  }
}
