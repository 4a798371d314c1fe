// Message history and the inbox. Every stored message gets the next local
// sequence number: history keeps it for good, the inbox holds it until
// receive() hands it to the application (so a message persisted just before
// a crash is still delivered, once, after the restart). Also the seen sets
// that make delivery exactly once: envelope ids and (sender, message id).
import { PREFIX, seqKey } from '../store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from '../store/sealed-store.js'

export interface StoredMessage {
  /** message id, 32 hex digits */
  id: string
  /** sender user id (ours for messages we sent) */
  from: string
  /** the other party of the conversation */
  peer: string
  group: string | null
  text: string
  sentAt: number
  receivedAt: number
  outgoing: boolean
  /** a notice from this client (e.g. a session reset), not a message someone wrote */
  system?: boolean
  /** when its author last edited it (its text is the edited one) */
  editedAt?: number
  /** its author deleted it for everyone (its text is gone) */
  deletedAt?: number
  /** an edit or delete event (client/edits), handed out once by receive(); `target`: the message changed */
  change?: { kind: 'edit' | 'delete', target: string }
}

export class MessageLog {
  private constructor (private readonly store: SealedStore, private nextSeq: number) {}

  static async open (store: SealedStore): Promise<MessageLog> {
    let last = 0
    for await (const key of store.keys(PREFIX.history, { reverse: true, limit: 1 })) last = parseInt(key.slice(PREFIX.history.length), 16)
    return new MessageLog(store, last + 1)
  }

  /** Ops that store `m` in history (and in the inbox for receive() when `inbox`); returns its sequence. */
  append (m: StoredMessage, ops: StoreOp[], inbox: boolean): number {
    const seq = this.nextSeq++
    ops.push(this.store.jsonOp(seqKey(PREFIX.history, seq), m))
    ops.push(this.store.jsonOp(this.indexKey(m.from, m.id), { seq }))
    if (inbox) ops.push(this.store.putOp(seqKey(PREFIX.inbox, seq), new Uint8Array(0)))
    return seq
  }

  /** The message `from` sent with this id, and where it sits in history (messages stored before the index existed are not found). */
  async find (from: string, idHex: string): Promise<{ seq: number, message: StoredMessage } | undefined> {
    const at = await this.store.getJson<{ seq: number }>(this.indexKey(from, idHex))
    if (at === undefined) return undefined
    const message = await this.get(at.seq)
    return message === undefined ? undefined : { seq: at.seq, message }
  }

  /** An op that rewrites the message at `seq` in place (an edit or a delete keeps its place in history). */
  replaceOp (seq: number, m: StoredMessage): StoreOp {
    return this.store.jsonOp(seqKey(PREFIX.history, seq), m)
  }

  private indexKey (from: string, idHex: string): string {
    return PREFIX.messageIndex + this.store.name(`${from}/${idHex}`)
  }

  async seenEnvelope (idHex: string): Promise<boolean> {
    return await this.store.has(PREFIX.seenEnvelope + this.store.name(idHex))
  }

  seenEnvelopeOp (idHex: string, at: number): StoreOp {
    return this.store.jsonOp(PREFIX.seenEnvelope + this.store.name(idHex), { at })
  }

  async seenMessage (from: string, idHex: string): Promise<boolean> {
    return await this.store.has(PREFIX.seenMessage + this.store.name(`${from}/${idHex}`))
  }

  seenMessageOp (from: string, idHex: string, at: number): StoreOp {
    return this.store.jsonOp(PREFIX.seenMessage + this.store.name(`${from}/${idHex}`), { at })
  }

  /** Messages waiting in the inbox, oldest first, with their sequence numbers. */
  async inbox (): Promise<Array<{ seq: number, message: StoredMessage }>> {
    const out: Array<{ seq: number, message: StoredMessage }> = []
    for await (const key of this.store.keys(PREFIX.inbox)) {
      const seq = parseInt(key.slice(PREFIX.inbox.length), 16)
      const m = await this.get(seq)
      if (m !== undefined) out.push({ seq, message: m })
    }
    return out
  }

  async get (seq: number): Promise<StoredMessage | undefined> {
    const key = seqKey(PREFIX.history, seq)
    const raw = await this.store.get(key)
    return raw === undefined ? undefined : parseJson<StoredMessage>(key, raw)
  }

  /** Remove delivered messages from the inbox (synced: delivery is exactly once across restarts). */
  async delivered (seqs: number[]): Promise<void> {
    await this.store.batch(seqs.map((s) => ({ type: 'del', key: seqKey(PREFIX.inbox, s) })))
  }

  async history (peer?: string): Promise<StoredMessage[]> {
    const out: StoredMessage[] = []
    for await (const [key, raw] of this.store.range(PREFIX.history)) {
      const m = parseJson<StoredMessage>(key, raw)
      // edit/delete events are handed out once; history shows their result on the message itself
      if (m.change !== undefined) continue
      if (peer === undefined || m.peer === peer) out.push(m)
    }
    return out
  }
}
