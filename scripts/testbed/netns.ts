// Linux network namespaces for the WAN testbed, through iproute2's `ip`:
// one namespace per node, one for the clients, and one that holds the bridge
// joining them. Every veth pair is created with both ends already inside
// namespaces (never in the host's), the bridge has no address, no namespace
// has a default route, and nothing is attached to a host interface: no packet
// leaves the testbed. Names carry the run's owner pid, so parallel runs never
// collide and a later run can sweep what a dead one left behind.
import { execFileSync } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** every namespace of a run is named `${PREFIX}-${pid}-...` */
export const PREFIX = 'rmtb'
/** the testbed's private network (one /16, inside the bridge's namespace only) */
const NET = '10.77'
/** an `ip` or `tc` command that takes longer than this has hung */
const COMMAND_TIMEOUT_MS = 20_000
export const MAX_NODES = 1000

/** Where a program is on PATH (plus the sbin folders root's PATH may lack), or undefined. */
export function which (program: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin']
  for (const d of dirs) {
    if (d === '') continue
    try { accessSync(join(d, program), constants.X_OK); return join(d, program) } catch {}
  }
  return undefined
}

/** Run `ip` (or `tc`) with these arguments; throws with its stderr. `input` goes to stdin (for -batch -). */
export function run (program: string, args: string[], input?: string): string {
  try {
    return execFileSync(program, args, { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) })
  } catch (err) {
    const e = err as { stderr?: string, message: string }
    throw new Error(`${program} ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`)
  }
}

/** Why this machine cannot build a testbed (one line), or undefined when it can. */
export function cannotBuild (): string | undefined {
  if (process.platform !== 'linux') return `the testbed needs Linux network namespaces (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'the testbed creates network namespaces and must run as root'
  if (which('ip') === undefined) return 'the testbed needs iproute2 (`ip`, `tc`): apt-get install -y iproute2'
  if (which('tc') === undefined) return 'the testbed needs `tc` from iproute2: apt-get install -y iproute2'
  return undefined
}

export interface HostNs {
  /** the namespace's name */
  ns: string
  /** its address on the testbed network */
  address: string
  /** its port on the bridge (in the bridge's namespace) */
  port: string
}

export interface Topology {
  /** `${PREFIX}-${pid}` */
  run: string
  bridgeNs: string
  nodes: HostNs[]
  clients: HostNs
  /** every namespace of the run, bridge last */
  all: string[]
}

/** The interface name inside each host namespace */
export const HOST_IF = 'eth0'

/** Node i's address: 10.77.x.y with x.y = i + 1 (node 0 is 10.77.0.1); the clients' namespace is 10.77.255.254. */
export function nodeAddress (index: number): string {
  const n = index + 1
  return `${NET}.${n >> 8}.${n & 255}`
}

export function plan (nodes: number, pid = process.pid): Topology {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > MAX_NODES) throw new RangeError(`nodes: expected 1-${MAX_NODES}, got ${nodes}`)
  const runName = `${PREFIX}-${pid}`
  const hosts = Array.from({ length: nodes }, (_, i): HostNs => ({ ns: `${runName}-n${i}`, address: nodeAddress(i), port: `p${i}` }))
  const clients: HostNs = { ns: `${runName}-c`, address: `${NET}.255.254`, port: 'pc' }
  const bridgeNs = `${runName}-br`
  return { run: runName, bridgeNs, nodes: hosts, clients, all: [...hosts.map((h) => h.ns), clients.ns, bridgeNs] }
}

/** Create the namespaces, the bridge and one veth pair per host, addresses up: one `ip -batch` per namespace. */
export function create (t: Topology): void {
  const hosts = [...t.nodes, t.clients]
  const batch = (ns: string | undefined, lines: string[]): void => { run('ip', [...(ns !== undefined ? ['-n', ns] : []), '-batch', '-'], lines.join('\n') + '\n') }
  batch(undefined, [
    `netns add ${t.bridgeNs}`,
    ...hosts.map((h) => `netns add ${h.ns}`),
    // both ends created inside their namespaces: the pair never exists in the host's
    ...hosts.map((h) => `link add ${HOST_IF} netns ${h.ns} type veth peer name ${h.port} netns ${t.bridgeNs}`)
  ])
  batch(t.bridgeNs, ['link set lo up', 'link add br0 type bridge', 'link set br0 up', ...hosts.flatMap((h) => [`link set ${h.port} master br0`, `link set ${h.port} up`])])
  for (const h of hosts) batch(h.ns, ['link set lo up', `addr add ${h.address}/16 dev ${HOST_IF}`, `link set ${HOST_IF} up`])
}

/** The namespaces that exist now. */
export function list (): string[] {
  return run('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n !== '')
}

/** Pids of the processes inside a namespace. */
export function pidsIn (ns: string): number[] {
  try {
    return run('ip', ['netns', 'pids', ns]).split('\n').map(Number).filter((p) => Number.isInteger(p) && p > 0)
  } catch {
    return []
  }
}

/**
 * Remove namespaces: first SIGKILL the processes still inside them (the
 * testbed's own workers: a namespace outlives its mount while a process holds
 * it), then delete them, which destroys their veths and the bridge.
 * Best effort and synchronous (it runs from signal handlers); returns what it could not remove.
 */
export function destroy (names: string[]): string[] {
  const left: string[] = []
  const existing = new Set(safeList())
  for (const ns of names) {
    if (!existing.has(ns)) continue
    for (const pid of pidsIn(ns)) { try { process.kill(pid, 'SIGKILL') } catch {} }
    try { run('ip', ['netns', 'del', ns]) } catch { left.push(ns) }
  }
  return left
}

function safeList (): string[] {
  try { return list() } catch { return [] }
}

/** Namespaces of the prefix whose owning run (the pid in the name) is no longer alive. */
export function stale (names = safeList()): string[] {
  return names.filter((ns) => {
    const m = new RegExp(`^${PREFIX}-(\\d+)-`).exec(ns)
    return m !== null && !alive(Number(m[1]))
  })
}

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM' }
}

/** The command that runs a program inside a namespace (the sim's workers use it as their launcher). */
export function execIn (ns: string): string[] {
  return [which('ip') ?? 'ip', 'netns', 'exec', ns]
}
