// The clients one bare worker process hosts ('same' hops): each a plain
// libp2p host (TCP, Noise, yamux, identify; as client/transport/client-host.ts,
// no listening, no gossip, no DHT) attached to its entry node over two
// long-lived streams: one for sends (request, "stored" answer) and one the
// node pushes frames down. Latency is taken here, from the send time in the frame.
import { noise } from '@chainsafe/libp2p-noise'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p, Stream } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { BARE_ATTACH, BARE_SEND, MAX_FRAME, STREAM_LIMITS, decodeFrame, encodeFrame, idOf, u32, monoNow, type WorkerReport } from './mesh-bare-wire.js'

type Lp = LengthPrefixedStream<Stream>

interface BareClient { host: Libp2p, send?: Lp }

export class ClientWorker {
  private readonly clients = new Map<number, BareClient>()
  /** send time by message id, until the entry node answers "stored" */
  private readonly sentAt = new Map<number, number>()
  private readonly seen = new Set<number>()
  private stopping = false
  private loading = false
  readonly report: WorkerReport = { sent: 0, delivered: 0, duplicates: 0, latencies: [], dispatchLag: [], storedLatencies: [], gossipReceived: 0, gossipLatencies: [], streamErrors: 0, connectionsClosed: 0 }

  async createClient (index: number): Promise<{ peerId: string }> {
    const host = await createLibp2p({
      addresses: { listen: [] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() }
    })
    host.addEventListener('connection:close', () => { if (this.loading && !this.stopping) this.report.connectionsClosed++ })
    this.clients.set(index, { host })
    return { peerId: host.peerId.toString() }
  }

  /** Open the send and push streams to the entry node; resolves once the node has registered the push stream. */
  async attach (index: number, entryAddr: string): Promise<void> {
    const c = this.clients.get(index)
    if (c === undefined) throw new Error(`client ${index} is not in this worker`)
    const addr = multiaddr(entryAddr)
    const sendStream = await c.host.dialProtocol(addr, BARE_SEND, STREAM_LIMITS)
    c.send = lpStream(sendStream, { maxDataLength: MAX_FRAME })
    this.loop(sendStream, c.send, (f) => {
      const id = idOf(f)
      const at = this.sentAt.get(id)
      if (at === undefined) return
      this.sentAt.delete(id)
      this.report.storedLatencies.push(monoNow() - at)
    })
    const pushStream = await c.host.dialProtocol(addr, BARE_ATTACH, STREAM_LIMITS)
    const push = lpStream(pushStream, { maxDataLength: MAX_FRAME })
    await push.write(u32(index))
    if (idOf((await push.read()).subarray()) !== index) throw new Error(`client ${index}: attach answered for someone else`)
    this.loop(pushStream, push, (f) => {
      const { id, sentAt } = decodeFrame(f)
      if (this.seen.has(id)) { this.report.duplicates++; return }
      this.seen.add(id)
      this.report.delivered++
      this.report.latencies.push(monoNow() - sentAt)
    })
  }

  /** the coordinator's send: client `from` (here) to client `to` */
  send (id: number, from: number, to: number, scheduled: number): void {
    const now = monoNow()
    this.report.dispatchLag.push(now - scheduled)
    const lp = this.clients.get(from)?.send
    if (lp === undefined) { this.report.streamErrors++; return }
    this.report.sent++
    this.sentAt.set(id, now)
    void lp.write(encodeFrame(id, to, now)).catch(() => { this.report.streamErrors++ })
  }

  loadStarted (): void {
    this.loading = true
  }

  async stop (): Promise<void> {
    this.stopping = true
    await Promise.all([...this.clients.values()].map(async (c) => { await Promise.resolve(c.host.stop()).catch(() => {}) }))
  }

  private loop (stream: Stream, lp: Lp, onFrame: (f: Uint8Array) => void): void {
    void (async () => {
      try {
        for (;;) onFrame((await lp.read()).subarray())
      } catch {
        if (!this.stopping) { this.report.streamErrors++; stream.abort(new Error('read failed')) }
      }
    })()
  }
}
