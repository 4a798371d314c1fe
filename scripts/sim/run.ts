// One simulation: start the worker processes, the mesh and the clients, run
// the seeded workload and the fault timeline for the duration, then recover
// (every node back, every client online), wait for the mailboxes to drain,
// and report. This process only coordinates and keeps the ledger: nodes and
// clients live in worker processes (scripts/sim/worker.ts). The jobs live in
// setup.ts, workload.ts, timeline.ts and report.ts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Cluster, type SimNode } from './cluster.js'
import { Population, type SimClient } from './clients.js'
import type { SimContext } from './context.js'
import { Ledger } from './ledger.js'
import type { SimOptions } from './options.js'
import { Random } from './random.js'
import { buildReport, type SimReport } from './report.js'
import { measureIdle, windowCost } from './measure.js'
import { planWorkers, setupClients, setupGroups, setupMesh } from './setup.js'
import { Timeline } from './timeline.js'
import { checkDeadline, sleep, until, within } from './wait.js'
import { wallNow, type WorkerStats } from './worker-protocol.js'
import { Workload } from './workload.js'

export type { SimOptions } from './options.js'

export async function runSimulation (options: SimOptions): Promise<SimReport> {
  const startedWall = wallNow()
  const clock = (): number => wallNow() - startedWall
  const toClock = (wallMs: number): number => wallMs - startedWall
  const log = options.progress ?? (() => {})
  const rng = new Random(options.seed)
  const steps = options.scenario?.steps ?? []
  const memoryTransport = options.transport === 'memory'
  if (memoryTransport && steps.some((s) => s.action === 'client-crash')) throw new Error('client-crash needs the tcp transport: with the memory transport every node and client shares one process')
  const crashing = steps.reduce((n, s) => n + (s.action === 'client-crash' ? s.clients : 0), 0)
  if (crashing > 0 && crashing >= options.clients) throw new Error(`the scenario crashes ${crashing} clients but the simulation has ${options.clients}: leave some that never crash`)
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'relaymesh-sim-'))
  const ledger = new Ledger()

  const workers = planWorkers(options, rng, (e) => { people.onEvent(e) })
  // links only when a step slows them: every byte into a node then passes through a forwarder in its worker
  for (const w of workers.all) w.launch = options.network?.launch(w.name)
  const links = steps.some((s) => s.action === 'slow-link') || options.network !== undefined
  if (links && memoryTransport) throw new Error('slow-link needs the tcp transport (the links are TCP forwarders)')
  const cluster = new Cluster({ replicas: options.replicas, transport: options.transport, dir, workers: workers.nodes, links, countTraffic: options.countTraffic ?? true, ...(options.network !== undefined ? { network: options.network } : {}) })
  const people = new Population(dir, ledger, clock, workers.place, toClock)
  const nodeList = (primary: SimNode): string[] => [primary.address, ...rng.shuffle(cluster.nodes.filter((n) => n !== primary)).map((n) => n.address)]
  const ctx: SimContext = {
    options, rng, clock, toClock, log, ledger, cluster, people, groups: [], notes: [],
    attach: async (c: SimClient, avoid?: number): Promise<void> => {
      const candidates = cluster.up.filter((n) => n.index !== avoid)
      const primary = rng.pick(candidates.length > 0 ? candidates : cluster.nodes)
      await people.goOnline(c, primary.index, nodeList(primary))
    }
  }
  const { notes } = ctx
  const setup: Record<string, number> = {}
  let nodeStatsStart: WorkerStats[] = []
  let nodeStatsEnd: WorkerStats[] = []
  let clientRss = 0
  const idleSeconds = options.idleSeconds ?? 5
  const cost: SimReport['scale'] = { convergeMs: 0 }

  try {
    const t = clock()
    for (const w of workers.all) w.onExit = (line) => { log(line); notes.push(line) }
    await Promise.all(workers.all.map(async (w) => { await w.start() }))
    setup.workersMs = clock() - t
    log(`workers: ${workers.nodes.length} for nodes, ${memoryTransport ? 'the same one' : workers.clients.length} for clients${workers.crash.size > 0 ? `, ${workers.crash.size} for clients that will crash` : ''} (pids ${workers.all.map((w) => w.pid).join(', ')})`)
    // what each node worker holds before it hosts anything (Node.js and the loaded modules)
    const baseline = await cluster.stats(true)
    await setupMesh(ctx, setup)
    // idle, twice: the bare mesh right after it converged (no client yet), then with every client attached and
    // none sending (their receive calls wait at the nodes); what else runs in the windows: README, "Simulation"
    if (idleSeconds > 0) {
      const settle = options.idleSettleSeconds ?? 0
      if (settle > 0) {
        log(`idle mesh: settling ${settle} s before the window`)
        await sleep(settle * 1000)
      }
      cost.idleMesh = await measureIdle(cluster, idleSeconds)
      log(`idle mesh (${cost.idleMesh.seconds} s${settle > 0 ? `, ${settle} s after convergence` : ''}, no clients): ${cost.idleMesh.cpuPerNodePct} % of a core per node, ${cost.idleMesh.bytesInPerNodePerSecond.median} B/s in per node (median), relay connections per node ${cost.idleMesh.relayConnections.min}/${cost.idleMesh.relayConnections.median}/${cost.idleMesh.relayConnections.max}`)
    }
    cost.clientSetup = await setupClients(ctx, setup, [...new Set([...workers.clients, ...workers.crash.values()])])
    if (cost.idleMesh !== undefined) {
      // the node workers' CPU during the attaches minus what the idle mesh alone would have used in that time
      const idleMs = cost.idleMesh.cpuPerNodePct / 100 * options.nodes * (setup.attachMs ?? 0)
      cost.clientSetup.attachCpuMsPerClient.nodeWorkersAboveIdle = Math.round(Math.max(0, cost.clientSetup.attachCpuMsPerClient.nodeWorkers - idleMs / Math.max(1, options.clients)) * 100) / 100
    }
    await setupGroups(ctx, setup)
    const workload = new Workload(ctx)
    if (options.warmup === true) await workload.warmup(setup)
    if (idleSeconds > 0) {
      await until(() => workload.sends.size === 0, within(30_000, options.deadline))
      cost.idleAttached = await measureIdle(cluster, idleSeconds)
      log(`idle with ${options.clients} clients attached (${cost.idleAttached.seconds} s, none sending): ${cost.idleAttached.cpuPerNodePct} % of a core per node, ${cost.idleAttached.bytesInPerNodePerSecond.median} B/s in per node (median)`)
    }

    // ---------------------------------------------------------------- workload + faults
    checkDeadline(options.deadline, 'setup')
    nodeStatsStart = await cluster.stats()
    const workloadStart = clock()
    const endAt = workloadStart + options.duration * 1000
    const timeline = new Timeline(ctx, workload, workers.crash)
    const running = workload.run(workloadStart, endAt)
    const faulting = timeline.run(workloadStart, endAt)
    faulting.catch(() => {}) // awaited below; this only keeps an early failure from being unhandled
    const ticker = setInterval(() => {
      const stored = ledger.sent.filter((s) => s.storedAt !== undefined).length
      const failed = ledger.sent.filter((s) => s.failedAt !== undefined).length
      let delivered = 0
      for (const s of ledger.sent) delivered += s.deliveries.size
      log(`t=${((clock() - workloadStart) / 1000).toFixed(0)}s nodes ${cluster.up.length}/${cluster.nodes.length} clients ${people.online.length}/${people.clients.length} sent ${ledger.sent.length} stored ${stored} failed ${failed} delivered ${delivered} in flight ${workload.sends.size}`)
    }, 2000)
    ticker.unref()
    let workloadEnd: number
    try {
      await running
      workloadEnd = clock()
      nodeStatsEnd = await cluster.stats(true)
      cost.load = windowCost(nodeStatsStart, nodeStatsEnd, workloadEnd - workloadStart)
      const clientOnly = [...new Set([...workers.clients, ...workers.crash.values()])].filter((w) => w.running && !workers.nodes.includes(w))
      clientRss = (await Promise.all(clientOnly.map(async (w) => (await w.call('stats', {})).rss))).reduce((a, b) => a + b, 0)
      await faulting
    } finally {
      clearInterval(ticker)
    }

    // ---------------------------------------------------------------- recovery
    log('recovery: every node back, every client online, waiting for the mailboxes to drain')
    const recoveryStart = clock()
    if (cluster.partitioned) {
      notes.push('the mesh was still partitioned at the end of the workload: healed for the recovery')
      await cluster.heal()
    }
    for (const n of cluster.down) await cluster.start(n, clock())
    if (!await until(async () => await cluster.converged(), within(60_000, options.deadline))) notes.push('the mesh did not converge within 60 s after restarting every node')
    await Promise.all(people.offline.map(async (c) => { await ctx.attach(c) }))
    await until(() => workload.sends.size === 0, within(30_000, options.deadline))
    if (workload.sends.size > 0) notes.push(`${workload.sends.size} sends still unanswered 30 s after the workload ended`)
    await until(() => ledger.pendingStored().length === 0, within(options.drainTimeoutMs ?? 60_000, options.deadline), 200)
    // late duplicates would show up here
    await sleep(1500)
    const drainedMs = clock() - recoveryStart
    log(`recovery: done in ${(drainedMs / 1000).toFixed(1)} s; ${ledger.pendingStored().length} stored deliveries missing`)

    return buildReport({ options, ledger, people, faults: timeline.faults, setup, notes, nodeStatsStart, nodeStatsEnd, nodeBaselineRss: baseline.reduce((a, w) => a + w.rss, 0), nodeBaselineHeap: baseline.reduce((a, w) => a + (w.heapLive ?? w.heapUsed), 0), clientRss, workers: { nodes: workers.nodes.length, clients: memoryTransport ? 0 : workers.clients.length, crash: workers.crash.size }, workloadStart, workloadEnd, recoveryMs: drainedMs, throttled: workload.throttled, dir, groups: ctx.groups.length, cost: { ...cost, convergeMs: setup.meshMs ?? 0 } })
  } finally {
    await people.closeAll().catch(() => {})
    await cluster.stopAll().catch(() => {})
    await Promise.all(workers.all.map(async (w) => { await w.stop().catch(async () => { await w.kill() }) }))
    if (options.keepData !== true && options.dir === undefined) rmSync(dir, { recursive: true, force: true })
  }
}
