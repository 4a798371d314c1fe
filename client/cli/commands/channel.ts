// `relaymesh channel post|read`: public channels. A post is signed by your
// identity key and readable by anyone on the mesh: a channel is public by
// design (docs/protocol.md §8i). Also the one printer of channel posts
// (recv and chat use it) and the watcher that shows new ones while they run.
import { Command, InvalidArgumentError } from 'commander'
import { DEFAULT_CHANNEL } from '../../../protocol/constants.js'
import type { ChannelPostView, Client } from '../../types.js'
import type { DisplayNames } from '../../profiles/display-name.js'
import type { Output } from '../output.js'
import { addClientOptions, withClient } from '../session.js'
import { CHANNEL_POLL_MS } from '../../channel/constants.js'

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** --since: an ISO time ("2026-12-05T10:00Z") or a duration back from `now` ("90s", "30m", "1h", "2d"); ms since the epoch. */
export function parseSince (value: string, now = Date.now()): number {
  const d = /^(\d{1,6})([smhd])$/.exec(value.trim())
  if (d !== null) return Math.max(0, now - Number(d[1]) * (UNITS[d[2] as string] as number))
  const t = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN
  if (!Number.isFinite(t) || t < 0) throw new InvalidArgumentError('expected an ISO time (2026-12-05T10:00:00Z) or a duration such as 30m, 1h or 2d')
  return t
}

function clock (ms: number): string {
  const d = new Date(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** One channel post: {"event":"channel","channel","id","from","text","sentAt"}; text mode shows the author's display name. */
export function printChannelPost (out: Output, p: ChannelPostView, names: DisplayNames): void {
  out.emit({ event: 'channel', channel: p.channel, id: p.id, from: p.from, text: p.text, sentAt: p.sentAt },
    `[${clock(p.sentAt)}] #${p.channel} ${names.label(p.from)}: ${p.text}`)
}

/**
 * Shows the new posts of a channel every CHANNEL_POLL_MS while recv --wait or
 * chat runs (client.newChannelPosts: each post once, remembered in the local
 * store). A failed look is reported once, then retried quietly.
 */
export class ChannelWatch {
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> = Promise.resolve()
  private failing = false
  private stopped = false

  constructor (private readonly client: Client, private readonly out: Output, private readonly names: DisplayNames, private readonly channel = DEFAULT_CHANNEL) {}

  /** Look once now (awaited), then every `intervalMs` until stop(). */
  async start (intervalMs = CHANNEL_POLL_MS): Promise<void> {
    await this.poll()
    if (this.stopped) return
    this.timer = setInterval(() => { void this.poll() }, intervalMs)
  }

  /** One look for new posts (never two at once). */
  async poll (): Promise<void> {
    this.running = this.running.then(async () => {
      if (this.stopped) return
      try {
        for (const p of await this.client.newChannelPosts({ channel: this.channel })) printChannelPost(this.out, p, this.names)
        this.failing = false
      } catch (err) {
        if (!this.failing) this.out.warn(`channel #${this.channel} not read: ${(err as Error).message}`)
        this.failing = true
      }
    })
    await this.running
  }

  /** Stop polling; resolves once a look under way has finished. */
  async stop (): Promise<void> {
    clearInterval(this.timer)
    this.stopped = true
    await this.running
  }
}

export function channelCommand (): Command {
  const channel = new Command('channel').description('public channels: signed posts anyone on the mesh can read (kept by nodes for 24 h)')

  channel.addCommand(addClientOptions(new Command('post'))
    .description('post TEXT to a public channel, signed by your identity key; anyone on the mesh can read it')
    .argument('<text...>', 'the post (at most 2048 bytes)')
    .option('--channel <name>', 'the channel: 1..32 of a-z, 0-9 and -', DEFAULT_CHANNEL)
    .action(async (words: string[], opts: { channel: string }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const p = await client.postToChannel(words.join(' '), { channel: opts.channel })
        out.emit({ event: 'posted', channel: p.channel, id: p.id, sentAt: p.sentAt }, `posted to #${p.channel} (post ${p.id})`)
      })
    }))

  channel.addCommand(addClientOptions(new Command('read'))
    .description('the posts nodes keep of a public channel (up to 24 h), oldest first, each signature checked here')
    .option('--channel <name>', 'the channel', DEFAULT_CHANNEL)
    .option('--since <time>', 'only posts sent after this: an ISO time or a duration back from now (30m, 1h, 2d)', (v: string) => parseSince(v))
    .action(async (opts: { channel: string, since?: number }, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const people = await names()
        const posts = await client.readChannel({ channel: opts.channel, ...(opts.since !== undefined ? { since: opts.since } : {}) })
        for (const p of posts) printChannelPost(out, p, people)
        if (!out.json && posts.length === 0) out.warn(`no posts in #${opts.channel}`)
      })
    }))

  return channel
}
