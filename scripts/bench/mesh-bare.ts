// The bare stack for `npm run bench:mesh`, at relaymesh's process layout:
// N plain libp2p nodes spread over `nodeWorkers` processes (node i in worker
// i % nodeWorkers) and, in 'same' hops, real client hosts over
// `clientWorkers` processes (client j in worker j % clientWorkers). This
// process only coordinates: it creates and wires the nodes (each dials up to
// 3 already running ones, as scripts/sim/cluster.ts), then at the offered
// rate picks (seeded) a sender and a recipient and tells the sender's worker
// to send. Frames carry their send time (one machine, one monotonic clock), so the
// receiving process computes the latency and IPC never sits on a message's
// path. Presence-like records go over one gossipsub topic (two per client at
// attach, then one per client every PRESENCE_TTL_MS / 3, as relaymesh
// clients refresh presence); their propagation latency is reported for context.
// The two paths ('one', 'same') are described in mesh-bare-nodes.ts.
import { availableParallelism, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { PRESENCE_TTL_MS } from '../../client/device.js'
import { Random } from '../sim/random.js'
import { WorkerHandle } from './mesh-bare-pool.js'
import { monoNow, type Hops, type Mark, type WorkerReport } from './mesh-bare-wire.js'
import { stats, type MeshRunResult } from './mesh-types.js'

export interface BareOptions {
  nodes: number
  clients: number
  /** offered messages per second */
  rate: number
  /** seconds of load */
  duration: number
  seed: number
  /** processes hosting nodes: node i lives in worker i % nodeWorkers (default 1) */
  nodeWorkers?: number
  /** processes hosting clients ('same' hops): client j lives in worker j % clientWorkers (default 1) */
  clientWorkers?: number
  /** default 'one' (the first bench:mesh's baseline); optional so callers of that version still compile */
  hops?: Hops
}

type Resolved = Required<BareOptions>

const SETUP_BUDGET_MS = 5 * 60_000
const DRAIN_MS = 5000
const GOSSIP_SETTLE_MS = 30_000
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i)
const round1 = (x: number): number => Math.round(x * 10) / 10

function check (o: Resolved): void {
  const whole = (x: number, min: number): boolean => Number.isInteger(x) && x >= min
  if (!whole(o.nodes, 1) || !whole(o.clients, 2) || !whole(o.nodeWorkers, 1) || !whole(o.clientWorkers, 1)) {
    throw new Error('runBare: nodes >= 1, clients >= 2, nodeWorkers >= 1 and clientWorkers >= 1 must be integers')
  }
  if (!(o.rate > 0) || !(o.duration > 0) || (o.hops !== 'one' && o.hops !== 'same')) throw new Error('runBare: rate and duration must be positive, hops one or same')
}

