// The outbox on disk: one sealed record per message waiting to go out, keyed
// by a local sequence (PREFIX.outbox + 16 hex digits) so they are read back in
// the order they were written. A record holds what is needed to send the
// message again from scratch (its id, destination, text and clock), never
// ciphertext: each attempt encrypts afresh, and the receiver drops a repeated
// (sender, message id).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { PREFIX, seqKey } from '../store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from '../store/sealed-store.js'

export interface OutboxEntry {
  /** message id, 32 hex digits */
  id: string
  /** a 1:1 message: the recipient user id */
  to?: string
  /** a group message: the group id (hex) */
  group?: string
  text: string
  /** the message's own clock (unchanged by retries), ms since epoch */
  sentAt: number
  /** its sequence number in the conversation (client/gaps), taken when it was queued: the same on every attempt */
  seq?: number
  /** when it was put in the outbox */
  queuedAt: number
  /** attempts that failed so far */
  attempts: number
  /** why the last attempt failed */
  lastError?: string
}

interface EntryJson extends OutboxEntry { v: 1 }

export interface StoredEntry { key: string, entry: OutboxEntry }

export class OutboxStore {
  private next: number | undefined
  /** entries on disk (known once `next` is) */
  private count = 0

  constructor (private readonly store: SealedStore) {}

  /** Every waiting message, oldest first. */
  async list (): Promise<StoredEntry[]> {
    const out: StoredEntry[] = []
    for await (const [key, value] of this.store.range(PREFIX.outbox)) {
      const { v: _v, ...entry } = parseJson<EntryJson>(key, value)
      out.push({ key, entry })
    }
    return out
  }

  /** The record of a new entry (the caller writes it, synced, in one batch with its status); call under the client's lock. */
  async addOp (entry: OutboxEntry, max: number): Promise<{ key: string, op: StoreOp }> {
    if (this.next === undefined || this.count >= max) {
      let last = (this.next ?? 0) - 1
      this.count = 0
      for await (const key of this.store.keys(PREFIX.outbox)) { last = Number.parseInt(key.slice(PREFIX.outbox.length), 16); this.count++ }
      this.next = Math.max(this.next ?? 0, last + 1)
    }
    if (this.count >= max) throw new RelaymeshError(ErrorCode.Invalid, `the outbox is full (${max} messages wait for a relay node): attach to a node first`)
    this.count++
    const key = seqKey(PREFIX.outbox, this.next++)
    return { key, op: this.store.jsonOp(key, { v: 1, ...entry } satisfies EntryJson) }
  }

  putOp (key: string, entry: OutboxEntry): StoreOp {
    return this.store.jsonOp(key, { v: 1, ...entry } satisfies EntryJson)
  }

  /** the removal of a sent (or failed) entry's record (the count is taken again when it looks full) */
  delOp (key: string): StoreOp {
    return { type: 'del', key }
  }

  async has (key: string): Promise<boolean> {
    return await this.store.has(key)
  }
}
