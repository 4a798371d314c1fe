// The nodes one bare worker process hosts: plain libp2p (TCP 127.0.0.1,
// Noise, yamux, identify, ping, gossipsub; relaymesh's host minus the DHT
// and every relaymesh service). Two message paths:
//   'one':  the sender's node writes the frame to the recipient's node on a
//           long-lived stream; latency is taken in that node's handler.
//   'same': relaymesh's path (node/mailbox/mailbox-service.ts store +
//           forward): the entry node sends the frame to the recipient's 3
//           XOR-closest nodes (itself counts if it is one), answers the
//           client "stored" after 2 answers, then writes the frame one way to
//           the node the recipient is attached to, which pushes it down the
//           recipient client's stream (latency taken in the client process).
import { noise } from '@chainsafe/libp2p-noise'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p, Stream } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { sha256 } from '@noble/hashes/sha2.js'
import {
  BARE_ATTACH, BARE_DELIVER, BARE_REPLICA, BARE_SEND, BARE_TOPIC, MAX_FRAME, RECORD_BYTES, REPLICAS, STREAM_LIMITS, WRITE_QUORUM,
  decodeFrame, encodeFrame, idOf, replicasOf, retry, u32, monoNow, type Hops, type WorkerReport
} from './mesh-bare-wire.js'

type Host = Libp2p<{ pubsub: GossipSub, identify: unknown, ping: unknown }>
type Lp = LengthPrefixedStream<Stream>

/** A message waiting for its replicas at its entry node. */
interface Pending { acks: number, frame: Uint8Array, recipient: number, client: Lp }

/** an outbound long-lived stream */
interface Link { lp: Lp, stream: Stream }
type Links = Map<number, Link | Promise<Link>>

interface BareNode {
  index: number
  host: Host
  /** outbound long-lived streams by target node index (a promise while one opens) */
  deliver: Links
  replica: Links
  /** 'same': clients attached here, by client index */
  attached: Map<number, Lp>
  pending: Map<number, Pending>
}

export class NodeWorker {
  private readonly nodes = new Map<number, BareNode>()
  private hops: Hops = 'one'
  private peers: Array<{ peerId: string, addr: string }> = []
  /** 'same': per client index, its entry node and replica node indices */
  private entryOf: number[] = []
  private replicasOfClient: number[][] = []
  private quorum = WRITE_QUORUM
  private published = 0
  readonly report: WorkerReport = { sent: 0, delivered: 0, duplicates: 0, latencies: [], dispatchLag: [], storedLatencies: [], gossipReceived: 0, gossipLatencies: [], streamErrors: 0, streamsReopened: 0, connectionsClosed: 0 }
  private readonly seen = new Set<number>()
  private stopping = false
  private loading = false

