// The simulation report: figures from the ledger, as text and as one JSON
// object, and an SVG chart of delivery latency over time with faults marked.
import type { Ledger } from './ledger.js'
import type { WindowCost } from './measure.js'
import type { ClientSetupCost } from './setup.js'
import type { Population } from './clients.js'
import type { SimOptions } from './options.js'
import type { WorkerStats } from './worker-protocol.js'

export interface FaultRecord {
  step: number
  action: string
  /** planned time, s from the workload start */
  at: number
  /** actual start, ms on the sim clock */
  startedAt: number
  tookMs: number
  nodes: number[]
  clients: number[]
  label: string
  /** partition: the groups */
  groups?: number[][]
  /** client-crash: sends in flight from the crashed clients when they were killed */
  inFlight?: number
  /** client-crash: when the crashed clients were attached again (the messages after it are counted in afterCrash) */
  backAt?: number
  /** client-crash, filled by the report: per crashed client, messages it sent after coming back (and of those answered "stored"), and messages sent to it after that (stored, and received) */
  afterCrash?: Array<{ client: number, sent: number, stored: number, sentTo: number, storedTo: number, received: number, errorsTo: string[] }>
  /** start/restart/heal: ms from the node being up to every node listing every other; partition: until every node lists exactly its own group's nodes */
  directoryMs?: number
  /** filled by the report: ms from the fault until the last affected message resolved */
  recoveryMs?: number | null
  affected?: number
}

export interface Stats { count: number, p50: number | null, p95: number | null, p99: number | null, max: number | null }

export interface SimReport {
  config: { nodes: number, clients: number, groups: number, rate: number, duration: number, replicas: number, transport: string, seed: number, scenario: string | null, files: number, fileSize: number, workers: { nodes: number, clients: number, crash: number } }
  setupMs: Record<string, number>
  messages: {
    sent: number
    stored: number
    failed: number
    failedByError: Record<string, number>
    /** (message, recipient) pairs expected, of messages answered "stored" */
    expectedDeliveries: number
    delivered: number
    /** stored but never delivered, after every node came back and every client drained */
    lost: number
    /** deliveries of failed sends (a send may fail after some replicas stored it) */
    deliveredOfFailed: number
    /** sends whose sender crashed before the mesh answered, and how many of their deliveries happened anyway */
    unanswered: number
    deliveredOfUnanswered: number
    /** workload files sent / received whole with every byte right / received with wrong bytes */
    files: { sent: number, stored: number, delivered: number, corrupt: number }
    /** copies handed to an application beyond the first */
    duplicates: number
    /** application messages the workload did not send */
    foreign: number
    throttled: number
  }
  /** send to application, ms, for recipients attached throughout */
  latencyMs: Stats
  /** send to application, every delivery (includes time spent offline) */
  latencyAllMs: Stats
  /** re-attach to last waiting message received */
  drainMs: Stats & { messages: number }
  throughput: { sentPerSecond: number, deliveriesPerSecond: number, deliveriesPerNodePerSecond: number }
  /** per node, over the workload: envelopes stored as a replica and pushed to clients, libp2p bytes in and out (each per second) */
  perNode: { storedPerSecond: Stats, pushedPerSecond: Stats, bytesInPerSecond: Stats, bytesOutPerSecond: Stats }
  memory: { rssMiB: number, heapUsedMiB: number, heapLivePerNodeMiB: number | null, rssAfterGcPerNodeMiB: number | null, rssPerNodeMiB: number, baselineRssMiB: number, rssAboveBaselinePerNodeMiB: number, clientWorkersRssMiB: number, eventLoopUtilization: number[], note: string }
  /**
   * What a node costs at this size. convergeMs: from the first node starting until every node lists every
   * other as a live relay. idleMesh: a window right after that, before any client exists; idleAttached: a
   * window with every client attached and none sending (after groups and warm-up); load: the workload.
   * Each: the node workers' CPU per node (% of one core), libp2p bytes per node per second, and connections
   * per node to relays and to clients (min / median / max). Absent where not measured (idleSeconds 0).
   */
  scale: { convergeMs: number, idleMesh?: WindowCost, idleAttached?: WindowCost, load?: WindowCost, clientSetup?: ClientSetupCost }
  faults: FaultRecord[]
  recoveryMs: number
  receiveErrors: string[]
  /** the first 20 duplicated deliveries: which message, to whom, when (sim clock ms) */
  duplicateDetail: Array<{ seq: number, kind: string, from: number, to: number, sentAt: number, deliveredAt: number[] }>
  notes: string[]
  /** [sentAt s, latency ms] of live deliveries, for the chart */
  series: Array<[number, number]>
}

