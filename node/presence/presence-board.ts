// The presence board: the latest PresenceBlob per id, in memory only, bounded.
// Latest seq wins per id (an equal seq with other bytes: the larger SHA-256
// of the bytes, so every node settles on the same blob). Expired blobs are
// dropped; when full, the soonest-expiring blob makes room for one that
// expires later (a min-heap on expiry, entries checked lazily).
import { sha256 } from '../../protocol/crypto/primitives.js'
import type { VerifiedPresenceBlob } from '../../protocol/presence.js'
import { compareBytes } from '../../protocol/records.js'

export type Offer = 'newer' | 'same' | 'older' | 'full'

interface Entry {
  seq: number
  expiresAt: number
  bytes: Uint8Array
  digest: Uint8Array
}


/** A binary min-heap of (expiresAt, id). */
class ExpiryHeap {
  private items: Array<{ at: number, id: string }> = []

  get size (): number { return this.items.length }

  push (at: number, id: string): void {
    const a = this.items
    a.push({ at, id })
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if ((a[p] as { at: number }).at <= at) break
      a[i] = a[p] as { at: number, id: string }
      i = p
    }
    a[i] = { at, id }
  }

  peek (): { at: number, id: string } | undefined { return this.items[0] }

  pop (): { at: number, id: string } | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length > 0 && last !== undefined) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = -1
        let best = last.at
        if (l < a.length && (a[l] as { at: number }).at < best) { m = l; best = (a[l] as { at: number }).at }
        if (r < a.length && (a[r] as { at: number }).at < best) m = r
        if (m < 0) break
        a[i] = a[m] as { at: number, id: string }
        i = m
      }
      a[i] = last
    }
    return top
  }

  rebuild (entries: Iterable<[string, number]>): void {
    this.items = []
    for (const [id, at] of entries) this.push(at, id)
  }
}

export class PresenceBoard {
  private readonly entries = new Map<string, Entry>()
  private readonly heap = new ExpiryHeap()

  constructor (readonly maxEntries: number) {}

  get size (): number { return this.entries.size }

  /** How `v` compares with the held blob of its id; 'newer' is kept (evicting the soonest-expiring blob when full). */
  offer (v: VerifiedPresenceBlob, now: number): Offer {
    const held = this.live(v.idHex, now)
    const digest = sha256(v.bytes)
    if (held !== undefined) {
      if (v.seq !== held.seq) {
        if (v.seq < held.seq) return 'older'
      } else {
        const d = compareBytes(digest, held.digest)
        if (d === 0) return 'same'
        if (d < 0) return 'older'
      }
    } else if (this.entries.size >= this.maxEntries && !this.makeRoom(v.expiresAt, now)) {
      return 'full'
    }
    this.entries.set(v.idHex, { seq: v.seq, expiresAt: v.expiresAt, bytes: v.bytes.slice(), digest })
    this.heap.push(v.expiresAt, v.idHex)
    // stale heap items (replaced or dropped blobs) are skipped lazily; keep them bounded
    if (this.heap.size > 2 * this.entries.size + 1024) this.heap.rebuild([...this.entries].map(([id, e]) => [id, e.expiresAt]))
    return 'newer'
  }

  /** the held blob bytes of an id (hex), unless expired */
  get (idHex: string, now: number): Uint8Array | undefined {
    return this.live(idHex, now)?.bytes
  }

  /** Drop every blob expired at `now`; returns how many. */
  purge (now: number): number {
    let n = 0
    for (;;) {
      const top = this.heap.peek()
      if (top === undefined || top.at > now) break
      this.heap.pop()
      const e = this.entries.get(top.id)
      if (e !== undefined && e.expiresAt <= now) { this.entries.delete(top.id); n++ }
    }
    return n
  }

  private live (idHex: string, now: number): Entry | undefined {
    const e = this.entries.get(idHex)
    if (e === undefined) return undefined
    if (e.expiresAt <= now) { this.entries.delete(idHex); return undefined }
    return e
  }

  /** Full: drop expired blobs, then the soonest-expiring one if it expires before `expiresAt`. */
  private makeRoom (expiresAt: number, now: number): boolean {
    this.purge(now)
    while (this.entries.size >= this.maxEntries) {
      const top = this.heap.peek()
      if (top === undefined) return false
      const e = this.entries.get(top.id)
      if (e === undefined || e.expiresAt !== top.at) { this.heap.pop(); continue }
      if (e.expiresAt >= expiresAt) return false
      this.heap.pop()
      this.entries.delete(top.id)
    }
    return true
  }
}
