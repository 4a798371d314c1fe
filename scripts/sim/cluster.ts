// The relay nodes of a simulation: real createRelayNode instances in this
// process, each with its own data directory and a fixed listen address so a
// restarted node comes back where clients and peers remember it.
import { mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { createRelayNode, type RelayNode } from '../../node/relay-node.js'

export type Transport = 'tcp' | 'memory'

export interface SimNode {
  index: number
  dataDir: string
  /** the dialable address with /p2p (stable across restarts) */
  address: string
  node: RelayNode | undefined
  /** the node's peer id (stable: its key stays in dataDir) */
  peerId?: string
  /** when it last went down / came up (ms on the sim clock) */
  downAt?: number
  upAt?: number
}

export interface ClusterOptions {
  nodes: number
  replicas: number
  transport: Transport
  dir: string
  /** ports tried from here on (TCP), kept out of the kernel's ephemeral range */
  basePort?: number
}

/** Ports below the Linux ephemeral range (32768+), so outgoing connections never take a stopped node's port. */
const DEFAULT_BASE_PORT = 20_000 + (process.pid % 500) * 20

export class Cluster {
  readonly nodes: SimNode[] = []
  private nextPort: number
  private readonly runId = `${process.pid}-${Date.now().toString(36)}`
  /** while partitioned: node index -> group number (a node reaches only nodes of its own group) */
  private groupOf: Map<number, number> | undefined
  private readonly indexOf = new Map<string, number>()

  constructor (private readonly options: ClusterOptions) {
    this.nextPort = options.basePort ?? DEFAULT_BASE_PORT
  }

  get up (): SimNode[] { return this.nodes.filter((n) => n.node !== undefined) }
  get down (): SimNode[] { return this.nodes.filter((n) => n.node === undefined) }

  /** Start `count` new nodes, each bootstrapped from up to 3 running ones. */
  async add (count: number): Promise<SimNode[]> {
    const added: SimNode[] = []
    for (let i = 0; i < count; i++) {
      const index = this.nodes.length
      const dataDir = join(this.options.dir, `node-${index}`)
      mkdirSync(dataDir, { recursive: true })
      const sim: SimNode = { index, dataDir, address: '', node: undefined }
      const boot = this.up.slice(0, 3).map((n) => n.address)
      if (this.options.transport === 'memory') {
        sim.node = await this.create(sim, [`/memory/sim-${this.runId}-${index}`], boot)
      } else {
        // a fixed port: the next free one (another process may hold some; libp2p's error does not say EADDRINUSE, so probe)
        for (let tries = 0; ; tries++) {
          const port = this.nextPort++
          if (!await portFree(port)) continue
          try {
            sim.node = await this.create(sim, [`/ip4/127.0.0.1/tcp/${port}`], boot)
            break
          } catch (err) {
            if (tries > 50) throw err
          }
        }
      }
      sim.address = pickAddress(sim.node, this.options.transport)
      sim.peerId = sim.node.peerId.toString()
      this.indexOf.set(sim.peerId, index)
      this.nodes.push(sim)
      added.push(sim)
    }
    return added
  }

  private async create (sim: SimNode, listen: string[], bootstrap: string[]): Promise<RelayNode> {
    // every node carries the partition gate (node/host.ts denyPeers); it refuses nothing until partition()
    return await createRelayNode({ dataDir: sim.dataDir, listen, bootstrap, replicas: this.options.replicas, denyPeers: (peerId) => this.denies(sim.index, peerId) })
  }

  /** Whether node `index` must not reach `peerId` (another group's node; clients are never refused). */
  private denies (index: number, peerId: string): boolean {
    if (this.groupOf === undefined) return false
    const other = this.indexOf.get(peerId)
    return other !== undefined && this.groupOf.get(other) !== this.groupOf.get(index)
  }

  get partitioned (): boolean { return this.groupOf !== undefined }

  /**
   * Split the nodes into groups that cannot reach each other: from now on every
   * dial and every new connection across groups is refused by the nodes' own
   * connection gates, and the connections already open across groups are closed.
   * Clients keep their connections to their nodes.
   */
  async partition (groups: number[][]): Promise<void> {
    this.groupOf = new Map()
    for (const [g, members] of groups.entries()) for (const i of members) this.groupOf.set(i, g)
    await Promise.all(this.up.map(async (n) => {
      const host = (n.node as RelayNode).host
      const across = host.getConnections().map((c) => c.remotePeer).filter((p) => this.denies(n.index, p.toString()))
      await Promise.all(across.map(async (p) => { await host.hangUp(p).catch(() => {}) }))
    }))
  }

  /**
   * Lift the partition and dial across the former groups. The dials stand in
   * for the links coming back: a relay directory drops a peer it failed to dial
   * and does not try it again before a newer node record arrives (records are
   * republished every 5 min), so without them the two sides would stay apart
   * for minutes (README.md, "Simulation", limits).
   */
  async heal (): Promise<void> {
    const groupOf = this.groupOf
    this.groupOf = undefined
    if (groupOf === undefined) return
    const up = this.up
    await Promise.all(up.flatMap((n, i) => up.slice(i + 1)
      .filter((m) => groupOf.get(m.index) !== groupOf.get(n.index))
      .map(async (m) => { await n.node?.host.dial(multiaddr(m.address)).catch(() => {}) })))
  }

  /** Bring a stopped node back: same key, same data, same address; bootstrapped from running nodes. */
  async start (sim: SimNode, now: number): Promise<void> {
    if (sim.node !== undefined) return
    const listen = sim.address.replace(/\/p2p\/[^/]+$/, '')
    const boot = this.up.filter((n) => n !== sim).slice(0, 3).map((n) => n.address)
    // the port was just released; on a busy machine give the kernel a moment
    for (let tries = 0; ; tries++) {
      try {
        sim.node = await this.create(sim, [listen], boot)
        break
      } catch (err) {
        if (tries >= 20) throw err
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
    sim.upAt = now
  }

  /** Graceful stop: the node finishes pending writes and announces its clients offline. */
  async stop (sim: SimNode, now: number): Promise<void> {
    const node = sim.node
    if (node === undefined) return
    sim.node = undefined
    sim.downAt = now
    await node.stop()
  }

  /**
   * Hard stop, as close to a crash as one process allows: the network goes
   * first (every connection dropped at once, no goodbye, no offline presence
   * reaches the mesh), then the services and LevelDB close. Writes already
   * handed to LevelDB are kept, as with a crash after a synced write.
   * data "lost" also deletes the database (the node key is kept).
   */
  async kill (sim: SimNode, now: number, data: 'kept' | 'lost' = 'kept'): Promise<void> {
    const node = sim.node
    if (node === undefined) return
    sim.node = undefined
    sim.downAt = now
    await Promise.resolve(node.host.stop()).catch(() => {})
    await node.stop().catch(() => {})
    if (data === 'lost') rmSync(join(sim.dataDir, 'db'), { recursive: true, force: true })
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.up.map(async (n) => { await this.stop(n, 0).catch(() => {}) }))
  }

  /** True once every running node lists every other running node it can reach (all of them unless partitioned), and no other, as a live relay. */
  converged (): boolean {
    const up = this.up
    return up.every((n) => {
      const peers = new Set(n.node?.relays.peers().map(String))
      // while partitioned: every running node of its own group, and none of the others
      return up.every((m) => m === n || peers.has(m.peerId ?? '') === !this.denies(n.index, m.peerId ?? ''))
    })
  }
}

function pickAddress (node: RelayNode, transport: Transport): string {
  const a = node.multiaddrs().find((m) => transport === 'memory' ? m.startsWith('/memory/') : m.includes('/127.0.0.1/tcp/'))
  if (a === undefined) throw new Error(`node has no ${transport} address: ${node.multiaddrs().join(', ')}`)
  return a
}

async function portFree (port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => { resolve(false) })
    server.listen(port, '127.0.0.1', () => { server.close(() => { resolve(true) }) })
  })
}
