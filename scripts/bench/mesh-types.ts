// What one bench:mesh scenario run is given and reports (relaymesh or the bare stack).

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

export interface Stats { count: number, p50: number | null, p95: number | null, p99: number | null, max: number | null }

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

export function stats (values: number[]): Stats {
  if (values.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null }
  const s = [...values].sort((a, b) => a - b)
  const p = (q: number): number => Math.round((s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number) * 10) / 10
  return { count: s.length, p50: p(0.5), p95: p(0.95), p99: p(0.99), max: p(1) }
}
