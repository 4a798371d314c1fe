// The receiving side of a client: envelopes pushed by the attached node or
// fetched from the mailbox are decrypted and persisted (one synced batch, under
// the session lock), the listeners told, and only then acknowledged (coalesced,
// client/messaging/ack-batcher.ts). receive() hands stored messages out in
// arrival order, each exactly once, and drains again after every re-attach.
import type { Envelope } from '../../protocol/pb/envelope.js'
import type { LinkOutcome } from '../devices/link-handler.js'
import { FileReceiver } from '../files/file-receiver.js'
import type { MessageRequest } from '../requests/request-ops.js'
import type { RequestEvent } from '../requests/request-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import { hex } from '../util/bytes.js'
import type { Serial } from '../util/serial.js'
import { AckBatcher } from './ack-batcher.js'
import type { MessagingContext } from './context.js'
import type { StoredMessage } from './message-log.js'
import { processEnvelopes } from './receiver.js'

/** while a receive waits, the mailbox is drained this often besides the live pushes (a lost push waits no longer) */
export const RESYNC_MS = 30_000
/**
 * How long an application's receive() call in a listening loop should wait (chat, the web client, the
 * simulator): each call drains the mailbox first, so a shorter slice only adds FETCHes, each a request
 * to the node and from it to the mailbox's k replicas
 */
export const LISTEN_SLICE_MS = 30_000
/** envelopes asked for per FETCH page */
export const FETCH_PAGE = 256
/** ids per ACK request (the node's limit is 1024) */
export const ACK_CHUNK = 512
/**
 * persisted envelopes wait this long for others before one ACK names them all (client/messaging/ack-batcher.ts).
 * An ACK costs the node a signature check and a request to each of the k replicas, each of which checks the
 * signature again and writes tombstones, whatever the number of ids: at a few messages a second, 1 s names
 * ~4x more ids per ACK than 250 ms did. Safe to wait: the envelopes are persisted here already, and the
 * delivered receipts for them wait as long (RECEIPT_DELAY_MS).
 */
export const ACK_DELAY_MS = 1_000
/** a peer's profile is fetched this long at most when its key arrives, before the messages are shown */
export const PROFILE_FETCH_WAIT_MS = 3_000

type Listener = (seq: number, message: StoredMessage) => void
type RequestListener = (r: MessageRequest) => void

export interface ReceiveOptions {
  waitMs?: number
  onMessage?: (m: StoredMessage) => void
  onRequest?: (r: MessageRequest) => void
}

export interface InboxDeps {
  ctx: MessagingContext
  serial: Serial
  ready: () => Promise<NodeConnection>
  /** the attached connection, if any (no waiting) */
  connection: () => NodeConnection | undefined
  /** true once the client is closing: no more waiting, no more pushes processed */
  closed: () => boolean
  /** @default ACK_DELAY_MS */
  ackDelayMs?: number
  /** open a peer's profile (client/profiles) */
  profileOf: (userId: string) => Promise<unknown>
  /** requests that arrived, named by their senders' profiles (client/requests) */
  namedRequests: (events: RequestEvent[]) => Promise<MessageRequest[]>
  /** distribute our sender key in a group (client/groups) */
  distribute: (groupId: string) => Promise<void>
  /** answer a broken session with a fresh one (client/messaging/direct-sender.ts) */
  sendReset: (userId: string, deviceId: number) => Promise<void>
  /** answer device links (client/devices) */
  afterIngest: (conn: NodeConnection, linked: LinkOutcome[] | undefined) => Promise<void>
  /** tell senders their messages arrived (client/receipts) */
  delivered: (stored: Array<{ seq: number, message: StoredMessage }>) => Promise<void>
}

export class InboxPump {
  private readonly listeners = new Set<Listener>()
  private readonly requestListeners = new Set<RequestListener>()
  private pushQueue: Array<{ env: Envelope, conn: NodeConnection }> = []
  private pushing: Promise<void> | undefined
  private readonly receiving = new Set<Promise<unknown>>()
  private wake: (() => void) | undefined
  /** set while a receive() waits: called after every (re-)attach, so what was stored while detached is fetched at once */
  private reattached: (() => void) | undefined
  private readonly fileIn: FileReceiver
  private readonly acks: AckBatcher

