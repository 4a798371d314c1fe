// `npm run bench:mesh`: relaymesh (the simulator's real relay nodes and
// clients) side by side with the bare stack (plain libp2p nodes, gossipsub
// for presence-like records, plain streams for delivery;
// scripts/bench/mesh-bare*.ts) at the same process layout (nodes spread over
// W worker processes, clients over W more, W = cores) and the same offered
// load. The bare stack runs twice: over relaymesh's hops (client -> entry
// node -> 3 replicas, quorum 2 -> recipient's node -> client: the like-for-
// like baseline) and over one stream hop between two nodes (the floor).
//   1. delivery latency p50/p99 on 10, 30, 60 and 100 nodes at a light fixed load;
//   2. sustained messages/s on 10 nodes: a doubling ramp of offered rates,
//      stopping at the first whose p99 passes 1 s;
//   3. memory per node (node workers' RSS / nodes) and per added node.
// Every run is its own process tree (scripts/bench/mesh-run.ts), one after
// the other, so each memory figure is that run's alone.
// Usage: node dist/scripts/bench-mesh.js [--quick] [--json] [--verbose]
// (--quick: 10 and 30 nodes, short runs, two ramp steps; the memory target at 100 nodes is then not measured)
import { execFile } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { table } from './bench/stats.js'
import type { MeshRunResult, MeshScenario } from './bench/mesh-types.js'

const here = dirname(fileURLToPath(import.meta.url))
const P99_LIMIT_MS = 1000
// issue 13's targets, against the bare stack over the same hops: p99 at every size, sustained
// deliveries on 10 nodes, RSS above the workers' baseline per node at MEMORY_TARGET_NODES nodes
const TARGETS = { p99Ratio: 2, sustainedRatio: 0.4, memoryPerNodeMiB: 12 }
const MEMORY_TARGET_NODES = 100
/** a run's wall-clock budget: setup grows with the mesh (every node learns every other) */
const runTimeoutMs = (nodes: number): number => 300_000 + 3000 * nodes
const SIDES = ['relaymesh', 'bare-same', 'bare-one'] as const
type Side = typeof SIDES[number]
const LABEL: Record<Side, string> = { relaymesh: 'relaymesh', 'bare-same': 'bare, same hops', 'bare-one': 'bare, one hop' }

/** One mesh size against the targets; a pass is null where the target is not measured at this size. */
interface TargetRow {
  /** relaymesh p99 / bare same-hops p99 */
  p99VsSameHops: number | null
  p99Pass: boolean
  /** relaymesh sustained / bare same-hops sustained deliveries per second (10 nodes only) */
  sustainedVsSameHops: number | null
  sustainedPass: boolean | null
  /** relaymesh node workers' RSS above their baseline / nodes */
  memoryAboveBaselinePerNodeMiB: number | null
  memoryPass: boolean | null
}

let verbose = false
const log = (line: string): void => { process.stderr.write(`[bench:mesh] ${line}\n`) }

async function runOne (s: MeshScenario): Promise<MeshRunResult> {
  return await new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(here, 'bench', 'mesh-run.js'), JSON.stringify(s)], { maxBuffer: 16 << 20, timeout: runTimeoutMs(s.nodes) }, (err, stdout) => {
      if (err !== null) { reject(new Error(`${s.kind}${s.hops !== undefined ? ` (${s.hops} hop)` : ''} ${s.nodes} nodes ${s.rate}/s: ${err.message}`)); return }
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as MeshRunResult)
    })
    child.stderr?.on('data', (d: Buffer) => { if (verbose) process.stderr.write(d) })
  })
}

const f = (n: number | null | undefined, d = 1): string => n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(d)
const ratio = (a: number | null | undefined, b: number | null | undefined): number | null =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000

