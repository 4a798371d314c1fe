// Delivered and read receipts (docs/protocol.md §8c, "Receipts"):
// ordinary end-to-end encrypted 1:1 contents (kind RECEIPT) sent to every
// device of the message's sender. A delivered receipt goes out once a batch
// of received messages is persisted (one per sender per batch); a read
// receipt when the application marks messages read. Receipts are never
// stored as messages and never answered with receipts.
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import type { Serial } from '../util/serial.js'
import type { EnvelopeIds } from '../messaging/envelope-id.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import type { PeerUser } from '../messaging/user-directory.js'
import { ContentKind, encodeContent, MAX_RECEIPT_IDS, newMessageId, ReceiptType, type AppContent } from '../messaging/content.js'
import { claimPreKeys, encryptForTargets, targetsOf } from '../messaging/sender.js'
import { applyReceipt, type MessageStatus } from './message-status.js'

export { ReceiptType }

const MESSAGE_ID_HEX = /^[0-9a-f]{32}$/

export interface ReceiptDeps {
  ctx: MessagingContext
  serial: Serial
  ids: EnvelopeIds
  ready: () => Promise<NodeConnection>
  user: (conn: NodeConnection, userId: string) => Promise<PeerUser>
  persist: (ops: StoreOp[]) => Promise<void>
}

/** Receipts are owed for 1:1 messages someone else wrote (not notices, not our own synced copies, not group messages). */
function receiptable (m: { id: string, from: string, group?: string | null, system?: boolean, outgoing?: boolean }, self: string): boolean {
  return m.from !== self && m.outgoing !== true && m.system !== true && (m.group ?? null) === null && MESSAGE_ID_HEX.test(m.id)
}

export class Receipts {
  constructor (private readonly deps: ReceiptDeps) {}

  /** After a batch of received messages was persisted: one DELIVERED receipt per sender (errors are logged, never thrown). */
  async delivered (stored: Array<{ message: StoredMessage }>): Promise<void> {
    await this.sendGrouped(stored.map((s) => s.message), ReceiptType.DELIVERED).catch((err: Error) => {
      this.deps.ctx.log.warn({ err: err.message }, 'delivered receipt not sent')
    })
  }

  /** The application showed these messages: READ receipts to their senders. */
  async read (messages: Array<{ id: string, from: string, group?: string | null, system?: boolean }>): Promise<void> {
    await this.sendGrouped(messages, ReceiptType.READ)
  }

  private async sendGrouped (messages: Array<{ id: string, from: string, group?: string | null, system?: boolean, outgoing?: boolean }>, type: ReceiptType): Promise<void> {
    const bySender = new Map<string, Set<string>>()
    const self = this.deps.ctx.identity.userId
    for (const m of messages) {
      if (!receiptable(m, self)) continue
      const set = bySender.get(m.from) ?? new Set<string>()
      set.add(m.id)
      bySender.set(m.from, set)
    }
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
    await claimPreKeys(ctx, conn, targets)
    const envelopes = await serial.run(async () => {
      const ops: StoreOp[] = []
      const out = await encryptForTargets(ctx, targets, plaintext, this.deps.ids, ops)
      await this.deps.persist(ops)
      return out
    })
    await Promise.all(envelopes.map(async (e) => { await conn.send([e.target.mailbox], e.id, e.payload) }))
  }
}

/** this batch's status updates, per ops array (one envelope batch), so receipts within a batch compose */
const pendingByBatch = new WeakMap<StoreOp[], Map<string, MessageStatus>>()

/** Under the session lock, inside an envelope batch: apply a RECEIPT content from `from`. */
export async function handleReceipt (ctx: MessagingContext, from: string, content: AppContent, ops: StoreOp[], now: number): Promise<void> {
  if (content.receiptType === undefined || content.receiptIds === undefined) return
  let pending = pendingByBatch.get(ops)
  if (pending === undefined) {
    pending = new Map()
    pendingByBatch.set(ops, pending)
  }
  const applied = await applyReceipt(ctx.store, from, content.receiptType, content.receiptIds, now, ops, pending)
  if (applied < content.receiptIds.length) ctx.log.debug({ from, ignored: content.receiptIds.length - applied }, 'receipt entries ignored (not our message to that user, or no news)')
}
