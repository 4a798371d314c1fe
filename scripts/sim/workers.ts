// The coordinator's handle on one worker process (scripts/sim/worker.ts):
// start it, call its operations, hear its events, stop it gracefully or kill
// it with SIGKILL (a crash: pending calls fail with WorkerGone).
import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { Ops, OpName, Response, WorkerEvent } from './worker-protocol.js'

const WORKER = join(import.meta.dirname, 'worker.js')
const START_TIMEOUT_MS = 30_000
const CALL_TIMEOUT_MS = 120_000

export class WorkerGone extends Error {
  override name = 'WorkerGone'
}

export class SimWorker {
  private child: ChildProcess | undefined
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>()

  constructor (readonly name: string, private readonly onEvent: (w: SimWorker, e: WorkerEvent) => void) {}

  get pid (): number | undefined { return this.child?.pid }
  get running (): boolean { return this.child !== undefined }

  async start (): Promise<void> {
    if (this.child !== undefined) return
    // RELAYMESH_SIM_PROFILE=DIR: every worker writes a V8 CPU profile there when it exits (README, "Simulation")
    const profile = process.env.RELAYMESH_SIM_PROFILE
    // --expose-gc: the report tells live heap (after a collection) from garbage not yet collected
    const execArgv = ['--expose-gc', ...(profile !== undefined && profile !== '' ? ['--cpu-prof', `--cpu-prof-dir=${profile}`, `--cpu-prof-name=${this.name}-${Date.now()}.cpuprofile`] : [])]
    const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced', execArgv })
    this.child = child
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`worker ${this.name} did not start within ${START_TIMEOUT_MS} ms`)) }, START_TIMEOUT_MS)
      child.on('message', (m: Response | WorkerEvent) => {
        if ('event' in m) {
          if (m.event === 'ready') { clearTimeout(timer); resolve(); return }
          this.onEvent(this, m)
          return
        }
        const p = this.pending.get(m.id)
        if (p === undefined) return
        this.pending.delete(m.id)
        clearTimeout(p.timer)
        if (m.ok) p.resolve(m.value); else p.reject(new Error(`worker ${this.name}: ${m.error}`))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        if (this.child === child) this.child = undefined
        const gone = new WorkerGone(`worker ${this.name} (pid ${child.pid ?? '?'}) exited (${signal ?? `code ${code ?? '?'}`})`)
        for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(gone) }
        this.pending.clear()
        reject(gone)
      })
    })
  }

  async call<K extends OpName> (op: K, args: Ops[K][0], timeoutMs = CALL_TIMEOUT_MS): Promise<Ops[K][1]> {
    const child = this.child
    if (child === undefined) throw new WorkerGone(`worker ${this.name} is not running`)
    const id = this.nextId++
    return await new Promise<Ops[K][1]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`worker ${this.name}: ${op} did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      child.send({ id, op, args })
    })
  }

  /** SIGKILL: everything it hosted stops at once, mid-write if it was writing. */
  async kill (): Promise<void> {
    const child = this.child
    if (child === undefined) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  /** Graceful: stop what it hosts, then exit; SIGKILL after a deadline. */
  async stop (deadlineMs = 20_000): Promise<void> {
    const child = this.child
    if (child === undefined) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const deadline = setTimeout(() => { child.kill('SIGKILL') }, deadlineMs)
    await this.call('shutdown', {}, deadlineMs).catch(() => {})
    child.disconnect()
    await exited
    clearTimeout(deadline)
  }
}
