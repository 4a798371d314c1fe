// Local unread marks: per conversation (1:1 peer or group id), the last
// history sequence the person has been shown. Only moves forward. Separate
// from read receipts (client/receipts), which tell the sender; these never
// leave the device.
import { PREFIX } from '../store/keys.js'
import type { SealedStore, StoreOp } from '../store/sealed-store.js'
import type { MessageLog } from '../messaging/message-log.js'
import { scanHistory } from './history-query.js'

interface MarkJson { v: 1, conversation: string, seq: number }

export class ReadMarks {
  constructor (private readonly store: SealedStore, private readonly messages: MessageLog) {}

  private key (conversation: string): string {
    return PREFIX.readMark + this.store.name(conversation)
  }

  /** the last sequence seen in `conversation` (0: nothing seen) */
  async get (conversation: string): Promise<number> {
    return (await this.store.getJson<MarkJson>(this.key(conversation)))?.seq ?? 0
  }

  /** ops that raise each conversation's mark to the given sequence (never lower it) */
  async raiseOps (marks: Map<string, number>): Promise<StoreOp[]> {
    const ops: StoreOp[] = []
    for (const [conversation, seq] of marks) {
      if (seq > await this.get(conversation)) ops.push(this.store.jsonOp(this.key(conversation), { v: 1, conversation, seq } satisfies MarkJson))
    }
    return ops
  }

  /** The messages (by sender and id) were shown: each conversation is seen up to the newest of them. */
  async shownOps (shown: Array<{ id: string, from: string }>): Promise<StoreOp[]> {
    const marks = new Map<string, number>()
    for (const m of shown) {
      if (typeof m?.id !== 'string' || typeof m.from !== 'string') continue
      const at = await this.messages.find(m.from, m.id)
      if (at === undefined) continue
      marks.set(at.message.peer, Math.max(marks.get(at.message.peer) ?? 0, at.seq))
    }
    return await this.raiseOps(marks)
  }

  /** Everything stored so far in `conversation` (every conversation when undefined) was seen. */
  async allOps (conversation?: string): Promise<StoreOp[]> {
    const marks = new Map<string, number>()
    for await (const { seq, message: m } of scanHistory(this.store)) {
      if (conversation !== undefined && m.peer !== conversation) continue
      marks.set(m.peer, seq)
    }
    return await this.raiseOps(marks)
  }
}
