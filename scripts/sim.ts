// `npm run sim`: a relaymesh network of real relay nodes and real clients in
// worker processes (one per core by default), a seeded workload, an optional
// fault scenario, and a report.
// Usage and the scenario format: README.md, "Simulation".
import '../node/runtime/polyfills.js'
import { EventEmitter } from 'node:events'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { runSimulation, type SimOptions } from './sim/run.js'
import { DEFAULT_STEPS, findMax, formatMax } from './sim/find-max.js'
import { chartSvg, formatText } from './sim/report.js'
import { loadScenario, ScenarioError } from './sim/scenario.js'

const USAGE = `usage: node dist/scripts/sim.js [--nodes N] [--clients C] [--groups G] [--rate MSGS_PER_S]
       [--duration S] [--replicas K] [--transport tcp|memory] [--faults SCENARIO|PATH]
       [--files F] [--file-size BYTES] [--contacts N] [--warmup] [--workers W] [--client-workers W]
       [--seed S] [--json] [--out DIR] [--keep-data]
       [--idle S] [--idle-settle S] [--attach-batch B] [--converge-timeout S] [--real-kdf]
       [--find-max [--steps N,N,...] [--max-minutes M] [--p99-bound MS]]
shipped scenarios: churn, replica-loss, restart-all, partition-heal, slow-links (scripts/sim/scenarios/)`

function int (name: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n < min) throw new ScenarioError(`--${name} must be a number >= ${min} (got ${v})`)
  return n
}

/** parseArgs, with its errors (unknown option, missing value) as one-line usage errors */
function parseCli<T extends ParseArgsConfig> (config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config)
  } catch (err) {
    throw new ScenarioError(`${(err as Error).message}\n${USAGE}`)
  }
}

// dozens of libp2p hosts in one process share AbortSignals (timeouts, shutdown) past the default of 10 listeners
EventEmitter.defaultMaxListeners = 200

async function main (): Promise<void> {
  const { values } = parseCli({
    options: {
      nodes: { type: 'string' },
      clients: { type: 'string' },
      groups: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      replicas: { type: 'string' },
      transport: { type: 'string' },
      faults: { type: 'string' },
      seed: { type: 'string' },
      files: { type: 'string' },
      contacts: { type: 'string' },
      warmup: { type: 'boolean' },
      'file-size': { type: 'string' },
      workers: { type: 'string' },
      'client-workers': { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      'keep-data': { type: 'boolean' },
      idle: { type: 'string' },
      'idle-settle': { type: 'string' },
      'attach-batch': { type: 'string' },
      'converge-timeout': { type: 'string' },
      'real-kdf': { type: 'boolean' },
      'find-max': { type: 'boolean' },
      steps: { type: 'string' },
      'max-minutes': { type: 'string' },
      'p99-bound': { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  })
  if (values.help === true) { console.log(USAGE); return }
  const transport = values.transport ?? 'tcp'
  if (transport !== 'tcp' && transport !== 'memory') throw new ScenarioError(`--transport must be tcp or memory (got ${transport})`)
  const findMaxMode = values['find-max'] === true
  const options: SimOptions = {
    nodes: int('nodes', values.nodes, 8, 1),
    clients: int('clients', values.clients, findMaxMode ? 300 : 30, 2),
    groups: int('groups', values.groups, 2, 0),
    rate: int('rate', values.rate, findMaxMode ? 5 : 20, 0.1),
    duration: int('duration', values.duration, 30, 1),
    replicas: int('replicas', values.replicas, 3, 1),
    transport,
    seed: int('seed', values.seed, 1, 0),
    files: int('files', values.files, 2, 0),
    fileSize: int('file-size', values['file-size'], 256 * 1024, 1),
    contacts: int('contacts', values.contacts, 0, 0),
    warmup: values.warmup === true,
    ...(values.workers !== undefined ? { workers: int('workers', values.workers, 1, 1) } : {}),
    ...(values['client-workers'] !== undefined ? { clientWorkers: int('client-workers', values['client-workers'], 1, 1) } : {}),
    keepData: values['keep-data'] === true,
    idleSeconds: int('idle', values.idle, 5, 0),
    idleSettleSeconds: int('idle-settle', values['idle-settle'], 0, 0),
    attachBatch: int('attach-batch', values['attach-batch'], 10, 1),
    ...(values['converge-timeout'] !== undefined ? { convergeTimeoutMs: int('converge-timeout', values['converge-timeout'], 60, 1) * 1000 } : {}),
    realKdf: values['real-kdf'] === true,
    progress: (line) => { process.stderr.write(`[sim] ${line}\n`) }
  }
  if (values.faults !== undefined) options.scenario = loadScenario(values.faults)
  const out = values.out !== undefined ? resolve(values.out) : mkdtempSync(join(tmpdir(), 'relaymesh-sim-report-'))
  mkdirSync(out, { recursive: true })

  if (findMaxMode) {
    const steps = values.steps === undefined ? DEFAULT_STEPS : values.steps.split(',').map((v) => int('steps', v, 1, 1))
    const { nodes: _nodes, ...base } = options
    const max = await findMax({ base, steps, budgetMs: int('max-minutes', values['max-minutes'], 30, 1) * 60_000, p99BoundMs: int('p99-bound', values['p99-bound'], 5000, 1), log: options.progress ?? (() => {}) })
    writeFileSync(join(out, 'find-max.json'), JSON.stringify(max, null, 2) + '\n')
    console.log(values.json === true ? JSON.stringify(max) : `${formatMax(max)}\n\nreport: ${join(out, 'find-max.json')}`)
    process.exitCode = max.maxNodes > 0 ? 0 : 1
    return
  }
  const report = await runSimulation(options)
  const jsonPath = join(out, 'report.json')
  const svgPath = join(out, 'latency.svg')
  writeFileSync(jsonPath, JSON.stringify(report, null, 2) + '\n')
  writeFileSync(svgPath, chartSvg(report))
  if (values.json === true) {
    const { series: _series, ...summary } = report
    console.log(JSON.stringify({ ...summary, files: { report: jsonPath, chart: svgPath } }))
  } else {
    console.log(formatText(report))
    console.log(`\nreport: ${jsonPath}\nchart:  ${svgPath}`)
  }
  process.exitCode = report.messages.lost === 0 && report.messages.duplicates === 0 ? 0 : 1
}

main().then(() => {
  // libp2p may leave timers behind after stop; the report is out
  setTimeout(() => process.exit(), 200).unref()
}, (err: Error) => {
  process.stderr.write(`sim: ${err instanceof ScenarioError ? err.message : err.stack ?? String(err)}\n`)
  process.exit(2)
})
