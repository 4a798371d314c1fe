// Files that expire (docs/protocol.md §8b): a received
// file whose manifest names an expiry gets a record (PREFIX.fileExpiry, in
// the same batch as its history entry). The sweep deletes each file due (the
// saved copy in downloads; a file missing already is fine), marks its
// history entry expired, and drops the record, in one synced batch.
// (Deleting is client/platform/file-io.ts: a file on Node, records in a browser.) It runs
// when the client opens, on every attach, and from a timer while the client
// runs (at the soonest expiry, at least every FILE_EXPIRY_CHECK_MS).
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { PREFIX } from '../store/keys.js'
import { parseJson, type StoreOp } from '../store/sealed-store.js'
import type { Serial } from '../util/serial.js'
import { removeReceivedFile } from '../platform/file-io.js'
import { FILE_EXPIRY_CHECK_MS } from './constants.js'
import type { FileMessage } from './types.js'
import { unrefTimer } from '../util/timers.js'

/** what an expiry record holds (sealed JSON) */
interface ExpiryRecord {
  v: 1
  /** ms since epoch */
  at: number
  /** the message: its sender and id (its history entry is found by them) */
  from: string
  id: string
  /** the saved file */
  path: string
}

/** The op that schedules the deletion of a received file (with the batch that stores its message). */
export function expiryOp (ctx: MessagingContext, m: FileMessage): StoreOp | undefined {
  const at = m.file?.expiresAt
  if (m.file === undefined || at === undefined || at <= 0) return undefined
  const record: ExpiryRecord = { v: 1, at, from: m.from, id: m.id, path: m.file.path }
  return ctx.store.jsonOp(PREFIX.fileExpiry + ctx.store.name(m.id), record)
}

/** The text a history entry of an expired file shows. */
export function expiredText (name: string, size: number): string {
  return `[file] ${name} (${size} bytes), expired`
}

export class FileExpiry {
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private running: Promise<number> | undefined
  private stopped = false

  constructor (private readonly ctx: MessagingContext, private readonly serial: Serial) {}

  /** Sweep now, then keep a timer for the next expiry. */
  start (): void {
    this.kick()
  }

  /** New messages were stored: a file among them that expires sooner than the timer moves it. */
  noticed (stored: Array<{ message: StoredMessage }>): void {
    for (const { message } of stored) {
      const at = (message as FileMessage).file?.expiresAt
      if (at !== undefined && at > 0 && at < this.timerAt) this.arm(at)
    }
  }

  /** Run a sweep (one at a time) and re-arm the timer; errors are logged, never thrown. */
  kick (): void {
    if (this.stopped) return
    this.sweep().catch((err: Error) => { this.ctx.log.warn({ err: err.message }, 'expired files not swept; tried again later') })
  }

  /** Delete every file due; returns how many. */
  async sweep (): Promise<number> {
    if (this.running !== undefined) return await this.running
    this.running = this.sweepOnce().finally(() => { this.running = undefined })
    return await this.running
  }

  stop (): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** Wait for a sweep in progress (before the store closes). */
  async settled (): Promise<void> {
    await this.running?.catch(() => {})
  }

  private async sweepOnce (): Promise<number> {
    const { ctx } = this
    const now = ctx.now()
    const due: Array<[string, ExpiryRecord]> = []
    let next = Infinity
    for await (const [key, raw] of ctx.store.range(PREFIX.fileExpiry)) {
      const r = parseJson<ExpiryRecord>(key, raw)
      if (r.at <= now) due.push([key, r])
      else next = Math.min(next, r.at)
    }
    if (due.length > 0) {
      for (const [, r] of due) {
        await removeReceivedFile(ctx.store, r.path)
      }
      await this.serial.run(async () => {
        const ops: StoreOp[] = []
        for (const [key, r] of due) {
          ops.push({ type: 'del', key })
          const found = await ctx.messages.find(r.from, r.id)
          const file = (found?.message as FileMessage | undefined)?.file
          if (found === undefined || file === undefined) continue
          const m: FileMessage = { ...found.message, text: expiredText(file.name, file.size), file: { ...file, expired: true } }
          ops.push(ctx.messages.replaceOp(found.seq, m))
        }
        await ctx.store.batch(ops, { sync: true })
      })
      ctx.log.info({ files: due.length }, 'expired files deleted')
    }
    this.arm(next)
    return due.length
  }

  private arm (at: number): void {
    if (this.stopped) return
    clearTimeout(this.timer)
    const delay = Math.max(0, Math.min(at - this.ctx.now(), FILE_EXPIRY_CHECK_MS))
    this.timerAt = at
    this.timer = setTimeout(() => { this.timerAt = Infinity; this.kick() }, delay)
    unrefTimer(this.timer)
  }
}
