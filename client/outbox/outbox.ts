// The outbox (docs/protocol.md §8c): every message is written to disk
// (synced, with its status "queued") before send() reports anything, and
// leaves the outbox only in the batch that records it stored, or when it can
// never go (failed). Waiting messages go out oldest first, one at a time, on
// every attach and on a backoff timer while the process lives; a crash between
// the write and the send is answered by the next attach sending it again, and
// the receiver drops the repeat by (sender, message id).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { MessagingContext } from '../messaging/context.js'
import { getStatus, pendingAs, queuedStatus, statusOp, type MessageStatus } from '../receipts/message-status.js'
import type { StatusEvents } from '../receipts/status-events.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { Serial } from '../util/serial.js'
import { CLOSE_WAIT_MS, MAX_OUTBOX_ENTRIES, RETRY_MAX_MS, RETRY_MIN_MS } from './constants.js'
import { OutboxStore, type OutboxEntry, type StoredEntry } from './outbox-store.js'
import { unrefTimer } from '../util/timers.js'

export type { OutboxEntry } from './outbox-store.js'

/** What sends one waiting message: resolves once stored (writing `done` in the same batch), throws otherwise. */
export type Deliver = (e: OutboxEntry, done: StoreOp[], sending: (s: MessageStatus) => void) => Promise<{ replicas: number, status?: MessageStatus }>

export interface OutboxDeps {
  ctx: MessagingContext
  serial: Serial
  events: StatusEvents
  deliverDirect: Deliver
  deliverGroup: Deliver
  /** attached to a node now (close() waits for an attempt under way only then) */
  attached: () => boolean
}

export interface SendOutcome {
  id: string
  /** 'stored' (or further, when a receipt came first), else 'queued' / 'sending': it stays in the outbox */
  state: MessageStatus['state']
  replicas: number
  /** the message's own clock, ms since epoch */
  sentAt: number
}

type Outcome =
  | { kind: 'stored', replicas: number, status?: MessageStatus }
  | { kind: 'retry', error: Error }
  | { kind: 'failed', error: Error }

/** Errors no later attempt answers differently: the message fails instead of waiting. */
const FINAL = new Set<string>([ErrorCode.Invalid, ErrorCode.InvalidArgument, ErrorCode.NotFound, ErrorCode.TooLarge, ErrorCode.Unauthorized, ErrorCode.StampRequired, ErrorCode.UntrustedIdentity])

function isFinal (err: unknown): boolean {
  return RelaymeshError.is(err) && FINAL.has(err.code)
}

export class Outbox {
  private readonly disk: OutboxStore
  private readonly inFlight = new Map<string, Promise<Outcome>>()
  private readonly waiters = new Map<string, Set<(o: Outcome) => void>>()
  private flushing: Promise<void> | undefined
  private again = false
  private retryTimer: NodeJS.Timeout | undefined
  private retryMs = RETRY_MIN_MS
  private closed = false
  /** closing: the flush under way may finish, nothing is retried later */
  private closing = false

  constructor (private readonly d: OutboxDeps) {
    this.disk = new OutboxStore(d.ctx.store)
  }

  /** What waits, oldest first. */
  async list (): Promise<OutboxEntry[]> {
    return (await this.disk.list()).map((s) => s.entry)
  }

  /**
   * Put a checked message in the outbox (synced, with status queued), then send it.
   * `timeoutMs` undefined: one attempt; on failure the message leaves the outbox and the error
   * is thrown. Otherwise wait up to `timeoutMs` for stored (retrying while no node can store it):
   * after that it is reported queued and goes on waiting (here, then on the next attach).
   */
  async send (dest: { to: string } | { group: string }, id: string, text: string, sentAt: number, timeoutMs?: number, seq?: number): Promise<SendOutcome> {
    const { ctx } = this.d
    const entry: OutboxEntry = { id, ...dest, text, sentAt, ...(seq !== undefined ? { seq } : {}), queuedAt: ctx.now(), attempts: 0 }
    const status = queuedStatus(id, dest, sentAt)
    const key = await this.d.serial.run(async () => {
      const { key, op } = await this.disk.addOp(entry, MAX_OUTBOX_ENTRIES)
      await ctx.store.batch([op, statusOp(ctx.store, status)], { sync: true })
      return key
    })
    this.d.events.emit([status])
    if (timeoutMs === undefined) {
      const o = await this.attempt({ key, entry })
      if (o.kind === 'stored') return { id, state: o.status?.state ?? 'stored', replicas: o.replicas, sentAt }
      // the caller is told it failed: it does not go out later as well
      if (o.kind === 'retry') await this.fail({ key, entry }, o.error).catch(() => {})
      throw o.error
    }
    const done = new Promise<Outcome>((resolve) => {
      const set = this.waiters.get(id) ?? new Set()
      set.add(resolve)
      this.waiters.set(id, set)
    })
    this.kick()
    let timer: NodeJS.Timeout | undefined
    const o = await Promise.race([done, new Promise<undefined>((resolve) => { timer = setTimeout(() => { resolve(undefined) }, Math.max(0, timeoutMs)) })])
    clearTimeout(timer)
    if (o === undefined) {
      this.waiters.delete(id)
      const now = await getStatus(ctx.store, id).catch(() => undefined)
      return { id, state: now?.state ?? 'queued', replicas: now?.storedOn ?? 0, sentAt }
    }
    if (o.kind === 'failed') throw o.error
    return { id, state: o.kind === 'stored' ? (o.status?.state ?? 'stored') : 'queued', replicas: o.kind === 'stored' ? o.replicas : 0, sentAt }
  }

