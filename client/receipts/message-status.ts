// The delivery state of each message we sent, 1:1 or to a group
// (docs/protocol.md §8c): queued (in the outbox, no attempt under way)
// / sending (an attempt under way) → stored (the mesh answered stored on N
// replicas for every recipient device) → delivered (every recipient user had a
// device persist it) → read (every recipient user showed it). `failed` ends a
// message the mesh can never take (no such user, not a group member). States
// only move forward (queued and sending may alternate); a receipt counts only
// from a user the message went to, and is recorded per user (deliveredTo,
// readBy), so a group message shows who has it and who read it.
import { ReceiptType } from '../../protocol/pb/content.js'
import { PREFIX } from '../store/keys.js'
import type { SealedStore, StoreOp } from '../store/sealed-store.js'
import { hex } from '../util/bytes.js'

export type DeliveryState = 'queued' | 'sending' | 'stored' | 'delivered' | 'read' | 'failed'

export interface MessageStatus {
  /** message id, 32 hex digits */
  id: string
  /** the user a 1:1 message went to */
  to?: string
  /** the group (id hex) a group message went to */
  group?: string
  state: DeliveryState
  /** the users it went to (1:1: [to]; a group: the other members when it was sent); receipts count only from them */
  recipients: string[]
  /** the fewest replicas that persisted one of its envelopes (0 until stored) */
  storedOn: number
  /** the same number as storedOn (the name of earlier versions) */
  replicas: number
  /** recipient users one of whose devices persisted it (a read implies delivered) */
  deliveredTo: string[]
  /** recipient users whose application showed it */
  readBy: string[]
  /** the sender's clock when it was written, ms since epoch */
  sentAt: number
  /** when every recipient had it / had read it */
  deliveredAt?: number
  readAt?: number
  /** why a `failed` message will never go out */
  error?: string
}

interface StatusJson extends Partial<MessageStatus> { v: 1, id: string, state: DeliveryState, sentAt: number }

const RANK: Record<DeliveryState, number> = { queued: 0, sending: 0, failed: 0, stored: 1, delivered: 2, read: 3 }

function key (store: SealedStore, idHex: string): string {
  return PREFIX.messageStatus + store.name(idHex)
}

/** A stored record (also one written by an earlier version: `to` and `replicas` only) as a full status. */
function normalize (j: StatusJson): MessageStatus {
  const { v: _v, ...s } = j
  const recipients = s.recipients ?? (s.to !== undefined ? [s.to] : [])
  const storedOn = s.storedOn ?? s.replicas ?? 0
  const deliveredTo = s.deliveredTo ?? (RANK[s.state] >= RANK.delivered ? [...recipients] : [])
  const readBy = s.readBy ?? (s.state === 'read' ? [...recipients] : [])
  return { ...s, recipients, storedOn, replicas: storedOn, deliveredTo, readBy }
}

export async function getStatus (store: SealedStore, idHex: string): Promise<MessageStatus | undefined> {
  const j = await store.getJson<StatusJson>(key(store, idHex))
  return j === undefined ? undefined : normalize(j)
}

export function statusOp (store: SealedStore, s: MessageStatus): StoreOp {
  const json: StatusJson = { v: 1, ...s, replicas: s.storedOn }
  return store.jsonOp(key(store, s.id), json)
}

/** A new message's status: queued (in the outbox) until an attempt starts. */
export function queuedStatus (id: string, dest: { to: string } | { group: string }, sentAt: number): MessageStatus {
  const recipients = 'to' in dest ? [dest.to] : []
  return { id, ...dest, state: 'queued', recipients, storedOn: 0, replicas: 0, deliveredTo: [], readBy: [], sentAt }
}

/** `s` moved forward to `state` (never back); undefined when that is no change. */
export function advance (s: MessageStatus, state: DeliveryState, at: number): MessageStatus | undefined {
  if (RANK[state] <= RANK[s.state]) return undefined
  const next: MessageStatus = { ...s, state }
  if (RANK[state] >= RANK.delivered) next.deliveredAt ??= at
  if (state === 'read') next.readAt ??= at
  return next
}

/** Between queued, sending and failed (nothing stored yet); undefined when already further or no change. */
export function pendingAs (s: MessageStatus, state: 'queued' | 'sending' | 'failed', extra: Partial<MessageStatus> = {}): MessageStatus | undefined {
  if (RANK[s.state] > 0 || (s.state === state && Object.keys(extra).length === 0)) return undefined
  return { ...s, ...extra, state }
}

/** `from`'s receipt recorded on `s`; the state moves to delivered / read once every recipient got there. Undefined: no news. */
export function withReceipt (s: MessageStatus, from: string, read: boolean, at: number): MessageStatus | undefined {
  if (!s.recipients.includes(from)) return undefined
  const deliveredTo = s.deliveredTo.includes(from) ? s.deliveredTo : [...s.deliveredTo, from]
  const readBy = !read || s.readBy.includes(from) ? s.readBy : [...s.readBy, from]
  if (deliveredTo === s.deliveredTo && readBy === s.readBy) return undefined
  let next: MessageStatus = { ...s, deliveredTo, readBy }
  const all = (list: string[]): boolean => s.recipients.every((u) => list.includes(u))
  if (all(readBy)) next = advance(next, 'read', at) ?? next
  else if (all(deliveredTo)) next = advance(next, 'delivered', at) ?? next
  return next
}

/**
 * A RECEIPT content from `from`: record it on each listed message we sent to
 * `from` (1:1, or a group message that went to `from`). Receipts for messages
 * that did not go to `from` are ignored (a third party cannot mark our
 * messages delivered or read). `pending` holds this batch's not-yet-written
 * updates, so two receipts in one batch compose. Returns the changed statuses.
 */
export async function applyReceipt (store: SealedStore, from: string, type: ReceiptType, ids: Uint8Array[], at: number, ops: StoreOp[], pending: Map<string, MessageStatus>): Promise<MessageStatus[]> {
  const read = type === ReceiptType.READ
  const changed: MessageStatus[] = []
  for (const raw of ids) {
    const id = hex(raw)
    const current = pending.get(id) ?? await getStatus(store, id)
    if (current === undefined) continue
    const next = withReceipt(current, from, read, at)
    if (next === undefined) continue
    pending.set(id, next)
    ops.push(statusOp(store, next))
    changed.push(next)
  }
  return changed
}

/** After the mesh answered stored: record the replica count and move to stored (unless a receipt already moved it further). */
export async function markStored (store: SealedStore, idHex: string, replicas: number, at: number): Promise<{ ops: StoreOp[], status?: MessageStatus }> {
  const current = await getStatus(store, idHex)
  if (current === undefined) return { ops: [] }
  const next = advance(current, 'stored', at) ?? { ...current }
  next.storedOn = replicas
  next.replicas = replicas
  delete next.error
  return { ops: [statusOp(store, next)], status: next }
}

/** The fewest replicas any mailbox of these SEND answers reached (each reached its write quorum). */
export function fewestReplicas (answers: Array<{ sent: Array<{ replicas: number }> }>): number {
  let n = Infinity
  for (const a of answers) for (const s of a.sent) n = Math.min(n, s.replicas)
  return Number.isFinite(n) ? n : 0
}