  constructor (private readonly d: InboxDeps) {
    this.fileIn = new FileReceiver(d.ctx, d.serial)
    this.acks = new AckBatcher({
      delayMs: d.ackDelayMs ?? ACK_DELAY_MS,
      maxIds: ACK_CHUNK,
      log: d.ctx.log,
      send: async (ids) => {
        // acks name the mailbox, not the node: whichever node we are attached to now takes them
        const conn = this.d.connection()
        if (conn === undefined) throw new Error('not attached')
        await conn.ack(this.d.ctx.identity.credentials(), ids)
      }
    })
  }

  /** A pushed envelope: processed with the others that arrive together. */
  enqueuePush (env: Envelope, conn: NodeConnection): void {
    this.pushQueue.push({ env, conn })
    this.pushing ??= (async () => {
      // pushes that arrive together are stored in one synced batch
      while (this.pushQueue.length > 0 && !this.d.closed()) {
        const batch = this.pushQueue.splice(0, FETCH_PAGE)
        const c = batch[batch.length - 1]?.conn as NodeConnection
        await this.ingest(c, batch.map((b) => b.env)).catch((err: Error) => { this.d.ctx.log.warn({ err: err.message }, 'pushed envelopes not processed; they stay in the mailbox') })
      }
    })().finally(() => { this.pushing = undefined })
  }

  /** Tell the waiting receive() calls of messages stored elsewhere (released requests). */
  notify (stored: Array<{ seq: number, message: StoredMessage }>): void {
    for (const { seq, message } of stored) for (const l of this.listeners) l(seq, message)
  }

  /** After every (re-)attach: a waiting receive() drains at once. */
  attached (): void {
    this.reattached?.()
  }

  /** Decrypt and persist (one synced batch), tell listeners, then acknowledge to the node. */
  private async ingest (conn: NodeConnection, envelopes: Envelope[]): Promise<void> {
    if (envelopes.length === 0) return
    const { ctx, serial } = this.d
    // file chunks are kept (sealed, synced) apart from messages, then acknowledged with them (client/files)
    const chunks = await this.fileIn.takeChunks(envelopes)
    const result = await serial.run(async () => await processEnvelopes(ctx, chunks.rest))
    result.ack.push(...chunks.ack)
    result.stored.push(...await this.fileIn.complete())
    // a new profile key opens that peer's profile: its name is fetched before anyone is told, so a request or a
    // message can be shown by it (at most PROFILE_FETCH_WAIT_MS; rare: a first message, or after a rotation)
    await this.fetchProfiles(result.profileKeys ?? [])
    for (const { seq, message } of result.stored) for (const l of this.listeners) l(seq, message)
    for (const r of await this.d.namedRequests(ctx.requests?.takeEvents() ?? [])) for (const l of this.requestListeners) l(r)
    // persisted already: acknowledged with whatever else arrives within ACK_DELAY_MS
    this.acks.add(result.ack)
    // what handlers asked for once the batch is persisted (status events, answers), outside the session lock
    for (const run of result.after ?? []) await run().catch((err: Error) => { ctx.log.warn({ err: err.message }, 'after-batch work failed') })
    for (const g of new Set(result.distribute)) {
      this.d.distribute(g).catch((err: Error) => { ctx.log.warn({ group: g, err: err.message }, 'sender key distribution failed; retried before the next group message') })
    }
    for (const r of result.resets) {
      this.d.sendReset(r.userId, r.deviceId).catch((err: Error) => { ctx.log.warn({ user: r.userId, err: err.message }, 'session reset not sent') })
    }
    // answer device links, then tell senders their messages arrived (client/devices, client/receipts)
    await this.d.afterIngest(conn, result.linked)
    await this.d.delivered(result.stored)
    // what handlers asked for once the batch is persisted (answers to send, retries), outside the session lock
    for (const after of result.after ?? []) {
      await after().catch((err: Error) => { ctx.log.warn({ err: err.message }, 'work after a received batch failed') })
    }
  }

  /** Open the profiles of `userIds` (their names are kept for display), waiting at most PROFILE_FETCH_WAIT_MS. */
  private async fetchProfiles (userIds: string[]): Promise<void> {
    if (userIds.length === 0) return
    const fetches = Promise.allSettled(userIds.map(async (userId) => await this.d.profileOf(userId).catch((err: Error) => {
      this.d.ctx.log.debug({ user: userId, err: err.message }, 'profile not fetched')
    })))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([fetches, new Promise<void>((resolve) => { timer = setTimeout(resolve, PROFILE_FETCH_WAIT_MS) })])
    clearTimeout(timer)
  }

