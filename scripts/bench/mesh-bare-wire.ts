// What the bare bench:mesh processes share: protocol ids, the frame layout,
// replica choice, the wall clock, and the IPC messages between the
// coordinator (runBare) and its worker processes.
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'

/** 'one': sender's node -> recipient's node; 'same': relaymesh's hops (client -> entry -> 3 replicas -> recipient's node -> client) */
export type Hops = 'one' | 'same'

/** node -> node, one way ('one': the measured hop; 'same': entry node -> the recipient's node) */
export const BARE_DELIVER = '/relaymesh-bench/mesh/deliver/1.0.0'
/** entry node -> replica: frame in, 4-byte id back (no storage) */
export const BARE_REPLICA = '/relaymesh-bench/mesh/replica/1.0.0'
/** client -> entry node: frame in, 4-byte id back once 2 replicas answered */
export const BARE_SEND = '/relaymesh-bench/mesh/send/1.0.0'
/** client -> entry node: 4-byte client index, 4-byte answer, then pushed frames */
export const BARE_ATTACH = '/relaymesh-bench/mesh/attach/1.0.0'
export const BARE_TOPIC = 'relaymesh-bench/presence'
/** 1 KiB messages; presence-like records are ~600 B */
export const FRAME_BYTES = 1024
export const RECORD_BYTES = 600
export const REPLICAS = 3
export const WRITE_QUORUM = 2
export const MAX_FRAME = 1 << 20
/** long-lived streams per connection: N-1 peers x 2 protocols stay far below this */
export const STREAM_LIMITS = { maxInboundStreams: 1024, maxOutboundStreams: 1024 }

/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC, shared by
 * every process), so a time written into a frame by one process and read by
 * another gives the latency without a round trip. Not
 * performance.timeOrigin + now(): timeOrigin is a wall-clock reading taken
 * at each process's start, and when the wall clock is adjusted between two
 * starts the processes disagree (a 3 ms skew showed up in a first run).
 */
export const monoNow = (): number => Number(process.hrtime.bigint()) / 1e6

/** Frame: id (u32), recipient (u32: client index, or node index in 'one'), send time (f64 monoNow ms), zero padding. */
export function encodeFrame (id: number, recipient: number, sentAt: number): Uint8Array {
  const f = new Uint8Array(FRAME_BYTES)
  const v = new DataView(f.buffer)
  v.setUint32(0, id)
  v.setUint32(4, recipient)
  v.setFloat64(8, sentAt)
  return f
}

export interface FrameHead { id: number, recipient: number, sentAt: number }

export function decodeFrame (f: Uint8Array): FrameHead {
  if (f.byteLength < 16) throw new Error(`frame of ${f.byteLength} bytes`)
  const v = new DataView(f.buffer, f.byteOffset, 16)
  return { id: v.getUint32(0), recipient: v.getUint32(4), sentAt: v.getFloat64(8) }
}

export function idOf (f: Uint8Array): number {
  if (f.byteLength < 4) throw new Error(`answer of ${f.byteLength} bytes`)
  return new DataView(f.buffer, f.byteOffset, 4).getUint32(0)
}

export function u32 (n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

/** Setup dials on a busy machine can time out in the Noise handshake: try again a few times. */
export async function retry<T> (f: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f()
    } catch (err) {
      if (i >= attempts) throw err
      await new Promise((resolve) => setTimeout(resolve, 500 * i))
    }
  }
}

const sha256 = (s: string): Uint8Array => new Uint8Array(createHash('sha256').update(s).digest())

/**
 * The `k` node indices whose sha256(peer id) is XOR-closest to
 * sha256(client id), closest first: the bare stand-in for relaymesh's
 * replicasOf(mailbox) (relays.closest over kad ids).
 */
export function replicasOf (clientId: string, nodePeerIds: readonly string[], k: number): number[] {
  const key = sha256(clientId)
  const dist = nodePeerIds.map((p, i) => {
    const h = sha256(p)
    for (let j = 0; j < h.length; j++) h[j] = (h[j] as number) ^ (key[j] as number)
    return { i, h }
  })
  dist.sort((a, b) => Buffer.compare(a.h, b.h))
  return dist.slice(0, k).map((d) => d.i)
}

// ---- IPC ----

/** coordinator -> worker: a call (answered with its id, scripts/lib/child-rpc.ts) or a one-way post */
export type Call =
  | { op: 'createNode', index: number }
  | { op: 'dial', index: number, addrs: string[] }
  | { op: 'subscribed' }
  | { op: 'gossipCount' }
  | { op: 'directory', hops: Hops, nodes: Array<{ peerId: string, addr: string }>, clients: Array<{ id: string, entry: number }> }
  | { op: 'openStreams' }
  | { op: 'attached' }
  | { op: 'createClient', index: number }
  | { op: 'attach', index: number, entryAddr: string }
  | { op: 'loadStart' }
  | { op: 'mark' }
  | { op: 'count' }
  | { op: 'report' }
  | { op: 'stop' }

/**
 * One-way: `send` lists [id, from, to, scheduled monoNow] (from/to are node
 * indices in 'one', client indices in 'same'); `publish` asks a node for
 * `count` presence-like records.
 */
export type Post =
  | { op: 'send', list: Array<[number, number, number, number]> }
  | { op: 'publish', node: number, count: number }

export type ToWorker = (Call & { id: number }) | Post

/** at the end of the load: RSS, RSS once the modules loaded (before any host), event-loop utilisation during the load */
export interface Mark { rssMiB: number, baseRssMiB: number, elu: number }

export interface WorkerReport {
  /** frames this worker wrote for the coordinator's sends */
  sent: number
  delivered: number
  duplicates: number
  latencies: number[]
  /** coordinator's schedule -> frame built here, ms (IPC and this loop's queue; not part of the latency) */
  dispatchLag: number[]
  /** client -> "stored" answer ('same' client workers) */
  storedLatencies: number[]
  gossipReceived: number
  gossipLatencies: number[]
  /** streams that failed or overflowed during the run */
  streamErrors: number
  /** long-lived streams found dead and opened again (a connection closed, e.g. a ping timeout under load) */
  streamsReopened: number
  /** connections of this worker's hosts that closed after the load started (a closed connection's streams are not reopened) */
  connectionsClosed: number
}
