// The bare stack for `npm run bench:mesh`: N plain libp2p nodes in this
// process (TCP, Noise, yamux, identify, ping, gossipsub; the same services
// relaymesh's host runs, minus the DHT), wired the way the simulator wires
// relays (each node dials up to 3 already running ones). Clients are ids
// attached to random nodes. Presence-like records go over one gossipsub
// topic (two per client at attach, as relaymesh publishes a device list and
// a bundle, then one per client every PRESENCE_TTL_MS / 3, as relaymesh
// clients refresh presence); each message is a 1 KiB
// frame from the sender's node to the recipient's node over one plain,
// long-lived libp2p stream per node pair (length-prefixed), timed from the
// send to the recipient node's handler. No storage, no replicas, no crypto
// beyond Noise and gossipsub's signatures.
import { noise } from '@chainsafe/libp2p-noise'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Libp2p, Stream } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { performance } from 'node:perf_hooks'
import { PRESENCE_TTL_MS } from '../../client/device.js'
import { Random } from '../sim/random.js'
import { stats, type MeshRunResult } from './mesh-types.js'

const DELIVER = '/relaymesh-bench/mesh/deliver/1.0.0'
const TOPIC = 'relaymesh-bench/presence'
const FRAME = 1024
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

export interface BareOptions { nodes: number, clients: number, rate: number, duration: number, seed: number }

type BareNode = Libp2p<{ pubsub: GossipSub, identify: unknown, ping: unknown }>

