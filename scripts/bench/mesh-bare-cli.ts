// Try the bare side alone: `node dist/scripts/bench/mesh-bare-cli.js '<json BareOptions>'`,
// e.g. '{"nodes":10,"clients":30,"rate":5,"duration":15,"seed":1,"nodeWorkers":2,"clientWorkers":2,"hops":"same"}'.
// Prints the MeshRunResult as one JSON line on stdout.
import '../../node/runtime/polyfills.js'
import { runBare, type BareOptions } from './mesh-bare.js'

async function main (): Promise<void> {
  const o = { nodes: 10, clients: 30, rate: 5, duration: 15, seed: 1, nodeWorkers: 2, clientWorkers: 2, hops: 'same', ...JSON.parse(process.argv[2] ?? '{}') } as BareOptions
  process.stdout.write(JSON.stringify(await runBare(o)) + '\n')
}

if (process.argv[1]?.endsWith('mesh-bare-cli.js') === true) {
  main().then(() => { process.exit(0) }, (err: Error) => {
    process.stderr.write(`mesh-bare-cli: ${err.stack ?? String(err)}\n`)
    process.exit(2)
  })
}
