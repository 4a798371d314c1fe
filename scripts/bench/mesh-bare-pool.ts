// The coordinator's handles on its bare worker processes: calls with a
// timeout and one-way posts over IPC (scripts/lib/child-rpc.ts), and a stop
// that ends every process it started (by pid) even if a worker does not answer.
import { fileURLToPath } from 'node:url'
import { ChildRpc } from '../lib/child-rpc.js'
import type { Call, Post } from './mesh-bare-wire.js'

const WORKER = fileURLToPath(new URL('./mesh-bare-worker.js', import.meta.url))
const CALL_TIMEOUT_MS = 120_000

export class WorkerHandle {
  private readonly rpc: ChildRpc
  readonly pid: number

  constructor (readonly role: 'node' | 'client', maxLifeMs: number) {
    this.rpc = new ChildRpc(WORKER, { name: `${role} worker`, args: [role, String(Math.round(maxLifeMs))] })
    this.pid = this.rpc.pid
  }

  async call<T> (c: Call, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    return await this.rpc.call<T>(c, timeoutMs)
  }

  post (p: Post): void {
    this.rpc.post(p)
  }

  /** Ask it to stop; if it has not exited within `graceMs`, kill it by pid. */
  async stop (graceMs = 5000): Promise<void> {
    if (!this.rpc.running) return
    void this.rpc.call({ op: 'stop' }, graceMs).catch(() => {})
    const killed = await Promise.race([this.rpc.exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => { resolve(true) }, graceMs).unref())])
    if (killed) await this.rpc.kill()
    if (this.rpc.child.connected) this.rpc.child.disconnect()
  }
}
