// The coordinator's handles on its bare worker processes: fork, calls with a
// timeout over IPC, one-way posts, and a stop that ends every process it
// started (by pid) even if a worker does not answer.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Call, Post, Reply } from './mesh-bare-wire.js'

const WORKER = fileURLToPath(new URL('./mesh-bare-worker.js', import.meta.url))
const CALL_TIMEOUT_MS = 120_000

export class WorkerHandle {
  readonly child: ChildProcess
  readonly pid: number
  private rid = 0
  private readonly calls = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>()
  readonly exited: Promise<void>

  constructor (readonly role: 'node' | 'client', maxLifeMs: number) {
    // stdout stays ours (the CLI prints its JSON there); a worker's warnings go to stderr
    this.child = fork(WORKER, [role, String(Math.round(maxLifeMs))], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
    if (this.child.pid === undefined) throw new Error('fork failed')
    this.pid = this.child.pid
    this.exited = new Promise((resolve) => { this.child.once('exit', () => { resolve() }) })
    this.child.on('message', (r: Reply) => {
      const c = this.calls.get(r.rid)
      if (c === undefined) return
      this.calls.delete(r.rid)
      clearTimeout(c.timer)
      if (r.ok) c.resolve(r.value)
      else c.reject(new Error(`${role} worker ${this.pid}: ${r.error}`))
    })
    void this.exited.then(() => {
      for (const c of this.calls.values()) { clearTimeout(c.timer); c.reject(new Error(`${role} worker ${this.pid} exited`)) }
      this.calls.clear()
    })
  }

  async call<T> (c: Call, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    const rid = ++this.rid
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.calls.delete(rid); reject(new Error(`${this.role} worker ${this.pid}: ${c.op} took over ${timeoutMs} ms`)) }, timeoutMs)
      this.calls.set(rid, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.child.send({ ...c, rid }, (err) => {
        if (err !== null && err !== undefined) { this.calls.delete(rid); clearTimeout(timer); reject(err) }
      })
    })
  }

  post (p: Post): void {
    if (this.child.connected) this.child.send(p, () => {})
  }

  /** Ask it to stop; if it has not exited within `graceMs`, kill it by pid. */
  async stop (graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    void this.call({ op: 'stop' }, graceMs).catch(() => {})
    const killed = await Promise.race([this.exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => { resolve(true) }, graceMs).unref())])
    if (killed) {
      try { process.kill(this.pid, 'SIGKILL') } catch {}
      await this.exited
    }
    if (this.child.connected) this.child.disconnect()
  }
}
