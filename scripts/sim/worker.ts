// A simulator worker process: hosts some of the simulation's relay nodes
// (real createRelayNode instances) or some of its clients (real
// client/client.ts clients with their own homes), and does what the
// coordinator asks over IPC (scripts/sim/worker-protocol.ts). One worker per
// core lets a simulation use every core; a worker of clients can be killed
// with SIGKILL to crash them mid-send.
import '../../node/runtime/polyfills.js'
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createRelayNode, type RelayNode } from '../../node/relay-node.js'
import { initIdentity, LISTEN_SLICE_MS, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { LocalIdentity } from '../../client/local-identity.js'
import { PreKeys } from '../../client/keys/prekeys.js'
import { SealedStore } from '../../client/store/sealed-store.js'
import { NODES_PROTOCOL } from '../../node/relays/constants.js'
import { REPLICA_PROTOCOL } from '../../node/mailbox/constants.js'
import { mailboxAddress } from '../../protocol/identity.js'
import { openRecord } from '../../protocol/records.js'
import { answer } from '../lib/child-rpc.js'
import { SlowLink, type SlowLinkSettings } from './slow-link.js'
import { FILE_PREFIX, fileBytes, fileName, wallNow, type ClientOnlineArgs, type NodeCounters, type Ops, type WorkerStats, type OpName, type Request, type SendFailure, type SendResult, type WorkerEvent } from './worker-protocol.js'

// dozens of libp2p hosts in one process share AbortSignals past the default of 10 listeners
EventEmitter.defaultMaxListeners = 200

export const PASSPHRASE = 'simulated passphrase'

interface HostedClient { index: number, home: string, epoch: number, client: Client, loop: Promise<void> }

const nodes = new Map<number, RelayNode>()
const peerIdOf = new Map<number, string>()
const clients = new Map<number, HostedClient>()
/** clientOnline calls still running: the controller may give up on one (its call timeout) and try again */
const opening = new Map<number, Promise<null>>()
/** node index -> the link in front of it (kept across restarts of the node: its address stays) */
const links = new Map<number, SlowLink>()
/** node index -> what its link started with (the testbed's shaping): slow-link steps add to it, 0 restores it */
const linkBase = new Map<number, SlowLinkSettings>()
/** while partitioned: peer id -> group */
let groupOf: Map<string, number> | undefined
let elu = performance.eventLoopUtilization()

const emit = (e: WorkerEvent): void => { if (process.connected) process.send?.(e) }

/** Whether node `index` must not reach `peerId` (a node of another group; clients are never refused). */
function denies (index: number, peerId: string): boolean {
  if (groupOf === undefined) return false
  const mine = groupOf.get(peerIdOf.get(index) ?? '')
  const theirs = groupOf.get(peerId)
  return mine !== undefined && theirs !== undefined && mine !== theirs
}

function nodeAt (index: number): RelayNode {
  const n = nodes.get(index)
  if (n === undefined) throw new Error(`node ${index} is not running in worker ${process.pid}`)
  return n
}

function clientAt (index: number): Client {
  const c = clients.get(index)
  if (c === undefined) throw new Error(`client ${index} is not online in worker ${process.pid}`)
  return c.client
}

async function counters (index: number, n: RelayNode): Promise<NodeCounters> {
  const value = async (c: { get: () => Promise<{ values: Array<{ value: number }> }> }): Promise<number> => (await c.get()).values.reduce((s, v) => s + v.value, 0)
  const traffic = await n.traffic()
  return { index, stored: await value(n.metrics.envelopesStored), pushed: await value(n.metrics.envelopesPushed), bytesIn: traffic.bytesIn, bytesOut: traffic.bytesOut, ...await connectionsOf(n) }
}

/** protocols only relays serve to each other: a peer that announced one (identify) is a relay even before it is admitted */
const RELAY_PROTOCOLS = [NODES_PROTOCOL, REPLICA_PROTOCOL]

/** The peers the node has an open connection to, relays and everything else (clients), and its open connections in all. */
async function connectionsOf (n: RelayNode): Promise<{ relayConnections: number, clientConnections: number, connections: number }> {
  const open = n.host.getConnections()
  const peers = new Map(open.map((c) => [c.remotePeer.toString(), c.remotePeer]))
  let relayConnections = 0
  for (const peer of peers.values()) {
    let relay = n.relays.isAdmitted(peer)
    if (!relay) {
      const protocols = await n.host.peerStore.get(peer).then((p) => p.protocols, () => [])
      relay = protocols.some((p) => RELAY_PROTOCOLS.includes(p))
    }
    if (relay) relayConnections++
  }
  return { relayConnections, clientConnections: peers.size - relayConnections, connections: open.length }
}

/** initIdentity with the store's KDF at test cost: the same identity, prekeys and records; only unlocking is cheaper */
async function initFast (home: string, name: string): Promise<{ userId: string }> {
  const store = await SealedStore.create(home, PASSPHRASE, { scrypt: { N: 1 << 10, r: 8, p: 1 } })
  try {
    const now = Date.now()
    const identity = LocalIdentity.create(now, name)
    const { ops } = PreKeys.create(store, identity.identity, now)
    await store.batch([identity.saveOp(store), ...ops], { sync: true })
    return { userId: identity.userId }
  } finally {
    await store.close()
  }
}

/** Time a send: resolves with when it started and when the mesh answered (or the error code). */
async function timed (p: () => Promise<unknown>): Promise<SendResult | SendFailure> {
  const sentAt = wallNow()
  try {
    await p()
    return { sentAt, storedAt: wallNow() }
  } catch (err) {
    return { sentAt, failedAt: wallNow(), error: (err as { code?: string }).code ?? (err as Error).message }
  }
}

function received (c: HostedClient, m: IncomingMessage, epoch: number): void {
  if (m.system === true) return
  const at = wallNow()
  if (m.file !== undefined) {
    // a workload file: named after its message number, its bytes derived from it
    const seq = Number(m.file.name.slice(FILE_PREFIX.length).replace(/\.bin$/, ''))
    const text = `sim ${seq} `
    let ok = m.file.name.startsWith(FILE_PREFIX) && Number.isInteger(seq)
    if (ok) {
      const want = createHash('sha256').update(fileBytes(seq, m.file.size)).digest('hex')
      ok = createHash('sha256').update(readFileSync(m.file.path)).digest('hex') === want
    }
    if (!ok) { emit({ event: 'corrupt', client: c.index, text }); return }
    emit({ event: 'delivered', client: c.index, epoch, text, at })
    return
  }
  emit({ event: 'delivered', client: c.index, epoch, text: m.text, at })
}

/** open a client's store and attach it at the first of `list` that takes it; its receive loop runs until clientOffline */
async function goOnline ({ index, home, nodes: list, epoch }: ClientOnlineArgs): Promise<null> {
  if (clients.has(index)) throw new Error(`client ${index} is online already`)
  const client = await openClient({ home, passphrase: PASSPHRASE, nodes: list })
  try {
    await client.connect()
  } catch (err) {
    await client.close().catch(() => {})
    throw err
  }
  const hosted: HostedClient = { index, home, epoch, client, loop: Promise.resolve() }
  const onMessage = (m: IncomingMessage): void => { received(hosted, m, epoch) }
  clients.set(index, hosted)
  hosted.loop = (async () => {
    while (clients.get(index) === hosted) {
      try {
        await client.receive({ waitMs: LISTEN_SLICE_MS, onMessage })
      } catch (err) {
        if (clients.get(index) !== hosted) break
        const code = (err as { code?: string }).code ?? ''
        // the node went away: the client reconnects on its own; try again shortly
        if (!/UNAVAILABLE|TIMEOUT|CLOSED|ABORT/i.test(code + String((err as Error).message))) emit({ event: 'receiveError', client: index, error: `${code} ${(err as Error).message}` })
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  })()
  return null
}

const handlers: { [K in OpName]: (args: Ops[K][0]) => Promise<Ops[K][1]> } = {
  async nodeStart (a) {
    let announce: string[] = []
    if (a.link !== undefined) {
      const port = Number(/\/tcp\/(\d+)/.exec(a.listen[0] ?? '')?.[1])
      const host = a.link.host ?? '127.0.0.1'
      if (!links.has(a.index)) {
        links.set(a.index, await SlowLink.open({ targetPort: port, listenPort: a.link.port, listenHost: host, ...a.link.settings }))
        linkBase.set(a.index, a.link.settings ?? {})
      }
      announce = [`/ip4/${host}/tcp/${a.link.port}`]
    }
    const node = await createRelayNode({
      dataDir: a.dataDir,
      listen: a.listen,
      announce,
      bootstrap: a.bootstrap,
      replicas: a.replicas,
      // every simulated node shares 127.0.0.1: loopback is exempt from the per-IP limits only because the sim says so
      allowIps: ['127.0.0.0/8', '::1/128'],
      // the node-id puzzle at its lowest difficulty and no stability wait: the simulator measures
      // the mesh, not admission (docs/protocol.md)
      idDifficulty: 0,
      stableAfterMs: 0,
      // sealed-send stamps at test cost (the simulator measures the mesh, not a stranger's proof of work)
      stampBits: 8,
      // bytes in and out per node for the report (libp2p's counters, without /metrics)
      countTraffic: a.countTraffic,
      // every node carries the partition gate (node/host.ts denyPeers); it refuses nothing until setGroups
      denyPeers: (peerId) => denies(a.index, peerId)
    })
    nodes.set(a.index, node)
    peerIdOf.set(a.index, node.peerId.toString())
    return { peerId: node.peerId.toString(), addresses: node.multiaddrs() }
  },
  async nodeStop ({ index }) {
    const node = nodes.get(index)
    nodes.delete(index)
    await node?.stop()
    return null
  },
  async nodeKill ({ index, data }) {
    // as close to a crash as a shared process allows: every connection dropped at once (no goodbye, no
    // offline presence reaches the mesh), then the services and LevelDB close; synced writes are kept
    const node = nodes.get(index)
    nodes.delete(index)
    if (node !== undefined) {
      await Promise.resolve(node.host.stop()).catch(() => {})
      await node.stop().catch(() => {})
      if (data === 'lost') rmSync(join(node.config.dataDir, 'db'), { recursive: true, force: true })
    }
    return null
  },
  async setGroups ({ groupOf: list }) {
    groupOf = list === null ? undefined : new Map(list)
    await Promise.all([...nodes.entries()].map(async ([index, n]) => {
      const across = n.host.getConnections().map((c) => c.remotePeer).filter((p) => denies(index, p.toString()))
      await Promise.all(across.map(async (p) => { await n.host.hangUp(p).catch(() => {}) }))
    }))
    return null
  },
  async setLink ({ index, delayMs, bytesPerSecond }) {
    const link = links.get(index)
    if (link === undefined) throw new Error(`node ${index} has no link (the scenario has no slow-link step?)`)
    const base = linkBase.get(index) ?? {}
    link.set({ delayMs: (base.delayMs ?? 0) + delayMs, bytesPerSecond: bytesPerSecond > 0 ? bytesPerSecond : base.bytesPerSecond })
    return null
  },
  async nodeViews () {
    return [...nodes.entries()].map(([index, n]) => ({ index, peers: n.relays.peers().map(String) }))
  },
  async usersKnown ({ userIds }) {
    let complete = 0
    for (const n of nodes.values()) {
      let all = true
      for (const u of userIds) if ((await n.records.userRecords(u)).length < 2) { all = false; break }
      if (all) complete++
    }
    return complete
  },
  async replicasOf ({ index, userId, k }) {
    const n = nodeAt(index)
    const records = await n.records.userRecords(userId)
    if (records[0] === undefined) return []
    const identityKey = openRecord(records[0], Date.now()).identityKey
    return n.relays.closest(mailboxAddress(identityKey, 1), k).map(String)
  },
  async clientCreate ({ home, name, fastKdf }) {
    if (fastKdf === true) return await initFast(home, name)
    return { userId: (await initIdentity(home, PASSPHRASE, { name })).userId }
  },
  async clientOnline (args) {
    // an earlier attempt the controller stopped waiting for may still hold the client's store:
    // let it finish; if it attached after all (now or before this call), this attempt has nothing left to do
    await opening.get(args.index)?.catch(() => null)
    if (clients.get(args.index)?.epoch === args.epoch) return null
    const attempt = goOnline(args)
    opening.set(args.index, attempt)
    try {
      return await attempt
    } finally {
      if (opening.get(args.index) === attempt) opening.delete(args.index)
    }
  },
  async clientOffline ({ index }) {
    const c = clients.get(index)
    if (c === undefined) return null
    clients.delete(index)
    await c.client.close().catch(() => {})
    await c.loop
    return null
  },
  async send ({ index, to, text }) {
    const c = clientAt(index)
    return await timed(async () => await c.send(to, text))
  },
  async sendGroup ({ index, groupId, text }) {
    const c = clientAt(index)
    return await timed(async () => await c.sendGroup(groupId, text))
  },
  async sendFile ({ index, to, seq, size }) {
    const c = clientAt(index)
    const hosted = clients.get(index) as HostedClient
    const dir = join(hosted.home, 'outbox')
    mkdirSync(dir, { recursive: true })
    const path = join(dir, fileName(seq))
    writeFileSync(path, fileBytes(seq, size))
    return await timed(async () => await c.sendFile(to, path))
  },
  async createGroup ({ index, name, members }) {
    return await clientAt(index).createGroup(name, members)
  },
  async groupsOf ({ index }) {
    return (await clientAt(index).groups()).map((g) => g.groupId)
  },
  async stats ({ gc }) {
    const mem = process.memoryUsage()
    const now = performance.eventLoopUtilization()
    const used = performance.eventLoopUtilization(now, elu).utilization
    elu = now
    const cpu = process.cpuUsage()
    const stats: WorkerStats = { pid: process.pid, rss: mem.rss, heapUsed: mem.heapUsed, eventLoopUtilization: used, cpuMicros: cpu.user + cpu.system, at: wallNow(), nodes: await Promise.all([...nodes.entries()].map(async ([i, n]) => await counters(i, n))) }
    const collect = (globalThis as { gc?: () => void }).gc
    if (gc === true && collect !== undefined) {
      collect()
      const after = process.memoryUsage()
      stats.heapLive = after.heapUsed
      stats.rssAfterGc = after.rss
    }
    return stats
  },
  async shutdown () {
    await Promise.all([...clients.keys()].map(async (index) => { await handlers.clientOffline({ index }) }))
    await Promise.all([...nodes.values()].map(async (n) => { await n.stop().catch(() => {}) }))
    nodes.clear()
    await Promise.all([...links.values()].map(async (l) => { await l.close() }))
    links.clear()
    return null
  }
}

process.on('message', (raw: Request) => {
  const handler = handlers[raw.op] as ((args: unknown) => Promise<unknown>) | undefined
  answer(raw.id, handler !== undefined ? handler(raw.args) : Promise.reject(new Error(`unknown op ${String(raw.op)}`)),
    (err: Error & { code?: string }) => `${err.code !== undefined ? `${err.code}: ` : ''}${err.message}`)
})
// the coordinator went away (it ended, or crashed): do not linger
process.on('disconnect', () => { process.exit(0) })
emit({ event: 'ready' })
