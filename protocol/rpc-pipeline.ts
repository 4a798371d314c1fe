// One request/response plumbing for node and client: pipelined requests
// over one long-lived stream (/relaymesh/replica/1.1.0, /relaymesh/client/1.1.0).
// Many requests travel on one stream, each tagged with a request id that its
// response echoes; responses may come back in any order. Frames written in
// the same turn of the event loop leave in one send(). Every read goes
// through protocol/frame-reader.ts (bounded prefix, frame and idle time
// bounds); every queue is bounded (pending requests per stream, answers not
// yet handed to the stream). I/O-free: it works on the FrameStream interface
// (protocol/frame-writer.ts), which a libp2p Stream satisfies.
import { ErrorCode, RelaymeshError } from './errors.js'
import { FrameReader, type ByteBudget } from './frame-reader.js'
import { FrameWriter, refuseStream, type FrameStream } from './frame-writer.js'
import { SharedDeadline } from './deadline.js'

export interface PipelineServeOptions {
  maxFrameBytes: number
  /** requests answered at once on one stream (answers not yet handed to the stream count too); the stream is not read further meanwhile */
  maxPending: number
  /** bytes of request frames being answered at once on one stream; the stream is not read further meanwhile @default 4 x maxFrameBytes */
  maxPendingBytes?: number
  /** per request (requests arriving within 1% of it share one timeout signal: protocol/deadline.ts) */
  timeoutMs: number
  /** a started request frame must be whole within this, ms @default timeoutMs */
  frameTimeoutMs?: number
  /** the stream is closed after this long with no byte and nothing pending, ms @default no bound */
  idleTimeoutMs?: number
  /** the bytes the reader holds are taken from this budget (the connection's) @default no budget */
  budget?: ByteBudget
  shutdown: AbortSignal
  /** checked before anything is read: an error refuses the stream (answered with unreadable(err), then reset) */
  admit?: () => RelaymeshError | undefined
  /** answer one request frame (echoing its request id); must not throw */
  answer: (frame: Uint8Array, signal: AbortSignal) => Promise<Uint8Array>
  /** the answer to a frame that could not be read (oversized, timed out), sent before the stream is reset */
  unreadable: (err: RelaymeshError) => Uint8Array | undefined
  onError: (err: Error) => void
}

/**
 * Serve one pipelined stream until the remote closes it (then finish the
 * pending answers and close). On shutdown it stops taking requests, answers
 * the pending ones (their signals have fired) and closes the stream.
 */
export async function servePipelined (stream: FrameStream, options: PipelineServeOptions): Promise<void> {
  const closed = new AbortController()
  const writer = new FrameWriter(stream, (err) => { closed.abort(); stream.abort(err) })
  const refusal = options.admit?.()
  if (refusal !== undefined) {
    await refuseStream(stream, options.unreadable(refusal), refusal, options.frameTimeoutMs ?? options.timeoutMs)
    options.onError(refusal)
    return
  }
  const deadlines = new SharedDeadline(options.timeoutMs, closed.signal)
  const maxPendingBytes = options.maxPendingBytes ?? 4 * options.maxFrameBytes
  let pending = 0
  let pendingBytes = 0
  let waiters: Array<() => void> = []
  const reader = new FrameReader(stream, {
    maxFrameBytes: options.maxFrameBytes,
    frameTimeoutMs: options.frameTimeoutMs ?? options.timeoutMs,
    ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    busy: () => pending > 0 || writer.backlog > 0
  })
  const settled = (bytes: number): void => {
    pending--
    pendingBytes -= bytes
    const w = waiters
    waiters = []
    for (const resolve of w) resolve()
  }
  const below = async (n: number): Promise<void> => {
    while (pending >= n || (pending > 0 && pendingBytes >= maxPendingBytes)) await new Promise<void>((resolve) => { waiters.push(resolve) })
    // answers the remote does not take stay bounded too
    while (writer.backlog >= n && !closed.signal.aborted) await writer.flushed()
  }
  const finish = async (): Promise<void> => {
    await below(1)
    await writer.flushed()
    await stream.close({ signal: AbortSignal.timeout(options.timeoutMs) })
  }
  const onShutdown = (): void => {
    closed.abort()
    reader.close()
    finish().catch(() => {}).finally(() => { stream.abort(new Error('the node is shutting down')) })
  }
  options.shutdown.addEventListener('abort', onShutdown, { once: true })
  if (options.shutdown.aborted) onShutdown()
  try {
    for (;;) {
      await below(options.maxPending)
      if (closed.signal.aborted) break
      let frame: Uint8Array | undefined
      try {
        frame = await reader.next()
      } catch (err) {
        if (closed.signal.aborted) break
        const reply = RelaymeshError.is(err) ? options.unreadable(err) : undefined
        if (reply !== undefined) { writer.write(reply); await writer.flushed() }
        throw err
      }
      if (frame === undefined) {
        // the remote closed its side: answer what is pending, then close ours
        if (!closed.signal.aborted) await finish()
        break
      }
      pending++
      const bytes = frame.byteLength
      pendingBytes += bytes
      options.answer(frame, deadlines.signal()).then((reply) => { writer.write(reply) }, (err: Error) => { options.onError(err) }).finally(() => { settled(bytes) })
    }
  } catch (err) {
    options.onError(err as Error)
    stream.abort(err as Error)
  } finally {
    closed.abort()
    reader.close()
    options.shutdown.removeEventListener('abort', onShutdown)
  }
}

