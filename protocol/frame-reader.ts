// The one frame reader of every relaymesh stream protocol, node and client
// side: length-prefixed frames off any async-iterable byte source, bounded
// in bytes and in time.
// - Bytes: a length prefix over the limit is refused while the varint is
//   still being read (protocol/framing.ts FrameDecoder); at most one partial
//   frame plus `maxQueuedBytes` of whole frames are held; past that the
//   source is paused (libp2p streams then buffer at most their
//   maxReadBufferLength and reset beyond it).
// - Time: every read() takes a deadline signal; a started frame must
//   complete within `frameTimeoutMs`; a long-lived stream may stay silent
//   (nothing buffered, nothing pending) for at most `idleTimeoutMs`.
// - Budget: with a ByteBudget, every byte held (partial frame and queued
//   whole frames) is taken from it first; a reader that cannot take what it
//   holds fails with QuotaExceeded (the node's budget per connection and in
//   all: node/inbound-budget.ts).
// Errors are RelaymeshError: TooLarge (prefix over the limit), Timeout,
// Decode (the stream ended inside a frame or before an expected one),
// Unavailable (the source failed, e.g. a reset).
// Pure: no I/O, no libp2p; one timer per reader, re-armed only when it fires.
import type { Uint8ArrayList } from 'uint8arraylist'
import { ErrorCode, RelaymeshError } from './errors.js'
import { FrameDecoder } from './framing.js'

/** What the reader needs of a stream: its chunks, and (optionally) a way to stop them arriving. */
export interface FrameSource extends AsyncIterable<Uint8Array | Uint8ArrayList> {
  pause?: () => void
  resume?: () => void
  /** bytes a paused source may buffer before it resets (a libp2p stream has it): the reader lowers it to its own bound */
  maxReadBufferLength?: number
}

/** what a paused source may buffer beyond one whole frame before it resets */
export const READ_AHEAD_BYTES = 64 * 1024

export interface FrameReaderOptions {
  /** largest frame accepted, bytes */
  maxFrameBytes: number
  /** a frame whose first byte arrived must be whole within this, ms @default no bound (per-read deadlines only) */
  frameTimeoutMs?: number
  /** with no partial frame held, fail after this long without a byte, ms @default no bound */
  idleTimeoutMs?: number
  /** while it returns true the stream is not idle (e.g. requests are being answered) */
  busy?: () => boolean
  /** whole frames decoded ahead of read() before the source is paused, bytes @default maxFrameBytes */
  maxQueuedBytes?: number
  /** every byte held is taken from this budget first; none left: QuotaExceeded @default no budget */
  budget?: ByteBudget
}

/**
 * Bytes that many readers share (one connection's streams, a whole node):
 * take() succeeds only while it and every parent have room.
 */
export class ByteBudget {
  private used = 0

  constructor (readonly limit: number, private readonly parent?: ByteBudget) {}

  take (n: number): boolean {
    if (this.used + n > this.limit) return false
    if (this.parent !== undefined && !this.parent.take(n)) return false
    this.used += n
    return true
  }

  give (n: number): void {
    const back = Math.min(n, this.used)
    this.used -= back
    this.parent?.give(back)
  }

  get inUse (): number {
    return this.used
  }
}

/** whole frames decoded ahead of read(), at most (empty frames cost no bytes but do cost memory) */
const MAX_QUEUED_FRAMES = 1024

interface Waiter {
  resolve: () => void
}

export class FrameReader {
  private readonly decoder: FrameDecoder
  private readonly queue: Uint8Array[] = []
  private queuedBytes = 0
  private ended = false
  private failure: RelaymeshError | undefined
  private pumping = false
  private paused = false
  private waiter: Waiter | undefined
  private space: (() => void) | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private frameStartedAt = 0
  private lastByteAt = Date.now()
  private iterator: AsyncIterator<Uint8Array | Uint8ArrayList> | undefined
  private readonly maxQueuedBytes: number
  /** bytes taken from options.budget, given back as frames are read and when the reader stops */
  private charged = 0

  constructor (private readonly source: FrameSource, private readonly options: FrameReaderOptions) {
    this.decoder = new FrameDecoder(options.maxFrameBytes)
    this.maxQueuedBytes = options.maxQueuedBytes ?? options.maxFrameBytes
    const bound = options.maxFrameBytes + READ_AHEAD_BYTES
    if (source.maxReadBufferLength !== undefined && source.maxReadBufferLength > bound) source.maxReadBufferLength = bound
  }

  /** The next frame; a clean end of the stream before it is ErrorCode.Decode. */
  async read (signal?: AbortSignal): Promise<Uint8Array> {
    const frame = await this.next(signal)
    if (frame === undefined) throw new RelaymeshError(ErrorCode.Decode, 'the stream ended before a frame')
    return frame
  }

  /** The next frame, or undefined when the stream ended cleanly between frames. */
  async next (signal?: AbortSignal): Promise<Uint8Array | undefined> {
    this.start()
    for (;;) {
      const frame = this.queue.shift()
      if (frame !== undefined) {
        this.queuedBytes -= frame.byteLength
        this.charge()
        this.makeSpace()
        return frame
      }
      if (this.failure !== undefined) throw this.failure
      if (this.ended) return undefined
      if (signal?.aborted === true) throw timeout('timed out waiting for a frame')
      await this.wait(signal)
    }
  }

  /** Stop reading: the pending read (if any) fails, timers are cleared. The caller closes or aborts the stream. */
  close (err?: RelaymeshError): void {
    this.fail(err ?? new RelaymeshError(ErrorCode.Unavailable, 'the frame reader was closed'))
  }

