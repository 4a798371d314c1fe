// Per-node cost figures from the node workers' stats (scripts/sim/worker.ts):
// CPU time over a window, libp2p bytes per node per second, and each node's
// open connections to relays and to clients. An idle window is one where no
// client sends: what runs in it is listed in the report (README, "Simulation").
import { performance } from 'node:perf_hooks'
import type { Cluster } from './cluster.js'
import type { WorkerStats } from './worker-protocol.js'
import { sleep } from './wait.js'

export interface Spread { min: number, median: number, max: number }

export interface WindowCost {
  /** the window's real length, s (between the two stats readings) */
  seconds: number
  /** the node workers' CPU time (user + system) over the window / the nodes they host, as % of one core */
  cpuPerNodePct: number
  /** libp2p bytes per node per second (all connections: relays and clients), min / median / max over nodes */
  bytesInPerNodePerSecond: Spread
  bytesOutPerNodePerSecond: Spread
  /** per node at the end of the window: peers it has an open connection to, relays and everything else (clients); open connections in all */
  relayConnections: Spread
  clientConnections: Spread
  connections: Spread
}

export function spread (values: number[]): Spread {
  if (values.length === 0) return { min: 0, median: 0, max: 0 }
  const s = [...values].sort((a, b) => a - b)
  const round = (n: number): number => Math.round(n * 10) / 10
  return { min: round(s[0] as number), median: round(s[Math.floor((s.length - 1) / 2)] as number), max: round(s[s.length - 1] as number) }
}

/** The cost between two readings of the same node workers, `ms` apart (the coordinator's clock; CPU uses each worker's own). */
export function windowCost (before: WorkerStats[], after: WorkerStats[], ms: number): WindowCost {
  const s = Math.max(0.001, ms / 1000)
  const earlier = new Map(before.map((w) => [w.pid, w]))
  const nodes = after.flatMap((w) => w.nodes)
  // each worker's CPU time over its own reading interval (its answers may lag the coordinator's clock), in cores
  const cores = after.reduce((a, w) => {
    const b = earlier.get(w.pid)
    return b === undefined || w.at <= b.at ? a : a + (w.cpuMicros - b.cpuMicros) / ((w.at - b.at) * 1000)
  }, 0)
  const prior = new Map(before.flatMap((w) => w.nodes).map((n) => [n.index, n]))
  // a node restarted in between counts from 0 again: then its whole count is the window's
  const rate = (pick: (n: WorkerStats['nodes'][number]) => number): number[] => nodes.map((n) => {
    const b = prior.get(n.index)
    const d = pick(n) - (b === undefined ? 0 : pick(b))
    return (d >= 0 ? d : pick(n)) / s
  })
  return {
    seconds: Math.round(s * 10) / 10,
    cpuPerNodePct: Math.round(cores / Math.max(1, nodes.length) * 100 * 1000) / 1000,
    bytesInPerNodePerSecond: spread(rate((n) => n.bytesIn)),
    bytesOutPerNodePerSecond: spread(rate((n) => n.bytesOut)),
    relayConnections: spread(nodes.map((n) => n.relayConnections)),
    clientConnections: spread(nodes.map((n) => n.clientConnections)),
    connections: spread(nodes.map((n) => n.connections))
  }
}

/** Read the node workers, wait `seconds` doing nothing here, read them again. */
export async function measureIdle (cluster: Cluster, seconds: number): Promise<WindowCost> {
  const before = await cluster.stats()
  const t0 = performance.now()
  await sleep(seconds * 1000)
  const after = await cluster.stats()
  return windowCost(before, after, performance.now() - t0)
}
