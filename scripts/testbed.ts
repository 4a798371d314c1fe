// `npm run testbed`: the simulator's workload over a WAN testbed, every node
// in a Linux network namespace of its own behind a shaped link (delay,
// jitter, loss, rate), next to the same workload over loopback.
// Usage: --help; design and figures: README.md "WAN testbed".
import '../node/runtime/polyfills.js'
import { EventEmitter } from 'node:events'
import { parseArgs } from 'node:util'
import { loadScenario } from './sim/scenario.js'
import { MAX_NODES } from './testbed/netns.js'
import { formatTable, passed } from './testbed/report.js'
import { closeAll, runTestbed, TestbedUnavailable, type TestbedOptions } from './testbed/runner.js'

const USAGE = `usage: npm run testbed -- --nodes N --delay MS --jitter MS --loss PCT [--rate BYTES/S]
       [--clients C] [--msgs M] [--duration S] [--groups G] [--faults SCENARIO|PATH] [--seed S]
       [--no-loopback] [--user-space] [--deadline S] [--json] [--help]
Runs as root (network namespaces); needs iproute2 (apt-get install -y iproute2).
  --nodes N        relay nodes, each in its own network namespace (default 6, at most ${MAX_NODES})
  --delay MS       one-way delay of every path, each direction (default 50)
  --jitter MS      +/- this much per packet or chunk, uniform (default 0)
  --loss PCT       per cent of packets lost, each direction (default 0)
  --rate BYTES/S   each host's link rate, each direction (default unlimited)
  --clients C      clients, all in one namespace of their own (default 8)
  --msgs M         messages sent over the workload (default 60)
  --duration S     workload seconds (default 15)
  --no-loopback    skip the same workload over loopback
  --user-space     shape in the user-space forwarders only (loss as held chunks), even where the kernel could
  --deadline S     hard limit for the whole run; everything is torn down when it passes
  --json           one JSON object on stdout
exit: 0 nothing lost or duplicated and every node converged; 1 otherwise; 2 cannot run (one line why)`

class UsageError extends Error {}

function num (name: string, v: string | undefined, fallback: number, min: number, max = Infinity): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number from ${min}${max < Infinity ? ` to ${max}` : ''} (got ${v})`)
  return n
}

EventEmitter.defaultMaxListeners = 200

let done = false
function bail (code: number, message: string): never {
  if (!done) { done = true; process.stderr.write(`testbed: ${message}\n`) }
  closeAll()
  process.exit(code)
}

async function main (): Promise<void> {
  let values
  try {
    values = parseArgs({
      options: {
        nodes: { type: 'string' }, delay: { type: 'string' }, jitter: { type: 'string' }, loss: { type: 'string' }, rate: { type: 'string' },
        clients: { type: 'string' }, msgs: { type: 'string' }, duration: { type: 'string' }, groups: { type: 'string' }, faults: { type: 'string' },
        seed: { type: 'string' }, 'no-loopback': { type: 'boolean' }, 'user-space': { type: 'boolean' }, deadline: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`)
  }
  if (values.help === true) { console.log(USAGE); return }
  const o: TestbedOptions = {
    nodes: num('nodes', values.nodes, 6, 2, MAX_NODES),
    delayMs: num('delay', values.delay, 50, 0, 10_000),
    jitterMs: num('jitter', values.jitter, 0, 0, 10_000),
    lossPct: num('loss', values.loss, 0, 0, 50),
    rate: num('rate', values.rate, 0, 0),
    clients: num('clients', values.clients, 8, 2),
    msgs: num('msgs', values.msgs, 60, 1),
    duration: num('duration', values.duration, 15, 1),
    groups: num('groups', values.groups, 1, 0),
    seed: num('seed', values.seed, 1, 0),
    loopback: values['no-loopback'] !== true,
    userSpace: values['user-space'] === true,
    progress: (line) => { process.stderr.write(`[testbed] ${line}\n`) },
    ...(values.faults !== undefined ? { scenario: loadScenario(values.faults) } : {})
  }
  if (o.rate > 0 && o.rate < 1000) throw new UsageError(`--rate must be 0 (unlimited) or at least 1000 bytes/s (got ${o.rate})`)
  // a hard deadline for everything: setup, both runs, teardown
  // (generous: on a loaded 2-core machine a 12-node run with loopback takes some 6 minutes)
  const deadlineS = num('deadline', values.deadline, 300 + (o.loopback ? 2 : 1) * (o.nodes * 15 + o.duration * 3 + o.clients * 4), 10)
  setTimeout(() => { bail(2, `deadline of ${deadlineS} s passed: torn down`) }, deadlineS * 1000).unref()
  const result = await runTestbed(o)
  if (values.json === true) console.log(JSON.stringify(result)); else console.log(formatTable(result))
  process.exitCode = passed(result) ? 0 : 1
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) process.on(signal, () => { bail(code, `${signal}: torn down`) })
// last resort: whatever ends the process, leave no namespace behind
process.on('exit', () => { closeAll() })

main().then(() => {
  // libp2p may leave timers behind after stop; the report is out
  setTimeout(() => process.exit(), 200).unref()
}, (err: Error) => {
  bail(2, err instanceof TestbedUnavailable || err instanceof UsageError || err.name === 'ScenarioError' ? err.message : err.stack ?? String(err))
})
