// The simulated people: real clients (client/client.ts), each with its own
// home folder and sealed store, hosted by client worker processes and
// attached to a node of the mesh. A client's receive loop (in its worker)
// reports every message its application gets; the ledger here records it.
import { join } from 'node:path'
import type { Ledger } from './ledger.js'
import type { SimWorker } from './workers.js'
import type { SendFailure, SendResult, WorkerEvent } from './worker-protocol.js'

export interface SimClient {
  index: number
  home: string
  userId: string
  worker: SimWorker
  /** increases at every attach; a message sent while the recipient was in epoch e and received in e was delivered live */
  epoch: number
  online: boolean
  /** node index it attached to last */
  node: number
  inFlight: number
  /** set while a re-attach drain is measured */
  drain?: { startedAt: number, waiting: Set<number>, total: number }
}

export interface Drain { client: number, node: number, messages: number, ms: number }

export class Population {
  readonly clients: SimClient[] = []
  readonly drains: Drain[] = []
  /** receive() errors other than the connection going away (should stay 0) */
  receiveErrors: string[] = []
  /** received files whose bytes differ from what was sent (should stay 0) */
  corruptFiles = 0

  /**
   * @param place the worker that hosts client `index`
   * @param toClock wall-clock ms (from a worker) -> the simulation clock
   */
  constructor (private readonly dir: string, private readonly ledger: Ledger, private readonly clock: () => number,
    private readonly place: (index: number) => SimWorker, private readonly toClock: (wallMs: number) => number) {}

  /**
   * Identities are created in the workers that will host them, in parallel across workers and
   * `perWorker` at a time in each (the store's KDF and the prekeys are the cost); fastKdf: the store's
   * passphrase KDF at test cost.
   */
  async create (count: number, options: { fastKdf?: boolean, perWorker?: number, progress?: (done: number) => void } = {}): Promise<void> {
    const made: SimClient[] = []
    for (let i = 0; i < count; i++) {
      made.push({ index: i, home: join(this.dir, `client-${i}`), userId: '', worker: this.place(i), epoch: 0, online: false, node: -1, inFlight: 0 })
    }
    const byWorker = new Map<SimWorker, SimClient[]>()
    for (const c of made) byWorker.set(c.worker, [...(byWorker.get(c.worker) ?? []), c])
    let done = 0
    let said = Date.now()
    const lane = async (list: SimClient[]): Promise<void> => {
      for (let c = list.shift(); c !== undefined; c = list.shift()) {
        c.userId = (await c.worker.call('clientCreate', { index: c.index, home: c.home, name: `sim-${c.index}`, fastKdf: options.fastKdf === true })).userId
        done++
        if (Date.now() - said >= 5_000) { said = Date.now(); options.progress?.(done) }
      }
    }
    await Promise.all([...byWorker.values()].flatMap((list) => Array.from({ length: Math.max(1, options.perWorker ?? 1) }, async () => { await lane(list) })))
    this.clients.push(...made)
  }

  get online (): SimClient[] { return this.clients.filter((c) => c.online) }
  get offline (): SimClient[] { return this.clients.filter((c) => !c.online) }

  /** Open and attach: `nodes` in the order tried (the first is where it means to attach). */
  async goOnline (c: SimClient, nodeIndex: number, nodes: string[]): Promise<void> {
    if (c.online) return
    const epoch = c.epoch + 1
    await c.worker.call('clientOnline', { index: c.index, home: c.home, nodes, epoch })
    c.node = nodeIndex
    c.epoch = epoch
    c.online = true
    // measure how long the mailbox takes to drain: what was stored for us and not yet received
    const waiting = new Set(this.ledger.pendingStored().filter((p) => p.to === c.index).map((p) => p.s.seq))
    if (waiting.size > 0) c.drain = { startedAt: this.clock(), waiting, total: waiting.size }
  }

  async goOffline (c: SimClient): Promise<void> {
    if (!c.online) return
    c.online = false
    c.drain = undefined
    await c.worker.call('clientOffline', { index: c.index }).catch(() => {})
  }

  /** The worker hosting these clients was killed: they are offline, whatever they were doing. */
  crashed (list: SimClient[]): void {
    for (const c of list) { c.online = false; c.drain = undefined; c.inFlight = 0 }
  }

  /** A worker's event (deliveries, receive errors, corrupt files). */
  onEvent (e: WorkerEvent): void {
    if (e.event === 'receiveError') { this.receiveErrors.push(`client ${e.client}: ${e.error}`); return }
    if (e.event === 'corrupt') { this.corruptFiles++; return }
    if (e.event !== 'delivered') return
    const c = this.clients[e.client]
    if (c === undefined) return
    const at = this.toClock(e.at)
    const s = this.ledger.deliver(c.index, e.text, at, e.epoch)
    if (s === undefined || c.drain === undefined) return
    c.drain.waiting.delete(s.seq)
    if (c.drain.waiting.size === 0) {
      this.drains.push({ client: c.index, node: c.node, messages: c.drain.total, ms: at - c.drain.startedAt })
      c.drain = undefined
    }
  }

  async closeAll (): Promise<void> {
    await Promise.all(this.clients.map(async (c) => { await this.goOffline(c) }))
  }
}

export type SendOutcome = SendResult | SendFailure
