// This replica's share of each device's one-time prekeys, in LevelDB:
//   otk!<mailbox hex>!<key id, 8 hex digits> -> OneTimePreKey bytes
//   otw!<mailbox hex> -> spent-id watermark (u32 BE) || last activity (f64 BE, ms)
// Every operation on one mailbox runs alone (a per-mailbox queue in this
// process). A claim takes the LOWEST id held, and in one synced batch deletes
// it and raises the watermark to its id before it answers: a key is handed
// out at most once, even across a crash. Because the lowest id goes first and
// a device allocates ids from a counter that only grows, "every id up to the
// watermark" is exactly what this replica has handed out or will never hold:
// an upload of such an id is refused (skipped and counted), whatever its key.
// A held id uploaded again with the same key is a no-op (a retried upload);
// with another key it is refused (the first key stays).
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { PREFIX, rangeEnd } from '../store/keys.js'
import type { BatchOp, NodeStore } from '../store/db.js'
import { COUNT_MEMORY, WATERMARK_SWEEP_BATCH } from './constants.js'

export interface StoredPreKey {
  id: number
  /** canonical OneTimePreKey encoding */
  bytes: Uint8Array
}

export interface UploadResult {
  /** keys newly stored */
  accepted: number
  /** keys already held with the same bytes (a retried upload) */
  duplicates: number
  /** ids up to the watermark (handed out here, or older than a key handed out here) */
  spent: number
  /** held ids uploaded with other bytes, and keys over the per-device limit */
  refused: number
  /** keys held after the upload */
  remaining: number
}

interface Watermark {
  /** every id <= this is spent on this replica */
  spentUpTo: number
  /** last upload or claim, ms */
  at: number
}

const WATERMARK_BYTES = 12
const prefixOf = (m: string): string => `${PREFIX.oneTimePreKey}${m}!`
const keyOf = (m: string, id: number): string => `${prefixOf(m)}${id.toString(16).padStart(8, '0')}`
const watermarkKey = (m: string): string => `${PREFIX.oneTimePreKeySpent}${m}`

function encodeWatermark (w: Watermark): Uint8Array {
  const out = new Uint8Array(WATERMARK_BYTES)
  const view = new DataView(out.buffer)
  view.setUint32(0, w.spentUpTo)
  view.setFloat64(4, w.at)
  return out
}

function decodeWatermark (bytes: Uint8Array): Watermark | undefined {
  if (bytes.byteLength !== WATERMARK_BYTES) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return { spentUpTo: view.getUint32(0), at: view.getFloat64(4) }
}

export class PreKeyStore {
  private readonly tails = new Map<string, Promise<unknown>>()
  /** keys held per mailbox, kept current under the per-mailbox queue */
  private readonly counts = new Map<string, number>()
  /** where the next sweep starts (undefined: at the beginning) */
  private sweepFrom: string | undefined

  constructor (private readonly store: NodeStore, private readonly now: () => number = Date.now) {}

  /** Run `task` after every earlier task of the same mailbox has finished. */
  private async serialized<T> (mailbox: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(mailbox) ?? Promise.resolve()
    const mine = before.then(task, task)
    const tail = mine.catch(() => {})
    this.tails.set(mailbox, tail)
    try {
      return await mine
    } finally {
      if (this.tails.get(mailbox) === tail) this.tails.delete(mailbox)
    }
  }

  private remember (mailbox: string, count: number): void {
    this.counts.delete(mailbox)
    this.counts.set(mailbox, count)
    if (this.counts.size > COUNT_MEMORY) {
      const oldest = this.counts.keys().next().value
      if (oldest !== undefined) this.counts.delete(oldest)
    }
  }

  /** keys held for `mailbox` (inside its queue) */
  private async held (mailbox: string): Promise<number> {
    const known = this.counts.get(mailbox)
    if (known !== undefined) return known
    const n = (await this.entries(mailbox)).size
    this.remember(mailbox, n)
    return n
  }

  private async entries (mailbox: string): Promise<Map<number, Uint8Array>> {
    const prefix = prefixOf(mailbox)
    const out = new Map<number, Uint8Array>()
    for await (const [key, value] of this.store.range({ gte: prefix, lt: rangeEnd(prefix) })) out.set(parseInt(key.slice(prefix.length), 16), value)
    return out
  }

  private async watermark (mailbox: string): Promise<Watermark | undefined> {
    const bytes = await this.store.get(watermarkKey(mailbox))
    return bytes === undefined ? undefined : decodeWatermark(bytes)
  }

