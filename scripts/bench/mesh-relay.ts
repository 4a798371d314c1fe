// relaymesh side of `npm run bench:mesh`: the simulator's runSimulation
// (real relay nodes and clients in worker processes), a fixed load, no
// faults, no groups, no files (1:1 messages only, as the bare side sends).
// Steady state: each client writes to 5 contacts, and a warm-up sets up every
// session before the measured load (a first message costs a PQXDH exchange
// and a one-time prekey claim; bench:crypto measures those).
import { runSimulation } from '../sim/run.js'
import type { MeshRunResult } from './mesh-types.js'

export interface RelayOptions { nodes: number, clients: number, rate: number, duration: number, seed: number, nodeWorkers: number, clientWorkers: number }

export async function runRelay (o: RelayOptions): Promise<MeshRunResult> {
  const r = await runSimulation({
    nodes: o.nodes, clients: o.clients, groups: 0, files: 0, contacts: 5, warmup: true,
    // the bare side counts no bytes either: keep the wrapper off the message path
    countTraffic: false, rate: o.rate, duration: o.duration,
    replicas: 3, transport: 'tcp', seed: o.seed, drainTimeoutMs: 20_000, workers: o.nodeWorkers, clientWorkers: o.clientWorkers,
    progress: (line) => { process.stderr.write(`[bench:mesh relaymesh ${o.nodes}n ${o.rate}/s] ${line}\n`) }
  })
  const setupMs = Object.values(r.setupMs).reduce((a, b) => a + b, 0)
  return {
    kind: 'relaymesh', nodes: o.nodes, clients: o.clients, rate: o.rate, duration: o.duration,
    setupMs, latencyMs: r.latencyMs, sent: r.messages.sent, delivered: r.messages.delivered, lost: r.messages.lost,
    throttled: r.messages.throttled, sentPerSecond: r.throughput.sentPerSecond, deliveriesPerSecond: r.throughput.deliveriesPerSecond,
    rssMiB: r.memory.rssMiB, rssPerNodeMiB: r.memory.rssPerNodeMiB,
    extra: { setupBreakdownMs: r.setupMs, stored: r.messages.stored, failed: r.messages.failed, duplicates: r.messages.duplicates, notes: r.notes, rssPerNodeAboveBaseMiB: r.memory.rssAboveBaselinePerNodeMiB, nodeWorkerBaseRssMiB: r.memory.baselineRssMiB, clientWorkersRssMiB: r.memory.clientWorkersRssMiB, eventLoopUtilization: r.memory.eventLoopUtilization, perNode: r.perNode }
  }
}
