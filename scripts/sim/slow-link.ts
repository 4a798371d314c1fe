// SlowLink: a user-space TCP forwarder, the simulator's "slow links" fault and
// the WAN testbed's link emulator (scripts/testbed/) where the kernel has no
// netem. Every accepted connection is forwarded to targetHost:targetPort; each
// direction holds every chunk for delayMs after it arrived, plus or minus up to
// jitterMs (uniform, per chunk), and optionally paces it to bytesPerSecond
// (token bucket). Order within a direction is always kept: a chunk is never
// released before the one ahead of it. Loss: a byte stream cannot lose bytes,
// so a chunk that would have lost one of its packets (lossPct per 1448-byte
// packet) is held one retransmission timeout longer, max(200 ms, 2 x RTT) with
// RTT = 2 x delayMs, as a TCP sender's retransmission would hold it, and so
// is everything behind it (head-of-line blocking). Settings change at run
// time; chunks already queued keep the release time they got on arrival.
// Buffering is bounded: a direction holding more than maxPendingBytes pauses
// its source socket until it has drained to half of that.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { Lane } from './slow-link-lane.js'

export interface SlowLinkSettings {
  /** each chunk is released this long after it arrived @default 0 */
  delayMs?: number
  /** each chunk's delay varies uniformly within delayMs +/- jitterMs (never below 0; order kept) @default 0 */
  jitterMs?: number
  /** per cent of packets lost: a chunk with a lost packet is held one RTO longer (see the header) @default 0 */
  lossPct?: number
  /** pace each direction of each connection to this rate; undefined or 0: unpaced @default undefined */
  bytesPerSecond?: number
}

export interface SlowLinkInit extends SlowLinkSettings {
  /** the port connections are forwarded to */
  targetPort: number
  /** @default '127.0.0.1' */
  targetHost?: string
  /** the port to listen on; 0: any free port @default 0 */
  listenPort?: number
  /** @default '127.0.0.1' */
  listenHost?: string
  /** bytes one direction may hold before its source is paused @default 8 MiB */
  maxPendingBytes?: number
  /** uniform in [0, 1) for jitter and loss (tests pass a seeded one) @default Math.random */
  random?: () => number
}

const DEFAULT_MAX_PENDING = 8 * 1024 * 1024
/** the packet size loss is counted in (an Ethernet MSS) */
const MSS = 1448
/** Linux's minimum retransmission timeout */
const MIN_RTO_MS = 200

export class SlowLink {
  delayMs: number
  jitterMs: number
  lossPct: number
  bytesPerSecond: number | undefined
  /** connections accepted since open */
  accepted = 0
  /** chunks held one RTO longer for a lost packet, and chunks forwarded, since open */
  lostChunks = 0
  chunks = 0
  private readonly random: () => number
  private readonly sockets = new Set<Socket>()
  /** forwarded connections not yet closed, as [inbound, outbound] */
  private readonly pairs = new Set<Socket[]>()
  private readonly lanes = new Set<Lane>()
  private closing: Promise<void> | undefined

  private constructor (private readonly server: Server, private readonly init: SlowLinkInit) {
    this.delayMs = checkMs('delayMs', init.delayMs ?? 0)
    this.jitterMs = checkMs('jitterMs', init.jitterMs ?? 0)
    this.lossPct = checkLoss(init.lossPct ?? 0)
    this.bytesPerSecond = checkRate(init.bytesPerSecond)
    this.random = init.random ?? Math.random
    server.on('connection', (socket) => { this.forward(socket) })
  }

  /** Listen on listenHost:listenPort and forward to targetHost:targetPort. */
  static async open (init: SlowLinkInit): Promise<SlowLink> {
    if (!Number.isInteger(init.targetPort) || init.targetPort < 1 || init.targetPort > 65535) throw new RangeError(`targetPort: expected 1-65535, got ${init.targetPort}`)
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true })
    const link = new SlowLink(server, init)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(init.listenPort ?? 0, init.listenHost ?? '127.0.0.1', () => { server.off('error', reject); resolve() })
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

  /** the retransmission timeout a lost packet costs: max(200 ms, 2 x RTT), RTT = 2 x delayMs */
  get rtoMs (): number { return Math.max(MIN_RTO_MS, 4 * this.delayMs) }

  /** How long a chunk of `bytes` that arrives now is held: delay, jitter, and one RTO if one of its packets is lost. */
  holdFor (bytes: number): number {
    this.chunks++
    let ms = this.delayMs
    if (this.jitterMs > 0) ms += (2 * this.random() - 1) * this.jitterMs
    if (this.lossPct > 0) {
      const packets = Math.max(1, Math.ceil(bytes / MSS))
      if (this.random() < 1 - (1 - this.lossPct / 100) ** packets) { this.lostChunks++; ms += this.rtoMs }
    }
    return Math.max(0, ms)
  }

  /** Change delay, jitter, loss and/or rate; chunks that arrive from now on use the new delay, jitter and loss, the rate applies at once. */
  set (settings: SlowLinkSettings): void {
    if (settings.delayMs !== undefined) this.delayMs = checkMs('delayMs', settings.delayMs)
    if (settings.jitterMs !== undefined) this.jitterMs = checkMs('jitterMs', settings.jitterMs)
    if (settings.lossPct !== undefined) this.lossPct = checkLoss(settings.lossPct)
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
    const outbound = createConnection({ host: this.init.targetHost ?? '127.0.0.1', port: this.init.targetPort, allowHalfOpen: true })
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

function checkMs (name: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name}: expected a number >= 0, got ${ms}`)
  return ms
}

function checkLoss (pct: number): number {
  if (!Number.isFinite(pct) || pct < 0 || pct >= 100) throw new RangeError(`lossPct: expected a number from 0 to below 100, got ${pct}`)
  return pct
}

function checkRate (bps: number | undefined): number | undefined {
  if (bps === undefined || bps === 0) return undefined
  if (!Number.isFinite(bps) || bps < 0) throw new RangeError(`bytesPerSecond: expected a number >= 0, got ${bps}`)
  return bps
}
