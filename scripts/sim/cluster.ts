// The relay nodes of a simulation: real createRelayNode instances spread over
// worker processes (node i in worker i mod W), each with its own data
// directory and a fixed listen address so a restarted node comes back where
// clients and peers remember it.
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { NETWORK_LINK_PORT, NETWORK_NODE_PORT, type SimNetwork } from './network.js'
import type { SimWorker } from './workers.js'
import type { NodeCounters, NodeStartArgs, WorkerStats } from './worker-protocol.js'

export type Transport = 'tcp' | 'memory'

export interface SimNode {
  index: number
  dataDir: string
  /** the dialable address with /p2p (stable across restarts; with links, the link's port) */
  address: string
  /** what the node itself listens on (differs from address with links) */
  listen: string
  /** with links: the link's port */
  linkPort?: number
  /** the node's peer id (stable: its key stays in dataDir) */
  peerId: string
  up: boolean
  worker: SimWorker
  /** when it last went down / came up (ms on the sim clock) */
  downAt?: number
  upAt?: number
}

export interface ClusterOptions {
  replicas: number
  transport: Transport
  dir: string
  /** the processes that host the nodes */
  workers: SimWorker[]
  /** ports tried from here on (TCP), kept out of the kernel's ephemeral range */
  basePort?: number
  /** put a SlowLink in front of every node (TCP only), so slow-link steps can slow the links into it */
  links?: boolean
  /** bytes in and out per node (the report's perNode bytes) */
  countTraffic: boolean
  /** the testbed: node I in worker I (a namespace of its own), reached through its link on its own address */
  network?: SimNetwork
}

/** Ports below the Linux ephemeral range (32768+), so outgoing connections never take a stopped node's port. */
const DEFAULT_BASE_PORT = 20_000 + (process.pid % 500) * 20

export class Cluster {
  readonly nodes: SimNode[] = []
  private nextPort: number
  private readonly runId = `${process.pid}-${Date.now().toString(36)}`
  /** while partitioned: node index -> group number (a node reaches only nodes of its own group) */
  private groupOf: Map<number, number> | undefined

  constructor (private readonly options: ClusterOptions) {
    this.nextPort = options.basePort ?? DEFAULT_BASE_PORT
  }

  /** the processes that host the nodes */
  get workers (): SimWorker[] { return this.options.workers }
  get up (): SimNode[] { return this.nodes.filter((n) => n.up) }
  get down (): SimNode[] { return this.nodes.filter((n) => !n.up) }
  get partitioned (): boolean { return this.groupOf !== undefined }

  /**
   * Start `count` new nodes, each bootstrapped from up to 3 running ones: the
   * first three one after the other, then 8 at a time (all from the first three).
   */
  async add (count: number, progress?: (started: number) => void): Promise<SimNode[]> {
    const indices = Array.from({ length: count }, (_, i) => this.nodes.length + i)
    const added: SimNode[] = []
    for (let i = 0; i < indices.length;) {
      const batch = this.up.length < 3 ? indices.slice(i, i + 1) : indices.slice(i, i + 8)
      const boot = this.up.slice(0, 3).map((n) => n.address)
      for (const sim of await Promise.all(batch.map(async (index) => await this.addOne(index, boot)))) {
        this.nodes[sim.index] = sim
        added.push(sim)
      }
      i += batch.length
      progress?.(added.length)
    }
    return added
  }

