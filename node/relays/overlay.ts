// The overlay: bounded connectivity between relays. A node keeps connections
// to its overlay targets (overlay-targets.ts: its closest relays and one per
// distance bucket, O(log N)) and to the relays whose targets it is; any other
// relay connection (a replica it stored on, a kad-dht query, an exchange) is
// opened on demand and closed here once no relaymesh stream has been open on
// it for idleCloseMs. Client connections are never closed here.
// Checked every intervalMs (jittered ±20 %) and soon after the live set changes.
// docs/protocol.md §9, "Overlay".
import { KEEP_ALIVE, type Connection, type PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import type { RelayHost } from '../host.js'
import { DHT_PROTOCOL } from './constants.js'
import { jitter } from './jitter.js'
import type { LiveCandidate } from './live-set.js'
import { overlayTargets, targetedBy, type OverlayShape } from './overlay-targets.js'

export interface OverlayDeps {
  host: RelayHost
  log: Logger
  shape: OverlayShape
  /** the live relays, self excluded */
  members: () => LiveCandidate[]
  /** this node's placement position */
  selfNodeId: () => Uint8Array
  /** whether `id` is an admitted relay: only those connections are ever closed here */
  isRelay: (id: string) => boolean
  /** dial `peer` (liveness.ts: a failed dial drops it from the live set) */
  connect: (peer: PeerId) => void
  /** called on a tick that finds no open connection to any relay: dial the bootstrap list again */
  lonely: () => void
  intervalMs: number
  idleCloseMs: number
}

/** a stream that is work between relays (kad-dht, gossipsub, identify and ping are upkeep) */
export function isWorkStream (protocol: string | undefined): boolean {
  return protocol !== undefined && protocol.startsWith('/relaymesh/') && protocol !== DHT_PROTOCOL
}

/** the keep-alive tag @libp2p/kad-dht puts on its closest peers (its KEEP_ALIVE_TAG, not exported) */
export const KAD_KEEP_ALIVE_TAG = `${KEEP_ALIVE}-kad-dht`

export class Overlay {
  private readonly d: OverlayDeps
  private targets = new Map<string, PeerId>()
  private members: LiveCandidate[] = []
  /** targetedBy answers for the current members, computed on demand */
  private readonly targetsSelf = new Map<string, boolean>()
  /** connection id -> when a work stream was last seen open on it */
  private readonly lastWork = new Map<string, number>()
  /** ids of open connections to relays this node does not keep whose kad-dht keep-alive tag is removed */
  private readonly untagged = new Set<string>()
  private dirty = true
  private running = false
  private timer: NodeJS.Timeout | undefined
  private soon: NodeJS.Timeout | undefined
  /** relay connections closed as idle (status, tests) */
  closedIdle = 0

  constructor (deps: OverlayDeps) {
    this.d = deps
  }

  /** the live set changed: recompute the targets and act on them shortly */
  changed (): void {
    this.dirty = true
    if (!this.running || this.soon !== undefined) return
    this.soon = setTimeout(() => { this.soon = undefined; this.tick() }, 50)
    this.soon.unref()
  }

  /** this node's overlay targets now */
  targetIds (): string[] {
    this.refresh()
    return [...this.targets.keys()]
  }

  isTarget (id: string): boolean {
    this.refresh()
    return this.targets.has(id)
  }

  /** whether a connection to `id` is kept: it is a target of this node, or this node is one of its targets */
  wanted (id: string): boolean {
    this.refresh()
    if (this.targets.has(id)) return true
    let answer = this.targetsSelf.get(id)
    if (answer === undefined) {
      const peer = this.members.find((m) => m.id === id)
      const self = this.d.selfNodeId()
      answer = peer !== undefined && targetedBy(peer.nodeId, self, this.others(peer, self), this.d.shape)
      this.targetsSelf.set(id, answer)
    }
    return answer
  }

  /** the live set as `peer` sees it: every member but `peer`, and this node itself at `self` (only node ids matter to targetedBy) */
  private * others (peer: LiveCandidate, self: Uint8Array): Iterable<{ peerId: PeerId, nodeId: Uint8Array }> {
    yield { peerId: peer.peerId, nodeId: self }
    for (const m of this.members) if (m !== peer) yield m
  }

  private refresh (): void {
    if (!this.dirty) return
    this.dirty = false
    this.members = this.d.members()
    this.targets = new Map(overlayTargets(this.d.selfNodeId(), this.members, this.d.shape).map((m) => [m.id, m.peerId]))
    this.targetsSelf.clear()
  }

  /** Dial missing targets; close relay connections that neither side wants and that carried no work for idleCloseMs. */
  tick (): void {
    if (!this.running) return
    this.refresh()
    const { host } = this.d
    for (const peerId of this.targets.values()) {
      if (host.getConnections(peerId).length === 0) this.d.connect(peerId)
    }
    const now = Date.now()
    const seen = new Set<string>()
    let relays = 0
    for (const conn of host.getConnections()) {
      seen.add(conn.id)
      if (conn.status !== 'open') continue
      const id = conn.remotePeer.toString()
      if (!this.d.isRelay(id)) continue
      relays++
      const last = this.lastWork.get(conn.id)
      if (last === undefined || conn.streams.some((s) => isWorkStream(s.protocol))) {
        this.lastWork.set(conn.id, now) // a connection first seen gets a whole idle period
        continue
      }
      if (this.wanted(id)) continue
      if (now - last >= this.d.idleCloseMs) this.close(conn, id)
      else if (!this.untagged.has(conn.id)) void this.untag(conn)
    }
    for (const id of this.lastWork.keys()) if (!seen.has(id)) this.lastWork.delete(id)
    for (const id of this.untagged) if (!seen.has(id)) this.untagged.delete(id)
    // a relay cut off from every other (its first dials failed, or every neighbour went away)
    // would otherwise never learn anything again
    if (relays === 0 && this.targets.size === 0) this.d.lonely()
  }

  /**
   * kad-dht tags its 20 closest peers (by SHA-256 of the peer id) keep-alive, and libp2p re-dials
   * a keep-alive peer when its connection closes, whichever side closed it: the overlay, not
   * kad-dht, decides which relay connections stay, so both sides remove the tag from a relay they
   * do not keep while the connection is open (kad-dht sets it again only if that peer leaves and
   * re-enters its closest set). Without this, one side closing an idle connection made the other
   * dial it again at once, a connection churning every idle period.
   */
  private async untag (conn: Connection): Promise<void> {
    this.untagged.add(conn.id)
    await this.d.host.peerStore.merge(conn.remotePeer, { tags: { [KAD_KEEP_ALIVE_TAG]: undefined } }).catch(() => {})
  }

  private close (conn: Connection, id: string): void {
    this.closedIdle++
    this.lastWork.delete(conn.id)
    this.d.log.debug({ peer: id }, 'idle relay connection closed (not an overlay neighbour)')
    this.untag(conn)
      .finally(() => { conn.close({ signal: AbortSignal.timeout(5_000) }).catch((err: Error) => { conn.abort(err) }) })
  }

  start (): void {
    this.running = true
    const schedule = (): void => {
      this.timer = setTimeout(() => { this.tick(); if (this.running) schedule() }, jitter(this.d.intervalMs))
      this.timer.unref()
    }
    schedule()
  }

  stop (): void {
    this.running = false
    for (const t of [this.timer, this.soon]) if (t !== undefined) clearTimeout(t)
    this.timer = this.soon = undefined
  }
}
