// The table of content handlers: what the receive path does with a decrypted,
// deduplicated content, by its kind. Features register their kinds here (as
// kad-dht dispatches its RPCs by message type), so the receive path
// (receiver.ts for 1:1, groups/group-receiver.ts for group messages) imports
// no feature: it decrypts, checks the sender, drops duplicates and blocked
// users, then hands the content to the handler of its kind. A kind nobody
// registered is dropped with a log line. Handlers run under the session lock
// and put every change onto the batch's ops (one synced batch, then the ack).
import type { LinkOutcome } from '../devices/link-handler.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { AppContent, ContentKind } from './content.js'
import type { MessagingContext } from './context.js'
import type { StoredMessage } from './message-log.js'
import { hex } from '../util/bytes.js'

export interface ProcessResult {
  /** newly stored messages for the application, in arrival order */
  stored: Array<{ seq: number, message: StoredMessage }>
  /** every envelope id handled (stored now, seen before, or unreadable): acknowledge them */
  ack: Uint8Array[]
  /** peer devices whose message no session could read: send them a fresh session (the kept ones stay) */
  resets: Array<{ userId: string, deviceId: number }>
  /** groups (id hex) whose membership changed: rotate our sender key and send it to the members */
  distribute: string[]
  /** device link requests handled (client/devices): answer the linked ones once persisted */
  linked?: LinkOutcome[]
  /** peers whose new profile key arrived (client/profiles): their profile name can be fetched */
  profileKeys?: string[]
  /** what handlers want done once the batch is persisted (outside the session lock), e.g. answers to send */
  after?: Array<() => Promise<void>>
}

/** What one batch of envelopes shares while it is processed. */
export interface BatchState {
  now: number
  ops: StoreOp[]
  /** `${from}/${messageIdHex}` handled in this batch (with ctx.messages.seenMessage: each content once) */
  msgSeen: Set<string>
  result: ProcessResult
}

/** One decrypted content, from an authenticated sender device. */
export interface ReceivedContent {
  ctx: MessagingContext
  from: string
  deviceId: number
  content: AppContent
  /** the decrypted, decoded-from bytes (a held invitation keeps them) */
  plaintext: Uint8Array
  /** set when the content came in a group message: the group id (hex), checked against the message */
  group?: string
  /** the envelope id (hex) it came in (unset for a group message that waited for its sender key) */
  envelope?: string
  b: BatchState
}

export type ContentHandler = (r: ReceivedContent) => Promise<void>

export interface HandlerOptions {
  /** may arrive inside a group message (sender keys); default: 1:1 only */
  inGroup?: boolean
}

export class ContentHandlers {
  private readonly table = new Map<ContentKind, { handler: ContentHandler, inGroup: boolean }>()
  private readonly observers: ContentHandler[] = []

  /** `observer` sees every content a handler takes, before the handler (client/gaps counts sequence numbers). */
  observe (observer: ContentHandler): this {
    this.observers.push(observer)
    return this
  }

  /** One handler per kind: registering a kind twice is a programming error. */
  register (kind: ContentKind, handler: ContentHandler, options: HandlerOptions = {}): this {
    if (this.table.has(kind)) throw new Error(`content kind ${String(kind)} already has a handler`)
    this.table.set(kind, { handler, inGroup: options.inGroup === true })
    return this
  }

  /** Whether a content of `kind` is accepted in a group message (else it is dropped there). */
  acceptsInGroup (kind: ContentKind): boolean {
    return this.table.get(kind)?.inGroup === true
  }

  /** Hand `r` to its kind's handler; false when no handler takes it (1:1 only kinds in a group included). */
  async handle (r: ReceivedContent): Promise<boolean> {
    const entry = this.table.get(r.content.kind)
    if (entry === undefined || (r.group !== undefined && !entry.inGroup)) {
      r.ctx.log.warn({ from: r.from, kind: r.content.kind, group: r.group }, 'no handler for this content here; dropped')
      return false
    }
    for (const o of this.observers) await o(r)
    await entry.handler(r)
    return true
  }
}

/** True when `from` sent this message id before (in this batch or an earlier one); else it is marked seen in the batch. */
export async function seenBefore (ctx: MessagingContext, from: string, messageId: Uint8Array, b: BatchState): Promise<boolean> {
  const msgHex = hex(messageId)
  const seenKey = `${from}/${msgHex}`
  if (b.msgSeen.has(seenKey) || await ctx.messages.seenMessage(from, msgHex)) return true
  b.msgSeen.add(seenKey)
  b.ops.push(ctx.messages.seenMessageOp(from, msgHex, b.now))
  return false
}