  /** bytes held: the partial frame and whole frames not yet read */
  get heldBytes (): number {
    return this.decoder.buffered + this.queuedBytes
  }

  private start (): void {
    if (this.pumping) return
    this.pumping = true
    this.arm()
    void this.pump()
  }

  private async pump (): Promise<void> {
    try {
      this.iterator = this.source[Symbol.asyncIterator]()
      for (;;) {
        if (this.full()) {
          // the consumer is behind: stop the source instead of buffering without bound
          if (this.source.pause !== undefined && !this.paused) { this.paused = true; this.source.pause() }
          await new Promise<void>((resolve) => { this.space = resolve })
          if (this.failure !== undefined) return
        }
        const r = await this.iterator.next()
        if (this.failure !== undefined) return
        if (r.done === true) {
          if (this.decoder.buffered > 0) throw new RelaymeshError(ErrorCode.Decode, `the stream ended inside a frame (${this.decoder.buffered} bytes of it read)`)
          this.ended = true
          this.charge()
          this.stopTimer()
          this.wake()
          return
        }
        const now = Date.now()
        const before = this.decoder.buffered
        const frames = this.decoder.push(r.value)
        for (const frame of frames) {
          this.queue.push(frame)
          this.queuedBytes += frame.byteLength
        }
        if (!this.charge()) {
          throw new RelaymeshError(ErrorCode.QuotaExceeded, `inbound frame memory budget exhausted (${this.options.budget?.limit ?? 0} bytes): stream refused`)
        }
        this.lastByteAt = now
        // a frame started in this chunk (after a gap, or right after one that ended): its clock starts now
        if (this.decoder.buffered > 0 && (before === 0 || frames.length > 0)) this.frameStartedAt = now
        this.wake()
      }
    } catch (err) {
      this.fail(RelaymeshError.is(err) ? err : new RelaymeshError(ErrorCode.Unavailable, `the stream failed: ${(err as Error)?.message ?? String(err)}`, { cause: err }))
    }
  }

  private async wait (signal?: AbortSignal): Promise<void> {
    await new Promise<void>((resolve) => {
      const onAbort = (): void => { done() }
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort)
        if (this.waiter === w) this.waiter = undefined
        resolve()
      }
      const w: Waiter = { resolve: done }
      this.waiter = w
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  private wake (): void {
    this.waiter?.resolve()
  }

  /** whole frames held ahead of read(): bounded in bytes and (for empty frames) in number */
  private full (): boolean {
    return this.queue.length > 0 && (this.queuedBytes >= this.maxQueuedBytes || this.queue.length >= MAX_QUEUED_FRAMES)
  }

  private makeSpace (): void {
    if (this.full()) return
    if (this.paused) { this.paused = false; this.source.resume?.() }
    const s = this.space
    this.space = undefined
    s?.()
  }

  /** Bring what is taken from the budget to what is held (the queue once ended or failed); false when the budget has no room. */
  private charge (): boolean {
    const budget = this.options.budget
    if (budget === undefined) return true
    const held = this.failure !== undefined ? 0 : this.heldBytes
    if (held > this.charged) {
      if (!budget.take(held - this.charged)) return false
      this.charged = held
    } else if (held < this.charged) {
      budget.give(this.charged - held)
      this.charged = held
    }
    return true
  }

  private fail (err: RelaymeshError): void {
    if (this.failure !== undefined) return
    this.failure = err
    this.charge()
    this.stopTimer()
    this.wake()
    const s = this.space
    this.space = undefined
    s?.()
    // release the source's listeners once its pending next() settles (the caller aborts the stream)
    void this.iterator?.return?.()?.catch(() => {})
  }

  // ---- time bounds: one timer, re-armed from the state it finds when it fires

  private arm (): void {
    const { frameTimeoutMs, idleTimeoutMs } = this.options
    if (frameTimeoutMs === undefined && idleTimeoutMs === undefined) return
    const ms = Math.min(frameTimeoutMs ?? Infinity, idleTimeoutMs ?? Infinity)
    this.timer = setTimeout(this.check, ms)
    unref(this.timer)
  }

  private stopTimer (): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  private readonly check = (): void => {
    this.timer = undefined
    if (this.failure !== undefined || this.ended) return
    const { frameTimeoutMs, idleTimeoutMs } = this.options
    const now = Date.now()
    let due = Infinity
    if (this.decoder.buffered > 0 && frameTimeoutMs !== undefined) {
      due = this.frameStartedAt + frameTimeoutMs
      if (now >= due) { this.fail(timeout(`a frame did not complete within ${frameTimeoutMs} ms`)); return }
    } else if (idleTimeoutMs !== undefined) {
      if (this.options.busy?.() === true || this.queue.length > 0) this.lastByteAt = now
      due = this.lastByteAt + idleTimeoutMs
      if (now >= due) { this.fail(timeout(`the stream was idle for ${idleTimeoutMs} ms`)); return }
    }
    const next = Math.min(due - now, frameTimeoutMs ?? Infinity, idleTimeoutMs ?? Infinity)
    this.timer = setTimeout(this.check, Math.max(1, next))
    unref(this.timer)
  }
}

function timeout (message: string): RelaymeshError {
  return new RelaymeshError(ErrorCode.Timeout, message)
}

function unref (timer: ReturnType<typeof setTimeout>): void {
  // Node.js timers must not keep a process alive for a stream's sake; browsers return a number
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) (timer as { unref: () => void }).unref()
}
