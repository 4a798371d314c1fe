// One direction of one SlowLink connection (scripts/sim/slow-link.ts):
// src -> queue -> dst. Each chunk is queued with the release time the link
// gives it and released when that time has come and every chunk ahead of it
// is out, paced to the link's rate, and the source is paused while the queue
// holds more than maxPending bytes.
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

/** What a lane asks of its link. */
export interface LaneLink {
  bytesPerSecond: number | undefined
  /** how long a chunk of `bytes` arriving now is held (delay, jitter, loss) */
  holdFor: (bytes: number) => number
}

/** the token bucket holds at most this share of a second's worth of bytes */
const BURST_SECONDS = 0.05

interface Held {
  chunk: Buffer
  releaseAt: number
}

/** One direction of one connection: src -> queue -> dst. */
export class Lane {
  private readonly queue: Held[] = []
  private pending = 0
  private timer: NodeJS.Timeout | undefined
  private waitingForDrain = false
  private srcEnded = false
  private tokens = 0
  private refilledAt = performance.now()
  private closed = false

  constructor (private readonly link: LaneLink, private readonly src: Socket, private readonly dst: Socket, private readonly maxPending: number) {
    src.on('data', (chunk: Buffer) => { this.take(chunk) })
    src.on('end', () => { this.srcEnded = true; this.pump() })
    dst.on('drain', () => { this.waitingForDrain = false; this.pump() })
  }

  get pendingBytes (): number { return this.pending }

  private take (chunk: Buffer): void {
    if (this.closed) return
    // a FIFO released from its head only: a chunk held less than the one ahead of it waits for it (order kept)
    this.queue.push({ chunk, releaseAt: performance.now() + this.link.holdFor(chunk.byteLength) })
    this.pending += chunk.byteLength
    if (this.pending > this.maxPending) this.src.pause()
    this.pump()
  }

  /** Settings changed: re-evaluate the head of the queue now (a lower rate or delay may release sooner). */
  poke (): void {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined }
    this.pump()
  }

  stop (): void {
    this.closed = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.queue.length = 0
  }

  private pump (): void {
    if (this.closed || this.timer !== undefined || this.waitingForDrain) return
    while (this.queue.length > 0) {
      const head = this.queue[0] as Held
      const now = performance.now()
      if (head.releaseAt > now) { this.wait(head.releaseAt - now); return }
      let piece = head.chunk
      const rate = this.link.bytesPerSecond
      if (rate !== undefined && rate > 0) {
        const burst = Math.max(1, rate * BURST_SECONDS)
        this.tokens = Math.min(burst, this.tokens + (now - this.refilledAt) * rate / 1000)
        this.refilledAt = now
        if (this.tokens < 1) { this.wait((1 - this.tokens) * 1000 / rate); return }
        const n = Math.min(piece.byteLength, Math.floor(this.tokens))
        this.tokens -= n
        if (n < piece.byteLength) {
          head.chunk = piece.subarray(n)
          piece = piece.subarray(0, n)
        } else {
          this.queue.shift()
        }
      } else {
        this.queue.shift()
      }
      this.pending -= piece.byteLength
      if (this.pending <= this.maxPending / 2 && this.src.isPaused()) this.src.resume()
      if (this.dst.destroyed) return
      if (!this.dst.write(piece)) { this.waitingForDrain = true; return }
    }
    if (this.srcEnded && !this.dst.destroyed) this.dst.end()
  }

  private wait (ms: number): void {
    // timers may fire a little early: pump() checks the clock again and waits for the rest
    this.timer = setTimeout(() => { this.timer = undefined; this.pump() }, Math.max(1, Math.ceil(ms)))
  }
}
