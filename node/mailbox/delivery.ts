// Live delivery (docs/protocol.md §10, WATCH): envelopes reaching this node
// are pushed to the devices attached here, each envelope at most once per
// node; envelopes this node newly stored as a replica also go to the relays
// watching their mailboxes (DELIVER), each envelope at most once per relay:
// at once to a primary watch, and to a backup watch (push_delay_ms) only if
// the device has not acknowledged the envelope by then, so that in the common
// case one DELIVER per envelope crosses the mesh instead of one per replica.
// Best effort: a device that misses a push still fetches.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { MailboxListener } from '../components.js'
import type { NodeMetrics } from '../metrics.js'
import { DELAYED_PUSH_TICK_MS, MAX_DELAYED_PUSH_BYTES, MAX_DELAYED_PUSHES, PUSHED_MEMORY } from './constants.js'
import { hexOf } from './envelope-store.js'
import type { ReplicaClient } from './replica-client.js'
import type { CheckedEnvelope } from './validate.js'
import type { WatcherTable } from './watchers.js'

export interface DeliveryDeps {
  self: PeerId
  client: ReplicaClient
  /** relays watching mailboxes held here (WATCH) */
  watchers: WatcherTable
  metrics: NodeMetrics
  log: Logger
  now: () => number
}

/** A bounded set remembering the newest keys (insertion order). */
export class RecentSet {
  private readonly keys = new Set<string>()
  constructor (private readonly max: number) {}
  /** true when newly added */
  add (key: string): boolean {
    if (this.keys.has(key)) return false
    this.keys.add(key)
    if (this.keys.size > this.max) {
      const oldest = this.keys.values().next().value
      if (oldest !== undefined) this.keys.delete(oldest)
    }
    return true
  }

  has (key: string): boolean { return this.keys.has(key) }
}

/** A backup push waiting for its time (or for the envelope's acknowledgement, which cancels it). */
interface DelayedPush {
  target: PeerId
  bytes: Uint8Array
  dueAt: number
}

export class MailboxDelivery {
  private readonly listeners = new Map<string, Set<MailboxListener>>()
  private readonly pushed = new RecentSet(PUSHED_MEMORY)
  private readonly delivered = new RecentSet(PUSHED_MEMORY)
  /** backup pushes by `${mailbox}!${id}` (insertion order is due order per delay) */
  private readonly delayed = new Map<string, DelayedPush[]>()
  private delayedCount = 0
  private delayedBytes = 0
  private timer: NodeJS.Timeout | undefined

  constructor (private readonly deps: DeliveryDeps) {}

  /** The device acknowledged these ids (hex) of `mailbox` (hex): their backup pushes are not needed. */
  readonly acked = (mailbox: string, ids: string[]): void => {
    if (this.delayedCount === 0) return
    for (const id of ids) {
      const key = `${mailbox}!${id}`
      const list = this.delayed.get(key)
      if (list === undefined) continue
      this.delayed.delete(key)
      this.forget(list)
    }
  }

  private forget (list: DelayedPush[]): void {
    this.delayedCount -= list.length
    for (const p of list) this.delayedBytes -= p.bytes.byteLength
  }

  /** backup pushes waiting (tests, status) */
  get delayedPushes (): number { return this.delayedCount }

  /** Stop the backup push timer (node shutdown): what waits is dropped (the devices fetch it). */
  close (): void {
    clearInterval(this.timer)
    this.timer = undefined
    this.delayed.clear()
    this.delayedCount = 0
    this.delayedBytes = 0
  }

  /** Register a device attached here (the mailbox is checked by the caller); returns the function that detaches it. */
  attach (mailbox: Uint8Array, listener: MailboxListener): () => void {
    const { listeners } = this
    const m = hexOf(mailbox)
    let set = listeners.get(m)
    if (set === undefined) { set = new Set(); listeners.set(m, set) }
    set.add(listener)
    return () => {
      const s = listeners.get(m)
      s?.delete(listener)
      if (s?.size === 0) listeners.delete(m)
    }
  }

  /** Push to devices attached here, each envelope at most once per node. */
  readonly deliverLocal = (list: CheckedEnvelope[]): number => {
    const { log, metrics } = this.deps
    let n = 0
    for (const { env } of list) {
      const m = hexOf(env.mailbox)
      const set = this.listeners.get(m)
      if (set === undefined || set.size === 0) continue
      if (!this.pushed.add(`${m}!${hexOf(env.id)}`)) continue
      for (const l of set) {
        try {
          l.push(env)
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'push to an attached device failed (it can still fetch)')
        }
      }
      metrics.envelopesPushed.inc()
      n++
    }
    return n
  }

  /**
   * Envelopes this node newly stored as a replica: push them to devices attached here and
   * to the relays watching their mailboxes (best effort, each envelope once per relay).
   */
  readonly notify = (list: CheckedEnvelope[]): void => { this.push(list, true) }

  /**
   * Online-only envelopes (never stored, never acknowledged): pushed to devices attached here and to
   * the primary watchers only; a backup would push every one of them late.
   */
  readonly notifyOnline = (list: CheckedEnvelope[]): void => { this.push(list, false) }

  private push (list: CheckedEnvelope[], backups: boolean): void {
    const { self, client, watchers, now } = this.deps
    this.deliverLocal(list)
    const t = now()
    for (const checked of list) {
      const m = hexOf(checked.env.mailbox)
      const id = hexOf(checked.env.id)
      for (const { peer: target, delayMs } of watchers.entries(m, t)) {
        if (target.equals(self) || (delayMs > 0 && !backups)) continue
        if (!this.delivered.add(`${target.toString()}!${m}!${id}`)) continue
        // a backup watch: pushed later unless acknowledged meanwhile; when too many (or too many bytes) wait, at once
        const room = this.delayedCount < MAX_DELAYED_PUSHES && this.delayedBytes + checked.bytes.byteLength <= MAX_DELAYED_PUSH_BYTES
        if (delayMs > 0 && room) this.delay(`${m}!${id}`, { target, bytes: checked.bytes, dueAt: t + delayMs })
        else client.deliver(target, checked.bytes)
      }
    }
  }

  private delay (key: string, push: DelayedPush): void {
    // a copy: the envelope may be a view into a whole request frame, which must not stay alive with it
    const p = { ...push, bytes: push.bytes.slice() }
    const list = this.delayed.get(key)
    if (list === undefined) this.delayed.set(key, [p]); else list.push(p)
    this.delayedCount++
    this.delayedBytes += p.bytes.byteLength
    if (this.timer === undefined) {
      this.timer = setInterval(this.sendDue, DELAYED_PUSH_TICK_MS)
      this.timer.unref()
    }
  }

  /** send the backup pushes that came due (their envelopes were not acknowledged in time) */
  private readonly sendDue = (): void => {
    const t = this.deps.now()
    for (const [key, list] of this.delayed) {
      const due = list.filter((p) => p.dueAt <= t)
      if (due.length === 0) continue
      if (due.length === list.length) this.delayed.delete(key); else this.delayed.set(key, list.filter((p) => p.dueAt > t))
      this.forget(due)
      for (const p of due) this.deps.client.deliver(p.target, p.bytes)
    }
    if (this.delayedCount === 0) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  /** After a store: push to a device attached here (the replicas push to the relays watching the mailbox). */
  readonly forward = (checked: CheckedEnvelope): void => {
    if ((this.listeners.get(hexOf(checked.env.mailbox))?.size ?? 0) > 0) this.deliverLocal([checked])
  }
}
