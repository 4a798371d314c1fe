// One bench:mesh scenario in its own process (so its RSS is its own):
// `node dist/scripts/bench/mesh-run.js '<json options>'`; prints the result
// as one JSON line on stdout.
import '../../node/runtime/polyfills.js'
import { EventEmitter } from 'node:events'
import { runBare } from './mesh-bare.js'
import { runRelay } from './mesh-relay.js'

// dozens of libp2p hosts in one process share AbortSignals past the default of 10 listeners
EventEmitter.defaultMaxListeners = 200

async function main (): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as { kind: 'relaymesh' | 'bare', nodes: number, clients: number, rate: number, duration: number, seed: number }
  const result = o.kind === 'bare' ? await runBare(o) : await runRelay(o)
  process.stdout.write(JSON.stringify(result) + '\n')
}

if (process.argv[1]?.endsWith('mesh-run.js') === true) {
  main().then(() => { setTimeout(() => process.exit(0), 200).unref() }, (err: Error) => {
    process.stderr.write(`mesh-run: ${err.stack ?? String(err)}\n`)
    process.exit(2)
  })
}