export async function runBare (options: BareOptions): Promise<MeshRunResult> {
  const o: Resolved = { ...options, nodeWorkers: options.nodeWorkers ?? 1, clientWorkers: options.clientWorkers ?? 1, hops: options.hops ?? 'one' }
  check(o)
  const rng = new Random(o.seed)
  const maxLifeMs = SETUP_BUDGET_MS + o.duration * 1000 + 60_000
  const nodeWorkers = range(Math.min(o.nodeWorkers, o.nodes)).map(() => new WorkerHandle('node', maxLifeMs))
  const clientWorkers = o.hops === 'same' ? range(Math.min(o.clientWorkers, o.clients)).map(() => new WorkerHandle('client', maxLifeMs)) : []
  const all = [...nodeWorkers, ...clientWorkers]
  const nw = (i: number): WorkerHandle => nodeWorkers[i % nodeWorkers.length] as WorkerHandle
  const cw = (j: number): WorkerHandle => clientWorkers[j % clientWorkers.length] as WorkerHandle
  const t0 = performance.now()
  try {
    const peers = await Promise.all(range(o.nodes).map(async (i) => await nw(i).call<{ peerId: string, addr: string }>({ op: 'createNode', index: i })))
    await Promise.all(range(o.nodes).map(async (i) => { await nw(i).call({ op: 'dial', index: i, addrs: peers.slice(0, Math.min(3, i)).map((p) => p.addr) }) }))
    // wait for gossipsub meshes to form (every node sees a subscriber)
    const deadline = performance.now() + 30_000
    while (performance.now() < deadline && !(await Promise.all(nodeWorkers.map(async (w) => await w.call<boolean>({ op: 'subscribed' })))).every(Boolean)) await sleep(100)
    await sleep(1500)

    const entry = range(o.clients).map(() => rng.int(o.nodes))
    const clientIds = o.hops === 'same'
      ? (await Promise.all(range(o.clients).map(async (j) => await cw(j).call<{ peerId: string }>({ op: 'createClient', index: j })))).map((c) => c.peerId)
      : range(o.clients).map((j) => `client-${j}`)
    const directory = clientIds.map((id, j) => ({ id, entry: entry[j] as number }))
    await Promise.all(nodeWorkers.map(async (w) => { await w.call({ op: 'directory', hops: o.hops, nodes: peers, clients: directory }) }))
    // relaymesh relays connect to every relay they list before the workload; so do these, and open their streams
    await Promise.all(nodeWorkers.map(async (w) => { await w.call({ op: 'openStreams' }, SETUP_BUDGET_MS) }))
    if (o.hops === 'same') {
      await Promise.all(range(o.clients).map(async (j) => { await cw(j).call({ op: 'attach', index: j, entryAddr: (peers[entry[j] as number] as { addr: string }).addr }) }))
    }
    for (let c = 0; c < o.clients; c++) {
      const node = entry[c] as number
      nw(node).post({ op: 'publish', node, count: 2 })
      // paced like clients attaching a few at a time, so the propagation figure is not one burst's queue
      await sleep(50)
    }
    // let the attach records reach every node before the load (gossipsub does not hand a node its own records),
    // so their propagation backlog does not spill into the measured window
    const expected = 2 * o.clients * (o.nodes - 1)
    const settleUntil = performance.now() + GOSSIP_SETTLE_MS
    while (performance.now() < settleUntil) {
      const got = (await Promise.all(nodeWorkers.map(async (w) => await w.call<number>({ op: 'gossipCount' })))).reduce((a, b) => a + b, 0)
      if (got >= expected) break
      await sleep(100)
    }
    const setupMs = performance.now() - t0

    await Promise.all(all.map(async (w) => { await w.call({ op: 'loadStart' }) }))
    const eluStart = performance.eventLoopUtilization()
    // other work on this machine skews every figure: say how busy it was
    const loadAtStart = loadavg()[0] as number
    let seq = 0
    let sent = 0
    const start = performance.now()
    // performance.now() and monoNow() are both monotonic: one offset maps the schedule onto the frames' clock
    const toMono = monoNow() - performance.now()
    const end = start + o.duration * 1000
    const interval = 1000 / o.rate
    let due = start
    // presence refresh: each client's record every PRESENCE_TTL_MS / 3 (as client/transport/node-connection.ts), spread evenly
    const refreshEvery = PRESENCE_TTL_MS / 3 / o.clients
    let nextRefresh = start + refreshEvery
    while (performance.now() < end) {
      // one IPC message per worker per tick, whatever the rate
      const batches = new Map<WorkerHandle, Array<[number, number, number, number]>>()
      const add = (w: WorkerHandle, e: [number, number, number, number]): void => {
        const b = batches.get(w)
        if (b === undefined) batches.set(w, [e]); else b.push(e)
      }
      while (due <= performance.now() && due < end) {
        const from = rng.int(o.clients)
        let to = rng.int(o.clients - 1); if (to >= from) to++
        const id = ++seq
        sent++
        // the scheduled time, so the worker can report how late the send left (dispatchLag)
        const at = toMono + due
        if (o.hops === 'one') {
          const a = entry[from] as number
          add(nw(a), [id, a, entry[to] as number, at])
        } else {
          add(cw(from), [id, from, to, at])
        }
        due += interval
      }
      for (const [w, list] of batches) w.post({ op: 'send', list })
      while (performance.now() >= nextRefresh) {
        nextRefresh += refreshEvery
        const node = entry[rng.int(o.clients)] as number
        nw(node).post({ op: 'publish', node, count: 1 })
      }
      await sleep(Math.max(1, Math.min(50, due - performance.now())))
    }
    const workMs = performance.now() - start
    const eluCoordinator = performance.eventLoopUtilization(eluStart).utilization
    const marks = await Promise.all(all.map(async (w) => await w.call<Mark>({ op: 'mark' })))
    // late deliveries: up to DRAIN_MS
    const drainUntil = performance.now() + DRAIN_MS
    while (performance.now() < drainUntil) {
      const counts = await Promise.all(all.map(async (w) => await w.call<number>({ op: 'count' })))
      if (counts.reduce((a, b) => a + b, 0) >= sent) break
      await sleep(100)
    }
    const reports = await Promise.all(all.map(async (w) => await w.call<WorkerReport>({ op: 'report' })))
    return result(o, { setupMs, workMs, sent, marks, reports, eluCoordinator, loadAvg: [loadAtStart, loadavg()[0] as number], pids: all.map((w) => w.pid), nodeWorkerCount: nodeWorkers.length })
  } finally {
    await Promise.all(all.map(async (w) => { await w.stop() }))
  }
}