export function stats (values: number[]): Stats {
  if (values.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null }
  const s = [...values].sort((a, b) => a - b)
  const p = (q: number): number => round(s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] as number)
  return { count: s.length, p50: p(0.5), p95: p(0.95), p99: p(0.99), max: round(s[s.length - 1] as number) }
}

const round = (n: number): number => Math.round(n * 10) / 10

export function buildReport (input: {
  options: SimOptions
  ledger: Ledger
  people: Population
  faults: FaultRecord[]
  setup: Record<string, number>
  notes: string[]
  /** node workers' figures at the start and the end of the workload */
  nodeStatsStart: WorkerStats[]
  nodeStatsEnd: WorkerStats[]
  /** the node workers' RSS before they hosted any node */
  nodeBaselineRss: number
  nodeBaselineHeap: number
  clientRss: number
  workers: { nodes: number, clients: number, crash: number }
  workloadStart: number
  workloadEnd: number
  recoveryMs: number
  throttled: number
  dir: string
  groups: number
  cost: SimReport['scale']
}): SimReport {
  const { options, ledger, people, faults } = input
  const slowMs = options.slowMs ?? 2000
  const failedByError: Record<string, number> = {}
  let expected = 0
  let delivered = 0
  let lost = 0
  let duplicates = 0
  let deliveredOfFailed = 0
  let deliveredOfUnanswered = 0
  const duplicateDetail: SimReport['duplicateDetail'] = []
  const live: number[] = []
  const all: number[] = []
  const series: Array<[number, number]> = []
  for (const s of ledger.sent) {
    if (s.failedAt !== undefined) failedByError[s.error ?? '?'] = (failedByError[s.error ?? '?'] ?? 0) + 1
    for (const r of s.recipients) {
      const times = s.deliveries.get(r) ?? []
      if (times.length > 1) {
        duplicates += times.length - 1
        if (duplicateDetail.length < 20) duplicateDetail.push({ seq: s.seq, kind: s.kind, from: s.from, to: r, sentAt: round(s.sentAt), deliveredAt: times.map(round) })
      }
      if (s.storedAt !== undefined) {
        expected++
        if (times.length > 0) delivered++; else lost++
      } else if (times.length > 0) {
        if (s.unanswered === true) deliveredOfUnanswered++; else deliveredOfFailed++
      }
      const first = times[0]
      if (first === undefined || s.warmup === true) continue
      all.push(first - s.sentAt)
      if (s.live.get(r) === true) {
        live.push(first - s.sentAt)
        series.push([round((s.sentAt - input.workloadStart) / 1000), round(first - s.sentAt)])
      }
    }
  }

  // recovery per fault: the messages sent from the fault until the next one (or the end of the
  // workload) that went wrong (send failed, or a recipient attached at send time got it late or
  // never); the fault has recovered when the last of them resolved
  const ordered = [...faults].sort((a, b) => a.startedAt - b.startedAt)
  for (const [i, f] of ordered.entries()) {
    const windowEnd = ordered[i + 1]?.startedAt ?? input.workloadEnd
    let last = f.startedAt
    let affected = 0
    let unresolved = false
    for (const s of ledger.sent) {
      if (s.sentAt < f.startedAt || s.sentAt >= windowEnd) continue
      let bad = false
      let resolvedAt = s.failedAt ?? s.storedAt ?? Number.NaN
      if (s.failedAt !== undefined) bad = true
      for (const r of s.recipients) {
        if (s.epochAtSend.get(r) === undefined) continue
        const first = s.deliveries.get(r)?.[0]
        if (first === undefined) { if (s.storedAt !== undefined) { bad = true; unresolved = true } continue }
        if (s.live.get(r) === true && first - s.sentAt > slowMs) { bad = true; resolvedAt = Math.max(resolvedAt, first) }
      }
      if (!bad) continue
      affected++
      if (Number.isFinite(resolvedAt)) last = Math.max(last, resolvedAt)
    }
    f.affected = affected
    f.recoveryMs = unresolved ? null : round(last - f.startedAt)
    if (f.action === 'client-crash') {
      const back = f.backAt ?? f.startedAt + f.tookMs
      f.afterCrash = f.clients.map((c) => {
        const sent = ledger.sent.filter((s) => s.from === c && s.sentAt >= back)
        const toIt = ledger.sent.filter((s) => s.recipients.includes(c) && s.sentAt >= back)
        const storedTo = toIt.filter((s) => s.storedAt !== undefined)
        return { client: c, sent: sent.length, stored: sent.filter((s) => s.storedAt !== undefined).length, sentTo: toIt.length, storedTo: storedTo.length, received: toIt.filter((s) => s.deliveries.has(c)).length, errorsTo: toIt.flatMap((s) => s.error !== undefined ? [s.error] : []) }
      })
    }
  }

  const workloadS = Math.max(0.001, (input.workloadEnd - input.workloadStart) / 1000)
  const deliveriesInWorkload = ledger.sent.reduce((n, s) => n + (s.warmup === true ? 0 : [...s.deliveries.values()].filter((t) => (t[0] ?? Infinity) <= input.workloadEnd).length), 0)
  const drains = people.drains
  // per node per second over the workload, from each node's counters (a node restarted in between counts from 0 again: clamp)
  const before = new Map(input.nodeStatsStart.flatMap((w) => w.nodes).map((n) => [n.index, n]))
  const perSecond = (pick: (n: WorkerStats['nodes'][number]) => number): Stats => stats(input.nodeStatsEnd.flatMap((w) => w.nodes).map((n) => {
    const b = before.get(n.index)
    const d = pick(n) - (b === undefined ? 0 : pick(b))
    return (d >= 0 ? d : pick(n)) / workloadS
  }))
  const rss = input.nodeStatsEnd.reduce((a, w) => a + w.rss, 0)
  const files = ledger.sent.filter((s) => s.kind === 'file')
  return {
    config: { nodes: options.nodes, clients: options.clients, groups: input.groups, rate: options.rate, duration: options.duration, replicas: options.replicas, transport: options.transport, seed: options.seed, scenario: options.scenario?.name ?? null, files: options.files ?? 0, fileSize: options.fileSize ?? 256 * 1024, workers: input.workers },
    setupMs: Object.fromEntries(Object.entries(input.setup).map(([k, v]) => [k, Math.round(v)])),
    messages: {
      sent: ledger.sent.length,
      stored: ledger.sent.filter((s) => s.storedAt !== undefined).length,
      failed: ledger.sent.filter((s) => s.failedAt !== undefined).length,
      failedByError,
      expectedDeliveries: expected,
      delivered,
      lost,
      deliveredOfFailed,
      duplicates,
      unanswered: ledger.sent.filter((s) => s.unanswered === true).length,
      deliveredOfUnanswered,
      files: { sent: files.length, stored: files.filter((s) => s.storedAt !== undefined).length, delivered: files.filter((s) => s.deliveries.size > 0).length, corrupt: people.corruptFiles },
      foreign: ledger.foreign,
      throttled: input.throttled
    },
    latencyMs: stats(live),
    latencyAllMs: stats(all),
    drainMs: { ...stats(drains.map((d) => d.ms)), messages: drains.reduce((n, d) => n + d.messages, 0) },
    throughput: {
      sentPerSecond: round(ledger.sent.filter((s) => s.warmup !== true).length / workloadS),
      deliveriesPerSecond: round(deliveriesInWorkload / workloadS),
      deliveriesPerNodePerSecond: round(deliveriesInWorkload / workloadS / options.nodes)
    },
    perNode: {
      storedPerSecond: perSecond((n) => n.stored),
      pushedPerSecond: perSecond((n) => n.pushed),
      bytesInPerSecond: perSecond((n) => n.bytesIn),
      bytesOutPerSecond: perSecond((n) => n.bytesOut)
    },
    memory: {
      rssMiB: round(rss / 2 ** 20),
      heapUsedMiB: round(input.nodeStatsEnd.reduce((a, w) => a + w.heapUsed, 0) / 2 ** 20),
      rssPerNodeMiB: round(rss / 2 ** 20 / options.nodes),
      // after a full collection in every worker: live objects, over each worker's own baseline
      heapLivePerNodeMiB: input.nodeStatsEnd.every((w) => w.heapLive !== undefined) ? round((input.nodeStatsEnd.reduce((a, w) => a + (w.heapLive ?? 0), 0) - input.nodeBaselineHeap) / 2 ** 20 / options.nodes) : null,
      rssAfterGcPerNodeMiB: input.nodeStatsEnd.every((w) => w.rssAfterGc !== undefined) ? round((input.nodeStatsEnd.reduce((a, w) => a + (w.rssAfterGc ?? 0), 0) - input.nodeBaselineRss) / 2 ** 20 / options.nodes) : null,
      baselineRssMiB: round(input.nodeBaselineRss / 2 ** 20),
      rssAboveBaselinePerNodeMiB: round((rss - input.nodeBaselineRss) / 2 ** 20 / options.nodes),
      clientWorkersRssMiB: round(input.clientRss / 2 ** 20),
      eventLoopUtilization: input.nodeStatsEnd.map((w) => Math.round(w.eventLoopUtilization * 100) / 100),
      note: `the ${input.workers.nodes} node worker processes' RSS at the end of the workload / nodes (includes each process's Node.js baseline; clients live in other processes)`
    },
    scale: { ...input.cost, convergeMs: Math.round(input.cost.convergeMs) },
    faults,
    recoveryMs: round(input.recoveryMs),
    receiveErrors: people.receiveErrors.slice(0, 20),
    duplicateDetail,
    notes: input.notes,
    series
  }
}

