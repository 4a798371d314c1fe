// The bare side's sustained rate: `node dist/scripts/bench/mesh-bare-ramp.js '<json>'`
// runs runBare at each offered rate of `rates` (a fresh set of workers per
// step) until a step's p99 passes `p99LimitMs` or it loses a message, and
// prints each step as one JSON line, then {"sustained": rate | null}.
// The JSON holds BareOptions (rate ignored) plus optional rates and p99LimitMs.
import '../../node/runtime/polyfills.js'
import { runBare, type BareOptions } from './mesh-bare.js'

const RATES = [20, 80, 320, 1280, 2560, 5120]

async function main (): Promise<void> {
  const o = { nodes: 10, clients: 30, duration: 8, seed: 1, nodeWorkers: 2, clientWorkers: 2, hops: 'same', rates: RATES, p99LimitMs: 1000, ...JSON.parse(process.argv[2] ?? '{}') } as
    Omit<BareOptions, 'rate'> & { rates: number[], p99LimitMs: number }
  let sustained: number | null = null
  for (const rate of o.rates) {
    const r = await runBare({ ...o, rate })
    process.stdout.write(JSON.stringify(r) + '\n')
    if (r.lost > 0 || r.latencyMs.p99 === null || r.latencyMs.p99 > o.p99LimitMs) break
    sustained = rate
  }
  process.stdout.write(JSON.stringify({ sustained, hops: o.hops, nodes: o.nodes, p99LimitMs: o.p99LimitMs }) + '\n')
}

if (process.argv[1]?.endsWith('mesh-bare-ramp.js') === true) {
  main().then(() => { process.exit(0) }, (err: Error) => {
    process.stderr.write(`mesh-bare-ramp: ${err.stack ?? String(err)}\n`)
    process.exit(2)
  })
}
