// Delivered and read receipts (docs/protocol.md §8c, "Receipts";
// group receipts: docs/protocol.md §8c): ordinary end-to-end
// encrypted 1:1 contents (kind RECEIPT) sent to every device of the message's
// sender, for 1:1 and group messages alike. A delivered receipt goes out within
// RECEIPT_DELAY_MS of the messages being persisted, naming every message from
// that sender persisted meanwhile (a receipt costs the mesh as much as a
// message); a read receipt when the application marks messages read. Receipts are never
// stored as messages and never answered with receipts.
import type { StoreOp } from '../store/sealed-store.js'
import type { MessagingContext, SendingDeps } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { ContentKind, encodeContent, MAX_RECEIPT_IDS, newMessageId, ReceiptType, type AppContent } from '../messaging/content.js'
import { claimPreKeys, encryptForTargets, targetsOf } from '../messaging/sender.js'
import { applyReceipt, type MessageStatus } from './message-status.js'
import { statusEventsOf } from './status-events.js'
import type { BatchState } from '../messaging/content-handlers.js'
import { mayNotify } from '../requests/gate.js'

export { ReceiptType }

const MESSAGE_ID_HEX = /^[0-9a-f]{32}$/

/** delivered receipts wait this long for more messages from the same sender, so one receipt names them all */
export const RECEIPT_DELAY_MS = 1_000

export interface ReceiptDeps extends SendingDeps {
  /** @default RECEIPT_DELAY_MS */
  delayMs?: number
}

type Message = { id: string, from: string, group?: string | null, system?: boolean, outgoing?: boolean }

/** Receipts are owed for 1:1 and group messages someone else wrote (not notices, not our own synced copies). */
function receiptable (m: { id: string, from: string, group?: string | null, system?: boolean, outgoing?: boolean }, self: string): boolean {
  return m.from !== self && m.outgoing !== true && m.system !== true && MESSAGE_ID_HEX.test(m.id)
}

export class Receipts {
  /** delivered receipts owed, per sender: message ids (hex) */
  private owed = new Map<string, Set<string>>()
  private timer: NodeJS.Timeout | undefined
  private readonly sending = new Set<Promise<void>>()

  constructor (private readonly deps: ReceiptDeps) {}

  /**
   * After a batch of received messages was persisted: a DELIVERED receipt to each sender, sent
   * within delayMs together with those of later batches (one receipt per sender per delay, not per
   * batch), and off the caller's path (errors are logged, never thrown).
   */
  async delivered (stored: Array<{ message: StoredMessage }>): Promise<void> {
    const self = this.deps.ctx.identity.userId
    for (const { message: m } of stored) {
      // never to requesters or blocked users (client/requests)
      if (!receiptable(m, self) || !mayNotify(this.deps.ctx, m.from)) continue
      const set = this.owed.get(m.from) ?? new Set<string>()
      set.add(m.id)
      this.owed.set(m.from, set)
    }
    if (this.owed.size === 0) return
    const delay = this.deps.delayMs ?? RECEIPT_DELAY_MS
    if (delay <= 0) {
      await this.flush()
      return
    }
    this.timer ??= setTimeout(() => { void this.flush() }, delay)
  }

  /** send the owed delivered receipts now; resolves once every receipt under way is sent or failed */
  async flush (): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    const owed = this.owed
    this.owed = new Map()
    if (owed.size > 0) {
      const run = this.sendGrouped(owed, ReceiptType.DELIVERED).catch((err: Error) => {
        this.deps.ctx.log.warn({ err: err.message }, 'delivered receipt not sent')
      })
      this.sending.add(run)
      void run.finally(() => { this.sending.delete(run) })
    }
    await Promise.all([...this.sending])
  }

  /** forget what is still owed (the client closed): those messages are not acknowledged as delivered */
  stop (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.owed = new Map()
  }

  /** The application showed these messages: READ receipts to their senders. */
  async read (messages: Message[]): Promise<void> {
    const bySender = new Map<string, Set<string>>()
    const self = this.deps.ctx.identity.userId
    for (const m of messages) {
      if (!receiptable(m, self) || !mayNotify(this.deps.ctx, m.from)) continue
      const set = bySender.get(m.from) ?? new Set<string>()
      set.add(m.id)
      bySender.set(m.from, set)
    }
    await this.sendGrouped(bySender, ReceiptType.READ)
  }

  private async sendGrouped (bySender: Map<string, Set<string>>, type: ReceiptType): Promise<void> {
    if (bySender.size === 0) return
    const errors: Error[] = []
    await Promise.all([...bySender].map(async ([from, ids]) => {
      const all = [...ids].map((id) => new Uint8Array(Buffer.from(id, 'hex')))
      for (let i = 0; i < all.length; i += MAX_RECEIPT_IDS) {
        await this.send(from, type, all.slice(i, i + MAX_RECEIPT_IDS)).catch((err: Error) => { errors.push(err) })
      }
    }))
    if (errors.length > 0) throw errors[0] as Error
  }

  /** One RECEIPT content to every device of `to`, over the 1:1 sessions (started if needed). */
  private async send (to: string, type: ReceiptType, ids: Uint8Array[]): Promise<void> {
    const { ctx, serial } = this.deps
    const content: AppContent = { messageId: newMessageId(), sentAt: ctx.now(), kind: ContentKind.RECEIPT, text: '', receiptType: type, receiptIds: ids }
    const plaintext = encodeContent(content)
    const conn = await this.deps.ready()
    const targets = targetsOf(await this.deps.user(conn, to))
    await claimPreKeys(ctx, targets)
    const envelopes = await serial.run(async () => {
      const ops: StoreOp[] = []
      const out = await encryptForTargets(ctx, targets, plaintext, this.deps.ids, ops)
      await this.deps.persist(ops)
      return out
    })
    await Promise.all(envelopes.map(async (e) => { await ctx.outbound.send([e.target], e.id, e.payload) }))
  }
}

/** this batch's status updates, per ops array (one envelope batch), so receipts within a batch compose */
const pendingByBatch = new WeakMap<StoreOp[], Map<string, MessageStatus>>()

/**
 * Under the session lock, inside an envelope batch: apply a RECEIPT content from `from`; the
 * status listeners (Client.onStatus) are told once the batch is persisted.
 */
export async function handleReceipt (ctx: MessagingContext, from: string, content: AppContent, b: BatchState): Promise<void> {
  if (content.receiptType === undefined || content.receiptIds === undefined) return
  const ops = b.ops
  let pending = pendingByBatch.get(ops)
  if (pending === undefined) {
    pending = new Map()
    pendingByBatch.set(ops, pending)
  }
  const changed = await applyReceipt(ctx.store, from, content.receiptType, content.receiptIds, b.now, ops, pending)
  if (changed.length > 0) (b.result.after ??= []).push(async () => { statusEventsOf(ctx).emit(changed) })
  const applied = changed.length
  if (applied < content.receiptIds.length) ctx.log.debug({ from, ignored: content.receiptIds.length - applied }, 'receipt entries ignored (not our message to that user, or no news)')
}
