// Entry side of WATCH (docs/protocol.md §10, WATCH): while a device is
// attached here, this node asks the replicas of its mailbox to push new
// envelopes here (REPLICA_WATCH with the device's grant made for this node),
// renews that every WATCH_REFRESH_MS and when the relay set changes, and
// withdraws it when the device detaches. A node that is itself one of the
// mailbox's replicas watches nobody: it stores the envelopes and pushes
// them to the device itself. No record naming the user's node is published.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { FetchGrant } from '../components.js'
import { BACKUP_PUSH_DELAY_MS, WATCH_REFRESH_MS } from './constants.js'
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
}

interface Watch {
  mailbox: Uint8Array
  grant: FetchGrant
  /** attach sessions of this mailbox here (a device may attach over two connections) */
  refs: number
  /** replicas that accepted the latest watch */
  watched: PeerId[]
  timer: NodeJS.Timeout
}

export class MailboxWatching {
  private readonly watches = new Map<string, Watch>()

  constructor (private readonly deps: WatchingDeps) {}

  get size (): number { return this.watches.size }

  /**
   * Watch `mailbox` at its replicas with `grant`; resolves once every replica
   * answered (or failed) the first round; the returned function ends this
   * session's interest (the watch is withdrawn when the last one ends).
   */
  async start (mailbox: Uint8Array, grant: FetchGrant, signal?: AbortSignal): Promise<() => void> {
    const m = hexOf(mailbox)
    let w = this.watches.get(m)
    if (w === undefined) {
      const timer = setInterval(() => { void this.renew(m) }, this.deps.refreshMs ?? WATCH_REFRESH_MS)
      timer.unref()
      w = { mailbox, grant, refs: 0, watched: [], timer }
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
    await this.renew(m, signal)
    return end
  }

  /** Renew every watch now (the relay set changed: the replicas may be others). */
  renewAll (): void {
    for (const m of this.watches.keys()) void this.renew(m)
  }

  /** Stop every timer (node shutdown); replicas let the watches expire. */
  close (): void {
    for (const w of this.watches.values()) clearInterval(w.timer)
    this.watches.clear()
  }

  private async renew (m: string, signal?: AbortSignal): Promise<void> {
    const w = this.watches.get(m)
    if (w === undefined) return
    const { self, client, log } = this.deps
    const replicas = this.deps.replicasOf(w.mailbox)
    // a replica itself stores every envelope of the mailbox and pushes it to the device here
    const targets = replicas.some((p) => p.equals(self)) ? [] : replicas
    // the closest replica pushes at once, the others only what is unacknowledged BACKUP_PUSH_DELAY_MS later
    const delayOf = (i: number): number => i === 0 ? 0 : BACKUP_PUSH_DELAY_MS
    const results = await Promise.allSettled(targets.map(async (p, i) => { await client.watch(p, w.mailbox, w.grant, signal, delayOf(i)); return p }))
    if (this.watches.get(m) !== w) return
    const watched: PeerId[] = []
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') watched.push(r.value)
      else log.debug({ replica: targets[i]?.toString(), err: (r.reason as Error).message }, 'watch refused or failed (pushes from that replica are missed; the device fetches)')
    })
    // the primary refused or could not be reached: the first backup that took the watch pushes at once instead
    const promoted = results[0]?.status === 'rejected' ? watched[0] : undefined
    if (promoted !== undefined) {
      await client.watch(promoted, w.mailbox, w.grant, signal, 0).catch((err: Error) => {
        log.debug({ replica: promoted.toString(), err: err.message }, 'watch promotion failed (that replica keeps pushing as a backup)')
      })
    }
    // replicas no longer in the set: withdraw there
    for (const p of w.watched) if (!watched.some((q) => q.equals(p))) void client.unwatch(p, w.mailbox).catch(() => {})
    w.watched = watched
  }

  private release (m: string): void {
    const w = this.watches.get(m)
    if (w === undefined) return
    if (--w.refs > 0) return
    clearInterval(w.timer)
    this.watches.delete(m)
    for (const p of w.watched) {
      this.deps.client.unwatch(p, w.mailbox).catch((err: Error) => { this.deps.log.debug({ replica: p.toString(), err: err.message }, 'unwatch failed (the watch expires)') })
    }
  }
}