export interface PipelinedChannelOptions<R> {
  /** a response frame that started must be whole within this, ms @default 10 s */
  frameTimeoutMs?: number
  /** the channel stops taking requests (usable = false) and closes once idle this long, ms @default 60 s (servers close idle streams later) */
  idleCloseMs?: number
  /** the error for a response with request id 0 (the peer could not read a request) @default ErrorCode.Decode */
  unreadable?: (response: R) => RelaymeshError
}

export const CHANNEL_FRAME_TIMEOUT_MS = 10_000
export const CHANNEL_IDLE_CLOSE_MS = 60_000

interface Waiter<R> {
  resolve: (r: R) => void
  reject: (e: Error) => void
}

/**
 * The requesting side of a pipelined stream. `decode` reads a response frame
 * (bounded, typed errors) and returns it with its request id; a response
 * with id 0 (the peer could not read a frame) or an undecodable one fails
 * the whole stream, as does the stream closing.
 */
export class PipelinedChannel<R extends { requestId: number }> {
  private nextId = 1
  private readonly pending = new Map<number, Waiter<R>>()
  private readonly writer: FrameWriter
  private readonly reader: FrameReader
  private failure: RelaymeshError | undefined
  private lastUsed = Date.now()
  private readonly idleCloseMs: number
  private idleTimer: ReturnType<typeof setTimeout> | undefined

  constructor (readonly stream: FrameStream, maxFrameBytes: number, private readonly decode: (frame: Uint8Array) => R, private readonly what: string,
    private readonly options: PipelinedChannelOptions<R> = {}) {
    this.idleCloseMs = options.idleCloseMs ?? CHANNEL_IDLE_CLOSE_MS
    this.writer = new FrameWriter(stream, (err) => { this.fail(err) })
    this.reader = new FrameReader(stream, { maxFrameBytes, frameTimeoutMs: options.frameTimeoutMs ?? CHANNEL_FRAME_TIMEOUT_MS })
    void this.read()
    this.armIdle()
  }

  /** an idle channel closes itself once idleCloseMs have passed with nothing pending (so that an idle connection holds no stream) */
  private armIdle (): void {
    if (this.idleTimer !== undefined || this.failure !== undefined) return
    const due = this.lastUsed + this.idleCloseMs - Date.now()
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined
      if (this.failure !== undefined) return
      if (this.pending.size === 0 && Date.now() - this.lastUsed >= this.idleCloseMs) this.closeIdle()
      else this.armIdle()
    }, Math.max(due, 0) + 1)
    if (typeof this.idleTimer === 'object' && 'unref' in this.idleTimer) this.idleTimer.unref()
  }

  /** requests awaiting their response */
  get load (): number { return this.pending.size }

  /** open and not idle for too long (an idle channel closes itself here, before the server's idle bound could race a request) */
  get usable (): boolean {
    if (this.failure !== undefined || this.stream.status !== 'open' || this.stream.writeStatus !== 'writable') return false
    if (this.pending.size === 0 && Date.now() - this.lastUsed > this.idleCloseMs) {
      this.closeIdle()
      return false
    }
    return true
  }

  /** Send a request built with its id; resolves with the response or rejects (Timeout when `signal` fires, Unavailable when the stream fails). */
  async request (build: (id: number) => Uint8Array, signal: AbortSignal): Promise<R> {
    if (this.failure !== undefined) throw this.failure
    if (signal.aborted) throw new RelaymeshError(ErrorCode.Timeout, `${this.what}: timed out`)
    this.lastUsed = Date.now()
    const id = this.nextId
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1
    const frame = build(id)
    return await new Promise<R>((resolve, reject) => {
      const onAbort = (): void => {
        // a late response to this id is dropped
        this.pending.delete(id)
        reject(new RelaymeshError(ErrorCode.Timeout, `${this.what}: timed out`))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, {
        resolve: (r) => { signal.removeEventListener('abort', onAbort); resolve(r) },
        reject: (e) => { signal.removeEventListener('abort', onAbort); reject(e) }
      })
      this.writer.write(frame)
    })
  }

  /** fail the pending requests and reset the stream */
  close (err?: Error): void {
    this.fail(err ?? new Error('closed'))
  }

  private closeIdle (): void {
    if (this.failure !== undefined) return
    const err = new RelaymeshError(ErrorCode.Unavailable, `${this.what}: closed after ${this.idleCloseMs} ms idle`)
    this.failure = err
    this.reader.close(err)
    this.stream.close().catch(() => { this.stream.abort(err) })
  }

  private async read (): Promise<void> {
    try {
      for (;;) {
        const frame = await this.reader.next()
        if (frame === undefined) throw new Error('stream closed by the peer')
        const res = this.decode(frame)
        this.lastUsed = Date.now()
        const waiter = this.pending.get(res.requestId)
        if (waiter === undefined) {
          if (res.requestId === 0) throw this.options.unreadable?.(res) ?? new RelaymeshError(ErrorCode.Decode, `${this.what}: the peer could not read a request`)
          continue // the answer to a request that timed out
        }
        this.pending.delete(res.requestId)
        waiter.resolve(res)
      }
    } catch (err) {
      this.fail(err as Error)
    }
  }

  private fail (err: Error): void {
    if (this.failure !== undefined) return
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
    this.failure = RelaymeshError.is(err) && err.code !== ErrorCode.Timeout
      ? err
      : new RelaymeshError(ErrorCode.Unavailable, `${this.what}: ${err.message}`, { cause: err })
    for (const w of this.pending.values()) w.reject(this.failure)
    this.pending.clear()
    this.reader.close(this.failure)
    this.stream.abort(err)
  }
}