function scenario (side: Side, base: Omit<MeshScenario, 'kind' | 'hops'>): MeshScenario {
  return side === 'relaymesh' ? { ...base, kind: 'relaymesh' } : { ...base, kind: 'bare', hops: side === 'bare-same' ? 'same' : 'one' }
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } })
  if (values.help === true) { console.log('usage: node dist/scripts/bench-mesh.js [--quick] [--json] [--verbose]'); return }
  const quick = values.quick === true
  verbose = values.verbose === true
  const started = Date.now()
  const workers = Math.max(1, availableParallelism())
  const layout = { nodeWorkers: workers, clientWorkers: workers }
  const clients = 30
  // light load, enough samples that p99 is not just the slowest message (200 in a full run)
  const latencyRate = 10
  const latencyDuration = quick ? 8 : 20
  const rampDuration = quick ? 5 : 8
  const sizes = quick ? [10, 30] : [10, 30, 60, 100]
  // doubling ramps; the bare stack's go further (it has more room before 1 s)
  const ramp: Record<Side, number[]> = {
    relaymesh: quick ? [20, 80] : [20, 40, 80, 160, 320, 640],
    'bare-same': quick ? [80, 640] : [20, 80, 320, 1280, 2560, 5120],
    'bare-one': quick ? [80, 1280] : [20, 80, 320, 1280, 2560, 5120]
  }

  const latency: Record<string, MeshRunResult> = {}
  for (const nodes of sizes) {
    for (const side of SIDES) {
      log(`latency: ${LABEL[side]}, ${nodes} nodes, ${clients} clients, ${latencyRate} msg/s for ${latencyDuration} s`)
      const r = await runOne(scenario(side, { nodes, clients, rate: latencyRate, duration: latencyDuration, seed: 1, ...layout }))
      latency[`${side}-${nodes}`] = r
      log(`  p50 ${f(r.latencyMs.p50)} ms p99 ${f(r.latencyMs.p99)} ms, node RSS/node ${f(r.rssPerNodeMiB)} MiB, lost ${r.lost}`)
    }
  }

  const sustained = {} as Record<Side, { steps: MeshRunResult[], best: MeshRunResult | null, limitReached: boolean }>
  for (const side of SIDES) {
    const steps: MeshRunResult[] = []
    let best: MeshRunResult | null = null
    let limitReached = false
    for (const rate of ramp[side]) {
      log(`ramp: ${LABEL[side]}, 10 nodes, ${rate} msg/s offered for ${rampDuration} s`)
      const r = await runOne(scenario(side, { nodes: 10, clients, rate, duration: rampDuration, seed: 2, ...layout }))
      steps.push(r)
      // a step holds when p99 <= 1 s, nothing is lost and the offered rate was actually sent (< 5 % throttled)
      const holds = (r.latencyMs.p99 ?? Infinity) <= P99_LIMIT_MS && r.lost === 0 && r.throttled <= 0.05 * (r.sent + r.throttled)
      log(`  sent ${f(r.sentPerSecond)}/s delivered ${f(r.deliveriesPerSecond)}/s p99 ${f(r.latencyMs.p99)} ms lost ${r.lost} throttled ${r.throttled}: ${holds ? 'holds' : 'limit'}`)
      if (!holds) { limitReached = true; break }
      best = r
    }
    sustained[side] = { steps, best, limitReached }
  }

  const L = (side: Side, nodes: number): MeshRunResult => latency[`${side}-${nodes}`] as MeshRunResult
  const top = sizes[sizes.length - 1] as number
  const marginal = (side: Side): number => (L(side, top).rssMiB - L(side, 10).rssMiB) / (top - 10)
  const sus = (side: Side): number | null => sustained[side].best?.deliveriesPerSecond ?? null
  const susText = (side: Side): string => {
    const s = sustained[side]
    if (s.best === null) return `< ${ramp[side][0] ?? 0} offered`
    return `${f(s.best.deliveriesPerSecond, 0)}${s.limitReached ? '' : ' (ramp end, no limit)'}`
  }
  const bound = (side: Side): string => sustained[side].limitReached ? '' : '<= '
  const ratios: Record<string, number | null> = {}
  for (const n of sizes) {
    for (const base of ['bare-same', 'bare-one'] as const) {
      ratios[`p50At${n}vs${base === 'bare-same' ? 'SameHops' : 'OneHop'}`] = ratio(L('relaymesh', n).latencyMs.p50, L(base, n).latencyMs.p50)
      ratios[`p99At${n}vs${base === 'bare-same' ? 'SameHops' : 'OneHop'}`] = ratio(L('relaymesh', n).latencyMs.p99, L(base, n).latencyMs.p99)
    }
    ratios[`rssPerNodeAt${n}vsSameHops`] = ratio(L('relaymesh', n).rssPerNodeMiB, L('bare-same', n).rssPerNodeMiB)
  }
  ratios.sustainedVsSameHops = ratio(sus('relaymesh'), sus('bare-same'))
  ratios.sustainedVsOneHop = ratio(sus('relaymesh'), sus('bare-one'))
  ratios.marginalMemoryPerNodeVsSameHops = ratio(marginal('relaymesh'), marginal('bare-same'))

  const lat = (side: Side, n: number): string => `${f(L(side, n).latencyMs.p50)} / ${f(L(side, n).latencyMs.p99)}`
  const gossip = (n: number): string => {
    const g = L('bare-one', n).extra.gossipLatencyMs as { p50: number | null, p99: number | null } | undefined
    return `${f(g?.p50)} / ${f(g?.p99)}`
  }
  const rows: Array<Array<string | number>> = []
  for (const n of sizes) {
    rows.push([`latency p50 / p99, ${n} nodes (ms)`, lat('relaymesh', n), lat('bare-same', n), lat('bare-one', n), `${f(ratios[`p50At${n}vsSameHops`], 2)} / ${f(ratios[`p99At${n}vsSameHops`], 2)}`, `${f(ratios[`p50At${n}vsOneHop`], 2)} / ${f(ratios[`p99At${n}vsOneHop`], 2)}`])
  }
  rows.push([`growth of p99, 10 -> ${top} nodes`, ...SIDES.map((s) => `${f(ratio(L(s, top).latencyMs.p99, L(s, 10).latencyMs.p99), 2)}x`), '', ''])
  rows.push([`  context: bare gossip propagation p50 / p99 (ms), ${sizes.join(' / ')} nodes`, '', '', sizes.map(gossip).join(' | '), '', ''])
  rows.push(['sustained deliveries/s, 10 nodes, p99 <= 1 s', susText('relaymesh'), susText('bare-same'), susText('bare-one'), `${bound('bare-same')}${f(ratios.sustainedVsSameHops, 3)}`, `${bound('bare-one')}${f(ratios.sustainedVsOneHop, 3)}`])
  const above = (side: Side, n: number): number | undefined => L(side, n).extra.rssPerNodeAboveBaseMiB as number | undefined
  for (const n of sizes) rows.push([`node RSS / nodes, ${n} nodes (MiB)`, ...SIDES.map((s) => f(L(s, n).rssPerNodeMiB)), f(ratios[`rssPerNodeAt${n}vsSameHops`], 2), f(ratio(L('relaymesh', n).rssPerNodeMiB, L('bare-one', n).rssPerNodeMiB), 2)])
  for (const n of sizes) {
    ratios[`aboveBaselinePerNodeAt${n}vsSameHops`] = ratio(above('relaymesh', n), above('bare-same', n))
    rows.push([`  above the workers' baseline, per node, ${n} nodes (MiB)`, ...SIDES.map((s) => f(above(s, n))), f(ratios[`aboveBaselinePerNodeAt${n}vsSameHops`], 2), f(ratio(above('relaymesh', n), above('bare-one', n)), 2)])
  }
  rows.push([`RSS per added node, 10 -> ${top} (MiB)`, ...SIDES.map((s) => f(marginal(s))), f(ratios.marginalMemoryPerNodeVsSameHops, 2), f(ratio(marginal('relaymesh'), marginal('bare-one')), 2)])

  // per mesh size: the ratios the targets are about, each with its pass/fail (null: not measured at this size)
  const memAt = sizes.includes(MEMORY_TARGET_NODES) ? MEMORY_TARGET_NODES : null
  const byNodes: Record<string, TargetRow> = {}
  for (const n of sizes) {
    const p99 = ratios[`p99At${n}vsSameHops`] ?? null
    const mem = above('relaymesh', n) ?? null
    const sustainedRatio = n === 10 ? ratios.sustainedVsSameHops ?? null : null
    byNodes[n] = {
      p99VsSameHops: p99,
      p99Pass: p99 === null ? false : p99 <= TARGETS.p99Ratio,
      sustainedVsSameHops: sustainedRatio,
      sustainedPass: n === 10 ? (sustainedRatio ?? 0) >= TARGETS.sustainedRatio : null,
      memoryAboveBaselinePerNodeMiB: mem,
      memoryPass: n === memAt ? (mem ?? Infinity) <= TARGETS.memoryPerNodeMiB : null
    }
  }
  const row10 = byNodes[10] as TargetRow
  const p99Met = sizes.every((n) => byNodes[n]?.p99Pass === true)
  const susMet = row10.sustainedPass === true
  // per node after load, as shared/NOTES.md measures the bare stack's 4-9 MiB: what the nodes add to their processes
  const memMet: boolean | null = memAt === null ? null : byNodes[memAt]?.memoryPass === true
  const verdict = (m: boolean | null): string => m === null ? 'not measured (--quick)' : m ? 'met' : 'NOT met'
  const out = [
    `bench:mesh${quick ? ' --quick' : ''}: ${clients} clients, 1:1 messages; nodes in ${workers} worker processes and clients in ${workers} more, on both sides; latency at ${latencyRate} msg/s for ${latencyDuration} s; ramp on 10 nodes, ${rampDuration} s per step; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end`,
    '',
    table(['measure', LABEL.relaymesh, LABEL['bare-same'], LABEL['bare-one'], 'relaymesh / same hops', 'relaymesh / one hop'], rows),
    '',
    'ramp (offered msg/s: delivered/s, p99 ms):',
    ...SIDES.map((s) => `  ${LABEL[s]}: ${sustained[s].steps.map((r) => `${r.rate}: ${f(r.deliveriesPerSecond, 0)}/s ${f(r.latencyMs.p99, 0)}`).join(', ')}`),
    '',
    'relaymesh: send -> recipient application (client -> entry node -> 3 replicas, "stored" at quorum 2 with synced LevelDB writes -> recipient\'s node -> push -> client decrypts, stores, hands to the app).',
    'bare, same hops: the same hops over plain streams, no storage, no end-to-end crypto, no client store; bare, one hop: a frame from the sender\'s node to the recipient\'s node over one open stream.',
    'node RSS / nodes: the node worker processes\' RSS at the end of the load / nodes (each process\'s baseline included: Node.js and the loaded modules, ~75 MiB; clients live in other processes); "above the baseline": minus the workers\' RSS before they hosted a node; "per added node": the growth from the smallest to the largest mesh.',
    `targets (issue 13, against the same-hops bare stack): p99 <= ${TARGETS.p99Ratio}x at ${sizes.join(', ')} nodes: ${verdict(p99Met)}; sustained >= ${TARGETS.sustainedRatio}x at 10 nodes: ${verdict(susMet)}; memory <= ${TARGETS.memoryPerNodeMiB} MiB/node at ${MEMORY_TARGET_NODES} nodes (RSS above the workers' baseline / nodes): ${verdict(memMet)}`,
    ...sizes.map((n) => {
      const r = byNodes[n] as TargetRow
      const pf = (x: boolean | null): string => x === null ? '' : x ? ' pass' : ' FAIL'
      return `  ${n} nodes: p99 ${f(r.p99VsSameHops, 2)}x${pf(r.p99Pass)}${r.sustainedVsSameHops !== null || n === 10 ? `; sustained ${f(r.sustainedVsSameHops, 3)}x${pf(r.sustainedPass)}` : ''}; above baseline ${f(r.memoryAboveBaselinePerNodeMiB)} MiB/node${pf(r.memoryPass)}`
    }),
    `total ${((Date.now() - started) / 1000).toFixed(0)} s`
  ]
  console.log(out.join('\n'))
  if (values.json === true) {
    console.log(JSON.stringify({ quick, clients, workers, latencyRate, latencyDuration, rampDuration, sizes, latency, sustained: { relaymesh: sus('relaymesh'), bareSameHops: sus('bare-same'), bareOneHop: sus('bare-one'), steps: sustained }, marginalMiBPerNode: Object.fromEntries(SIDES.map((s) => [s, marginal(s)])), ratios: { ...ratios, byNodes }, targets: { p99: p99Met, sustained: susMet, memory: memMet, limits: { ...TARGETS, memoryAtNodes: MEMORY_TARGET_NODES } }, loadavg: loadavg() }))
  }
}

main().catch((err: Error & { code?: string }) => {
  // a usage error is one line; anything else keeps its stack
  const usage = err.code?.startsWith('ERR_PARSE_ARGS') === true
  process.stderr.write(`bench:mesh: ${usage ? `${err.message}\nusage: node dist/scripts/bench-mesh.js [--quick] [--json] [--verbose]` : err.stack ?? String(err)}\n`)
  process.exit(usage ? 2 : 1)
})
