// One bench:mesh scenario in its own process tree (so its memory figures are
// its own): `node dist/scripts/bench/mesh-run.js '<json MeshScenario>'`;
// prints the result as one JSON line on stdout.
import '../../node/runtime/polyfills.js'
import { runBare } from './mesh-bare.js'
import { runRelay } from './mesh-relay.js'
import type { MeshScenario } from './mesh-types.js'

async function main (): Promise<void> {
  const s = JSON.parse(process.argv[2] ?? '{}') as MeshScenario
  const result = s.kind === 'bare' ? await runBare({ ...s, hops: s.hops ?? 'same' }) : await runRelay(s)
  process.stdout.write(JSON.stringify(result) + '\n')
}

if (process.argv[1]?.endsWith('mesh-run.js') === true) {
  main().then(() => { setTimeout(() => process.exit(0), 200).unref() }, (err: Error) => {
    process.stderr.write(`mesh-run: ${err.stack ?? String(err)}\n`)
    process.exit(2)
  })
}