  private async addOne (index: number, bootstrap: string[]): Promise<SimNode> {
    const dataDir = join(this.options.dir, `node-${index}`)
    mkdirSync(dataDir, { recursive: true })
    const worker = this.options.workers[index % this.options.workers.length] as SimWorker
    const start = async (listen: string, linkPort?: number): Promise<{ peerId: string, addresses: string[] }> =>
      await worker.call('nodeStart', this.startArgs(index, dataDir, listen, bootstrap, linkPort))
    if (this.options.transport === 'memory') {
      const listen = `/memory/sim-${this.runId}-${index}`
      const started = await start(listen)
      return { index, dataDir, address: pickAddress(started.addresses, 'memory'), listen, peerId: started.peerId, up: true, worker }
    }
    const network = this.options.network
    if (network !== undefined) {
      // its own namespace, its own ports: fixed ones
      if (this.options.workers.length <= index) throw new Error(`node ${index}: a network needs one worker per node (${this.options.workers.length} workers)`)
      const listen = `/ip4/127.0.0.1/tcp/${NETWORK_NODE_PORT}`
      const started = await start(listen, NETWORK_LINK_PORT)
      return { index, dataDir, address: pickAddress(started.addresses, 'tcp', network.nodeHost(index)), listen, linkPort: NETWORK_LINK_PORT, peerId: started.peerId, up: true, worker }
    }
    // a fixed port: the next free one (another process may hold some; libp2p's error does not say EADDRINUSE, so probe)
    for (let tries = 0; ; tries++) {
      const port = await this.freePort()
      const linkPort = this.options.links === true ? await this.freePort() : undefined
      const listen = `/ip4/127.0.0.1/tcp/${port}`
      try {
        const started = await start(listen, linkPort)
        return { index, dataDir, address: pickAddress(started.addresses, 'tcp'), listen, ...(linkPort !== undefined ? { linkPort } : {}), peerId: started.peerId, up: true, worker }
      } catch (err) {
        if (tries > 50) throw err
      }
    }
  }

