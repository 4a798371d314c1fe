// This replica's share of each device's one-time prekeys, in LevelDB:
//   otk!<mailbox hex>!<key id, 8 hex digits> -> OneTimePreKey bytes
// Every operation on one mailbox runs alone (a per-mailbox queue in this
// process), and a claim reads and deletes in one synced batch before it
// answers: a key is handed out at most once, even across a crash.
import { PREFIX, rangeEnd } from '../store/keys.js'
import type { NodeStore } from '../store/db.js'

export interface StoredPreKey {
  id: number
  /** canonical OneTimePreKey encoding */
  bytes: Uint8Array
}

const prefixOf = (m: string): string => `${PREFIX.oneTimePreKey}${m}!`
const keyOf = (m: string, id: number): string => `${prefixOf(m)}${id.toString(16).padStart(8, '0')}`

/** mailboxes whose key count is remembered (oldest forgotten first): a claim then reads one entry, not the whole share */
const COUNT_MEMORY = 4096

export class PreKeyStore {
  private readonly tails = new Map<string, Promise<unknown>>()
  /** keys held per mailbox, kept current under the per-mailbox queue */
  private readonly counts = new Map<string, number>()

  constructor (private readonly store: NodeStore) {}

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
    const n = (await this.ids(mailbox)).size
    this.remember(mailbox, n)
    return n
  }

  private async ids (mailbox: string): Promise<Set<number>> {
    const prefix = prefixOf(mailbox)
    const out = new Set<number>()
    for await (const key of this.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) out.add(parseInt(key.slice(prefix.length), 16))
    return out
  }

  /** Add keys not held yet, up to `max` held in all; resolves with how many were added and how many are held. */
  async upload (mailbox: string, keys: StoredPreKey[], max: number): Promise<{ accepted: number, remaining: number }> {
    return await this.serialized(mailbox, async () => {
      const held = await this.ids(mailbox)
      const ops: Array<{ type: 'put', key: string, value: Uint8Array }> = []
      for (const k of keys) {
        if (held.size >= max) break
        if (held.has(k.id)) continue
        held.add(k.id)
        ops.push({ type: 'put', key: keyOf(mailbox, k.id), value: k.bytes })
      }
      try {
        await this.store.batch(ops, { sync: true })
      } catch (err) {
        this.counts.delete(mailbox)
        throw err
      }
      this.remember(mailbox, held.size)
      return { accepted: ops.length, remaining: held.size }
    })
  }

  /** Take the lowest-id key: read and delete (synced) before answering. */
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
      try {
        await this.store.batch([{ type: 'del', key: first[0] }], { sync: true })
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

  /** resolves once every queued operation has finished (stop before the store closes) */
  async idle (): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()])
  }

  async count (mailbox: string): Promise<number> {
    return await this.serialized(mailbox, async () => await this.held(mailbox))
  }
}
