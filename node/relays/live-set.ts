// The live relay set and placement. Members are admitted relays (a valid node
// record, admission.ts) that are not known to be down (liveness.ts); each sits
// at its record's puzzle node id. closest() ranks stable relays (seen admitted
// for stableAfterMs, stability.ts) first by XOR distance, then the others by
// XOR distance: with fewer than k stable relays the rest fill the k slots, so
// a young mesh works, and a newly joined relay (ground or not) holds mail only
// where the stable relays are too few. docs/protocol.md
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import { closestTo, type Positioned } from './xor.js'

export interface LiveCandidate extends Positioned {
  id: string
  /** since when this node has seen it admitted with this node id (stability.ts) */
  since: number
}

export interface LiveSetInit {
  stableAfterMs: number
  debounceMs: number
  log: Logger
}

export class LiveSet {
  private members = new Map<string, LiveCandidate>()
  private self: LiveCandidate | undefined
  private stable: LiveCandidate[] = []
  private unstable: LiveCandidate[] = []
  private readonly listeners = new Set<() => void>()
  private changeTimer: NodeJS.Timeout | undefined
  private stableTimer: NodeJS.Timeout | undefined
  private readonly init: LiveSetInit

  constructor (init: LiveSetInit) {
    this.init = init
  }

  /** Replace the set (self excluded from `candidates`); fires onChange (debounced) when membership, a position or a stable flag changed. */
  update (self: LiveCandidate, candidates: LiveCandidate[], now: number): void {
    const next = new Map<string, LiveCandidate>()
    for (const c of candidates) if (c.id !== self.id) next.set(c.id, c)
    const stableKey = (list: LiveCandidate[]): string => list.map((c) => c.id).sort().join(',')
    const before = stableKey(this.stable)
    let changed = next.size !== this.members.size || this.self === undefined || !this.self.nodeId.every((b, i) => b === self.nodeId[i])
    if (!changed) {
      for (const [id, c] of next) {
        const old = this.members.get(id)
        if (old === undefined || !old.nodeId.every((b, i) => b === c.nodeId[i])) { changed = true; break }
      }
    }
    this.members = next
    this.self = self
    const stableFrom = now - this.init.stableAfterMs
    const all = [self, ...next.values()]
    this.stable = all.filter((c) => c.since <= stableFrom)
    this.unstable = all.filter((c) => c.since > stableFrom)
    if (stableKey(this.stable) !== before) changed = true
    // re-rank when the next relay becomes stable
    if (this.stableTimer !== undefined) clearTimeout(this.stableTimer)
    this.stableTimer = undefined
    const nextFlip = Math.min(...this.unstable.map((c) => c.since + this.init.stableAfterMs))
    if (Number.isFinite(nextFlip)) {
      this.stableTimer = setTimeout(() => { if (this.self !== undefined) this.update(this.self, [...this.members.values()], Date.now()) }, Math.max(0, nextFlip - now) + 10)
      this.stableTimer.unref()
    }
    if (changed) this.changed()
  }

  private changed (): void {
    this.init.log.debug({ relays: this.members.size, stable: this.stable.length }, 'relay set changed')
    if (this.changeTimer !== undefined) clearTimeout(this.changeTimer)
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined
      for (const l of [...this.listeners]) {
        try { l() } catch (err) { this.init.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'relay set listener failed') }
      }
    }, this.init.debounceMs)
    this.changeTimer.unref()
  }

  has (id: string): boolean {
    return this.members.has(id)
  }

  get size (): number {
    return this.members.size
  }

  entries (): LiveCandidate[] {
    return [...this.members.values()]
  }

  peers (): PeerId[] {
    return [...this.members.values()].map((c) => c.peerId)
  }

  /** stable relays (self included) by XOR distance to `key`, then the rest by XOR distance; the first `count` */
  closest (key: Uint8Array, count: number): PeerId[] {
    const first = closestTo(key, this.stable, count)
    if (first.length < count && this.unstable.length > 0) first.push(...closestTo(key, this.unstable, count - first.length))
    return first.map((c) => c.peerId)
  }

  onChange (listener: () => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  stop (): void {
    for (const t of [this.changeTimer, this.stableTimer]) if (t !== undefined) clearTimeout(t)
    this.changeTimer = this.stableTimer = undefined
  }
}
