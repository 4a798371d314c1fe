// Real relay nodes for tests: in this process (TCP on 127.0.0.1) or as
// separate `relaymesh node start` processes, each with its own data dir.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { createRelayNode, type RelayNode, type RelayNodeInit } from '../../node/relay-node.js'
import { registerNonce } from './placement.js'
import { waitFor } from './wait.js'

export const CLI = resolve(import.meta.dirname, '../../client/cli/index.js')

/**
 * Every test node shares 127.0.0.1: nodes and CLI-spawned nodes allow loopback
 * explicitly (NodeConfig allowIps, `--allow-ip`), as production never does.
 */
export const LOOPBACK_ALLOW = ['127.0.0.0/8', '::1/128']

export function tempDir (prefix = 'relaymesh-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function removeDir (dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** sealed-send stamps in tests: cheap work (2^8 hashes), same rules */
export const TEST_STAMP_BITS = 8

/**
 * What every test node sets unless a test says otherwise: the node-id puzzle at
 * its lowest difficulty, no stability wait and cheap sealed-send stamps (docs/protocol.md);
 * tests of admission set their own.
 */
export const TEST_NODE_OPTIONS = { idDifficulty: 0, stableAfterMs: 0, stampBits: TEST_STAMP_BITS } as const
/** the same for `relaymesh node start` processes */
export const TEST_NODE_ARGS = ['--id-difficulty', '0', '--stable-after', '0', '--stamp-bits', String(TEST_STAMP_BITS)] as const

/** every test node listens on TCP and on WebSockets (browsers), both on a free loopback port */
export const TEST_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']

export async function startNode (init: RelayNodeInit = {}): Promise<RelayNode> {
  // a temp dir only when none is given (else it would be left behind, empty)
  const node = await createRelayNode({ listen: TEST_LISTEN, allowIps: LOOPBACK_ALLOW, ...TEST_NODE_OPTIONS, ...init, dataDir: init.dataDir ?? tempDir() })
  const own = node.relays.nodeRecords().find((r) => r.peerId.equals(node.peerId))
  if (own !== undefined) registerNonce(node.peerId.toString(), own.idNonce)
  return node
}

/** true for a loopback TCP multiaddr without /ws */
function isLoopbackTcp (m: string): boolean {
  return m.includes('/127.0.0.1/tcp/') && !m.includes('/ws')
}

/** true for a loopback WebSocket multiaddr */
function isLoopbackWs (m: string): boolean {
  return m.includes('/127.0.0.1/tcp/') && m.includes('/ws/')
}

/** The TCP address of a node that others can dial (loopback, with /p2p). */
export function addressOf (node: RelayNode): string {
  const a = node.multiaddrs().find(isLoopbackTcp)
  if (a === undefined) throw new Error('node has no loopback TCP address')
  return a
}

/** The WebSocket address of a node, as a browser dials it (loopback, /ws, with /p2p). */
export function wsAddressOf (node: RelayNode): string {
  const a = node.multiaddrs().find(isLoopbackWs)
  if (a === undefined) throw new Error('node has no loopback WebSocket address')
  return a
}

/** n nodes bootstrapped from the first; resolves when every directory knows every node. */
export async function startMesh (n: number, init: RelayNodeInit = {}): Promise<RelayNode[]> {
  const first = await startNode(init)
  const nodes = [first]
  const boot = addressOf(first)
  for (let i = 1; i < n; i++) nodes.push(await startNode({ ...init, bootstrap: [boot] }))
  await waitForFullDirectory(nodes)
  return nodes
}

export async function waitForFullDirectory (nodes: RelayNode[], timeout = 30_000): Promise<void> {
  await waitFor(() => nodes.every((node) => node.relays.peers().length >= nodes.length - 1), { timeout, what: `${nodes.length} nodes to know each other` })
}

export async function stopAll (nodes: Array<RelayNode | undefined>): Promise<void> {
  await Promise.all(nodes.map(async (n) => { await n?.stop().catch(() => {}) }))
  for (const n of nodes) if (n !== undefined) removeDir(n.config.dataDir)
}

export interface NodeProcess {
  proc: ChildProcess
  peerId: string
  address: string
  /** its loopback /ws address (browsers), with /p2p; undefined when --announce named none */
  wsAddress: string | undefined
  dataDir: string
  /** the parsed ready line */
  ready: { peerId: string, multiaddrs: string[], metrics?: string }
  /** stdout lines after the ready line */
  lines: string[]
  exited: Promise<number | null>
}

/** `relaymesh node start --json` as a separate process; resolves on its ready line. */
export async function spawnNode (options: { dataDir?: string, bootstrap?: string[], replicas?: number, extra?: string[], allowLoopback?: boolean } = {}): Promise<NodeProcess> {
  const dataDir = options.dataDir ?? tempDir()
  const args = [CLI, 'node', 'start', '--json', '--log-level', 'warn', '--data', dataDir, ...TEST_LISTEN.flatMap((l) => ['--listen', l]), ...TEST_NODE_ARGS]
  if (options.allowLoopback !== false) for (const c of LOOPBACK_ALLOW) args.push('--allow-ip', c)
  for (const b of options.bootstrap ?? []) args.push('--bootstrap', b)
  if (options.replicas !== undefined) args.push('--replicas', String(options.replicas))
  args.push(...(options.extra ?? []))
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => { resolve(code) }))
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const lines: string[] = []
  const rl = createInterface({ input: proc.stdout! })
  const ready = await new Promise<NodeProcess['ready']>((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`node did not become ready: ${stderr}`)) }, 30_000)
    rl.once('line', (line) => {
      clearTimeout(timer)
      try { resolve(JSON.parse(line)) } catch (err) { reject(new Error(`first stdout line is not JSON: ${line}`)) }
    })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`node exited (${String(code)}) before ready: ${stderr}`)) })
  })
  rl.on('line', (line) => lines.push(line))
  const address = ready.multiaddrs.find(isLoopbackTcp)
  const wsAddress = ready.multiaddrs.find(isLoopbackWs)
  if (address === undefined) {
    proc.kill('SIGKILL') // never leave a node running that no test will stop
    throw new Error(`no loopback TCP address in ready line: ${ready.multiaddrs.join(' ')}`)
  }
  return { proc, peerId: ready.peerId, address, wsAddress, dataDir, ready, lines, exited }
}

export async function killAll (procs: Array<NodeProcess | undefined>, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await Promise.all(procs.map(async (p) => {
    if (p === undefined || p.proc.exitCode !== null || p.proc.signalCode !== null) return
    p.proc.kill(signal)
    await p.exited
  }))
}
