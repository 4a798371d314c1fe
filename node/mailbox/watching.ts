// Entry side of WATCH (docs/protocol.md §10, WATCH): while a device is
// attached here, this node asks the replicas of its mailbox to push new
// envelopes here (REPLICA_WATCH with the device's grant made for this node),
// renews that every WATCH_REFRESH_MS and when the relay set changes (and
// sooner, with a growing delay, at the replicas that refused or did not
// answer), and withdraws it when the device detaches. The attach waits for
// the first round only so long; the round itself goes on. A node that is
// itself one of the mailbox's replicas watches nobody: it stores the
// envelopes and pushes them to the device itself. No record naming the
// user's node is published.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { FetchGrant } from '../components.js'
import { BACKUP_PUSH_DELAY_MS, WATCH_REFRESH_MS, WATCH_RETRY_MIN_MS } from './constants.js'
import { hexOf } from './envelope-store.js'
import type { ReplicaClient } from './replica-client.js'

export interface WatchingDeps {
  self: PeerId
  /** the k replicas of a mailbox, from this node's directory */
  replicasOf: (mailbox: Uint8Array) => PeerId[]
  client: ReplicaClient
  log: Logger
  /** @default WATCH_REFRESH_MS */
  refreshMs?: number
  /** a round that missed a replica is tried again this long after, doubling up to refreshMs @default WATCH_RETRY_MIN_MS */
  retryMinMs?: number
}

interface Watch {
  mailbox: Uint8Array
  grant: FetchGrant
  /** attach sessions of this mailbox here (a device may attach over two connections) */
  refs: number
  /** replicas that accepted the latest watch */
  watched: PeerId[]
  timer: NodeJS.Timeout
  /** a round that missed a replica: the next try, and the delay after that one */
  retry: NodeJS.Timeout | undefined
  retryMs: number
}

export class MailboxWatching {
  private readonly watches = new Map<string, Watch>()

  constructor (private readonly deps: WatchingDeps) {}

  get size (): number { return this.watches.size }

  /**
   * Watch `mailbox` at its replicas with `grant`; resolves once every replica
   * answered (or failed) the first round, or when `wait` aborts, whichever is
   * first: the round goes on either way (a loaded mesh answers late, and a
   * watch given up on would leave the device without pushes until the next
   * renewal). The returned function ends this session's interest (the watch
   * is withdrawn when the last one ends).
   */
  async start (mailbox: Uint8Array, grant: FetchGrant, wait?: AbortSignal): Promise<() => void> {
    const m = hexOf(mailbox)
    let w = this.watches.get(m)
    if (w === undefined) {
      const timer = setInterval(() => { void this.renew(m) }, this.refreshMs)
      timer.unref()
      w = { mailbox, grant, refs: 0, watched: [], timer, retry: undefined, retryMs: this.retryMinMs }
      this.watches.set(m, w)
    }
    w.refs++
    w.grant = grant
    let ended = false
    const end = (): void => {
      if (ended) return
      ended = true
      this.release(m)
    }
    const round = this.renew(m)
    if (wait === undefined) {
      await round
    } else if (!wait.aborted) {
      let onAbort = (): void => {}
      await Promise.race([round, new Promise<void>((resolve) => { onAbort = resolve; wait.addEventListener('abort', onAbort, { once: true }) })])
      wait.removeEventListener('abort', onAbort)
    }
    return end
  }

  private get refreshMs (): number { return this.deps.refreshMs ?? WATCH_REFRESH_MS }
  private get retryMinMs (): number { return Math.min(this.deps.retryMinMs ?? WATCH_RETRY_MIN_MS, this.refreshMs) }

  /** Renew every watch now (the relay set changed: the replicas may be others). */
  renewAll (): void {
    for (const m of this.watches.keys()) void this.renew(m)
  }

  /** Stop every timer (node shutdown); replicas let the watches expire. */
  close (): void {
    for (const w of this.watches.values()) { clearInterval(w.timer); clearTimeout(w.retry) }
    this.watches.clear()
  }

  private async renew (m: string): Promise<void> {
    const w = this.watches.get(m)
    if (w === undefined) return
    const { self, client, log } = this.deps
    const replicas = this.deps.replicasOf(w.mailbox)
    // a replica itself stores every envelope of the mailbox and pushes it to the device here
    const targets = replicas.some((p) => p.equals(self)) ? [] : replicas
    // the closest replica pushes at once, the others only what is unacknowledged BACKUP_PUSH_DELAY_MS later
    const delayOf = (i: number): number => i === 0 ? 0 : BACKUP_PUSH_DELAY_MS
    const results = await Promise.allSettled(targets.map(async (p, i) => { await client.watch(p, w.mailbox, w.grant, undefined, delayOf(i)); return p }))
    if (this.watches.get(m) !== w) {
      // the device detached while this round was out: withdraw what it set up (unless it attached again meanwhile)
      if (!this.watches.has(m)) for (const r of results) if (r.status === 'fulfilled') void client.unwatch(r.value, w.mailbox).catch(() => {})
      return
    }
    const watched: PeerId[] = []
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') watched.push(r.value)
      else log.debug({ replica: targets[i]?.toString(), err: (r.reason as Error).message }, 'watch refused or failed (pushes from that replica are missed; the device fetches)')
    })
    // the primary refused or could not be reached: the first backup that took the watch pushes at once instead
    const promoted = results[0]?.status === 'rejected' ? watched[0] : undefined
    if (promoted !== undefined) {
      await client.watch(promoted, w.mailbox, w.grant, undefined, 0).catch((err: Error) => {
        log.debug({ replica: promoted.toString(), err: err.message }, 'watch promotion failed (that replica keeps pushing as a backup)')
      })
    }
    // replicas no longer in the set: withdraw there
    for (const p of w.watched) if (!watched.some((q) => q.equals(p))) void client.unwatch(p, w.mailbox).catch(() => {})
    w.watched = watched
    this.retryMissed(m, w, watched.length < targets.length)
  }

  /** a replica refused or did not answer: try the round again soon, then less and less often; a full round resets the delay */
  private retryMissed (m: string, w: Watch, missed: boolean): void {
    if (!missed) {
      w.retryMs = this.retryMinMs
      return
    }
    if (w.retry !== undefined) return
    w.retry = setTimeout(() => { w.retry = undefined; void this.renew(m) }, w.retryMs)
    w.retry.unref()
    w.retryMs = Math.min(w.retryMs * 2, this.refreshMs)
  }

  private release (m: string): void {
    const w = this.watches.get(m)
    if (w === undefined) return
    if (--w.refs > 0) return
    clearInterval(w.timer)
    clearTimeout(w.retry)
    this.watches.delete(m)
    for (const p of w.watched) {
      this.deps.client.unwatch(p, w.mailbox).catch((err: Error) => { this.deps.log.debug({ replica: p.toString(), err: err.message }, 'unwatch failed (the watch expires)') })
    }
  }
}
