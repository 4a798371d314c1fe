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
import { BARE_ATTACH, BARE_SEND, MAX_FRAME, STREAM_LIMITS, decodeFrame, encodeFrame, idOf, retry, u32, monoNow, type WorkerReport } from './mesh-bare-wire.js'

type Lp = LengthPrefixedStream<Stream>

interface BareClient { host: Libp2p, entryAddr?: string, send?: { lp: Lp, stream: Stream } }

export class ClientWorker {
  private readonly clients = new Map<number, BareClient>()
  /** send time by message id, until the entry node answers "stored" */
  private readonly sentAt = new Map<number, number>()
  private readonly seen = new Set<number>()
  private stopping = false
  private loading = false
  readonly report: WorkerReport = { sent: 0, delivered: 0, duplicates: 0, latencies: [], dispatchLag: [], storedLatencies: [], gossipReceived: 0, gossipLatencies: [], streamErrors: 0, streamsReopened: 0, connectionsClosed: 0 }

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
    const c = this.client(index)
    c.entryAddr = entryAddr
    await retry(async () => await this.openSend(c))
    await retry(async () => { await this.openPush(index, c) })
  }

  private async openSend (c: BareClient): Promise<{ lp: Lp, stream: Stream }> {
    const stream = await c.host.dialProtocol(multiaddr(c.entryAddr as string), BARE_SEND, STREAM_LIMITS)
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
    c.send = { lp, stream }
    this.loop(stream, lp, (f) => {
      const id = idOf(f)
      const at = this.sentAt.get(id)
      if (at === undefined) return
      this.sentAt.delete(id)
      this.report.storedLatencies.push(monoNow() - at)
    })
    return c.send
  }

  private async openPush (index: number, c: BareClient): Promise<void> {
    const stream = await c.host.dialProtocol(multiaddr(c.entryAddr as string), BARE_ATTACH, STREAM_LIMITS)
    const push = lpStream(stream, { maxDataLength: MAX_FRAME })
    await push.write(u32(index))
    if (idOf((await push.read()).subarray()) !== index) throw new Error(`client ${index}: attach answered for someone else`)
    this.loop(stream, push, (f) => {
      const { id, sentAt } = decodeFrame(f)
      if (this.seen.has(id)) { this.report.duplicates++; return }
      this.seen.add(id)
      this.report.delivered++
      this.report.latencies.push(monoNow() - sentAt)
    }, () => {
      // the push stream died (a connection closed under load): attach again, as a client would
      this.report.streamsReopened++
      void this.openPush(index, c).catch(() => { this.report.streamErrors++ })
    })
  }

  /** the coordinator's send: client `from` (here) to client `to` */
  send (id: number, from: number, to: number, scheduled: number): void {
    const now = monoNow()
    this.report.dispatchLag.push(now - scheduled)
    const c = this.clients.get(from)
    if (c?.send === undefined) { this.report.streamErrors++; return }
    this.report.sent++
    this.sentAt.set(id, now)
    const frame = encodeFrame(id, to, now)
    const { lp, stream } = c.send
    if (stream.status === 'open' && stream.writeStatus === 'writable') {
      void lp.write(frame).catch(() => { this.report.streamErrors++ })
      return
    }
    this.report.streamsReopened++
    void this.openSend(c).then(async (s) => { await s.lp.write(frame) }).catch(() => { this.report.streamErrors++ })
  }

  loadStarted (): void {
    this.loading = true
  }

  async stop (): Promise<void> {
    this.stopping = true
    await Promise.all([...this.clients.values()].map(async (c) => { await Promise.resolve(c.host.stop()).catch(() => {}) }))
  }

  private client (index: number): BareClient {
    const c = this.clients.get(index)
    if (c === undefined) throw new Error(`client ${index} is not in this worker`)
    return c
  }

  private loop (stream: Stream, lp: Lp, onFrame: (f: Uint8Array) => void, onEnd?: () => void): void {
    void (async () => {
      try {
        for (;;) onFrame((await lp.read()).subarray())
      } catch {
        if (this.stopping) return
        this.report.streamErrors++
        stream.abort(new Error('read failed'))
        onEnd?.()
      }
    })()
  }
}
