// Live delivery (docs/protocol.md §10, WATCH): envelopes reaching this node
// are pushed to the devices attached here, each envelope at most once per
// node; envelopes this node newly stored as a replica also go to the relays
// watching their mailboxes (DELIVER), each envelope at most once per relay.
// Best effort: a device that misses a push still fetches.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { MailboxListener } from '../components.js'
import type { NodeMetrics } from '../metrics.js'
import { PUSHED_MEMORY } from './constants.js'
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

export class MailboxDelivery {
  private readonly listeners = new Map<string, Set<MailboxListener>>()
  private readonly pushed = new RecentSet(PUSHED_MEMORY)
  private readonly delivered = new RecentSet(PUSHED_MEMORY)

  constructor (private readonly deps: DeliveryDeps) {}

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
  readonly notify = (list: CheckedEnvelope[]): void => {
    const { self, client, watchers, now } = this.deps
    this.deliverLocal(list)
    const t = now()
    for (const checked of list) {
      const m = hexOf(checked.env.mailbox)
      for (const target of watchers.watchers(m, t)) {
        if (target.equals(self)) continue
        if (!this.delivered.add(`${target.toString()}!${m}!${hexOf(checked.env.id)}`)) continue
        client.deliver(target, checked.bytes)
      }
    }
  }

  /** After a store: push to a device attached here (the replicas push to the relays watching the mailbox). */
  readonly forward = (checked: CheckedEnvelope): void => {
    if ((this.listeners.get(hexOf(checked.env.mailbox))?.size ?? 0) > 0) this.deliverLocal([checked])
  }
}