const fmt = (v: number | null): string => v === null ? '-' : String(v)
const kib = (v: number | null): string => v === null ? '-' : (v / 1024).toFixed(1)

export function formatText (r: SimReport): string {
  const m = r.messages
  const lines = [
    `relaymesh simulation: ${r.config.nodes} nodes (${r.config.transport}; ${r.config.workers.nodes} node + ${r.config.workers.clients} client + ${r.config.workers.crash} crash worker processes), ${r.config.clients} clients, ${r.config.groups} groups, ${r.config.files} files, ${r.config.rate} msg/s for ${r.config.duration} s, k=${r.config.replicas}, seed ${r.config.seed}, scenario ${r.config.scenario ?? 'none'}`,
    `setup: ${Object.entries(r.setupMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`,
    '',
    `messages sent            ${m.sent}`,
    `answered "stored"        ${m.stored}`,
    `send failed              ${m.failed}${m.failed > 0 ? ` (${Object.entries(m.failedByError).map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`,
    `deliveries expected      ${m.expectedDeliveries} (stored messages x recipients)`,
    `delivered                ${m.delivered}`,
    `LOST (stored, never delivered) ${m.lost}`,
    `DUPLICATES to apps       ${m.duplicates}`,
    `delivered of failed sends ${m.deliveredOfFailed}`,
    ...(m.unanswered > 0 ? [`sender crashed before the answer ${m.unanswered} (${m.deliveredOfUnanswered} of their deliveries happened)`] : []),
    ...(m.files.sent > 0 ? [`files sent/stored/delivered ${m.files.sent}/${m.files.stored}/${m.files.delivered}, CORRUPT ${m.files.corrupt}`] : []),
    ...(m.foreign > 0 ? [`unexpected app messages  ${m.foreign}`] : []),
    ...(m.throttled > 0 ? [`sends skipped (every online sender busy) ${m.throttled}`] : []),
    '',
    `latency send->app, attached recipients (ms): n=${r.latencyMs.count} p50 ${fmt(r.latencyMs.p50)}  p95 ${fmt(r.latencyMs.p95)}  p99 ${fmt(r.latencyMs.p99)}  max ${fmt(r.latencyMs.max)}`,
    `latency send->app, every delivery (ms):      n=${r.latencyAllMs.count} p50 ${fmt(r.latencyAllMs.p50)}  p95 ${fmt(r.latencyAllMs.p95)}  p99 ${fmt(r.latencyAllMs.p99)}  max ${fmt(r.latencyAllMs.max)}`,
    `mailbox drain on re-attach (ms): ${r.drainMs.count} re-attaches, ${r.drainMs.messages} messages waiting; p50 ${fmt(r.drainMs.p50)}  p95 ${fmt(r.drainMs.p95)}  max ${fmt(r.drainMs.max)}`,
    `throughput: ${r.throughput.sentPerSecond} sent/s, ${r.throughput.deliveriesPerSecond} deliveries/s (${r.throughput.deliveriesPerNodePerSecond} per node)`,
    `per node per second (p50 / max): stored ${fmt(r.perNode.storedPerSecond.p50)} / ${fmt(r.perNode.storedPerSecond.max)}, pushed ${fmt(r.perNode.pushedPerSecond.p50)} / ${fmt(r.perNode.pushedPerSecond.max)}, KiB in ${kib(r.perNode.bytesInPerSecond.p50)} / ${kib(r.perNode.bytesInPerSecond.max)}, KiB out ${kib(r.perNode.bytesOutPerSecond.p50)} / ${kib(r.perNode.bytesOutPerSecond.max)}`,
    `memory: node workers RSS ${r.memory.rssMiB} MiB (${r.memory.baselineRssMiB} MiB before any node started), heap ${r.memory.heapUsedMiB} MiB; ${r.memory.rssPerNodeMiB} MiB per node, ${r.memory.rssAboveBaselinePerNodeMiB} MiB per node above the baseline, ${fmt(r.memory.rssAfterGcPerNodeMiB)} after a full GC, live heap ${fmt(r.memory.heapLivePerNodeMiB)} MiB per node (${r.memory.note}); client workers ${r.memory.clientWorkersRssMiB} MiB; node workers' event-loop use ${r.memory.eventLoopUtilization.join(', ')}`,
    `final recovery (all nodes back, all clients online, drained): ${(r.recoveryMs / 1000).toFixed(1)} s`,
    `mesh converged (every node lists every other as live) ${(r.scale.convergeMs / 1000).toFixed(1)} s after the first node started`,
    ...costLines(r.scale)
  ]
  if (r.faults.length > 0) {
    lines.push('', 'faults (recovery: until the last message sent in its window that failed, was late (> slow threshold) or is missing, resolved):')
    for (const f of r.faults) {
      const crash = f.afterCrash !== undefined ? `; after coming back ${f.afterCrash.map((a) => `client ${a.client} sent ${a.sent} (stored ${a.stored}), received ${a.received}`).join('; ')}; ${f.inFlight ?? 0} sends were in flight at the kill` : ''
      lines.push(`  t=${f.at}s ${f.label.padEnd(28)} took ${f.tookMs.toFixed(0)} ms; recovery ${f.recoveryMs === null ? 'NOT within its window' : `${fmt(f.recoveryMs ?? null)} ms`} (${f.affected ?? 0} messages affected)${f.directoryMs !== undefined ? `; directory converged ${f.directoryMs.toFixed(0)} ms after start` : ''}${crash}`)
    }
  }
  if (r.receiveErrors.length > 0) lines.push('', `receive errors: ${r.receiveErrors.join('; ')}`)
  if (r.duplicateDetail.length > 0) lines.push('', `duplicated: ${r.duplicateDetail.map((d) => `#${d.seq} (${d.kind}) ${d.from} -> ${d.to} sent ${d.sentAt} ms, delivered at ${d.deliveredAt.join(', ')} ms`).join('; ')}`)
  if (r.notes.length > 0) lines.push('', ...r.notes.map((n) => `note: ${n}`))
  return lines.join('\n')
}

const mmm = (s: { min: number, median: number, max: number }): string => `${s.min}/${s.median}/${s.max}`

function costLines (scale: SimReport['scale']): string[] {
  const line = (label: string, c: WindowCost | undefined): string[] => c === undefined
    ? []
    : [`${label.padEnd(34)} ${c.seconds} s: CPU ${c.cpuPerNodePct} % of a core per node; per node B/s in ${mmm(c.bytesInPerNodePerSecond)}, out ${mmm(c.bytesOutPerNodePerSecond)}; peers per node connected: relays ${mmm(c.relayConnections)}, clients ${mmm(c.clientConnections)}; connections ${mmm(c.connections)} (min/median/max)`]
  return [
    ...line('idle mesh (no clients yet)', scale.idleMesh),
    ...line('idle, clients attached, none sending', scale.idleAttached),
    ...line('under the workload', scale.load),
    ...(scale.clientSetup !== undefined ? [`client setup, CPU per client: ${scale.clientSetup.createCpuMsPerClient} ms to create (client workers); to open and attach ${scale.clientSetup.attachCpuMsPerClient.clientWorkers} ms in the client workers + ${scale.clientSetup.attachCpuMsPerClient.nodeWorkers} ms in the node workers (${scale.clientSetup.attachCpuMsPerClient.nodeWorkersAboveIdle ?? '-'} ms above the idle mesh's own); client workers' RSS +${scale.clientSetup.clientWorkersRssMiBPerClient} MiB per client`] : [])
  ]
}

/** Latency of live deliveries over time (log scale), fault steps as labelled vertical lines. */
export function chartSvg (r: SimReport): string {
  const W = 960
  const H = 420
  const L = 60
  const R = 20
  const T = 30
  const B = 50
  const maxT = Math.max(r.config.duration, ...r.series.map((p) => p[0]))
  const maxY = Math.max(10, ...r.series.map((p) => p[1]))
  const top = 10 ** Math.ceil(Math.log10(maxY))
  const bottom = 1
  const x = (t: number): number => L + (t / Math.max(1, maxT)) * (W - L - R)
  const y = (ms: number): number => T + (1 - (Math.log10(Math.max(bottom, ms)) - Math.log10(bottom)) / (Math.log10(top) - Math.log10(bottom))) * (H - T - B)
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="13">${esc(`send-to-application latency, ${r.config.nodes} nodes, ${r.config.clients} clients, scenario ${r.config.scenario ?? 'none'} (p50 ${fmt(r.latencyMs.p50)} ms, p99 ${fmt(r.latencyMs.p99)} ms, lost ${r.messages.lost}, duplicates ${r.messages.duplicates})`)}</text>`
  ]
  for (let v = bottom; v <= top; v *= 10) {
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`)
  }
  const step = maxT > 60 ? 10 : maxT > 20 ? 5 : 2
  for (let t = 0; t <= maxT; t += step) out.push(`<text x="${x(t)}" y="${H - B + 16}" text-anchor="middle">${t}</text>`)
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">time the message was sent (s since the workload started)</text>`)
  out.push(`<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="#333"/><line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>`)
  for (const [t, ms] of r.series) out.push(`<circle cx="${x(t).toFixed(1)}" cy="${y(ms).toFixed(1)}" r="1.8" fill="#2a6fdb" fill-opacity="0.6"/>`)
  for (const [i, f] of r.faults.entries()) {
    const fx = x(f.at)
    out.push(`<line x1="${fx}" x2="${fx}" y1="${T}" y2="${H - B}" stroke="#d33" stroke-dasharray="4 3"/><text x="${fx + 3}" y="${T + 12 + (i % 6) * 12}" fill="#d33">${esc(f.label)}</text>`)
  }
  out.push('</svg>')
  return out.join('\n')
}