  /** Add keys not held and not spent, up to `max` held in all (synced before it resolves). */
  async upload (mailbox: string, keys: StoredPreKey[], max: number): Promise<UploadResult> {
    return await this.serialized(mailbox, async () => {
      const held = await this.entries(mailbox)
      const mark = await this.watermark(mailbox)
      const r: UploadResult = { accepted: 0, duplicates: 0, spent: 0, refused: 0, remaining: 0 }
      const ops: BatchOp[] = []
      for (const k of keys) {
        const had = held.get(k.id)
        if (mark !== undefined && k.id <= mark.spentUpTo) r.spent++
        else if (had !== undefined) equalBytes(had, k.bytes) ? r.duplicates++ : r.refused++
        else if (held.size >= max) r.refused++
        else {
          held.set(k.id, k.bytes)
          ops.push({ type: 'put', key: keyOf(mailbox, k.id), value: k.bytes })
        }
      }
      r.accepted = ops.length
      if (ops.length > 0 && mark !== undefined) ops.push({ type: 'put', key: watermarkKey(mailbox), value: encodeWatermark({ ...mark, at: this.now() }) })
      try {
        await this.store.batch(ops, { sync: true })
      } catch (err) {
        this.counts.delete(mailbox)
        throw err
      }
      this.remember(mailbox, held.size)
      r.remaining = held.size
      return r
    })
  }

  /** Take the lowest-id key: delete it and raise the watermark (one synced batch) before answering. */
  async claim (mailbox: string): Promise<{ key: Uint8Array | undefined, remaining: number }> {
    return await this.serialized(mailbox, async () => {
      const prefix = prefixOf(mailbox)
      const count = await this.held(mailbox)
      let first: [string, Uint8Array] | undefined
      for await (const entry of this.store.range({ gte: prefix, lt: rangeEnd(prefix), limit: 1 })) first = entry
      if (first === undefined) {
        this.remember(mailbox, 0)
        return { key: undefined, remaining: 0 }
      }
      const id = parseInt(first[0].slice(prefix.length), 16)
      const mark = await this.watermark(mailbox)
      const spentUpTo = Math.max(mark?.spentUpTo ?? 0, id)
      try {
        await this.store.batch([
          { type: 'del', key: first[0] },
          { type: 'put', key: watermarkKey(mailbox), value: encodeWatermark({ spentUpTo, at: this.now() }) }
        ], { sync: true })
      } catch (err) {
        // whether the delete reached the disk is unknown: count afresh next time
        this.counts.delete(mailbox)
        throw err
      }
      const remaining = Math.max(0, count - 1)
      this.remember(mailbox, remaining)
      return { key: first[1], remaining }
    })
  }

  /** the spent-id watermark of `mailbox` (undefined: nothing handed out here, or forgotten) */
  async spentUpTo (mailbox: string): Promise<number | undefined> {
    return (await this.watermark(mailbox))?.spentUpTo
  }

  /**
   * Forget the watermarks of mailboxes that hold no key here and saw no upload
   * or claim for `retentionMs` (their generation has ended on this replica).
   * Resolves with how many were forgotten.
   */
  async sweep (retentionMs: number): Promise<number> {
    const cutoff = this.now() - retentionMs
    const stale: string[] = []
    const p = PREFIX.oneTimePreKeySpent
    // at most WATERMARK_SWEEP_BATCH per call, resuming after the last one looked at
    let seen = 0
    let last: string | undefined
    for await (const [key, value] of this.store.range({ gte: this.sweepFrom ?? p, lt: rangeEnd(p) })) {
      last = key
      const w = decodeWatermark(value)
      if (w === undefined || w.at <= cutoff) stale.push(key.slice(p.length))
      if (++seen >= WATERMARK_SWEEP_BATCH) break
    }
    this.sweepFrom = seen >= WATERMARK_SWEEP_BATCH && last !== undefined ? `${last}\x00` : undefined
    let forgotten = 0
    for (const m of stale) {
      await this.serialized(m, async () => {
        const bytes = await this.store.get(watermarkKey(m))
        const w = bytes === undefined ? undefined : decodeWatermark(bytes)
        if (bytes === undefined || (w !== undefined && w.at > cutoff) || await this.held(m) > 0) return
        await this.store.del(watermarkKey(m), { sync: true })
        forgotten++
      })
    }
    return forgotten
  }

  /** resolves once every queued operation has finished (stop before the store closes) */
  async idle (): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()])
  }

  async count (mailbox: string): Promise<number> {
    return await this.serialized(mailbox, async () => await this.held(mailbox))
  }
}
