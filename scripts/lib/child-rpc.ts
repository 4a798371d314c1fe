// Request/response with a forked child process over its IPC channel, for the
// simulator's and the bench's worker processes: every call carries an id and
// is answered by a Reply with that id, within a timeout; a child that exits
// fails every call still waiting with ChildGone. Messages that are not
// replies (a worker's own events) go to onMessage.
import { fork, type ChildProcess } from 'node:child_process'

export type Reply = { id: number, ok: true, value: unknown } | { id: number, ok: false, error: string }

export class ChildGone extends Error {
  override name = 'ChildGone'
}

export interface ChildRpcInit {
  /** how errors name it */
  name: string
  args?: string[]
  execArgv?: string[]
  /** the program that runs Node.js with execArgv (a wrapper such as `ip netns exec NS node`) @default process.execPath */
  execPath?: string
  /** 'advanced' (structured clone) carries Uint8Arrays and Maps; 'json' is the default */
  serialization?: 'json' | 'advanced'
  onMessage?: (message: unknown) => void
}

const isReply = (m: unknown): m is Reply =>
  typeof m === 'object' && m !== null && typeof (m as Reply).id === 'number' && typeof (m as Reply).ok === 'boolean'

export class ChildRpc {
  readonly child: ChildProcess
  readonly pid: number
  /** resolves with how it ended */
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>()

  constructor (module: string, private readonly init: ChildRpcInit) {
    // stdout stays the parent's (CLIs print JSON there); the child's warnings go to stderr
    this.child = fork(module, init.args ?? [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: init.serialization ?? 'json', execArgv: init.execArgv ?? [], ...(init.execPath !== undefined ? { execPath: init.execPath } : {}) })
    if (this.child.pid === undefined) throw new Error(`${init.name}: fork failed`)
    this.pid = this.child.pid
    this.exited = new Promise((resolve) => { this.child.once('exit', (code, signal) => { resolve({ code, signal }) }) })
    this.child.on('message', (m: unknown) => {
      if (!isReply(m)) { init.onMessage?.(m); return }
      const p = this.pending.get(m.id)
      if (p === undefined) return
      this.pending.delete(m.id)
      clearTimeout(p.timer)
      if (m.ok) p.resolve(m.value); else p.reject(new Error(`${init.name}: ${m.error}`))
    })
    void this.exited.then(({ code, signal }) => {
      const gone = new ChildGone(`${init.name} (pid ${this.pid}) exited (${signal ?? `code ${code ?? '?'}`})`)
      for (const p of this.pending.values()) { clearTimeout(p.timer); p.reject(gone) }
      this.pending.clear()
    })
  }

  get running (): boolean { return this.child.exitCode === null && this.child.signalCode === null }

  /** Send `message` with an id; resolves with the child's answer. */
  async call<T> (message: object, timeoutMs: number): Promise<T> {
    if (!this.running || !this.child.connected) throw new ChildGone(`${this.init.name} is not running`)
    const id = this.nextId++
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${this.init.name}: ${String((message as { op?: unknown }).op ?? 'call')} did not answer within ${timeoutMs} ms`))
      }, timeoutMs)
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer })
      this.child.send({ ...message, id }, (err) => {
        if (err === null || err === undefined) return
        this.pending.delete(id)
        clearTimeout(timer)
        reject(err)
      })
    })
  }

  /** One way, no answer. */
  post (message: object): void {
    if (this.child.connected) this.child.send(message, () => {})
  }

  /** SIGKILL; resolves once it is gone. */
  async kill (): Promise<void> {
    if (this.running) this.child.kill('SIGKILL')
    await this.exited
  }
}

/** In the child: answer call `id` with what `work` resolves to, or with its error as `describe` puts it. */
export function answer (id: number, work: Promise<unknown>, describe: (err: Error) => string = (err) => err.message): void {
  const reply = (r: Reply): void => { if (process.connected) process.send?.(r) }
  work.then((value) => { reply({ id, ok: true, value: value ?? null }) }, (err: Error) => { reply({ id, ok: false, error: describe(err) }) })
}
