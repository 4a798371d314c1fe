// Setting a simulation up: the worker processes (and which client lives in
// which), the mesh, the clients and their groups.
import { availableParallelism } from 'node:os'
import type { SimClient } from './clients.js'
import type { SimContext } from './context.js'
import type { SimOptions } from './options.js'
import type { Random } from './random.js'
import { measureIdle } from './measure.js'
import type { WorkerEvent } from './worker-protocol.js'
import { SimWorker } from './workers.js'
import { checkDeadline, sleep, until, within } from './wait.js'

export interface SimWorkers {
  nodes: SimWorker[]
  /** with the memory transport, the node worker itself */
  clients: SimWorker[]
  /** client-crash step index -> the process its clients live in (what its SIGKILL takes down) */
  crash: Map<number, SimWorker>
  all: SimWorker[]
  /** the worker that hosts client `index` */
  place: (index: number) => SimWorker
}

/**
 * Nodes in W processes; clients in their own processes (so node memory is the
 * nodes' own); every client a client-crash step will crash lives in that
 * step's own process.
 */
export function planWorkers (options: SimOptions, rng: Random, onEvent: (e: WorkerEvent) => void): SimWorkers {
  const steps = options.scenario?.steps ?? []
  const memoryTransport = options.transport === 'memory'
  const cores = availableParallelism()
  const handler = (_w: SimWorker, e: WorkerEvent): void => { onEvent(e) }
  const nodes = Array.from({ length: memoryTransport ? 1 : Math.max(1, options.workers ?? cores) }, (_, i) => new SimWorker(`nodes-${i}`, handler))
  const clients = memoryTransport ? nodes : Array.from({ length: Math.max(1, options.clientWorkers ?? cores) }, (_, i) => new SimWorker(`clients-${i}`, handler))
  const crashSteps = steps.flatMap((s, i) => s.action === 'client-crash' ? [{ step: i, clients: s.clients }] : [])
  const crash = new Map(crashSteps.map((c) => [c.step, new SimWorker(`crash-${c.step}`, handler)]))
  const crashPlan = new Map<number, number>() // client index -> step
  const pool = rng.shuffle(Array.from({ length: options.clients }, (_, i) => i))
  for (const c of crashSteps) for (const idx of pool.splice(0, c.clients)) crashPlan.set(idx, c.step)
  let regular = 0
  const place = (index: number): SimWorker => {
    const step = crashPlan.get(index)
    if (step !== undefined) return crash.get(step) as SimWorker
    return clients[regular++ % clients.length] as SimWorker
  }
  return { nodes, clients, crash, all: [...new Set([...nodes, ...clients, ...crash.values()])], place }
}

/** How long the mesh may take to converge once every node started: at least 120 s, 2 s per node beyond 60. */
export const convergeTimeout = (options: SimOptions): number => options.convergeTimeoutMs ?? Math.max(120_000, 2_000 * options.nodes)

/** Setup waits that grow with the population: at least 60 s, plus 60 ms per client and 300 ms per node. */
const scaledTimeout = (options: SimOptions): number => 60_000 + 60 * options.clients + 300 * options.nodes

/** a client's attach during setup is tried this often before the run fails */
const ATTACH_ATTEMPTS = 5

/** progress lines at most this often during long setup steps */
const PROGRESS_MS = 5_000