  /** Send what waits now (after an attach, or a send): oldest first, one at a time, each conversation in order. */
  kick (): void {
    if (this.closed || this.closing) return
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    if (this.flushing !== undefined) { this.again = true; return }
    this.flushing = this.flushAll()
      .catch((err: Error) => { this.d.ctx.log.warn({ err: err.message }, 'outbox flush failed') })
      .finally(() => { this.flushing = undefined })
  }

  /** Flush until nothing new was asked for meanwhile (a send during a flush is taken by the same run, also while closing). */
  private async flushAll (): Promise<void> {
    do {
      this.again = false
      await this.flush()
    } while (this.again && !this.closed)
  }

  private async flush (): Promise<void> {
    // a conversation whose message could not go now keeps its order: its later messages wait too
    const blocked = new Set<string>()
    let retry = false
    for (const e of await this.disk.list()) {
      if (this.closed) return
      const conversation = e.entry.group ?? e.entry.to ?? ''
      if (blocked.has(conversation)) continue
      const o = await this.attempt(e)
      if (o.kind !== 'retry') continue
      blocked.add(conversation)
      retry = true
      // no node at all: nothing else goes either (retried on a timer and on the next attach)
      if (!this.d.attached()) break
    }
    if (retry) this.scheduleRetry()
    else this.retryMs = RETRY_MIN_MS
  }

  private scheduleRetry (): void {
    if (this.closing || this.retryTimer !== undefined) return
    const delay = this.retryMs
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2)
    this.retryTimer = setTimeout(() => { this.retryTimer = undefined; this.kick() }, delay)
    unrefTimer(this.retryTimer)
  }

  /** One attempt at one entry (shared with an attempt already under way); never throws. */
  private async attempt (e: StoredEntry): Promise<Outcome> {
    const running = this.inFlight.get(e.entry.id)
    if (running !== undefined) return await running
    const run = this.attemptNow(e).finally(() => { this.inFlight.delete(e.entry.id) })
    this.inFlight.set(e.entry.id, run)
    const o = await run
    if (o.kind !== 'retry') {
      for (const w of this.waiters.get(e.entry.id) ?? []) w(o)
      this.waiters.delete(e.entry.id)
    }
    return o
  }

  private async attemptNow (e: StoredEntry): Promise<Outcome> {
    const { ctx, events } = this.d
    // already sent (an attempt raced an earlier one), or gone
    if (!await this.disk.has(e.key).catch(() => false)) {
      const s = await getStatus(ctx.store, e.entry.id).catch(() => undefined)
      return s !== undefined && s.state !== 'queued' && s.state !== 'sending' && s.state !== 'failed' ? { kind: 'stored', replicas: s.storedOn, status: s } : { kind: 'failed', error: new RelaymeshError(ErrorCode.NotFound, `message ${e.entry.id} is no longer in the outbox`) }
    }
    try {
      const deliver = e.entry.group !== undefined ? this.d.deliverGroup : this.d.deliverDirect
      const r = await deliver(e.entry, [this.disk.delOp(e.key)], (s) => { events.emit([s]) })
      if (r.status !== undefined) events.emit([r.status])
      return { kind: 'stored', replicas: r.replicas, ...(r.status !== undefined ? { status: r.status } : {}) }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err))
      if (isFinal(error)) {
        await this.fail(e, error).catch((failErr: Error) => { ctx.log.warn({ err: failErr.message }, 'outbox entry not updated') })
        return { kind: 'failed', error }
      }
      await this.retryLater(e, error).catch((failErr: Error) => { ctx.log.warn({ err: failErr.message }, 'outbox entry not updated') })
      return { kind: 'retry', error }
    }
  }

  /** Not stored this time: counted, and its status back to queued. */
  private async retryLater (e: StoredEntry, error: Error): Promise<void> {
    const { ctx } = this.d
    ctx.log.debug({ id: e.entry.id, err: error.message }, 'message stays in the outbox')
    const status = await this.d.serial.run(async () => {
      if (!await this.disk.has(e.key)) return undefined
      e.entry = { ...e.entry, attempts: e.entry.attempts + 1, lastError: error.message }
      const ops: StoreOp[] = [this.disk.putOp(e.key, e.entry)]
      const s = await getStatus(ctx.store, e.entry.id)
      const back = s === undefined ? undefined : pendingAs(s, 'queued')
      if (back !== undefined) ops.push(statusOp(ctx.store, back))
      await ctx.store.batch(ops, { sync: true })
      return back
    })
    if (status !== undefined) this.d.events.emit([status])
  }

  /** It can never go: out of the outbox, status failed with the reason. */
  private async fail (e: StoredEntry, error: Error): Promise<void> {
    const { ctx } = this.d
    ctx.log.warn({ id: e.entry.id, err: error.message }, 'message cannot be sent; removed from the outbox')
    const status = await this.d.serial.run(async () => {
      const ops: StoreOp[] = [this.disk.delOp(e.key)]
      const s = await getStatus(ctx.store, e.entry.id)
      const failed = s === undefined ? undefined : pendingAs(s, 'failed', { error: error.message })
      if (failed !== undefined) ops.push(statusOp(ctx.store, failed))
      await ctx.store.batch(ops, { sync: true })
      return failed
    })
    if (status !== undefined) this.d.events.emit([status])
  }

  /** Closing: no new attempts; while attached, what is being sent now may finish (bounded: a line typed just before /quit still goes). */
  async close (): Promise<void> {
    this.closing = true
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    if ((this.inFlight.size > 0 || this.flushing !== undefined) && this.d.attached()) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        Promise.allSettled([this.flushing, ...this.inFlight.values()]),
        new Promise((resolve) => { timer = setTimeout(resolve, CLOSE_WAIT_MS) })
      ])
      clearTimeout(timer)
    }
    this.closed = true
  }
}
