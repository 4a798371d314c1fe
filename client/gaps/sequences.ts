// The sending side of gap detection (docs/protocol.md §8h): each
// message this device writes into a conversation (a 1:1 peer or a group) gets
// the next sequence number of that conversation, carried inside the
// encryption (Content.seq). The counter and what each number was (message id,
// kind, for an edit its text and target) are persisted before the message
// leaves, so a resend request can be answered and a number is never reused.
// The last SENT_KEEP numbers per conversation are kept.
import type { MessagingContext } from '../messaging/context.js'
import { PREFIX } from '../store/keys.js'
import type { StoreOp } from '../store/sealed-store.js'
import { SENT_KEEP } from './constants.js'

export const SEQ_COUNTER_PREFIX = PREFIX.gapState + 'o!'
export const SENT_PREFIX = PREFIX.gapState + 's!'

/** What a sequence number stood for, to resend it. */
export interface SentRecord {
  /** message id, 32 hex digits */
  id: string
  kind: 'text' | 'edit' | 'delete'
  sentAt: number
  /** edit / delete: the message changed */
  target?: string
  /** edit: the new text */
  text?: string
  /** group: the group's membership change count when it was sent; resent only while no member came or went since */
  changes?: number
}

export class Sequences {
  private readonly next = new Map<string, number>()
  private chain: Promise<unknown> = Promise.resolve()

  constructor (private readonly ctx: MessagingContext) {}

  /** The next sequence number of `conversation` for `record`, persisted (synced) with it before it is returned. */
  async take (conversation: string, record: SentRecord): Promise<number> {
    const run = this.chain.then(async () => await this.takeNow(conversation, record))
    this.chain = run.catch(() => {})
    return await run
  }

  private async takeNow (conversation: string, record: SentRecord): Promise<number> {
    const { store } = this.ctx
    const counterKey = SEQ_COUNTER_PREFIX + store.name(conversation)
    let seq = this.next.get(conversation)
    if (seq === undefined) seq = (await store.getJson<{ next: number }>(counterKey))?.next ?? 1
    const ops: StoreOp[] = [store.jsonOp(counterKey, { next: seq + 1 }), store.jsonOp(sentKey(this.ctx, conversation, seq), record)]
    if (seq > SENT_KEEP) ops.push({ type: 'del', key: sentKey(this.ctx, conversation, seq - SENT_KEEP) })
    await store.batch(ops, { sync: true })
    this.next.set(conversation, seq + 1)
    return seq
  }

  /** What `seq` of `conversation` was, while it is kept. */
  async sent (conversation: string, seq: number): Promise<SentRecord | undefined> {
    return await this.ctx.store.getJson<SentRecord>(sentKey(this.ctx, conversation, seq))
  }
}

function sentKey (ctx: MessagingContext, conversation: string, seq: number): string {
  return SENT_PREFIX + ctx.store.name(`${conversation}/${seq}`)
}