  /** Bring a stopped node back: same key, same data, same address; bootstrapped from running nodes. */
  async start (sim: SimNode, now: number): Promise<void> {
    if (sim.up) return
    const bootstrap = this.up.filter((n) => n !== sim).slice(0, 3).map((n) => n.address)
    // the port was just released; on a busy machine give the kernel a moment
    for (let tries = 0; ; tries++) {
      try {
        await sim.worker.call('nodeStart', this.startArgs(sim.index, sim.dataDir, sim.listen, bootstrap, sim.linkPort))
        break
      } catch (err) {
        if (tries >= 20) throw err
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
    sim.up = true
    sim.upAt = now
  }

  private startArgs (index: number, dataDir: string, listen: string, bootstrap: string[], linkPort: number | undefined): NodeStartArgs {
    const network = this.options.network
    const link = linkPort === undefined ? undefined : network === undefined ? { port: linkPort } : { port: linkPort, host: network.nodeHost(index), settings: network.link }
    return { index, dataDir, listen: [listen], bootstrap, replicas: this.options.replicas, countTraffic: this.options.countTraffic, ...(link !== undefined ? { link } : {}) }
  }

  private async freePort (): Promise<number> {
    for (;;) {
      const port = this.nextPort++
      if (await portFree(port)) return port
    }
  }

  /** Slow the links into these nodes down (delayMs 0 and no rate: back to normal). */
  async slowLinks (nodes: SimNode[], delayMs: number, bytesPerSecond: number): Promise<void> {
    await Promise.all(nodes.map(async (n) => { await n.worker.call('setLink', { index: n.index, delayMs, bytesPerSecond }) }))
  }

  /** Graceful stop: the node finishes pending writes and announces its clients offline. */
  async stop (sim: SimNode, now: number): Promise<void> {
    if (!sim.up) return
    sim.up = false
    sim.downAt = now
    await sim.worker.call('nodeStop', { index: sim.index })
  }

  /**
   * Hard stop, as close to a crash as a process shared with other nodes
   * allows: the network goes first (every connection dropped at once, no
   * goodbye, no offline presence reaches the mesh), then the services and
   * LevelDB close. Writes already handed to LevelDB are kept, as with a crash
   * after a synced write. data "lost" also deletes the database (the node key is kept).
   */
  async kill (sim: SimNode, now: number, data: 'kept' | 'lost' = 'kept'): Promise<void> {
    if (!sim.up) return
    sim.up = false
    sim.downAt = now
    await sim.worker.call('nodeKill', { index: sim.index, data })
  }

  /**
   * Split the nodes into groups that cannot reach each other: from now on every
   * dial and every new connection across groups is refused by the nodes' own
   * connection gates, and the connections already open across groups are closed.
   * Clients keep their connections to their nodes.
   */
  async partition (groups: number[][]): Promise<void> {
    this.groupOf = new Map()
    for (const [g, members] of groups.entries()) for (const i of members) this.groupOf.set(i, g)
    const byPeer: Array<[string, number]> = this.nodes.map((n) => [n.peerId, this.groupOf?.get(n.index) ?? -1])
    await Promise.all(this.options.workers.map(async (w) => { await w.call('setGroups', { groupOf: byPeer }) }))
  }

  /**
   * Lift the partition. Nobody dials across: the relay directories find the
   * other side again by themselves (a dropped relay that still has an
   * unexpired node record is retried in the liveness rounds).
   */
  async heal (): Promise<void> {
    if (this.groupOf === undefined) return
    this.groupOf = undefined
    await Promise.all(this.options.workers.map(async (w) => { await w.call('setGroups', { groupOf: null }) }))
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.up.map(async (n) => { await this.stop(n, 0).catch(() => {}) }))
  }

  /** True once every running node lists every other running node it can reach (all of them unless partitioned), and no other, as a live relay. */
  async converged (): Promise<boolean> {
    const c = await this.convergence()
    return c.complete === c.total
  }

  /** How far the relay directories are: running nodes whose live set is exactly right, of how many, and the fewest / median number of live relays one lists. */
  async convergence (): Promise<{ complete: number, total: number, minPeers: number, medianPeers: number }> {
    const views = (await Promise.all(this.options.workers.filter((w) => w.running).map(async (w) => await w.call('nodeViews', {})))).flat()
    const peersOf = new Map(views.map((v) => [v.index, new Set(v.peers)]))
    const up = this.up
    let complete = 0
    const sizes: number[] = []
    for (const n of up) {
      const peers = peersOf.get(n.index)
      sizes.push(peers?.size ?? 0)
      if (peers === undefined) continue
      // while partitioned: every running node of its own group, and none of the others
      if (up.every((m) => m === n || peers.has(m.peerId) === this.reaches(n.index, m.index))) complete++
    }
    sizes.sort((a, b) => a - b)
    return { complete, total: up.length, minPeers: sizes[0] ?? 0, medianPeers: sizes[Math.floor((sizes.length - 1) / 2)] ?? 0 }
  }

  private reaches (a: number, b: number): boolean {
    return this.groupOf === undefined || this.groupOf.get(a) === this.groupOf.get(b)
  }

  /** How many running nodes hold a device list and a bundle for every one of these users. */
  async usersKnown (userIds: string[]): Promise<number> {
    const answers = await Promise.all(this.options.workers.filter((w) => w.running).map(async (w) => await w.call('usersKnown', { userIds })))
    return answers.reduce((a, b) => a + b, 0)
  }

  /** The k nodes closest to a user's mailbox, as a running node sees them. */
  async replicasOf (userId: string, k: number): Promise<SimNode[]> {
    const observer = this.up[0]
    if (observer === undefined) return []
    const ids = await observer.worker.call('replicasOf', { index: observer.index, userId, k })
    return ids.map((id) => this.nodes.find((n) => n.peerId === id)).filter((n): n is SimNode => n !== undefined)
  }

  /** Every node worker's figures (memory, event loop, per-node counters). */
  async stats (gc = false): Promise<WorkerStats[]> {
    return await Promise.all(this.options.workers.filter((w) => w.running).map(async (w) => await w.call('stats', { gc })))
  }

  static countersOf (stats: WorkerStats[]): Map<number, NodeCounters> {
    return new Map(stats.flatMap((s) => s.nodes).map((c) => [c.index, c]))
  }
}

function pickAddress (addresses: string[], transport: Transport, host = '127.0.0.1'): string {
  const a = addresses.find((m) => transport === 'memory' ? m.startsWith('/memory/') : m.includes(`/${host}/tcp/`))
  if (a === undefined) throw new Error(`node has no ${transport} address: ${addresses.join(', ')}`)
  return a
}

async function portFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}