export async function runBare (o: BareOptions): Promise<MeshRunResult> {
  const rng = new Random(o.seed)
  const nodes: BareNode[] = []
  const sentAt = new Map<number, number>()
  const latencies: number[] = []
  let delivered = 0
  let gossipReceived = 0
  const gossipLatencies: number[] = []
  const t0 = performance.now()
  try {
    for (let i = 0; i < o.nodes; i++) {
      const node = await createLibp2p({
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
          pubsub: gossipsub({ allowPublishToZeroTopicPeers: true, ignoreDuplicatePublishError: true, scoreParams: { IPColocationFactorWhitelist: new Set(['127.0.0.1']) } })
        }
      }) as unknown as BareNode
      await node.handle(DELIVER, (stream) => {
        void (async () => {
          const lp = lpStream(stream, { maxDataLength: 1 << 20 })
          try {
            for (;;) {
              const f = (await lp.read()).subarray()
              const id = new DataView(f.buffer, f.byteOffset, 4).getUint32(0)
              const at = sentAt.get(id)
              if (at !== undefined) { latencies.push(performance.now() - at); sentAt.delete(id); delivered++ }
            }
          } catch { stream.abort(new Error('done')) }
        })()
      }, { maxInboundStreams: 256, maxOutboundStreams: 256 })
      node.services.pubsub.subscribe(TOPIC)
      node.services.pubsub.addEventListener('message', (evt) => {
        gossipReceived++
        // publish time (same process, same clock) in the first 8 bytes: propagation latency, for context
        const d = evt.detail.data
        if (d.length >= 8) gossipLatencies.push(performance.now() - new DataView(d.buffer, d.byteOffset, 8).getFloat64(0))
      })
      for (const peer of nodes.slice(0, 3)) await node.dial(peer.getMultiaddrs()[0] as never)
      nodes.push(node)
    }
    // wait for gossipsub meshes to form (every node sees a subscriber)
    const deadline = performance.now() + 30_000
    while (performance.now() < deadline && !nodes.every((n) => n.services.pubsub.getSubscribers(TOPIC).length > 0)) await sleep(100)
    await sleep(1500)

    const attachedTo = Array.from({ length: o.clients }, () => rng.int(o.nodes))
    // ~600 B, distinct per publish (gossipsub drops duplicates)
    const record = (): Uint8Array => { const b = new Uint8Array(600); new DataView(b.buffer).setFloat64(0, performance.now()); for (let i = 8; i < 24; i++) b[i] = rng.int(256); return b }
    for (let c = 0; c < o.clients; c++) {
      const pub = nodes[attachedTo[c] as number]?.services.pubsub
      await pub?.publish(TOPIC, record()).catch(() => {})
      await pub?.publish(TOPIC, record()).catch(() => {})
      // paced like clients attaching a few at a time, so the propagation figure is not one burst's queue
      await sleep(50)
    }

    const streams = new Map<string, Promise<LengthPrefixedStream<Stream>>>()
    const streamTo = async (from: number, to: number): Promise<LengthPrefixedStream<Stream>> => {
      const key = `${from}>${to}`
      let s = streams.get(key)
      if (s === undefined) {
        const target = nodes[to] as BareNode
        s = (nodes[from] as BareNode).dialProtocol(target.getMultiaddrs(), DELIVER).then((st) => lpStream(st, { maxDataLength: 1 << 20 }))
        streams.set(key, s)
      }
      return await s
    }
    // relaymesh relays connect to every relay they list before the workload; open every pair's stream now so
    // the bare side does not pay dials and Noise handshakes on the message path either
    const pairs: Array<[number, number]> = []
    for (let a = 0; a < o.nodes; a++) for (let b = 0; b < o.nodes; b++) if (a !== b) pairs.push([a, b])
    for (let i = 0; i < pairs.length; i += 16) await Promise.all(pairs.slice(i, i + 16).map(async ([a, b]) => { await streamTo(a, b) }))
    const setupMs = performance.now() - t0
    let seq = 0
    let sent = 0
    const sendOne = (): void => {
      const from = rng.int(o.clients)
      let to = rng.int(o.clients - 1); if (to >= from) to++
      const a = attachedTo[from] as number
      const b = attachedTo[to] as number
      const id = ++seq
      sentAt.set(id, performance.now())
      sent++
      if (a === b) { setImmediate(() => { const at = sentAt.get(id); if (at !== undefined) { latencies.push(performance.now() - at); sentAt.delete(id); delivered++ } }); return }
      const frame = new Uint8Array(FRAME)
      new DataView(frame.buffer).setUint32(0, id)
      void streamTo(a, b).then(async (lp) => { await lp.write(frame) }).catch(() => {})
    }
    const start = performance.now()
    const end = start + o.duration * 1000
    const interval = 1000 / o.rate
    let due = start
    // presence refresh: each client's record every PRESENCE_TTL_MS / 3 (as client/transport/node-connection.ts), spread evenly
    const refreshEvery = PRESENCE_TTL_MS / 3 / o.clients
    let nextRefresh = start + refreshEvery
    while (performance.now() < end) {
      while (due <= performance.now() && due < end) { sendOne(); due += interval }
      while (performance.now() >= nextRefresh) {
        nextRefresh += refreshEvery
        void nodes[attachedTo[rng.int(o.clients)] as number]?.services.pubsub.publish(TOPIC, record()).catch(() => {})
      }
      await sleep(Math.max(1, Math.min(50, due - performance.now())))
    }
    const workMs = performance.now() - start
    const rss = process.memoryUsage().rss
    // late deliveries: up to 5 s
    const drainUntil = performance.now() + 5000
    while (sentAt.size > 0 && performance.now() < drainUntil) await sleep(50)
    return {
      kind: 'bare', nodes: o.nodes, clients: o.clients, rate: o.rate, duration: o.duration,
      setupMs, latencyMs: stats(latencies), sent, delivered, lost: sent - delivered, throttled: 0,
      sentPerSecond: sent / (workMs / 1000), deliveriesPerSecond: delivered / (workMs / 1000),
      rssMiB: rss / 2 ** 20, rssPerNodeMiB: rss / 2 ** 20 / o.nodes, extra: { gossipReceived, gossipLatencyMs: stats(gossipLatencies) }
    }
  } finally {
    await Promise.all(nodes.map(async (n) => { await Promise.resolve(n.stop()).catch(() => {}) }))
  }
}
