// What one bench:mesh scenario run is given and reports (relaymesh or the bare stack).
import type { Stats } from '../sim/report.js'

// percentiles as the simulator reports them, so both sides round alike
export { stats, type Stats } from '../sim/report.js'

/** One run: which side, how big, what load, and the process layout (the same for both sides). */
export interface MeshScenario {
  kind: 'relaymesh' | 'bare'
  /** bare only: one stream hop between the two nodes, or relaymesh's hops (client -> node -> 3 replicas, quorum 2 -> recipient's node -> client) */
  hops?: 'one' | 'same'
  nodes: number
  clients: number
  rate: number
  duration: number
  seed: number
  nodeWorkers: number
  clientWorkers: number
}


export interface MeshRunResult {
  kind: 'relaymesh' | 'bare'
  nodes: number
  clients: number
  /** offered messages per second */
  rate: number
  duration: number
  setupMs: number
  /** send to application (relaymesh) / send to the recipient node's handler (bare), ms */
  latencyMs: Stats
  sent: number
  delivered: number
  lost: number
  /** sends skipped because every sender had 4 in flight (relaymesh only) */
  throttled: number
  sentPerSecond: number
  deliveriesPerSecond: number
  /** process RSS at the end of the workload; this process holds only this run */
  rssMiB: number
  rssPerNodeMiB: number
  extra: Record<string, unknown>
}
