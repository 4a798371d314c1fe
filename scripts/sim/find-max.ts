// `npm run sim -- --find-max`: the largest mesh this machine runs. One full
// simulation per size (the same clients, rate and duration each time), N
// stepping up until a run fails: it must converge, lose nothing, duplicate
// nothing, fail no send, and keep the p99 send-to-application latency of
// attached recipients under a bound. Every run shares one wall-clock
// deadline, so the whole search stops by itself.
import type { SimOptions } from './options.js'
import type { SimReport } from './report.js'
import { runSimulation } from './run.js'
import { DeadlineError } from './wait.js'

export const DEFAULT_STEPS = [100, 150, 200, 250, 300, 400, 500, 600, 800, 1000]

export interface FindMaxOptions {
  /** everything but `nodes` and `deadline` */
  base: Omit<SimOptions, 'nodes' | 'deadline'>
  steps: number[]
  /** the whole search, ms */
  budgetMs: number
  /** a run passes only with p99 (attached recipients) at most this @default 5000 ms */
  p99BoundMs: number
  log: (line: string) => void
}

export interface MaxPoint {
  nodes: number
  ok: boolean
  /** why it failed (the first reason) */
  reason?: string
  wallMs: number
  convergeMs?: number
  p50Ms?: number | null
  p99Ms?: number | null
  sent?: number
  lost?: number
  duplicates?: number
  failed?: number
  idleCpuPerNodePct?: number
  idleAttachedCpuPerNodePct?: number
  loadCpuPerNodePct?: number
  rssAboveBaselinePerNodeMiB?: number
  relayConnectionsMedian?: number
  bytesInPerNodePerSecondIdle?: number
}

export interface MaxReport {
  /** the largest N that passed (0: none) */
  maxNodes: number
  p99BoundMs: number
  budgetMs: number
  clients: number
  rate: number
  duration: number
  /** one point per size tried, in order */
  curve: MaxPoint[]
  /** why the search stopped */
  stoppedBy: string
}

/** Why a finished run does not count as "runs" (undefined: it passes). */
export function verdict (r: SimReport, p99BoundMs: number): string | undefined {
  const m = r.messages
  if (m.lost > 0) return `${m.lost} lost`
  if (m.duplicates > 0) return `${m.duplicates} duplicated`
  if (m.failed > 0) return `${m.failed} sends failed`
  if (m.sent === 0) return 'nothing sent'
  if (r.latencyMs.p99 === null) return 'no live deliveries'
  if (r.latencyMs.p99 > p99BoundMs) return `p99 ${r.latencyMs.p99} ms over the bound of ${p99BoundMs} ms`
  return undefined
}

export async function findMax (o: FindMaxOptions): Promise<MaxReport> {
  const deadline = Date.now() + o.budgetMs
  const curve: MaxPoint[] = []
  let maxNodes = 0
  let stoppedBy = 'every size passed'
  for (const nodes of o.steps) {
    if (Date.now() >= deadline) { stoppedBy = 'the time bound'; break }
    o.log(`find-max: ${nodes} nodes, ${o.base.clients} clients, ${o.base.rate} msg/s for ${o.base.duration} s (${Math.round((deadline - Date.now()) / 1000)} s left)`)
    const t0 = Date.now()
    let point: MaxPoint
    try {
      const r = await runSimulation({ ...o.base, nodes, deadline })
      const reason = verdict(r, o.p99BoundMs)
      point = {
        nodes,
        ok: reason === undefined,
        ...(reason !== undefined ? { reason } : {}),
        wallMs: Date.now() - t0,
        convergeMs: r.scale.convergeMs,
        p50Ms: r.latencyMs.p50,
        p99Ms: r.latencyMs.p99,
        sent: r.messages.sent,
        lost: r.messages.lost,
        duplicates: r.messages.duplicates,
        failed: r.messages.failed,
        ...(r.scale.idleMesh !== undefined ? { idleCpuPerNodePct: r.scale.idleMesh.cpuPerNodePct, relayConnectionsMedian: r.scale.idleMesh.relayConnections.median, bytesInPerNodePerSecondIdle: r.scale.idleMesh.bytesInPerNodePerSecond.median } : {}),
        ...(r.scale.idleAttached !== undefined ? { idleAttachedCpuPerNodePct: r.scale.idleAttached.cpuPerNodePct } : {}),
        ...(r.scale.load !== undefined ? { loadCpuPerNodePct: r.scale.load.cpuPerNodePct } : {}),
        rssAboveBaselinePerNodeMiB: r.memory.rssAboveBaselinePerNodeMiB
      }
    } catch (err) {
      point = { nodes, ok: false, reason: err instanceof DeadlineError ? `time bound: ${err.message}` : (err as Error).message, wallMs: Date.now() - t0 }
    }
    curve.push(point)
    o.log(`find-max: ${nodes} nodes ${point.ok ? 'PASS' : `FAIL (${point.reason ?? '?'})`} in ${(point.wallMs / 1000).toFixed(0)} s${point.p99Ms !== undefined ? `, p99 ${point.p99Ms ?? '-'} ms` : ''}${point.convergeMs !== undefined ? `, converged in ${(point.convergeMs / 1000).toFixed(1)} s` : ''}`)
    if (!point.ok) { stoppedBy = `${nodes} nodes failed`; break }
    maxNodes = nodes
  }
  return { maxNodes, p99BoundMs: o.p99BoundMs, budgetMs: o.budgetMs, clients: o.base.clients, rate: o.base.rate, duration: o.base.duration, curve, stoppedBy }
}

export function formatMax (m: MaxReport): string {
  const f = (v: number | null | undefined, unit = ''): string => v === undefined || v === null ? '-' : `${v}${unit}`
  const lines = [
    `relaymesh find-max: largest mesh that passed ${m.maxNodes === 0 ? 'none' : `${m.maxNodes} nodes`} (${m.clients} clients, ${m.rate} msg/s for ${m.duration} s each; pass = converged, 0 lost, 0 duplicated, 0 failed sends, p99 <= ${m.p99BoundMs} ms); stopped by ${m.stoppedBy}`,
    'nodes  result  converge s  p50 ms  p99 ms  idle CPU %/node (mesh / attached)  load CPU %/node  RSS MiB/node above base  relay conns (median)  wall s',
    ...m.curve.map((p) => `${String(p.nodes).padStart(5)}  ${(p.ok ? 'pass' : 'FAIL').padEnd(6)}  ${f(p.convergeMs === undefined ? undefined : Math.round(p.convergeMs / 100) / 10).padStart(10)}  ${f(p.p50Ms).padStart(6)}  ${f(p.p99Ms).padStart(6)}  ${`${f(p.idleCpuPerNodePct)} / ${f(p.idleAttachedCpuPerNodePct)}`.padStart(33)}  ${f(p.loadCpuPerNodePct).padStart(15)}  ${f(p.rssAboveBaselinePerNodeMiB).padStart(23)}  ${f(p.relayConnectionsMedian).padStart(20)}  ${String(Math.round(p.wallMs / 1000)).padStart(6)}${p.ok ? '' : `  ${p.reason ?? ''}`}`)
  ]
  return lines.join('\n')
}