  /** Fetch pages until the mailbox is empty. */
  async drain (conn: NodeConnection): Promise<void> {
    let after: string | undefined
    for (;;) {
      const page = await conn.fetch({ ...(after !== undefined ? { after } : {}), limit: FETCH_PAGE })
      await this.ingest(conn, page.envelopes)
      const last = page.envelopes[page.envelopes.length - 1]
      if (!page.more || last === undefined) return
      after = hex(last.id)
    }
  }

  /** Drain the mailbox, then wait up to waitMs for live pushes; new messages in arrival order, each exactly once. */
  async receive (options: ReceiveOptions): Promise<StoredMessage[]> {
    const run = this.receiveOnce(options)
    this.receiving.add(run)
    try {
      return await run
    } finally {
      this.receiving.delete(run)
    }
  }

  private async receiveOnce (options: ReceiveOptions): Promise<StoredMessage[]> {
    const { ctx } = this.d
    const waitMs = Math.max(0, options.waitMs ?? 0)
    const delivered = new Map<number, StoredMessage>()
    const buffered = new Map<number, StoredMessage>()
    let live = false
    // Marked handed out (out of the inbox) BEFORE the application sees them: a crash in between leaves a
    // message in the history, never shown twice. The mark is a plain write: it survives the process dying
    // (it reached the OS); only a power loss can bring a shown message back, which is the safe direction.
    let queue: Array<[number, StoredMessage]> = []
    let handing: Promise<void> = Promise.resolve()
    const handOut = async (): Promise<void> => {
      const batch = queue
      queue = []
      try {
        await ctx.messages.delivered(batch.map(([seq]) => seq))
      } catch (err) {
        // still in the inbox: the next receive hands them out
        for (const [seq] of batch) delivered.delete(seq)
        ctx.log.warn({ err: (err as Error).message }, 'could not mark messages handed out; they stay in the inbox')
        return
      }
      for (const [, m] of batch) options.onMessage?.(m)
    }
    const deliver = (seq: number, m: StoredMessage): void => {
      if (delivered.has(seq)) return
      delivered.set(seq, m)
      queue.push([seq, m])
      if (queue.length === 1) handing = handing.then(handOut)
    }
    const listener: Listener = (seq, m) => { if (live) deliver(seq, m); else buffered.set(seq, m) }
    this.listeners.add(listener)
    const onRequest = options.onRequest
    if (onRequest !== undefined) this.requestListeners.add(onRequest)
    try {
      const conn = await this.d.ready()
      await this.drain(conn)
      // everything stored and not yet handed out, including what arrived while we drained, in arrival order
      for (const { seq, message } of await ctx.messages.inbox()) buffered.set(seq, message)
      for (const seq of [...buffered.keys()].sort((a, b) => a - b)) deliver(seq, buffered.get(seq) as StoredMessage)
      live = true
      // wait for pushes; after a re-attach (the node went away, or we moved), drain again: nothing is pushed
      // for what was stored while we were detached. Pushes are best effort (a replica's DELIVER can be lost,
      // a full push queue drops): every RESYNC_MS the mailbox is drained as well, so nothing waits for long
      const until = Date.now() + waitMs
      while (waitMs > 0 && !this.d.closed()) {
        const left = until - Date.now()
        if (left <= 0) break
        const why = await new Promise<'done' | 'attached' | 'resync'>((resolve) => {
          const timer = setTimeout(() => { resolve(left > RESYNC_MS ? 'resync' : 'done') }, Math.min(left, RESYNC_MS))
          this.wake = () => { clearTimeout(timer); resolve('done') }
          this.reattached = () => { clearTimeout(timer); resolve('attached') }
        })
        this.wake = undefined
        this.reattached = undefined
        if (why === 'done') break
        // a failure here (detached again) is answered by the next attach, or by the caller's next receive
        await this.d.ready().then(async (c) => { await this.drain(c) }).catch(() => {})
      }
    } finally {
      this.listeners.delete(listener)
      if (onRequest !== undefined) this.requestListeners.delete(onRequest)
      // the last hand-outs (close() waits for this)
      await handing
    }
    return [...delivered.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m)
  }

  /** Closing: a waiting receive() stops waiting now. */
  stopWaiting (): void {
    this.wake?.()
  }

  /** Closing: acknowledge what is persisted and not yet acknowledged. */
  async flushAcks (): Promise<void> {
    await this.acks.flush()
  }

  /** Closing: the running receive() calls and push batches have finished. */
  async settled (): Promise<void> {
    await Promise.allSettled([...this.receiving])
    await this.pushing?.catch(() => {})
  }
}