/** Start the nodes and wait until every one lists every other as a live relay (timeout scaled with N, progress every 5 s). */
export async function setupMesh (ctx: SimContext, setup: Record<string, number>): Promise<void> {
  const { options, cluster, clock, log } = ctx
  const t = clock()
  let said = clock()
  await cluster.add(options.nodes, (started) => {
    if (clock() - said < PROGRESS_MS && started < options.nodes) return
    said = clock()
    log(`mesh: ${started}/${options.nodes} nodes started (${((clock() - t) / 1000).toFixed(0)} s)`)
  })
  checkDeadline(options.deadline, 'mesh setup')
  const timeout = within(convergeTimeout(options), options.deadline)
  let last = { complete: 0, total: options.nodes, minPeers: 0, medianPeers: 0 }
  const ok = await until(async () => {
    last = await cluster.convergence()
    if (clock() - said >= PROGRESS_MS) {
      said = clock()
      log(`mesh: ${last.complete}/${last.total} nodes list every other as live (live relays listed: fewest ${last.minPeers}, median ${last.medianPeers} of ${last.total - 1}), ${((clock() - t) / 1000).toFixed(0)} s`)
    }
    return last.complete === last.total
  }, timeout, options.nodes > 50 ? 500 : 100)
  if (!ok) {
    checkDeadline(options.deadline, 'mesh convergence')
    // what the unconverged mesh costs, for the record (the run ends here)
    const idle = await measureIdle(cluster, Math.max(1, options.idleSeconds ?? 5))
    log(`mesh (not converged) for ${idle.seconds} s: ${idle.cpuPerNodePct} % of a core per node; per node B/s in ${idle.bytesInPerNodePerSecond.min}/${idle.bytesInPerNodePerSecond.median}/${idle.bytesInPerNodePerSecond.max}; relay peers per node ${idle.relayConnections.min}/${idle.relayConnections.median}/${idle.relayConnections.max}; connections ${idle.connections.min}/${idle.connections.median}/${idle.connections.max} (min/median/max)`)
    throw new Error(`the ${options.nodes} nodes did not all learn of each other within ${(timeout / 1000).toFixed(0)} s after the last one started (${last.complete}/${last.total} nodes complete; live relays listed: fewest ${last.minPeers}, median ${last.medianPeers} of ${last.total - 1})`)
  }
  setup.meshMs = clock() - t
  log(`mesh: ${options.nodes} nodes (${options.transport}) up and converged in ${(setup.meshMs / 1000).toFixed(1)} s`)
}

/** Run `each` over `items`, at most `limit` at once, calling `progress` at most every 5 s. */
async function bounded<T> (items: T[], limit: number, each: (item: T) => Promise<void>, progress: (done: number) => void, deadline: number | undefined, what: string): Promise<void> {
  let next = 0
  let done = 0
  let failed = false
  let said = Date.now()
  const lane = async (): Promise<void> => {
    // after one failure the other lanes take nothing new (the run is about to end)
    while (next < items.length && !failed) {
      checkDeadline(deadline, what)
      const item = items[next++] as T
      try {
        await each(item)
      } catch (err) {
        failed = true
        throw err
      }
      done++
      if (Date.now() - said >= PROGRESS_MS) { said = Date.now(); progress(done) }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane))
}

/**
 * Create the identities (in the workers that will host them, a few at a time
 * per worker), attach every client (attachBatch at once), and wait until
 * every node knows every user's records. Progress every 5 s.
 */
export async function setupClients (ctx: SimContext, setup: Record<string, number>, clientWorkers: SimWorker[]): Promise<ClientSetupCost> {
  const { options, people, cluster, clock, log } = ctx
  const nodeWorkers = (): SimWorker[] => cluster.workers
  const r0 = await readCpu(clientWorkers, nodeWorkers())
  let t = clock()
  await people.create(options.clients, { fastKdf: options.realKdf !== true, perWorker: 4, progress: (done) => { log(`clients: ${done}/${options.clients} identities (${((clock() - t) / 1000).toFixed(0)} s)`) } })
  setup.identitiesMs = clock() - t
  const r1 = await readCpu(clientWorkers, nodeWorkers())
  t = clock()
  let retried = 0
  const attachOne = async (c: SimClient): Promise<void> => {
    // a client gives up on a node after its own dial and attach timeouts; on a machine this loaded that can
    // happen to every node it tries: try again a few times, then fail the run (the client library is unchanged)
    for (let attempt = 1; ; attempt++) {
      try {
        await ctx.attach(c)
        return
      } catch (err) {
        if (attempt >= ATTACH_ATTEMPTS) throw err
        retried++
        log(`clients: client ${c.index} did not attach (attempt ${attempt} of ${ATTACH_ATTEMPTS}): ${(err as Error).message.slice(0, 600)}`)
        await sleep(3_000 * attempt)
      }
    }
  }
  await bounded(people.clients, options.attachBatch ?? 10, attachOne,
    (done) => { log(`clients: ${done}/${options.clients} attached (${((clock() - t) / 1000).toFixed(0)} s)`) }, options.deadline, 'client attach')
  setup.attachMs = clock() - t
  if (retried > 0) ctx.notes.push(`${retried} client attaches during setup failed and were tried again (ATTACH_ATTEMPTS ${ATTACH_ATTEMPTS})`)
  const r2 = await readCpu(clientWorkers, nodeWorkers())
  // every node must know every user's device list and bundle before anyone writes to them
  t = clock()
  const userIds = people.clients.map((c) => c.userId)
  let said = clock()
  let knowing = 0
  const timeout = within(scaledTimeout(options), options.deadline)
  const known = await until(async () => {
    knowing = await cluster.usersKnown(userIds)
    if (clock() - said >= PROGRESS_MS) { said = clock(); log(`clients: ${knowing}/${cluster.up.length} nodes know every user's records (${((clock() - t) / 1000).toFixed(0)} s)`) }
    return knowing >= cluster.up.length
  }, timeout, options.clients > 300 ? 1000 : 250)
  if (!known) {
    checkDeadline(options.deadline, 'record gossip')
    throw new Error(`the users' records did not reach every node within ${(timeout / 1000).toFixed(0)} s (${knowing}/${cluster.up.length} nodes know them all)`)
  }
  setup.gossipMs = clock() - t
  log(`clients: ${options.clients} identities in ${(setup.identitiesMs / 1000).toFixed(1)} s, attached in ${(setup.attachMs / 1000).toFixed(1)} s, known to every node after ${(setup.gossipMs / 1000).toFixed(1)} s more`)
  const n = Math.max(1, options.clients)
  const ms = (micros: number): number => Math.round(micros / 1000 / n * 100) / 100
  const cost: ClientSetupCost = {
    createCpuMsPerClient: ms(r1.clients - r0.clients),
    attachCpuMsPerClient: { clientWorkers: ms(r2.clients - r1.clients), nodeWorkers: ms(r2.nodes - r1.nodes) },
    clientWorkersRssMiBPerClient: Math.round((r2.clientRss - r0.clientRss) / 2 ** 20 / n * 100) / 100
  }
  log(`clients: CPU per client ${cost.createCpuMsPerClient} ms to create; ${cost.attachCpuMsPerClient.clientWorkers} ms (client side) + ${cost.attachCpuMsPerClient.nodeWorkers} ms (node side) to open and attach; client workers' RSS ${cost.clientWorkersRssMiBPerClient} MiB per client`)
  return cost
}

