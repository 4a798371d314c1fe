// Liveness: which admitted relays are down. A relay whose dial or probe failed
// is "failed" (out of the live set) until a connection, a successful probe or
// a newer record shows it is back. Liveness comes from the relays this node
// works with, never from probing every relay: sources of checks are a
// disconnect of an overlay neighbour (re-dial; overlay.ts), a dial of a missing
// overlay target, reportUnreachable (a service's request failed: probe now), a
// periodic round over unconnected overlay targets with no recent sign of life,
// and, when a dropped relay comes back, every other dropped one at once.
// Every other relay stays live while its record is refreshed (gossip) and
// leaves the set when the record expires.
// Liveness never admits anyone: it only removes admitted relays from the live set.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { RelayHost } from '../host.js'
import {
  EXCHANGE_QUEUE_MAX, LIVENESS_PROBES_PER_ROUND, PROBE_MIN_INTERVAL_MS, PROBE_TIMEOUT_MS, REDIAL_CONCURRENCY,
  REDIAL_TIMEOUT_MS, REPORT_PROBES_MAX, RETRY_DROPPED_MIN_INTERVAL_MS, START_DIALS
} from './constants.js'
import { jitter } from './jitter.js'
import type { NodeRecordBook } from './node-record-book.js'

export interface LivenessDeps {
  host: RelayHost
  log: Logger
  book: NodeRecordBook
  /** whether `id` is in the live set now, and its members */
  isLive: (id: string) => boolean
  livePeers: () => PeerId[]
  /** a connection to `id` is kept (an overlay neighbour either way): its disconnect is checked by a re-dial */
  wanted: (id: string) => boolean
  /** `id` is one of this node's overlay targets (the periodic round checks only those) */
  isTarget: (id: string) => boolean
  /** the failed set changed: recompute the live set */
  changed: () => void
  track: (p: Promise<unknown>) => void
  livenessIntervalMs: number
  livenessMinAgeMs: number
}

function errMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export class Liveness {
  private readonly d: LivenessDeps
  private readonly selfId: string
  /** peers whose last dial failed (cleared by a connection, a probe or a newer record) */
  readonly failed = new Set<string>()
  /** connected peers that serve a relay protocol (a hint that they are up, never admission) */
  private readonly connected = new Map<string, PeerId>()
  /** last evidence that a peer was up */
  private readonly lastAlive = new Map<string, number>()
  private readonly reportProbes = new Map<string, Promise<boolean>>()
  private readonly lastProbeOk = new Map<string, number>()
  private readonly lastRedial = new Map<string, number>()
  private readonly redialQueue: PeerId[] = []
  /** ids queued or being dialled by ensure() */
  private readonly ensuring = new Set<string>()
  private redials = 0
  private lastRetryDropped = -Infinity
  private running = false
  private signal: AbortSignal = AbortSignal.abort()
  private timer: NodeJS.Timeout | undefined

  constructor (deps: LivenessDeps) {
    this.d = deps
    this.selfId = deps.host.peerId.toString()
  }

  /** evidence that `id` is up (a newer record, an identified connection) */
  alive (id: string, now: number): void {
    const wasDropped = this.failed.delete(id)
    this.lastAlive.set(id, now)
    if (wasDropped) this.retryDropped()
  }

  connectedRelay (peerId: PeerId): void {
    this.connected.set(peerId.toString(), peerId)
    this.alive(peerId.toString(), Date.now())
  }

  /** a connection closed: confirm a known relay is still reachable, else drop it now rather than at record expiry */
  disconnected (peerId: PeerId): void {
    const id = peerId.toString()
    this.connected.delete(id)
    // a connection closed as idle, or by a peer that does not keep it, is no sign of anything
    if (!this.running || this.d.book.get(id) === undefined || !this.d.wanted(id)) return
    const now = Date.now()
    if ((this.lastRedial.get(id) ?? -Infinity) > now - 10 * REDIAL_TIMEOUT_MS) return
    this.lastRedial.set(id, now)
    if (this.lastRedial.size > 4096) {
      for (const [k, t] of this.lastRedial) if (t <= now - 10 * REDIAL_TIMEOUT_MS) this.lastRedial.delete(k)
    }
    if (this.redialQueue.length < EXCHANGE_QUEUE_MAX) this.redialQueue.push(peerId)
    this.pump()
  }

  /** Dial a live relay this node should be connected to (an overlay target), once at a time; a failure drops it. */
  ensure (peerId: PeerId): void {
    const id = peerId.toString()
    if (!this.running || this.ensuring.has(id) || this.failed.has(id) || this.redialQueue.length >= EXCHANGE_QUEUE_MAX) return
    if (this.d.host.getConnections(peerId).length > 0) return
    this.ensuring.add(id)
    this.redialQueue.push(peerId)
    this.pump()
  }

  private pump (): void {
    while (this.running && this.redials < REDIAL_CONCURRENCY && this.redialQueue.length > 0) {
      const peerId = this.redialQueue.shift() as PeerId
      this.redials++
      this.d.track(this.redial(peerId).finally(() => { this.redials--; this.ensuring.delete(peerId.toString()); this.pump() }))
    }
  }

  /** Dial a peer; mark it failed (not live) when that does not work. */
  private async redial (peerId: PeerId): Promise<void> {
    const id = peerId.toString()
    if (this.d.host.getConnections(peerId).length > 0) return
    try {
      await this.d.host.dial(peerId, { signal: AbortSignal.any([AbortSignal.timeout(REDIAL_TIMEOUT_MS), this.signal]) })
      this.alive(id, Date.now())
    } catch (err) {
      if (!this.running) return
      this.d.log.debug({ peer: id, err: errMessage(err) }, 'relay unreachable')
      this.failed.add(id)
      this.d.changed()
    }
  }

  /** a ping over an open connection or else a dial; drop the peer from the live set when that fails too */
  private async probeReported (peerId: PeerId): Promise<boolean> {
    const id = peerId.toString()
    const { host } = this.d
    const probeSignal = AbortSignal.any([AbortSignal.timeout(PROBE_TIMEOUT_MS), this.signal])
    try {
      if (host.getConnections(peerId).some((c) => c.status === 'open')) {
        await host.services.ping.ping(peerId, { signal: probeSignal })
      } else {
        await host.dial(peerId, { signal: probeSignal })
      }
      const now = Date.now()
      this.lastProbeOk.set(id, now)
      this.lastAlive.set(id, now)
      this.failed.delete(id)
      return false
    } catch (err) {
      if (!this.running) return false
      this.d.log.debug({ peer: id, err: errMessage(err) }, 'reported relay unreachable: dropped from the live set')
      this.failed.add(id)
      // a connection that no longer answers pings counts for nothing: close it (the re-dial that
      // follows the disconnect re-admits a peer that was only slow)
      if (this.connected.delete(id)) host.hangUp(peerId).catch(() => {})
      this.d.changed()
      return true
    }
  }

  reportUnreachable (peerId: PeerId): Promise<boolean> {
    const id = peerId.toString()
    if (!this.running || id === this.selfId || !this.d.isLive(id)) return Promise.resolve(false)
    const inflight = this.reportProbes.get(id)
    if (inflight !== undefined) return inflight
    if ((this.lastProbeOk.get(id) ?? -Infinity) > Date.now() - PROBE_MIN_INTERVAL_MS) return Promise.resolve(false)
    if (this.reportProbes.size >= REPORT_PROBES_MAX) return Promise.resolve(false)
    const p = this.probeReported(peerId).catch(() => false).finally(() => { this.reportProbes.delete(id) })
    this.reportProbes.set(id, p)
    this.d.track(p)
    return p
  }

  /**
   * A dropped relay is back: whatever cut it off (a partition, our own network)
   * may have cut off the other dropped relays too, so try every one that still
   * holds an admitted record now rather than one per liveness round (at most
   * once per RETRY_DROPPED_MIN_INTERVAL_MS; the re-dial queue bounds the work).
   */
  private retryDropped (): void {
    const now = Date.now()
    if (!this.running || now - this.lastRetryDropped < RETRY_DROPPED_MIN_INTERVAL_MS) return
    this.lastRetryDropped = now
    for (const r of this.d.book.all(now)) {
      if (r.id === this.selfId || !this.failed.has(r.id) || this.connected.has(r.id)) continue
      if (this.redialQueue.length >= EXCHANGE_QUEUE_MAX) break
      this.lastRedial.set(r.id, now)
      this.redialQueue.push(r.peerId)
    }
    this.pump()
  }

  /**
   * Periodic check: overlay targets this node has no connection to, and no
   * sign of life from for livenessMinAgeMs, are dialled, a few per round
   * (oldest evidence first); one dropped peer that still holds a record is tried again.
   */
  private round (): void {
    if (!this.running) return
    const now = Date.now()
    const { host, book, livenessMinAgeMs } = this.d
    const candidates: Array<{ peerId: PeerId, seen: number }> = []
    for (const peerId of this.d.livePeers()) {
      const id = peerId.toString()
      if (this.connected.has(id) || this.failed.has(id) || !this.d.isTarget(id)) continue
      const seen = this.lastAlive.get(id) ?? 0
      if (seen > now - livenessMinAgeMs) continue
      if (host.getConnections(peerId).length > 0) continue
      candidates.push({ peerId, seen })
    }
    candidates.sort((a, b) => a.seen - b.seen)
    for (const c of candidates.slice(0, LIVENESS_PROBES_PER_ROUND)) {
      if (this.redialQueue.length >= EXCHANGE_QUEUE_MAX) break
      // counts as evidence for the next round either way: a failed dial marks it failed
      this.lastAlive.set(c.peerId.toString(), now)
      this.redialQueue.push(c.peerId)
    }
    for (const r of book.all(now)) {
      if (r.id === this.selfId || !this.failed.has(r.id) || this.connected.has(r.id)) continue
      if ((this.lastRedial.get(r.id) ?? -Infinity) > now - livenessMinAgeMs) continue
      if (this.redialQueue.length >= EXCHANGE_QUEUE_MAX) break
      this.lastRedial.set(r.id, now)
      this.redialQueue.push(r.peerId)
      break
    }
    this.pump()
  }

  /** forget peers that hold no record any more */
  sweep (): void {
    for (const id of this.failed) if (this.d.book.get(id) === undefined) this.failed.delete(id)
    for (const map of [this.lastAlive, this.lastProbeOk]) {
      for (const id of map.keys()) if (!this.d.isLive(id) && this.d.book.get(id) === undefined) map.delete(id)
    }
  }

  start (signal: AbortSignal): void {
    this.signal = signal
    this.running = true
    const schedule = (): void => {
      this.timer = setTimeout(() => { this.round(); if (this.running) schedule() }, jitter(this.d.livenessIntervalMs))
      this.timer.unref()
    }
    if (this.d.livenessIntervalMs > 0) schedule()
    // a restarted node confirms a few of the relays it remembers
    const remembered = this.d.book.all(Date.now()).filter((r) => r.id !== this.selfId && this.d.host.getConnections(r.peerId).length === 0)
    for (const r of remembered.sort(() => Math.random() - 0.5).slice(0, START_DIALS)) this.redialQueue.push(r.peerId)
    this.pump()
  }

  stop (): void {
    this.running = false
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.redialQueue.length = 0
    this.ensuring.clear()
  }
}
