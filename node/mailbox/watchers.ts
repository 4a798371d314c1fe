// Replica side of WATCH (docs/protocol.md §10, WATCH): which relays want
// this mailbox's new envelopes pushed to them (DELIVER) because the device is
// attached there. In memory only, bounded per mailbox and in all, each entry
// with an expiry the watcher renews while the device stays attached. Who may
// watch is checked by the replica protocol (replica-protocol.ts: an admitted
// relay carrying the device's grant made for it).
import type { PeerId } from '@libp2p/interface'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { MAX_WATCHERS, MAX_WATCHERS_PER_MAILBOX } from './constants.js'

export interface Watcher {
  peer: PeerId
  expiresAt: number
  /** push new envelopes this long after storing them, if still unacknowledged (a backup watch); 0: at once */
  delayMs: number
}

export class WatcherTable {
  private readonly byMailbox = new Map<string, Map<string, Watcher>>()
  private total = 0

  constructor (readonly ttlMs: number, readonly perMailbox = MAX_WATCHERS_PER_MAILBOX, readonly maxTotal = MAX_WATCHERS) {}

  get size (): number { return this.total }

  /**
   * Add or renew `peer` as a watcher of `mailbox` (hex) until now + ttlMs, pushed to `delayMs` after a
   * store (0: at once). QuotaExceeded when the table is full of live watchers.
   */
  watch (mailbox: string, peer: PeerId, now: number, delayMs = 0): void {
    let set = this.byMailbox.get(mailbox)
    const key = peer.toString()
    const held = set?.get(key)
    if (held !== undefined) { held.expiresAt = now + this.ttlMs; held.delayMs = delayMs; return }
    if (this.total >= this.maxTotal) this.purge(now)
    if (set === undefined) {
      if (this.total >= this.maxTotal) throw new RelaymeshError(ErrorCode.QuotaExceeded, 'watch: this replica keeps as many watchers as it may')
      set = new Map()
      this.byMailbox.set(mailbox, set)
    }
    this.dropExpired(set, now)
    if (set.size >= this.perMailbox) {
      // the soonest-expiring watcher of this mailbox makes room (the newest watch is the device's current node)
      let soonest: [string, Watcher] | undefined
      for (const e of set) if (soonest === undefined || e[1].expiresAt < soonest[1].expiresAt) soonest = e
      if (soonest !== undefined) { set.delete(soonest[0]); this.total-- }
    } else if (this.total >= this.maxTotal) {
      if (set.size === 0) this.byMailbox.delete(mailbox)
      throw new RelaymeshError(ErrorCode.QuotaExceeded, 'watch: this replica keeps as many watchers as it may')
    }
    set.set(key, { peer, expiresAt: now + this.ttlMs, delayMs })
    this.total++
  }

  /** Stop pushing `mailbox` to `peer` (its device detached). */
  unwatch (mailbox: string, peer: PeerId): void {
    const set = this.byMailbox.get(mailbox)
    if (set?.delete(peer.toString()) === true) this.total--
    if (set?.size === 0) this.byMailbox.delete(mailbox)
  }

  /** the live watchers of `mailbox` (hex) */
  watchers (mailbox: string, now: number): PeerId[] {
    return this.entries(mailbox, now).map((w) => w.peer)
  }

  /** the live watchers of `mailbox` (hex), with their push delays */
  entries (mailbox: string, now: number): Watcher[] {
    const set = this.byMailbox.get(mailbox)
    if (set === undefined) return []
    this.dropExpired(set, now)
    if (set.size === 0) { this.byMailbox.delete(mailbox); return [] }
    return [...set.values()]
  }

  /** Drop every expired watcher; returns how many. */
  purge (now: number): number {
    const before = this.total
    for (const [m, set] of this.byMailbox) {
      this.dropExpired(set, now)
      if (set.size === 0) this.byMailbox.delete(m)
    }
    return before - this.total
  }

  private dropExpired (set: Map<string, Watcher>, now: number): void {
    for (const [k, w] of set) if (w.expiresAt <= now) { set.delete(k); this.total-- }
  }
}
