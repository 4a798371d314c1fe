// The receiving side of edits and deletes for everyone (docs/protocol.md §8g):
// EDIT and DELETE contents, in 1:1 and group messages, registered into the
// content handler table. Only the original author changes a message: the
// target is looked up by (sender, message id), so a content can only ever
// reach its own sender's messages, and one naming a message someone else
// wrote in the conversation is refused. The target is rewritten in place
// (MessageLog.replaceOp: edit → new text + editedAt; delete → text '' +
// deletedAt) and an event row (StoredMessage.change) goes to the inbox for
// receive(). An edit whose message is not here yet (later in the same batch,
// or still on its way) waits, sealed and bounded (MAX_PENDING_EDITS, for
// PENDING_EDIT_TTL_MS), and is retried after every persisted batch.
import { ContentKind } from '../messaging/content.js'
import type { ContentHandlers, ReceivedContent } from '../messaging/content-handlers.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { PREFIX } from '../store/keys.js'
import type { StoreOp } from '../store/sealed-store.js'
import { hex } from '../util/bytes.js'
import { MAX_PENDING_EDITS, PENDING_EDIT_TTL_MS } from './constants.js'

/** pending edits live under the gap module's prefix (an edit ahead of its message is an out-of-order arrival) */
export const PENDING_EDIT_PREFIX = PREFIX.gapState + 'e!'

/** An edit or delete as received: what it changes and where it was said. */
export interface ChangeRequest {
  kind: 'edit' | 'delete'
  from: string
  /** the message id (hex) of the EDIT/DELETE content itself */
  eventId: string
  target: string
  text: string
  sentAt: number
  /** the conversation: a group id, else the 1:1 peer (ours: the synced copy's destination) */
  group: string | null
  peer: string
  /** when it arrived here */
  at: number
}

export interface EditHooks {
  /** after the batch is persisted: try the pending edits again (edit-ops.ts) */
  retryPending: () => Promise<void>
}

export function registerEditHandlers (handlers: ContentHandlers, hooks: EditHooks): ContentHandlers {
  const handle = async (r: ReceivedContent): Promise<void> => { await handleChange(r, hooks) }
  handlers.register(ContentKind.EDIT, handle, { inGroup: true })
  handlers.register(ContentKind.DELETE, handle, { inGroup: true })
  return handlers
}

/** retries scheduled per batch (one per batch: keyed by its ops array, shared by all its envelopes) */
const retryByBatch = new WeakSet<object>()

async function handleChange (r: ReceivedContent, hooks: EditHooks): Promise<void> {
  const { ctx, from, content, b } = r
  const own = from === ctx.identity.userId
  const peer = r.group ?? (own && content.destination !== undefined ? content.destination : from)
  const change: ChangeRequest = {
    kind: content.kind === ContentKind.EDIT ? 'edit' : 'delete',
    from,
    eventId: hex(content.messageId),
    target: hex(content.targetId as Uint8Array),
    text: content.kind === ContentKind.EDIT ? content.text : '',
    sentAt: content.sentAt,
    group: r.group ?? null,
    peer,
    at: b.now
  }
  const outcome = await applyChange(ctx, change, b.ops)
  if (outcome.stored !== undefined) { b.result.stored.push(outcome.stored); return }
  if (outcome.refused !== undefined) { ctx.log.warn({ from, target: change.target, why: outcome.refused }, 'edit/delete refused'); return }
  // not here yet: wait (bounded) and try again once this batch is persisted
  let pending = 0
  for await (const _ of ctx.store.keys(PENDING_EDIT_PREFIX, { limit: MAX_PENDING_EDITS })) pending++
  if (pending >= MAX_PENDING_EDITS) { ctx.log.warn({ from, target: change.target }, 'too many edits wait for their message; dropped'); return }
  b.ops.push(ctx.store.jsonOp(pendingKey(ctx, change), change))
  if (!retryByBatch.has(b.ops)) {
    retryByBatch.add(b.ops)
    ;(b.result.after ??= []).push(hooks.retryPending)
  }
}

export function pendingKey (ctx: MessagingContext, c: ChangeRequest): string {
  return PENDING_EDIT_PREFIX + ctx.store.name(`${c.from}/${c.eventId}`)
}

/**
 * Apply `c` to its target if it is here: `stored` is the event row to hand out; `refused` says why it
 * changes nothing (not the author, another conversation, already deleted, older than the last edit);
 * neither: the target has not arrived.
 */
export async function applyChange (ctx: MessagingContext, c: ChangeRequest, ops: StoreOp[], inbox = true): Promise<{ stored?: { seq: number, message: StoredMessage }, refused?: string }> {
  const found = await ctx.messages.find(c.from, c.target)
  if (found === undefined) {
    // someone else's message of this conversation: only its author may change it
    const others = c.group !== null ? (await ctx.groups.get(c.group))?.members ?? [] : [ctx.identity.userId, c.peer]
    for (const o of others) {
      if (o !== c.from && await ctx.messages.find(o, c.target) !== undefined) return { refused: 'not the author of that message' }
    }
    return {}
  }
  const m = found.message
  if (m.system === true || m.change !== undefined) return { refused: 'not a message' }
  if (m.group !== c.group || (c.group === null && m.peer !== c.peer)) return { refused: 'that message is in another conversation' }
  if (m.deletedAt !== undefined) return { refused: 'already deleted' }
  if (c.kind === 'edit' && m.editedAt !== undefined && m.editedAt >= c.sentAt) return { refused: 'a later edit is applied already' }
  const next: StoredMessage = c.kind === 'edit' ? { ...m, text: c.text, editedAt: c.sentAt } : { ...m, text: '', deletedAt: c.sentAt }
  ops.push(ctx.messages.replaceOp(found.seq, next))
  const event: StoredMessage = { id: c.eventId, from: c.from, peer: m.peer, group: m.group, text: c.text, sentAt: c.sentAt, receivedAt: c.at, outgoing: c.from === ctx.identity.userId, change: { kind: c.kind, target: c.target } }
  return { stored: { seq: ctx.messages.append(event, ops, inbox), message: event } }
}
