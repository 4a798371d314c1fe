// Writing length-prefixed frames to a stream, for every relaymesh protocol,
// node and client side. `FrameSink` is the part of a stream the writers use
// (a libp2p Stream has it); no libp2p import here.
import { Uint8ArrayList } from 'uint8arraylist'
import { ErrorCode, RelaymeshError } from './errors.js'
import { varint } from './framing.js'

export interface FrameSink {
  /** false: the stream's send buffer is full, wait for onDrain() */
  send: (data: Uint8Array | Uint8ArrayList) => boolean
  onDrain: (options?: { signal?: AbortSignal }) => Promise<void>
}

/** A duplex byte stream as the request/response plumbing sees it (a libp2p Stream is one). */
export interface FrameStream extends FrameSink, AsyncIterable<Uint8Array | Uint8ArrayList> {
  abort: (err: Error) => void
  close: (options?: { signal?: AbortSignal }) => Promise<void>
  pause?: () => void
  resume?: () => void
  readonly status?: string
  readonly writeStatus?: string
  /** bytes the stream buffers unread before it resets itself (a libp2p stream has it) */
  maxReadBufferLength?: number
}

/** what a refused stream may still receive (unread) before it resets */
const REFUSED_READ_BUFFER_BYTES = 64 * 1024

/**
 * Refuse a stream without reading it: send `reply` (a typed error answer), close our side,
 * and reset the stream if the peer sends more than a little or has not closed within `lingerMs`.
 */
export async function refuseStream (stream: FrameStream, reply: Uint8Array | undefined, err: Error, lingerMs: number): Promise<void> {
  if (stream.maxReadBufferLength !== undefined) stream.maxReadBufferLength = REFUSED_READ_BUFFER_BYTES
  const signal = AbortSignal.timeout(lingerMs)
  try {
    if (reply !== undefined) await writeFrame(stream, reply, signal)
    await stream.close({ signal })
  } catch {
    stream.abort(err)
    return
  }
  const timer = setTimeout(() => { stream.abort(err) }, lingerMs)
  if (typeof timer === 'object' && 'unref' in timer) timer.unref()
}

const later: (fn: () => void) => void = typeof setImmediate === 'function'
  ? (fn) => { setImmediate(fn) }
  : (fn) => { setTimeout(fn, 0) }

/** Write one frame and wait until the stream took it. Failures: Timeout when `signal` fired, else Unavailable. */
export async function writeFrame (sink: FrameSink, frame: Uint8Array, signal: AbortSignal): Promise<void> {
  try {
    if (signal.aborted) throw new Error('aborted')
    if (!sink.send(new Uint8ArrayList(varint(frame.byteLength), frame))) await sink.onDrain({ signal })
  } catch (err) {
    if (RelaymeshError.is(err)) throw err
    throw new RelaymeshError(signal.aborted ? ErrorCode.Timeout : ErrorCode.Unavailable, `writing a frame failed: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * Writes length-prefixed frames, coalescing those written in the same turn
 * of the event loop into one send(); waits for 'drain' when the stream's
 * send buffer is full (frames queue meanwhile: `backlog` tells callers how
 * many, so that they bound it).
 */
export class FrameWriter {
  private queue: Uint8Array[] = []
  private queuedFrames = 0
  private scheduled = false
  private draining = false
  private idle: Array<() => void> = []

  constructor (private readonly sink: FrameSink, private readonly onError: (err: Error) => void) {}

  write (frame: Uint8Array): void {
    this.queue.push(varint(frame.byteLength), frame)
    this.queuedFrames++
    if (!this.scheduled && !this.draining) {
      this.scheduled = true
      later(this.flush)
    }
  }

  /** frames written but not yet handed to the stream */
  get backlog (): number {
    return this.queuedFrames
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
      this.queuedFrames = 0
      try {
        if (!this.sink.send(list)) {
          this.draining = true
          this.sink.onDrain().then(() => { this.draining = false; this.flush() }, (err: Error) => { this.fail(err) })
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
    this.queuedFrames = 0
    const waiting = this.idle
    this.idle = []
    for (const resolve of waiting) resolve()
    this.onError(err)
  }
}
