// The sending side of edits and deletes for everyone (docs/protocol.md §8g),
// and the retry of edits that arrived before their message. Only our own
// messages: 1:1 ones go to the peer's devices and, as sent messages are
// synced, to our own other devices; group ones go through the group path
// (one sender-key message to every member device, ours included).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ContentKind, newMessageId, type AppContent } from '../messaging/content.js'
import type { SendingDeps } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import type { StoreOp } from '../store/sealed-store.js'
import { hex } from '../util/bytes.js'
import type { Sequences } from '../gaps/sequences.js'
import { sendDirectContent } from './direct-content.js'
import { applyChange, PENDING_EDIT_PREFIX, type ChangeRequest } from './edit-handler.js'
import { PENDING_EDIT_TTL_MS } from './constants.js'

const MESSAGE_ID_HEX = /^[0-9a-f]{32}$/

export interface EditDeps extends SendingDeps {
  sequences: Sequences
  sendGroup: (groupId: string, text: string, fields: Partial<AppContent>) => Promise<unknown>
  /** hand event rows to a waiting receive() (inbox-pump.ts notify) */
  notify: (stored: Array<{ seq: number, message: StoredMessage }>) => void
}

export class EditOps {
  private retrying: Promise<void> | undefined

  constructor (private readonly d: EditDeps) {}

  /** Replace the text of our message `id` for everyone; resolves with the edit's own id. */
  async edit (id: string, text: string): Promise<{ id: string }> {
    if (typeof text !== 'string' || text.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'an edit needs text (use delete to remove a message)')
    return await this.change(id, 'edit', text)
  }

  /** Delete our message `id` for everyone (its text is gone everywhere); resolves with the delete's own id. */
  async delete (id: string): Promise<{ id: string }> {
    return await this.change(id, 'delete', '')
  }

  private async change (id: string, kind: 'edit' | 'delete', text: string): Promise<{ id: string }> {
    const { ctx } = this.d
    const self = ctx.identity.userId
    if (typeof id !== 'string' || !MESSAGE_ID_HEX.test(id)) throw new RelaymeshError(ErrorCode.Invalid, `not a message id: ${String(id)} (32 hex digits)`)
    const found = await ctx.messages.find(self, id)
    if (found === undefined || found.message.system === true || found.message.change !== undefined) {
      throw new RelaymeshError(ErrorCode.NotFound, `no message of yours with id ${id} (only your own messages can be edited or deleted)`)
    }
    const m = found.message
    if (m.deletedAt !== undefined) throw new RelaymeshError(ErrorCode.InvalidState, `message ${id} is deleted`)
    const messageId = newMessageId()
    const eventId = hex(messageId)
    const sentAt = ctx.now()
    const conversation = m.group ?? m.peer
    const changes = m.group !== null ? (await ctx.groups.get(m.group))?.changes : undefined
    const seq = await this.d.sequences.take(conversation, { id: eventId, kind, sentAt, target: id, ...(kind === 'edit' ? { text } : {}), ...(changes !== undefined ? { changes } : {}) })
    const content: AppContent = { messageId, sentAt, kind: kind === 'edit' ? ContentKind.EDIT : ContentKind.DELETE, text, targetId: new Uint8Array(Buffer.from(id, 'hex')), seq }
    if (m.group !== null) await this.d.sendGroup(m.group, text, content)
    else await sendDirectContent(this.d, m.peer, content, { syncOwn: true })
    // our own copy: the same change, no event row for receive() (we made it)
    await this.d.serial.run(async () => {
      const ops: StoreOp[] = [ctx.messages.seenMessageOp(self, eventId, ctx.now())]
      const c: ChangeRequest = { kind, from: self, eventId, target: id, text, sentAt, group: m.group, peer: m.peer, at: ctx.now() }
      await applyChange(ctx, c, ops, false)
      await this.d.persist(ops)
    })
    return { id: eventId }
  }

  /** After a persisted batch: apply the pending edits whose message is here now; forget expired ones. */
  async retryPending (): Promise<void> {
    // one at a time; a retry asked while one runs joins the next
    while (this.retrying !== undefined) await this.retrying
    this.retrying = this.retryNow().finally(() => { this.retrying = undefined })
    await this.retrying
  }

  private async retryNow (): Promise<void> {
    const { ctx } = this.d
    const stored = await this.d.serial.run(async () => {
      const ops: StoreOp[] = []
      const out: Array<{ seq: number, message: StoredMessage }> = []
      const now = ctx.now()
      for await (const [key] of ctx.store.range(PENDING_EDIT_PREFIX)) {
        const c = await ctx.store.getJson<ChangeRequest>(key)
        if (c === undefined) continue
        const outcome = await applyChange(ctx, c, ops)
        if (outcome.stored !== undefined) out.push(outcome.stored)
        if (outcome.refused !== undefined) ctx.log.warn({ from: c.from, target: c.target, why: outcome.refused }, 'edit/delete refused')
        if (outcome.stored !== undefined || outcome.refused !== undefined || c.at + PENDING_EDIT_TTL_MS < now) ops.push({ type: 'del', key })
      }
      if (ops.length > 0) await this.d.persist(ops)
      return out
    })
    if (stored.length > 0) this.d.notify(stored)
  }
}
