// Pipelined request/response over one long-lived libp2p stream: the
// transport of /relaymesh/replica/1.1.0 and /relaymesh/client/1.1.0. Many
// requests travel on one stream, each tagged with a request id that its
// response echoes; responses may come back in any order. Compared with one
// stream per request this saves the stream setup (yamux SYN/FIN, a
// multistream-select round trip) and most per-request allocations, and
// frames written in the same turn of the event loop leave in one send().
// Frames are unsigned-varint length-prefixed, each at most maxFrameBytes:
// a longer prefix ends the stream (bounded memory: at most one partial frame
// is buffered). The frame decoder is pure and shared with the client: protocol/framing.ts.
import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { FrameDecoder, varint } from '../../protocol/framing.js'
import { SharedDeadline } from './deadline.js'

/**
 * Writes length-prefixed frames, coalescing those written in the same turn
 * of the event loop into one send(); waits for 'drain' when the stream's
 * send buffer is full (frames queue meanwhile: callers bound how many).
 */
export class FrameWriter {
  private queue: Uint8Array[] = []
  private scheduled = false
  private draining = false
  private idle: Array<() => void> = []

  constructor (private readonly stream: Stream, private readonly onError: (err: Error) => void) {}

  write (frame: Uint8Array): void {
    this.queue.push(varint(frame.byteLength), frame)
    if (!this.scheduled && !this.draining) {
      this.scheduled = true
      setImmediate(this.flush)
    }
  }

  /** resolves once everything written so far was handed to the stream */
  async flushed (): Promise<void> {
    if (this.queue.length === 0 && !this.draining) return
    await new Promise<void>((resolve) => { this.idle.push(resolve) })
  }

  private readonly flush = (): void => {
    this.scheduled = false
    if (this.queue.length > 0) {
      const list = new Uint8ArrayList(...this.queue)
      this.queue = []
      try {
        if (!this.stream.send(list)) {
          this.draining = true
          this.stream.onDrain().then(() => { this.draining = false; this.flush() }, (err: Error) => { this.fail(err) })
          return
        }
      } catch (err) {
        this.fail(err as Error)
        return
      }
    }
    const waiting = this.idle
    this.idle = []
    for (const resolve of waiting) resolve()
  }

  private fail (err: Error): void {
    this.draining = false
    this.queue = []
    const waiting = this.idle
    this.idle = []
    for (const resolve of waiting) resolve()
    this.onError(err)
  }
}

export interface PipelineServeOptions {
  maxFrameBytes: number
  /** requests answered at once on one stream; the stream is not read further meanwhile */
  maxPending: number
  /** per request (requests arriving within 1% of it share one timeout signal: node/mailbox/deadline.ts) */
  timeoutMs: number
  shutdown: AbortSignal
  /** answer one request frame (echoing its request id); must not throw */
  answer: (frame: Uint8Array, signal: AbortSignal) => Promise<Uint8Array>
  /** the answer to a frame that could not be read (oversized), sent before the stream is reset */
  unreadable: (err: RelaymeshError) => Uint8Array | undefined
  onError: (err: Error) => void
}

/**
 * Serve one pipelined stream until the remote closes it (then finish the
 * pending answers and close). On shutdown it stops taking requests, answers
 * the pending ones (their signals have fired) and closes the stream.
 */
export async function servePipelined (stream: Stream, options: PipelineServeOptions): Promise<void> {
  const decoder = new FrameDecoder(options.maxFrameBytes)
  const closed = new AbortController()
  const deadlines = new SharedDeadline(options.timeoutMs, closed.signal)
  const writer = new FrameWriter(stream, (err) => { closed.abort(); stream.abort(err) })
  let pending = 0
  let waiters: Array<() => void> = []
  const settled = (): void => {
    pending--
    const w = waiters
    waiters = []
    for (const resolve of w) resolve()
  }
  const below = async (n: number): Promise<void> => {
    while (pending >= n) await new Promise<void>((resolve) => { waiters.push(resolve) })
  }
  const finish = async (): Promise<void> => {
    await below(1)
    await writer.flushed()
    await stream.close({ signal: AbortSignal.timeout(options.timeoutMs) })
  }
  const onShutdown = (): void => {
    closed.abort()
    finish().catch(() => {}).finally(() => { stream.abort(new Error('the node is shutting down')) })
  }
  options.shutdown.addEventListener('abort', onShutdown, { once: true })
  if (options.shutdown.aborted) onShutdown()
  try {
    for await (const chunk of stream) {
      let frames: Uint8Array[]
      try {
        frames = decoder.push(chunk)
      } catch (err) {
        const reply = RelaymeshError.is(err) ? options.unreadable(err) : undefined
        if (reply !== undefined) { writer.write(reply); await writer.flushed() }
        throw err
      }
      for (const frame of frames) {
        await below(options.maxPending)
        if (closed.signal.aborted) break
        pending++
        options.answer(frame, deadlines.signal()).then((reply) => { writer.write(reply) }, (err: Error) => { options.onError(err) }).finally(settled)
      }
    }
    // the remote closed its side: answer what is pending, then close ours
    if (!closed.signal.aborted) await finish()
  } catch (err) {
    options.onError(err as Error)
    stream.abort(err as Error)
  } finally {
    closed.abort()
    options.shutdown.removeEventListener('abort', onShutdown)
  }
}

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
  private failure: RelaymeshError | undefined

  constructor (readonly stream: Stream, private readonly maxFrameBytes: number, private readonly decode: (frame: Uint8Array) => R, private readonly what: string) {
    this.writer = new FrameWriter(stream, (err) => { this.fail(err) })
    void this.read()
  }

  /** requests awaiting their response */
  get load (): number { return this.pending.size }

  get usable (): boolean {
    return this.failure === undefined && this.stream.status === 'open' && this.stream.writeStatus === 'writable'
  }

  /** Send a request built with its id; resolves with the response or rejects (Timeout when `signal` fires, Unavailable when the stream fails). */
  async request (build: (id: number) => Uint8Array, signal: AbortSignal): Promise<R> {
    if (this.failure !== undefined) throw this.failure
    if (signal.aborted) throw new RelaymeshError(ErrorCode.Timeout, `${this.what}: timed out`)
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

  /** close our side once the pending requests are answered (the peer then closes) */
  close (err?: Error): void {
    this.fail(err ?? new Error('closed'))
  }

  private async read (): Promise<void> {
    const decoder = new FrameDecoder(this.maxFrameBytes)
    try {
      for await (const chunk of this.stream) {
        for (const frame of decoder.push(chunk)) {
          const res = this.decode(frame)
          const waiter = this.pending.get(res.requestId)
          if (waiter === undefined) {
            if (res.requestId === 0) throw new RelaymeshError(ErrorCode.Decode, `${this.what}: the peer could not read a request`)
            continue // the answer to a request that timed out
          }
          this.pending.delete(res.requestId)
          waiter.resolve(res)
        }
      }
      throw new Error('stream closed by the peer')
    } catch (err) {
      this.fail(err as Error)
    }
  }

  private fail (err: Error): void {
    if (this.failure !== undefined) return
    this.failure = RelaymeshError.is(err) && err.code !== ErrorCode.Timeout
      ? err
      : new RelaymeshError(ErrorCode.Unavailable, `${this.what}: ${err.message}`, { cause: err })
    for (const w of this.pending.values()) w.reject(this.failure)
    this.pending.clear()
    this.stream.abort(err)
  }
}