  async createNode (index: number): Promise<{ peerId: string, addr: string }> {
    const host = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'], maxConnections: 300, inboundConnectionThreshold: 100, maxIncomingPendingConnections: 100 },
      services: {
        identify: identify(),
        ping: ping(),
        // every node shares 127.0.0.1: whitelist it from the IP-colocation penalty (P6) as relaymesh's
        // node/gossip/scoring.ts does, or beyond ~10 nodes gossipsub graylists its peers and nothing propagates
        // message id = hash of the data, with the fast id, as relaymesh's node/host.ts (else every duplicate is verified)
        pubsub: gossipsub({
          msgIdFn: (msg) => sha256(msg.data),
          fastMsgIdFn: (msg) => Buffer.from(sha256(msg.data ?? new Uint8Array(0))).toString('base64'),
          allowPublishToZeroTopicPeers: true, ignoreDuplicatePublishError: true,
          scoreParams: { IPColocationFactorWhitelist: new Set(['127.0.0.1']) }
        })
      }
    }) as unknown as Host
    const node: BareNode = { index, host, deliver: new Map(), replica: new Map(), attached: new Map(), pending: new Map() }
    this.nodes.set(index, node)
    await host.handle(BARE_DELIVER, (stream) => { this.serve(stream, (f) => { this.onDeliver(node, f) }) }, STREAM_LIMITS)
    await host.handle(BARE_REPLICA, (stream) => {
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      // no storage: answer with the id, as a replica answers once it persisted
      this.loop(stream, lp, (f) => { void lp.write(f.subarray(0, 4)).catch(() => {}) })
    }, STREAM_LIMITS)
    await host.handle(BARE_SEND, (stream) => {
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      this.loop(stream, lp, (f) => { this.onStore(node, f, lp) })
    }, STREAM_LIMITS)
    await host.handle(BARE_ATTACH, (stream) => {
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      void (async () => {
        try {
          const client = idOf((await lp.read()).subarray())
          node.attached.set(client, lp)
          await lp.write(u32(client))
        } catch { this.report.streamErrors++; stream.abort(new Error('attach failed')) }
      })()
    }, STREAM_LIMITS)
    host.addEventListener('connection:close', () => { if (this.loading && !this.stopping) this.report.connectionsClosed++ })
    host.services.pubsub.subscribe(BARE_TOPIC)
    host.services.pubsub.addEventListener('message', (evt) => {
      this.report.gossipReceived++
      const d = evt.detail.data
      if (d.length >= 8) this.report.gossipLatencies.push(monoNow() - new DataView(d.buffer, d.byteOffset, 8).getFloat64(0))
    })
    return { peerId: host.peerId.toString(), addr: String(host.getMultiaddrs()[0]) }
  }

  async dial (index: number, addrs: string[]): Promise<void> {
    const node = this.node(index)
    for (const a of addrs) await retry(async () => await node.host.dial(multiaddr(a)))
  }

  /** every node here sees at least one subscriber of the topic (gossipsub meshes can form) */
  subscribed (): boolean {
    return [...this.nodes.values()].every((n) => n.host.services.pubsub.getSubscribers(BARE_TOPIC).length > 0)
  }

  directory (hops: Hops, nodes: Array<{ peerId: string, addr: string }>, clients: Array<{ id: string, entry: number }>): void {
    this.hops = hops
    this.peers = nodes
    this.entryOf = clients.map((c) => c.entry)
    const ids = nodes.map((n) => n.peerId)
    const k = Math.min(REPLICAS, nodes.length)
    this.quorum = Math.min(WRITE_QUORUM, k)
    this.replicasOfClient = clients.map((c) => replicasOf(c.id, ids, k))
  }

  /** Before the load: every node here opens its long-lived streams to every other node. */
  async openStreams (): Promise<void> {
    const jobs: Array<() => Promise<void>> = []
    for (const node of this.nodes.values()) {
      for (let to = 0; to < this.peers.length; to++) {
        if (to === node.index) continue
        jobs.push(async () => {
          await retry(async () => await this.open(node, to, BARE_DELIVER))
          if (this.hops === 'same') await retry(async () => await this.open(node, to, BARE_REPLICA))
        })
      }
    }
    // a few at a time: each first stream to a peer costs a connection and a Noise handshake
    for (let i = 0; i < jobs.length; i += 8) await Promise.all(jobs.slice(i, i + 8).map(async (j) => { await j() }))
  }

  attached (): number {
    let n = 0
    for (const node of this.nodes.values()) n += node.attached.size
    return n
  }

  /** 'one': the coordinator's send, from this worker's node `from` to node `to` */
  send (id: number, from: number, to: number, scheduled: number): void {
    const now = monoNow()
    this.report.dispatchLag.push(now - scheduled)
    this.report.sent++
    if (from === to) { this.received(id, now); return }
    this.write(this.node(from), to, BARE_DELIVER, encodeFrame(id, to, now))
  }

  publish (index: number, count: number): void {
    const pub = this.nodes.get(index)?.host.services.pubsub
    for (let i = 0; i < count; i++) {
      // distinct per publish (gossipsub drops duplicates): publish time, then a per-worker counter and the node
      const b = new Uint8Array(RECORD_BYTES)
      const v = new DataView(b.buffer)
      v.setFloat64(0, monoNow())
      v.setUint32(8, ++this.published)
      v.setUint32(12, index)
      v.setFloat64(16, Math.random())
      void pub?.publish(BARE_TOPIC, b).catch(() => {})
    }
  }

  loadStarted (): void {
    this.loading = true
  }

  async stop (): Promise<void> {
    this.stopping = true
    await Promise.all([...this.nodes.values()].map(async (n) => { await Promise.resolve(n.host.stop()).catch(() => {}) }))
  }

  // ---- the message path ----

  /** 'same': a client's frame at its entry node: to the replicas */
  private onStore (node: BareNode, frame: Uint8Array, client: Lp): void {
    const { id, recipient } = decodeFrame(frame)
    const replicas = this.replicasOfClient[recipient]
    if (replicas === undefined) { this.report.streamErrors++; return }
    node.pending.set(id, { acks: 0, frame, recipient, client })
    let self = false
    for (const r of replicas) {
      if (r === node.index) { self = true; continue }
      this.write(node, r, BARE_REPLICA, frame)
    }
    // this node is one of the replicas: its own copy counts (relaymesh stores it locally)
    if (self) this.onAck(node, id)
  }

  private onAck (node: BareNode, id: number): void {
    const p = node.pending.get(id)
    if (p === undefined) return
    p.acks++
    if (p.acks === this.quorum) {
      void p.client.write(u32(id)).catch(() => { this.report.streamErrors++ })
      this.forward(node, p)
    }
    if (p.acks >= (this.replicasOfClient[p.recipient]?.length ?? 0)) node.pending.delete(id)
  }

  /** after quorum: push here, or write the frame to the node the recipient is attached to */
  private forward (node: BareNode, p: Pending): void {
    const target = this.entryOf[p.recipient]
    if (target === undefined) { this.report.streamErrors++; return }
    if (target === node.index) { this.pushLocal(node, p.frame); return }
    this.write(node, target, BARE_DELIVER, p.frame)
  }

  private onDeliver (node: BareNode, frame: Uint8Array): void {
    if (this.hops === 'same') { this.pushLocal(node, frame); return }
    const { id, sentAt } = decodeFrame(frame)
    this.received(id, monoNow(), sentAt)
  }

  private pushLocal (node: BareNode, frame: Uint8Array): void {
    const lp = node.attached.get(decodeFrame(frame).recipient)
    if (lp === undefined) { this.report.streamErrors++; return }
    void lp.write(frame).catch(() => { this.report.streamErrors++ })
  }

  private received (id: number, now: number, sentAt = now): void {
    if (this.seen.has(id)) { this.report.duplicates++; return }
    this.seen.add(id)
    this.report.delivered++
    this.report.latencies.push(now - sentAt)
  }

  /** Write on the long-lived stream to `to`; reopen it first if it died (a connection closed under load). */
  private write (node: BareNode, to: number, protocol: string, frame: Uint8Array): void {
    const l = (protocol === BARE_REPLICA ? node.replica : node.deliver).get(to)
    if (l !== undefined && !(l instanceof Promise) && l.stream.status === 'open' && l.stream.writeStatus === 'writable') {
      void l.lp.write(frame).catch(() => { this.report.streamErrors++ })
      return
    }
    void this.open(node, to, protocol).then(async (link) => { await link.lp.write(frame) }).catch(() => { this.report.streamErrors++ })
  }

  private async open (node: BareNode, to: number, protocol: string): Promise<Link> {
    const links = protocol === BARE_REPLICA ? node.replica : node.deliver
    const current = links.get(to)
    if (current instanceof Promise) return await current
    if (current !== undefined) this.report.streamsReopened++
    const opening = (async () => {
      const peer = this.peers[to]
      if (peer === undefined) throw new Error(`no node ${to}`)
      const stream = await node.host.dialProtocol(multiaddr(peer.addr), protocol, STREAM_LIMITS)
      const lp = lpStream(stream, { maxDataLength: MAX_FRAME })
      if (protocol === BARE_REPLICA) this.loop(stream, lp, (f) => { this.onAck(node, idOf(f)) })
      const link = { lp, stream }
      links.set(to, link)
      return link
    })()
    links.set(to, opening)
    opening.catch(() => { if (links.get(to) === opening) links.delete(to) })
    return await opening
  }

  private node (index: number): BareNode {
    const n = this.nodes.get(index)
    if (n === undefined) throw new Error(`node ${index} is not in this worker`)
    return n
  }

  private serve (stream: Stream, onFrame: (f: Uint8Array) => void): void {
    this.loop(stream, lpStream(stream, { maxDataLength: MAX_FRAME }), onFrame)
  }

  /** Read frames until the stream ends; handle each synchronously so the read buffer drains as fast as frames arrive. */
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