interface Collected {
  setupMs: number
  workMs: number
  sent: number
  /** node workers first, then client workers */
  marks: Mark[]
  reports: WorkerReport[]
  eluCoordinator: number
  /** 1-minute load average when the load started and when it ended */
  loadAvg: number[]
  pids: number[]
  nodeWorkerCount: number
}

function result (o: Resolved, c: Collected): MeshRunResult {
  const sum = (f: (r: WorkerReport) => number): number => c.reports.reduce((a, r) => a + f(r), 0)
  const flat = (f: (r: WorkerReport) => number[]): number[] => c.reports.flatMap(f)
  const nodeMarks = c.marks.slice(0, c.nodeWorkerCount)
  const clientMarks = c.marks.slice(c.nodeWorkerCount)
  const rssMiB = nodeMarks.reduce((a, m) => a + m.rssMiB, 0)
  const delivered = sum((r) => r.delivered)
  return {
    kind: 'bare',
    nodes: o.nodes,
    clients: o.clients,
    rate: o.rate,
    duration: o.duration,
    setupMs: Math.round(c.setupMs),
    latencyMs: stats(flat((r) => r.latencies)),
    sent: c.sent,
    delivered,
    lost: c.sent - delivered,
    throttled: 0,
    sentPerSecond: c.sent / (c.workMs / 1000),
    deliveriesPerSecond: delivered / (c.workMs / 1000),
    rssMiB: round1(rssMiB),
    rssPerNodeMiB: round1(rssMiB / o.nodes),
    extra: {
      hops: o.hops,
      latencyTo: o.hops === 'one' ? 'recipient node handler' : 'recipient client host',
      nodeWorkers: c.nodeWorkerCount,
      clientWorkers: c.marks.length - c.nodeWorkerCount,
      workerPids: c.pids,
      nodeWorkerRssMiB: nodeMarks.map((m) => round1(m.rssMiB)),
      // what the nodes add above each worker's RSS once its modules loaded (the per-process base counts once per worker)
      rssPerNodeAboveBaseMiB: round1(nodeMarks.reduce((a, m) => a + m.rssMiB - m.baseRssMiB, 0) / o.nodes),
      nodeWorkerBaseRssMiB: nodeMarks.map((m) => round1(m.baseRssMiB)),
      clientWorkerRssMiB: clientMarks.map((m) => round1(m.rssMiB)),
      coordinatorRssMiB: round1(process.memoryUsage().rss / 2 ** 20),
      eluNodeWorkers: nodeMarks.map((m) => Math.round(m.elu * 100) / 100),
      eluClientWorkers: clientMarks.map((m) => Math.round(m.elu * 100) / 100),
      eluCoordinator: Math.round(c.eluCoordinator * 100) / 100,
      loadAvg1m: c.loadAvg.map(round1),
      cpus: availableParallelism(),
      storedLatencyMs: o.hops === 'same' ? stats(flat((r) => r.storedLatencies)) : undefined,
      dispatchLagMs: stats(flat((r) => r.dispatchLag)),
      framesSent: sum((r) => r.sent),
      duplicates: sum((r) => r.duplicates),
      streamErrors: sum((r) => r.streamErrors),
      streamsReopened: sum((r) => r.streamsReopened),
      connectionsClosed: sum((r) => r.connectionsClosed),
      gossipReceived: sum((r) => r.gossipReceived),
      gossipLatencyMs: stats(flat((r) => r.gossipLatencies))
    }
  }
}
