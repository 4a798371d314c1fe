// `npm run idle:cost -- [--nodes N] [--settle S] [--window S] [--profile FILE] [--json]`:
// what an idle relay costs and why. Starts N relays in this one process over
// loopback TCP (the shipped node, the node-id puzzle at its lowest
// difficulty), waits until every one holds every node record, lets them
// settle, then for a window counts, per node per second, the streams it opens
// (by protocol) and the connections it opens and closes, and measures this
// process's CPU ÷ N. With --profile, a V8 CPU profile of the window is written
// to FILE (open it in Chrome DevTools) and the busiest packages are printed.
// No client, no message: the mesh's own upkeep only. docs/scaling.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Connection } from '@libp2p/interface'
import '../node/runtime/polyfills.js'
import { createRelayNode, type RelayNode } from '../node/relay-node.js'

const USAGE = 'usage: npm run idle:cost -- [--nodes N (40)] [--settle S (60)] [--window S (30)] [--profile FILE] [--json]'
const LOOPBACK = ['127.0.0.0/8', '::1/128']
const CONVERGE_TIMEOUT_MS = 300_000

function option (name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(name)
  if (i < 0) return fallback
  const v = Number(process.argv[i + 1])
  if (!Number.isInteger(v) || v < min || v > max) { console.error(`idle:cost: ${name} must be an integer from ${min} to ${max}\n${USAGE}`); process.exit(2) }
  return v
}

if (process.argv.includes('--help')) { console.log(USAGE); process.exit(0) }
const N = option('--nodes', 40, 2, 300)
const settleS = option('--settle', 60, 0, 3600)
const windowS = option('--window', 30, 1, 3600)
const profileAt = process.argv.indexOf('--profile')
const profileFile = profileAt >= 0 ? process.argv[profileAt + 1] : undefined
if (profileAt >= 0 && (profileFile === undefined || profileFile.startsWith('--'))) { console.error(`idle:cost: --profile needs a file\n${USAGE}`); process.exit(2) }
const json = process.argv.includes('--json')
const say = (line: string): void => { if (!json) console.error(line) }

const counts = new Map<string, number>()
let counting = false
const bump = (key: string): void => { if (counting) counts.set(key, (counts.get(key) ?? 0) + 1) }
const watched = new WeakSet<Connection>()
/** count the streams this node opens on `conn`, by protocol */
function watch (conn: Connection): void {
  if (watched.has(conn)) return
  watched.add(conn)
  const open = conn.newStream.bind(conn)
  conn.newStream = async (protocols, options) => { bump(`stream ${[protocols].flat()[0] ?? '?'}`); return await open(protocols, options) }
}

const dir = mkdtempSync(join(tmpdir(), 'relaymesh-idle-'))
const nodes: RelayNode[] = []
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const connections = (): number => nodes.reduce((sum, n) => sum + n.host.getConnections().length, 0) / N
let exitCode = 0
try {
  for (let i = 0; i < N; i++) {
    const bootstrap = nodes.slice(-2).map((n) => n.multiaddrs().find((m) => !m.includes('/ws')) as string)
    const node = await createRelayNode({ dataDir: join(dir, `node-${i}`), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap, allowIps: LOOPBACK, idDifficulty: 0, stableAfterMs: 0, stampBits: 8 })
    node.host.addEventListener('connection:open', (e) => { bump('connection opened'); watch(e.detail) })
    node.host.addEventListener('connection:close', () => { bump('connection closed') })
    for (const c of node.host.getConnections()) watch(c)
    nodes.push(node)
    if ((i + 1) % 10 === 0) say(`idle:cost: ${i + 1}/${N} nodes started`)
  }
  const t0 = Date.now()
  while (!nodes.every((n) => n.relays.nodeRecords().length === N)) {
    if (Date.now() - t0 > CONVERGE_TIMEOUT_MS) throw new Error(`the ${N} nodes did not all learn of each other within ${CONVERGE_TIMEOUT_MS / 1000} s`)
    await sleep(250)
  }
  const convergedMs = Date.now() - t0
  say(`idle:cost: converged in ${(convergedMs / 1000).toFixed(1)} s; settling ${settleS} s, then measuring ${windowS} s`)
  await sleep(settleS * 1000)
  const connectionsBefore = connections()
  const session = new Session()
  if (profileFile !== undefined) {
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
  }
  counting = true
  const cpu0 = process.cpuUsage()
  const w0 = Date.now()
  await sleep(windowS * 1000)
  const cpu = process.cpuUsage(cpu0)
  const wallMs = Date.now() - w0
  counting = false
  const perNodePerS = (v: number): number => Math.round(v / N / (wallMs / 1000) * 1000) / 1000
  const result = {
    nodes: N,
    convergedMs,
    settleS,
    windowS: wallMs / 1000,
    cpuPercentPerNode: Math.round((cpu.user + cpu.system) / 1000 / wallMs * 100 / N * 1000) / 1000,
    connectionsPerNode: { before: Math.round(connectionsBefore * 10) / 10, after: Math.round(connections() * 10) / 10 },
    perNodePerSecond: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, perNodePerS(v)]))
  }
  if (profileFile !== undefined) {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(profileFile, JSON.stringify(profile))
    session.disconnect()
    say(`idle:cost: CPU profile of the window written to ${profileFile}`)
  }
  if (json) console.log(JSON.stringify(result))
  else {
    console.log(`${N} idle relays, ${result.windowS} s, ${settleS} s after convergence (${(convergedMs / 1000).toFixed(1)} s): ${result.cpuPercentPerNode} % of a core per node`)
    console.log(`connections per node: ${result.connectionsPerNode.before} at the start of the window, ${result.connectionsPerNode.after} at its end`)
    for (const [k, v] of Object.entries(result.perNodePerSecond)) console.log(`  ${v.toFixed(3)} per node per second: ${k}`)
  }
} catch (err) {
  console.error(`idle:cost: ${(err as Error).message}`)
  exitCode = 1
} finally {
  await Promise.all(nodes.map(async (n) => { await n.stop().catch(() => {}) }))
  rmSync(dir, { recursive: true, force: true })
}
process.exit(exitCode)