/** What a client costs to set up: CPU ms per client in the client workers (create; open + attach) and in the node workers (attach), and the client workers' RSS growth per client over both. */
export interface ClientSetupCost {
  createCpuMsPerClient: number
  /** nodeWorkersAboveIdle: nodeWorkers minus the idle mesh's own CPU over the attach phase (set by run.ts when idleMesh was measured) */
  attachCpuMsPerClient: { clientWorkers: number, nodeWorkers: number, nodeWorkersAboveIdle?: number }
  clientWorkersRssMiBPerClient: number
}

async function readCpu (clientWorkers: SimWorker[], nodeWorkers: SimWorker[]): Promise<{ clients: number, nodes: number, clientRss: number }> {
  const read = async (list: SimWorker[]): Promise<Array<{ cpuMicros: number, rss: number }>> => await Promise.all(list.filter((w) => w.running).map(async (w) => await w.call('stats', {})))
  const own = clientWorkers.filter((w) => !nodeWorkers.includes(w))
  const [c, n] = await Promise.all([read(own), read(nodeWorkers)])
  return { clients: c.reduce((a, w) => a + w.cpuMicros, 0), nodes: n.reduce((a, w) => a + w.cpuMicros, 0), clientRss: c.reduce((a, w) => a + w.rss, 0) }
}

/** options.groups groups of 3-6 random members, created and known to every member. */
export async function setupGroups (ctx: SimContext, setup: Record<string, number>): Promise<void> {
  const { options, people, rng, clock, log, groups } = ctx
  if (options.groups <= 0) return
  const t = clock()
  for (let g = 0; g < options.groups; g++) {
    const size = Math.min(people.clients.length, 3 + rng.int(4))
    const members = rng.sample(people.clients, size)
    const creator = members[0] as SimClient
    const { groupId } = await creator.worker.call('createGroup', { index: creator.index, name: `sim group ${g}`, members: members.slice(1).map((m) => m.userId) })
    groups.push({ groupId, members: members.map((m) => m.index) })
  }
  const ready = await until(async () => {
    for (const g of groups) {
      for (const i of g.members) {
        const c = people.clients[i] as SimClient
        if (!(await c.worker.call('groupsOf', { index: c.index })).includes(g.groupId)) return false
      }
    }
    return true
  }, 60_000, 250)
  if (!ready) throw new Error('group members did not all learn of their groups within 60 s')
  setup.groupsMs = clock() - t
  log(`groups: ${options.groups} created and known to every member in ${(setup.groupsMs / 1000).toFixed(1)} s`)
}
