// SlowLink: a TCP forwarder on 127.0.0.1 for the simulator's "slow links"
// fault. Every accepted connection is forwarded to 127.0.0.1:targetPort; each
// direction holds every chunk for delayMs after it arrived (order preserved)
// and optionally paces it to bytesPerSecond (token bucket). Settings change at
// run time; chunks already queued keep the release time they got on arrival.
// Buffering is bounded: a direction holding more than maxPendingBytes pauses
// its source socket until it has drained to half of that.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'

export interface SlowLinkSettings {
  /** each chunk is released this long after it arrived @default 0 */
  delayMs?: number
  /** pace each direction of each connection to this rate; undefined or 0: unpaced @default undefined */
  bytesPerSecond?: number
}

export interface SlowLinkInit extends SlowLinkSettings {
  /** the port connections are forwarded to, on 127.0.0.1 */
  targetPort: number
  /** the port to listen on, on 127.0.0.1; 0: any free port @default 0 */
  listenPort?: number
  /** bytes one direction may hold before its source is paused @default 8 MiB */
  maxPendingBytes?: number
}

const DEFAULT_MAX_PENDING = 8 * 1024 * 1024
/** the token bucket holds at most this share of a second's worth of bytes */
const BURST_SECONDS = 0.05

interface Held {
  chunk: Buffer
  releaseAt: number
}

/** One direction of one connection: src -> queue -> dst. */
class Lane {
  private readonly queue: Held[] = []
  private pending = 0
  private timer: NodeJS.Timeout | undefined
  private waitingForDrain = false
  private srcEnded = false
  private tokens = 0
  private refilledAt = performance.now()
  private closed = false

  constructor (private readonly link: SlowLink, private readonly src: Socket, private readonly dst: Socket, private readonly maxPending: number) {
    src.on('data', (chunk: Buffer) => { this.take(chunk) })
    src.on('end', () => { this.srcEnded = true; this.pump() })
    dst.on('drain', () => { this.waitingForDrain = false; this.pump() })
  }

  get pendingBytes (): number { return this.pending }

  private take (chunk: Buffer): void {
    if (this.closed) return
    this.queue.push({ chunk, releaseAt: performance.now() + this.link.delayMs })
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

export class SlowLink {
  delayMs: number
  bytesPerSecond: number | undefined
  /** connections accepted since open */
  accepted = 0
  private readonly sockets = new Set<Socket>()
  /** forwarded connections not yet closed, as [inbound, outbound] */
  private readonly pairs = new Set<Socket[]>()
  private readonly lanes = new Set<Lane>()
  private closing: Promise<void> | undefined

  private constructor (private readonly server: Server, private readonly init: SlowLinkInit) {
    this.delayMs = checkDelay(init.delayMs ?? 0)
    this.bytesPerSecond = checkRate(init.bytesPerSecond)
    server.on('connection', (socket) => { this.forward(socket) })
  }

  /** Listen on 127.0.0.1:listenPort and forward to 127.0.0.1:targetPort. */
  static async open (init: SlowLinkInit): Promise<SlowLink> {
    if (!Number.isInteger(init.targetPort) || init.targetPort < 1 || init.targetPort > 65535) throw new RangeError(`targetPort: expected 1-65535, got ${init.targetPort}`)
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true })
    const link = new SlowLink(server, init)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(init.listenPort ?? 0, '127.0.0.1', () => { server.off('error', reject); resolve() })
    })
    return link
  }

  /** the bound port */
  get port (): number { return (this.server.address() as AddressInfo).port }

  /** connections open now */
  get connections (): number { return this.pairs.size }

  /** bytes held in all directions (bounded by 2 × connections × maxPendingBytes plus one chunk each) */
  get pendingBytes (): number {
    let n = 0
    for (const l of this.lanes) n += l.pendingBytes
    return n
  }

  /** Change delay and/or rate; chunks that arrive from now on use the new delay, the rate applies at once. */
  set (settings: SlowLinkSettings): void {
    if (settings.delayMs !== undefined) this.delayMs = checkDelay(settings.delayMs)
    if ('bytesPerSecond' in settings) this.bytesPerSecond = checkRate(settings.bytesPerSecond)
    for (const l of this.lanes) l.poke()
  }

  /** Stop listening and end every forwarded connection; resolves when all are closed. */
  async close (): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => { this.server.close(() => { resolve() }) })
      for (const l of this.lanes) l.stop()
      await Promise.all([...this.sockets].map(async (s) => {
        if (s.closed) return
        // destroy, not resetAndDestroy: a reset that fails (a half-closed socket) never emits 'close'
        await new Promise<void>((resolve) => { s.once('close', () => { resolve() }); s.destroy() })
      }))
      await closed
    })()
    await this.closing
  }

  private forward (inbound: Socket): void {
    if (this.closing !== undefined) { inbound.destroy(); return }
    this.accepted++
    const outbound = createConnection({ host: '127.0.0.1', port: this.init.targetPort, allowHalfOpen: true })
    const max = this.init.maxPendingBytes ?? DEFAULT_MAX_PENDING
    const lanes = [new Lane(this, inbound, outbound, max), new Lane(this, outbound, inbound, max)]
    for (const l of lanes) this.lanes.add(l)
    const pair = [inbound, outbound]
    this.pairs.add(pair)
    const drop = (): void => { for (const l of lanes) { l.stop(); this.lanes.delete(l) } }
    for (const s of pair) {
      this.sockets.add(s)
      s.setNoDelay(true)
      // a failure on one side resets the other; a clean close (both directions
      // ended) leaves the other side to flush what it still holds and close itself
      s.on('error', () => { for (const p of pair) p.destroy() })
      s.on('close', (hadError) => {
        this.sockets.delete(s)
        if (hadError) for (const p of pair) p.destroy()
        if (pair.every((p) => p.closed)) { this.pairs.delete(pair); drop() }
      })
    }
    inbound.resume()
  }
}

function checkDelay (ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`delayMs: expected a number >= 0, got ${ms}`)
  return ms
}

function checkRate (bps: number | undefined): number | undefined {
  if (bps === undefined || bps === 0) return undefined
  if (!Number.isFinite(bps) || bps < 0) throw new RangeError(`bytesPerSecond: expected a number >= 0, got ${bps}`)
  return bps
}
