// The delivery state of each 1:1 message we sent (docs/protocol.md §8c,
// "Receipts"): sending → stored (the mesh answered stored on N replicas for
// every recipient device) → delivered (a recipient device persisted it) →
// read (the recipient's application showed it). States only move forward;
// a receipt counts only when it comes from the user the message went to.
import { ReceiptType } from '../../protocol/pb/content.js'
import { PREFIX } from '../store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from '../store/sealed-store.js'
import { hex } from '../util/bytes.js'

export type DeliveryState = 'sending' | 'stored' | 'delivered' | 'read'

export interface MessageStatus {
  /** message id, 32 hex digits */
  id: string
  /** the user the message went to */
  to: string
  state: DeliveryState
  /** the fewest replicas that persisted one of its envelopes (0 until stored) */
  replicas: number
  sentAt: number
  deliveredAt?: number
  readAt?: number
}

interface StatusJson extends MessageStatus { v: 1 }

const RANK: Record<DeliveryState, number> = { sending: 0, stored: 1, delivered: 2, read: 3 }

function key (store: SealedStore, idHex: string): string {
  return PREFIX.messageStatus + store.name(idHex)
}

export async function getStatus (store: SealedStore, idHex: string): Promise<MessageStatus | undefined> {
  const j = await store.getJson<StatusJson>(key(store, idHex))
  if (j === undefined) return undefined
  const { v: _v, ...status } = j
  return status
}

export function statusOp (store: SealedStore, s: MessageStatus): StoreOp {
  const json: StatusJson = { v: 1, ...s }
  return store.jsonOp(key(store, s.id), json)
}

/** `s` moved forward to `state` (never back); undefined when that is no change. */
export function advance (s: MessageStatus, state: DeliveryState, at: number): MessageStatus | undefined {
  if (RANK[state] <= RANK[s.state]) return undefined
  const next: MessageStatus = { ...s, state }
  if (RANK[state] >= RANK.delivered) next.deliveredAt ??= at
  if (state === 'read') next.readAt ??= at
  return next
}

/**
 * A RECEIPT content from `from`: advance each listed message we sent to
 * `from`. Receipts for messages we did not send to `from` are ignored (a
 * third party cannot mark our messages delivered or read). `pending` holds
 * this batch's not-yet-written updates, so two receipts in one batch compose.
 */
export async function applyReceipt (store: SealedStore, from: string, type: ReceiptType, ids: Uint8Array[], at: number, ops: StoreOp[], pending: Map<string, MessageStatus>): Promise<number> {
  const state: DeliveryState = type === ReceiptType.READ ? 'read' : 'delivered'
  let applied = 0
  for (const raw of ids) {
    const id = hex(raw)
    const current = pending.get(id) ?? await getStatus(store, id)
    if (current === undefined || current.to !== from) continue
    const next = advance(current, state, at)
    if (next === undefined) continue
    pending.set(id, next)
    ops.push(statusOp(store, next))
    applied++
  }
  return applied
}

/** After the mesh answered stored: record the replica count and move to stored (unless a receipt already moved it further). */
export async function markStored (store: SealedStore, idHex: string, replicas: number, at: number): Promise<StoreOp[]> {
  const current = await getStatus(store, idHex)
  if (current === undefined) return []
  const next = advance(current, 'stored', at) ?? { ...current }
  next.replicas = replicas
  return [statusOp(store, next)]
}

/** The fewest replicas any mailbox of these SEND answers reached (each reached its write quorum). */
export function fewestReplicas (answers: Array<{ sent: Array<{ replicas: number }> }>): number {
  let n = Infinity
  for (const a of answers) for (const s of a.sent) n = Math.min(n, s.replicas)
  return Number.isFinite(n) ? n : 0
}
