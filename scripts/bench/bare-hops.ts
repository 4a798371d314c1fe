// The bare stack over the relay's hops, for `npm run bench:node`: the same
// libp2p stack (TCP, Noise, yamux, length-prefixed frames through lpStream)
// and the same message pattern as a stored-and-pushed envelope, with no
// other logic (no validation, no LevelDB, no protobuf):
//   client -> entry (pipelined request/response on one stream)
//   entry  -> 3 replicas (one stream each); the entry answers the client
//             after the 2nd replica acknowledged (quorum 2 of 3)
//   entry  -> push node (the 3rd replica: one stream), which writes the frame
//             to the recipient's stream.
// Each frame is a 4-byte id followed by the payload; acks carry the id.
// Roles: `replica` (serves /replica, /deliver and /attach) or
// `entry <replica multiaddr> x3` (serves /client; the last replica is the
// push node). Prints its multiaddr as one line, stops on SIGTERM.
import '../../node/runtime/polyfills.js'
import { noise } from '@chainsafe/libp2p-noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import type { Stream } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'

export const HOPS_CLIENT = '/relaymesh-bench/hops/client/1.0.0'
export const HOPS_REPLICA = '/relaymesh-bench/hops/replica/1.0.0'
export const HOPS_DELIVER = '/relaymesh-bench/hops/deliver/1.0.0'
export const HOPS_ATTACH = '/relaymesh-bench/hops/attach/1.0.0'
const QUORUM = 2
const MAX = 1024 * 1024

async function main (): Promise<void> {
  const [role, ...peers] = process.argv.slice(2)
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: { inboundConnectionThreshold: 1000, maxIncomingPendingConnections: 100 }
  })
  const opts = { maxInboundStreams: 64, maxOutboundStreams: 64 }
  if (role === 'replica') {
    const attached: Array<LengthPrefixedStream<Stream>> = []
    await node.handle(HOPS_REPLICA, (stream) => {
      void (async () => {
        const lp = lpStream(stream, { maxDataLength: MAX })
        try {
          for (;;) {
            const frame = await lp.read()
            void lp.write(frame.subarray(0, 4))
          }
        } catch { stream.abort(new Error('done')) }
      })()
    }, opts)
    await node.handle(HOPS_DELIVER, (stream) => {
      void (async () => {
        const lp = lpStream(stream, { maxDataLength: MAX })
        try {
          for (;;) {
            const frame = await lp.read()
            for (const a of attached) void a.write(frame).catch(() => {})
          }
        } catch { stream.abort(new Error('done')) }
      })()
    }, opts)
    await node.handle(HOPS_ATTACH, (stream) => { attached.push(lpStream(stream, { maxDataLength: MAX })) }, opts)
  } else {
    const replicas = await Promise.all(peers.map(async (p) => lpStream(await node.dialProtocol(multiaddr(p), HOPS_REPLICA), { maxDataLength: MAX })))
    const push = lpStream(await node.dialProtocol(multiaddr(peers[peers.length - 1] as string), HOPS_DELIVER), { maxDataLength: MAX })
    // per id: replicas acknowledged so far, the frame, and the client stream to answer
    const pending = new Map<number, { acks: number, frame: Uint8Array, client: LengthPrefixedStream<Stream> }>()
    for (const r of replicas) {
      void (async () => {
        try {
          for (;;) {
            const ack = (await r.read()).subarray()
            const id = new DataView(ack.buffer, ack.byteOffset, 4).getUint32(0)
            const p = pending.get(id)
            if (p === undefined) continue
            if (++p.acks === QUORUM) {
              void p.client.write(ack)
              void push.write(p.frame)
            }
            if (p.acks === replicas.length) pending.delete(id)
          }
        } catch {}
      })()
    }
    await node.handle(HOPS_CLIENT, (stream) => {
      void (async () => {
        const client = lpStream(stream, { maxDataLength: MAX })
        try {
          for (;;) {
            const frame = (await client.read()).subarray()
            const id = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0)
            pending.set(id, { acks: 0, frame, client })
            for (const r of replicas) void r.write(frame)
          }
        } catch { stream.abort(new Error('done')) }
      })()
    }, opts)
  }
  await node.start()
  process.stdout.write(String(node.getMultiaddrs()[0]) + '\n')
  process.on('SIGTERM', () => { void Promise.resolve(node.stop()).then(() => process.exit(0)) })
}

if (process.argv[1]?.endsWith('bare-hops.js') === true) await main()
