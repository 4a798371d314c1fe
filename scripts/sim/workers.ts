// The coordinator's handle on one worker process (scripts/sim/worker.ts):
// start it, call its operations, hear its events, stop it gracefully or kill
// it with SIGKILL (a crash: pending calls fail with ChildGone).
import { join } from 'node:path'
import { ChildGone, ChildRpc } from '../lib/child-rpc.js'
import type { Ops, OpName, WorkerEvent } from './worker-protocol.js'

export { ChildGone }

const WORKER = join(import.meta.dirname, 'worker.js')
const START_TIMEOUT_MS = 30_000
const CALL_TIMEOUT_MS = 120_000
const HEAP_LIMIT_MIB = 8192

export class SimWorker {
  private rpc: ChildRpc | undefined
  private stopping = false
  /** told when the process ends without stop() or kill() */
  onExit: ((line: string) => void) | undefined
  /** a command the worker's Node.js runs under, e.g. ['ip', 'netns', 'exec', NS] (the testbed's namespaces) @default none */
  launch: string[] | undefined

  constructor (readonly name: string, private readonly onEvent: (w: SimWorker, e: WorkerEvent) => void) {}

  get pid (): number | undefined { return this.rpc?.pid }
  get running (): boolean { return this.rpc?.running === true }

  /** Fork the worker (again, after a kill) and wait for its ready event. */
  async start (): Promise<void> {
    if (this.running) return
    // RELAYMESH_SIM_PROFILE=DIR: every worker writes a V8 CPU profile there when it exits (README, "Simulation")
    const profile = process.env.RELAYMESH_SIM_PROFILE
    // --expose-gc: the report tells live heap (after a collection) from garbage not yet collected
    // a V8 heap limit above the default (about 4 GiB here): a worker hosting 150+ nodes or 500+ clients needs more
    const execArgv = ['--expose-gc', `--max-old-space-size=${HEAP_LIMIT_MIB}`, ...(profile !== undefined && profile !== '' ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${this.name}-${Date.now()}.cpuprofile`] : [])]
    let ready: () => void = () => {}
    const isReady = new Promise<void>((resolve) => { ready = resolve })
    const [wrapper, ...wrapperArgs] = this.launch ?? []
    // launched through a wrapper (the testbed: one worker per node, all starting at once): more time
    const startTimeout = wrapper !== undefined ? 4 * START_TIMEOUT_MS : START_TIMEOUT_MS
    const rpc = new ChildRpc(WORKER, {
      name: `worker ${this.name}`,
      ...(wrapper !== undefined ? { execPath: wrapper, execArgv: [...wrapperArgs, process.execPath, ...execArgv] } : { execArgv }),
      serialization: 'advanced',
      onMessage: (m) => {
        const e = m as WorkerEvent
        if (e.event === 'ready') ready(); else this.onEvent(this, e)
      }
    })
    this.rpc = rpc
    this.stopping = false
    // a worker that ends while nobody stopped or killed it (a crash, or a signal from outside) is worth a line
    void rpc.exited.then(({ code, signal }) => { if (!this.stopping) this.onExit?.(`worker ${this.name} (pid ${rpc.pid ?? '?'}) exited unexpectedly (${signal ?? `code ${code ?? '?'}`})`) })
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        isReady,
        rpc.exited.then(({ code, signal }) => { throw new ChildGone(`worker ${this.name} exited before it was ready (${signal ?? `code ${code ?? '?'}`})`) }),
        new Promise((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`worker ${this.name} did not start within ${startTimeout} ms`)) }, startTimeout) })
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  async call<K extends OpName> (op: K, args: Ops[K][0], timeoutMs = CALL_TIMEOUT_MS): Promise<Ops[K][1]> {
    if (this.rpc === undefined) throw new ChildGone(`worker ${this.name} is not running`)
    return await this.rpc.call<Ops[K][1]>({ op, args }, timeoutMs)
  }

  /** SIGKILL: everything it hosted stops at once, mid-write if it was writing. */
  async kill (): Promise<void> {
    this.stopping = true
    await this.rpc?.kill()
  }

  /** Graceful: stop what it hosts, then exit; SIGKILL after a deadline. */
  async stop (deadlineMs = 20_000): Promise<void> {
    const rpc = this.rpc
    if (rpc === undefined || !rpc.running) return
    this.stopping = true
    const deadline = setTimeout(() => { void rpc.kill() }, deadlineMs)
    await rpc.call({ op: 'shutdown', args: {} }, deadlineMs).catch(() => {})
    // the worker exits when its IPC channel closes
    if (rpc.child.connected) rpc.child.disconnect()
    await rpc.exited
    clearTimeout(deadline)
  }
}
