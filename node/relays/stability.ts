// Stability (as Tor's stable flag): when this node first saw each relay
// admitted with its current node id, persisted in LevelDB so that a restart
// does not make every relay new again. A relay takes part in placement ahead
// of others only once it has been seen for stableAfterMs (live-set.ts).
// - a new node id (another nonce, another key) starts over;
// - a relay unseen (no newer record) for more than STABLE_GAP_MS starts over;
// - this node's own downtime is not the relay's: at load, every relay seen
//   within STABLE_GAP_MS of this node's last observation counts as seen now.
// docs/protocol.md
import type { NodeStore } from '../store/db.js'
import { PREFIX, rangeEnd } from '../store/keys.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { MAX_STABILITY_ENTRIES, STABLE_GAP_MS } from './constants.js'

interface SeenEntry {
  nodeId: Uint8Array
  /** first seen with this node id (ms since epoch) */
  since: number
  /** last seen (in memory: the latest; persisted: at most STABLE_GAP_MS / 4 behind) */
  lastSeen: number
  persistedLastSeen: number
}

export class Stability {
  private readonly entries = new Map<string, SeenEntry>()
  private readonly store: NodeStore

  constructor (store: NodeStore) {
    this.store = store
  }

  async load (now: number): Promise<void> {
    let newest = 0
    const drop: string[] = []
    for await (const [key, value] of this.store.range({ gte: PREFIX.nodeSeen, lt: rangeEnd(PREFIX.nodeSeen) })) {
      try {
        const v = JSON.parse(Buffer.from(value).toString('utf8')) as { nodeId: string, since: number, lastSeen: number }
        if (typeof v.nodeId !== 'string' || !Number.isSafeInteger(v.since) || !Number.isSafeInteger(v.lastSeen)) throw new Error('bad entry')
        const nodeId = new Uint8Array(Buffer.from(v.nodeId, 'hex'))
        if (nodeId.byteLength !== 32) throw new Error('bad node id')
        this.entries.set(key.slice(PREFIX.nodeSeen.length), { nodeId, since: Math.min(v.since, now), lastSeen: v.lastSeen, persistedLastSeen: v.lastSeen })
        newest = Math.max(newest, v.lastSeen)
      } catch {
        drop.push(key)
      }
    }
    if (drop.length > 0) await this.store.batch(drop.map((key) => ({ type: 'del' as const, key })))
    // relays present when this node last ran keep their age across its downtime
    for (const e of this.entries.values()) if (e.lastSeen >= newest - STABLE_GAP_MS) e.lastSeen = now
  }

  /** Since when `id` has been seen with `nodeId` (observe first). */
  since (id: string, nodeId: Uint8Array): number | undefined {
    const e = this.entries.get(id)
    return e !== undefined && equalBytes(e.nodeId, nodeId) ? e.since : undefined
  }

  /**
   * `id` is admitted with `nodeId` at `now`: record it, persisting when it starts over (since =
   * `startOver`, default `now`) or when lastSeen moved far enough. Returns since.
   */
  async observe (id: string, nodeId: Uint8Array, now: number, startOver: number = now): Promise<number> {
    let e = this.entries.get(id)
    if (e === undefined || !equalBytes(e.nodeId, nodeId) || e.lastSeen < now - STABLE_GAP_MS) {
      if (e === undefined && this.entries.size >= MAX_STABILITY_ENTRIES) await this.evict()
      e = { nodeId, since: startOver, lastSeen: now, persistedLastSeen: -Infinity }
      this.entries.set(id, e)
    }
    e.lastSeen = Math.max(e.lastSeen, now)
    if (e.lastSeen - e.persistedLastSeen > STABLE_GAP_MS / 4) {
      e.persistedLastSeen = e.lastSeen
      await this.store.put(PREFIX.nodeSeen + id, Buffer.from(JSON.stringify({ nodeId: Buffer.from(e.nodeId).toString('hex'), since: e.since, lastSeen: e.lastSeen })))
    }
    return e.since
  }

  /** drop the quarter of entries seen longest ago */
  private async evict (): Promise<void> {
    const oldest = [...this.entries.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen).slice(0, Math.ceil(this.entries.size / 4))
    for (const [id] of oldest) this.entries.delete(id)
    await this.store.batch(oldest.map(([id]) => ({ type: 'del' as const, key: PREFIX.nodeSeen + id })))
  }
}
