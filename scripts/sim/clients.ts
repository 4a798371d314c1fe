// The simulated people: real clients (client/client.ts), each with its own
// home folder and sealed store, attached to a node of the mesh. A client's
// receive loop hands every message to the ledger as its application would.
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import type { Ledger } from './ledger.js'

export const PASSPHRASE = 'simulated passphrase'

export interface SimClient {
  index: number
  home: string
  userId: string
  client: Client | undefined
  /** increases at every attach; a message sent while the recipient was in epoch e and received in e was delivered live */
  epoch: number
  online: boolean
  /** node index it attached to last */
  node: number
  inFlight: number
  loop: Promise<void> | undefined
  /** set while a re-attach drain is measured */
  drain?: { startedAt: number, waiting: Set<number>, total: number }
}

export interface Drain { client: number, node: number, messages: number, ms: number }

export class Population {
  readonly clients: SimClient[] = []
  readonly drains: Drain[] = []
  /** receive() errors other than the connection going away (should stay 0) */
  receiveErrors: string[] = []

  constructor (private readonly dir: string, private readonly ledger: Ledger, private readonly clock: () => number) {}

  async create (count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const home = join(this.dir, `client-${i}`)
      const { userId } = await initIdentity(home, PASSPHRASE, { name: `sim-${i}` })
      this.clients.push({ index: i, home, userId, client: undefined, epoch: 0, online: false, node: -1, inFlight: 0, loop: undefined })
    }
  }

  get online (): SimClient[] { return this.clients.filter((c) => c.online) }
  get offline (): SimClient[] { return this.clients.filter((c) => !c.online) }

  /** Open and attach: `nodes` in the order tried (the first is where it means to attach). */
  async goOnline (c: SimClient, nodeIndex: number, nodes: string[]): Promise<void> {
    if (c.online) return
    const client = await openClient({ home: c.home, passphrase: PASSPHRASE, nodes })
    await client.connect()
    c.client = client
    c.node = nodeIndex
    c.epoch++
    c.online = true
    // measure how long the mailbox takes to drain: what was stored for us and not yet received
    const waiting = new Set(this.ledger.pendingStored().filter((p) => p.to === c.index).map((p) => p.s.seq))
    if (waiting.size > 0) c.drain = { startedAt: this.clock(), waiting, total: waiting.size }
    const epoch = c.epoch
    const onMessage = (m: IncomingMessage): void => { this.received(c, m, epoch) }
    c.loop = (async () => {
      while (c.client === client) {
        try {
          await client.receive({ waitMs: 1000, onMessage })
        } catch (err) {
          if (c.client !== client) break
          const code = (err as { code?: string }).code ?? ''
          // the node went away: the client reconnects on its own; try again shortly
          if (!/UNAVAILABLE|TIMEOUT|CLOSED|ABORT/i.test(code + String((err as Error).message))) this.receiveErrors.push(`${code} ${(err as Error).message}`)
          await new Promise((resolve) => setTimeout(resolve, 200))
        }
      }
    })()
  }

  async goOffline (c: SimClient): Promise<void> {
    const client = c.client
    if (client === undefined) return
    c.client = undefined
    c.online = false
    c.drain = undefined
    await client.close().catch(() => {})
    await c.loop
    c.loop = undefined
  }

  private received (c: SimClient, m: IncomingMessage, epoch: number): void {
    if (m.system === true) return
    const at = this.clock()
    const s = this.ledger.deliver(c.index, m.text, at, epoch)
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
