// One simulation: start the worker processes, the mesh and the clients, run
// the seeded workload and the fault timeline for the duration, then recover
// (every node back, every client online), wait for the mailboxes to drain,
// and report. This process only coordinates and keeps the ledger: nodes and
// clients live in worker processes (scripts/sim/worker.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Cluster, type SimNode, type Transport } from './cluster.js'
import { Population, type SendOutcome, type SimClient } from './clients.js'
import { Ledger, type Sent } from './ledger.js'
import { Random } from './random.js'
import { buildReport, type FaultRecord, type SimReport } from './report.js'
import type { SimNetwork } from './network.js'
import type { Scenario, Step } from './scenario.js'
import { wallNow, type WorkerStats } from './worker-protocol.js'
import { ChildGone, SimWorker } from './workers.js'

export interface SimOptions {
  nodes: number
  clients: number
  groups: number
  /** messages per second offered by the whole population */
  rate: number
  /** workload duration, seconds */
  duration: number
  replicas: number
  transport: Transport
  scenario?: Scenario
  seed: number
  /** padding characters per message text @default 64 */
  pad?: number
  /** files sent during the workload (spread evenly over it) @default 0 */
  files?: number
  /** bytes per workload file @default 256 KiB */
  fileSize?: number
  /** each client sends 1:1 messages only to this many contacts (one of them popular) @default 0: to anyone */
  contacts?: number
  /** before the workload, every client writes once to each contact (or everyone): sessions exist when it starts @default false */
  warmup?: boolean
  /** count each node's libp2p bytes in and out for the report (a wrapper on every stream: bench:mesh turns it off) @default true */
  countTraffic?: boolean
  /** processes hosting the nodes @default the number of cores (1 with the memory transport) */
  workers?: number
  /** processes hosting the clients @default the number of cores (with the memory transport, the one node worker hosts them) */
  clientWorkers?: number
  /** a delivery to an attached recipient slower than this counts as not recovered @default 2000 ms */
  slowMs?: number
  /** how long the final drain may take @default 60 s */
  drainTimeoutMs?: number
  /** where homes and node data go; removed at the end unless keepData */
  dir?: string
  keepData?: boolean
  /** live progress lines (stderr in the CLI) */
  progress?: (line: string) => void
  /** the WAN testbed (scripts/testbed/): namespaces for the workers and a link in front of every node; needs workers = nodes @default loopback */
  network?: SimNetwork
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

async function until (check: () => boolean | Promise<boolean>, timeoutMs: number, interval = 100): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (await check()) return true
    if (performance.now() > deadline) return false
    await sleep(interval)
  }
}

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

  // ---------------------------------------------------------------- workers
  // nodes in W processes; clients in their own processes (so node memory is the nodes' own); every client a
  // client-crash step will crash lives in that step's own process, which is what a SIGKILL takes down
  const cores = availableParallelism()
  const onEvent = (_w: SimWorker, e: Parameters<Population['onEvent']>[0]): void => { people.onEvent(e) }
  const nodeWorkers = Array.from({ length: memoryTransport ? 1 : Math.max(1, options.workers ?? cores) }, (_, i) => new SimWorker(`nodes-${i}`, onEvent))
  const clientWorkers = memoryTransport ? nodeWorkers : Array.from({ length: Math.max(1, options.clientWorkers ?? cores) }, (_, i) => new SimWorker(`clients-${i}`, onEvent))
  const crashSteps = steps.flatMap((s, i) => s.action === 'client-crash' ? [{ step: i, clients: s.clients }] : [])
  const crashWorkers = new Map(crashSteps.map((c) => [c.step, new SimWorker(`crash-${c.step}`, onEvent)]))
  const crashPlan = new Map<number, number>() // client index -> step
  {
    const pool = rng.shuffle(Array.from({ length: options.clients }, (_, i) => i))
    for (const c of crashSteps) for (const idx of pool.splice(0, c.clients)) crashPlan.set(idx, c.step)
  }
  let regular = 0
  const place = (index: number): SimWorker => {
    const step = crashPlan.get(index)
    if (step !== undefined) return crashWorkers.get(step) as SimWorker
    return clientWorkers[regular++ % clientWorkers.length] as SimWorker
  }
  const allWorkers = [...new Set([...nodeWorkers, ...clientWorkers, ...crashWorkers.values()])]
  for (const w of allWorkers) w.launch = options.network?.launch(w.name)

  // links only when a step slows them: every byte into a node then passes through a forwarder in its worker
  const links = steps.some((s) => s.action === 'slow-link') || options.network !== undefined
  if (links && memoryTransport) throw new Error('slow-link needs the tcp transport (the links are TCP forwarders)')
  const cluster = new Cluster({ replicas: options.replicas, transport: options.transport, dir, workers: nodeWorkers, links, countTraffic: options.countTraffic ?? true, ...(options.network !== undefined ? { network: options.network } : {}) })
  const people = new Population(dir, ledger, clock, place, toClock)
  const faults: FaultRecord[] = []
  const setup: Record<string, number> = {}
  const notes: string[] = []
  const groups: Array<{ groupId: string, members: number[] }> = []
  let workloadStart = 0
  let workloadEnd = 0
  let nodeStatsStart: WorkerStats[] = []
  let nodeStatsEnd: WorkerStats[] = []
  let clientRss = 0
  const sends = new Set<Promise<void>>()
  let throttled = 0

  const nodeList = (primary: SimNode): string[] => [primary.address, ...rng.shuffle(cluster.nodes.filter((n) => n !== primary)).map((n) => n.address)]
  const attach = async (c: SimClient, avoid?: number): Promise<void> => {
    const candidates = cluster.up.filter((n) => n.index !== avoid)
    const primary = rng.pick(candidates.length > 0 ? candidates : cluster.nodes)
    await people.goOnline(c, primary.index, nodeList(primary))
  }

  try {
    let t = clock()
    await Promise.all(allWorkers.map(async (w) => { await w.start() }))
    setup.workersMs = clock() - t
    log(`workers: ${nodeWorkers.length} for nodes, ${memoryTransport ? 'the same one' : clientWorkers.length} for clients${crashWorkers.size > 0 ? `, ${crashWorkers.size} for clients that will crash` : ''} (pids ${allWorkers.map((w) => w.pid).join(', ')})`)
    // what each node worker holds before it hosts anything (Node.js and the loaded modules)
    const baseline = await cluster.stats(true)
    // ---------------------------------------------------------------- mesh
    t = clock()
    await cluster.add(options.nodes)
    if (!await until(async () => await cluster.converged(), 60_000)) throw new Error(`the ${options.nodes} nodes did not all learn of each other within 60 s`)
    setup.meshMs = clock() - t
    log(`mesh: ${options.nodes} nodes (${options.transport}) up and converged in ${(setup.meshMs / 1000).toFixed(1)} s`)

    // ---------------------------------------------------------------- clients
    t = clock()
    await people.create(options.clients)
    setup.identitiesMs = clock() - t
    t = clock()
    for (let i = 0; i < people.clients.length; i += 5) {
      await Promise.all(people.clients.slice(i, i + 5).map(async (c) => { await attach(c) }))
    }
    setup.attachMs = clock() - t
    // every node must know every user's device list and bundle before anyone writes to them
    t = clock()
    const known = await until(async () => await cluster.usersKnown(people.clients.map((c) => c.userId)), 60_000, 250)
    if (!known) throw new Error('the users\' records did not reach every node within 60 s')
    setup.gossipMs = clock() - t
    log(`clients: ${options.clients} identities in ${(setup.identitiesMs / 1000).toFixed(1)} s, attached in ${(setup.attachMs / 1000).toFixed(1)} s, known to every node after ${(setup.gossipMs / 1000).toFixed(1)} s more`)

    // ---------------------------------------------------------------- groups
    if (options.groups > 0) {
      t = clock()
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

    // ---------------------------------------------------------------- sending
    const epochs = (recipients: number[]): Map<number, number | undefined> =>
      new Map(recipients.map((r) => { const c = people.clients[r] as SimClient; return [r, c.online ? c.epoch : undefined] }))

    const hot = rng.sample(people.clients, Math.max(1, Math.floor(people.clients.length / 10)))
    // with --contacts, each client writes 1:1 only to its own few contacts (one of them from the hot set), as people do
    const contactsOf = new Map<SimClient, SimClient[]>()
    if ((options.contacts ?? 0) > 0) {
      for (const c of people.clients) {
        const others = people.clients.filter((o) => o !== c)
        const popular = rng.pick(hot.filter((h) => h !== c).length > 0 ? hot.filter((h) => h !== c) : others)
        contactsOf.set(c, [popular, ...rng.sample(others.filter((o) => o !== popular), (options.contacts ?? 0) - 1)])
      }
    }
    /** Record a send's outcome, stamped by the worker that made it (a crashed sender's send stays unanswered). */
    const track = (s: Sent, from: SimClient, p: Promise<SendOutcome>): void => {
      from.inFlight++
      const done = p.then((r) => {
        s.sentAt = toClock(r.sentAt)
        if ('storedAt' in r) s.storedAt = toClock(r.storedAt); else { s.failedAt = toClock(r.failedAt); s.error = r.error }
      }, (err: Error) => {
        if (err instanceof ChildGone) { s.unanswered = true; return }
        s.failedAt = clock(); s.error = err.message
      }).finally(() => { from.inFlight = Math.max(0, from.inFlight - 1); sends.delete(done) })
      sends.add(done)
    }

    /** One message: from a random online sender (or `chosen`), 1:1 to a random recipient (or `target`) or, now and then, to a group. */
    const sendOne = (chosen?: SimClient, target?: SimClient): void => {
      const senders = people.online.filter((c) => c.inFlight < 4)
      if (chosen === undefined && senders.length === 0) { throttled++; return }
      const from = chosen ?? rng.pick(senders)
      const myGroups = groups.filter((g) => g.members.includes(from.index))
      const group = target === undefined && myGroups.length > 0 && rng.next() < 0.2 ? rng.pick(myGroups) : undefined
      if (group !== undefined) {
        const recipients = group.members.filter((m) => m !== from.index)
        const s = ledger.add('group', from.index, recipients, clock(), epochs(recipients))
        track(s, from, from.worker.call('sendGroup', { index: from.index, groupId: group.groupId, text: ledger.text(s.seq, options.pad ?? 64) }))
      } else {
        // a skewed workload: a few popular recipients get a third of the 1:1 messages (busy mailboxes)
        const contacts = contactsOf.get(from)
        const pool = rng.next() < 0.33 ? hot.filter((c) => c !== from && (contacts === undefined || contacts.includes(c))) : []
        const to = target ?? rng.pick(pool.length > 0 ? pool : contacts ?? people.clients.filter((c) => c !== from))
        const s = ledger.add('direct', from.index, [to.index], clock(), epochs([to.index]))
        track(s, from, from.worker.call('send', { index: from.index, to: to.userId, text: ledger.text(s.seq, options.pad ?? 64) }))
      }
    }

    const sendFile = (): void => {
      const senders = people.online.filter((c) => c.inFlight < 4)
      if (senders.length === 0) { throttled++; return }
      const from = rng.pick(senders)
      const to = rng.pick(people.clients.filter((c) => c !== from))
      const s = ledger.add('file', from.index, [to.index], clock(), epochs([to.index]))
      track(s, from, from.worker.call('sendFile', { index: from.index, to: to.userId, seq: s.seq, size: options.fileSize ?? 256 * 1024 }))
    }

    // ---------------------------------------------------------------- warm-up
    if (options.warmup === true) {
      // every client writes once to each of its contacts (or to everyone), so the workload runs on established
      // sessions; these messages are checked like any other but left out of the latency figures
      t = clock()
      const first = ledger.sent.length
      for (const c of people.clients) {
        for (const to of contactsOf.get(c) ?? people.clients.filter((o) => o !== c)) {
          sendOne(c, to)
          const s = ledger.sent[ledger.sent.length - 1] as Sent
          s.warmup = true
          if (c.inFlight >= 4) await until(() => c.inFlight < 4, 30_000, 20)
        }
      }
      await until(() => sends.size === 0 && ledger.pendingStored().length === 0, 60_000, 100)
      setup.warmupMs = clock() - t
      log(`warm-up: ${ledger.sent.length - first} messages sent and delivered in ${(setup.warmupMs / 1000).toFixed(1)} s`)
    }

    // ---------------------------------------------------------------- workload + faults
    nodeStatsStart = await cluster.stats()
    workloadStart = clock()
    const endAt = workloadStart + options.duration * 1000
    const workload = (async () => {
      const interval = 1000 / options.rate
      const files = options.files ?? 0
      const fileEvery = (options.duration * 1000) / Math.max(1, files)
      let due = workloadStart
      let fileDue = workloadStart + fileEvery / 2
      let filesSent = 0
      while (clock() < endAt) {
        while (due <= clock() && due < endAt) { sendOne(); due += interval }
        while (filesSent < files && fileDue <= clock()) { sendFile(); filesSent++; fileDue += fileEvery }
        await sleep(Math.max(1, Math.min(50, due - clock())))
      }
    })()

    const runTimeline = async (): Promise<void> => {
      for (const [i, step] of (options.scenario?.steps ?? []).entries()) {
        const at = workloadStart + step.at * 1000
        if (at >= endAt) { notes.push(`step ${i} (${step.action} at ${step.at} s) is after the end of the workload (${options.duration} s): skipped`); continue }
        if (clock() < at) await sleep(at - clock())
        const record = await runStep(step, i)
        faults.push(record)
        log(`fault: ${record.label} (${record.tookMs.toFixed(0)} ms)`)
      }
    }

    const runStep = async (step: Step, i: number): Promise<FaultRecord> => {
      const startedAt = clock()
      const record: FaultRecord = { step: i, action: step.action, at: step.at, startedAt, tookMs: 0, nodes: [], clients: [], label: '' }
      switch (step.action) {
        case 'client-offline': {
          const first = step.include === 'busiest' ? [people.clients[busiestClient()] as SimClient].filter((c) => c.online) : []
          const chosen = [...first, ...rng.sample(people.online.filter((c) => !first.includes(c)), step.clients - first.length)]
          record.clients = chosen.map((c) => c.index)
          await Promise.all(chosen.map(async (c) => { await people.goOffline(c) }))
          break
        }
        case 'client-online': {
          const off = people.offline
          const chosen = step.clients === 'all' ? off : rng.sample(off, step.clients)
          record.clients = chosen.map((c) => c.index)
          // each comes back on another node than the one it left
          await Promise.all(chosen.map(async (c) => { await attach(c, c.node) }))
          break
        }
        case 'client-crash': {
          // SIGKILL the process that hosts this step's clients while they send: each online one starts two
          // sends 5-45 ms before, so the kill lands mid-send; `down` s later they come back from their homes
          const worker = crashWorkers.get(i) as SimWorker
          const victims = people.clients.filter((c) => c.worker === worker)
          const online = victims.filter((c) => c.online)
          record.clients = online.map((c) => c.index)
          // and each is sent two, so the kill may also land between a message arriving and the app getting it
          const others = people.online.filter((o) => !online.includes(o))
          for (const c of online) {
            sendOne(c); sendOne(c)
            if (others.length > 0) { sendOne(rng.pick(others), c); sendOne(rng.pick(others), c) }
          }
          record.inFlight = online.reduce((n, c) => n + c.inFlight, 0)
          await sleep(5 + rng.int(40))
          await worker.kill()
          people.crashed(victims)
          await sleep((step.down ?? 2) * 1000)
          await worker.start()
          await Promise.all(online.map(async (c) => { await attach(c) }))
          record.backAt = clock()
          // each sends one message and is sent one at once, so the report shows both directions working after the crash
          for (const c of online) {
            sendOne(c)
            const other = people.online.filter((o) => o !== c && !online.includes(o))
            if (other.length > 0) sendOne(rng.pick(other), c)
          }
          break
        }
        case 'partition': {
          // explicit groups (unlisted nodes form one more group), or n seeded random groups of near-equal size
          let split: number[][]
          if (typeof step.groups === 'number') {
            const count = step.groups
            const order = rng.shuffle(cluster.nodes.map((n) => n.index))
            split = Array.from({ length: count }, (_, g) => order.filter((_, j) => j % count === g).sort((a, b) => a - b))
          } else {
            const listed = new Set(step.groups.flat())
            const bad = [...listed].filter((i) => cluster.nodes[i] === undefined)
            if (bad.length > 0) throw new Error(`scenario names node(s) ${bad.join(', ')} but the mesh has ${cluster.nodes.length}`)
            const rest = cluster.nodes.map((n) => n.index).filter((i) => !listed.has(i))
            split = rest.length > 0 ? [...step.groups, rest] : step.groups
          }
          split = split.filter((g) => g.length > 0)
          record.nodes = split.flat()
          record.groups = split
          await cluster.partition(split)
          // until every node's relay directory lists exactly its own group (at most 10 s: later steps wait for this one)
          const t0 = clock()
          record.directoryMs = await until(async () => await cluster.converged(), 10_000) ? clock() - t0 : undefined
          break
        }
        case 'heal': {
          record.nodes = cluster.up.map((n) => n.index)
          await cluster.heal()
          record.directoryMs = await convergeTime()
          break
        }
        default: {
          const targets = await selectNodes(step)
          record.nodes = targets.map((n) => n.index)
          if (step.action === 'slow-link') {
            await cluster.slowLinks(targets, step.delayMs, step.bytesPerSecond ?? 0)
          } else if (step.action === 'kill') {
            await Promise.all(targets.map(async (n) => { await cluster.kill(n, clock(), step.data) }))
          } else if (step.action === 'stop') {
            await Promise.all(targets.map(async (n) => { await cluster.stop(n, clock()) }))
          } else if (step.action === 'start') {
            for (const n of targets) await cluster.start(n, clock())
            record.directoryMs = await convergeTime()
          } else {
            // restart: down (kill or graceful stop), `down` s later up again; with `rolling`, one node after the other
            const down = (step.down ?? 1) * 1000
            const one = async (n: SimNode): Promise<void> => {
              if (step.mode === 'stop') await cluster.stop(n, clock()); else await cluster.kill(n, clock())
              await sleep(down)
              await cluster.start(n, clock())
            }
            if (step.rolling !== undefined) {
              for (const n of targets) { await one(n); await sleep(step.rolling * 1000) }
            } else {
              await Promise.all(targets.map(one))
            }
            record.directoryMs = await convergeTime()
          }
        }
      }
      record.tookMs = clock() - startedAt
      const who = record.groups !== undefined ? `nodes ${record.groups.map((g) => g.join(',')).join(' | ')}` : record.nodes.length > 0 ? `nodes ${record.nodes.join(',')}` : `clients ${record.clients.join(',')}`
      record.label = step.action === 'slow-link' ? `slow-link ${who} ${step.delayMs} ms${(step.bytesPerSecond ?? 0) > 0 ? ` ${Math.round((step.bytesPerSecond ?? 0) / 1024)} KiB/s` : ''}` : `${step.action} ${who}`
      return record
    }

    const convergeTime = async (): Promise<number | undefined> => {
      const t0 = clock()
      return await until(async () => await cluster.converged(), 60_000) ? clock() - t0 : undefined
    }

    const selectNodes = async (step: Extract<Step, { action: 'kill' | 'stop' | 'start' | 'restart' | 'slow-link' }>): Promise<SimNode[]> => {
      const wantsUp = step.action !== 'start'
      if ('replicasOf' in step && step.replicasOf !== undefined) {
        const k = options.replicas
        const count = step.count === 'k-1' ? k - 1 : step.count
        const replicas = await replicasOfBusiest(k)
        return replicas.filter((n) => n.up).slice(0, count)
      }
      if ('random' in step && step.random !== undefined) return rng.sample(wantsUp ? cluster.up : cluster.down, step.random)
      const sel = (step as { nodes: number[] | 'all' | 'up' | 'down' }).nodes
      if (sel === 'all') return cluster.nodes.filter((n) => n.up === wantsUp)
      if (sel === 'up') return cluster.up
      if (sel === 'down') return cluster.down
      const picked = sel.map((i) => cluster.nodes[i])
      const bad = sel.filter((_, j) => picked[j] === undefined)
      if (bad.length > 0) throw new Error(`scenario names node(s) ${bad.join(', ')} but the mesh has ${cluster.nodes.length}`)
      return picked as SimNode[]
    }

    /** The client that was sent the most so far, chosen once per run so that later steps mean the same one. */
    let busiest: { index: number, count: number } | undefined
    const busiestClient = (): number => {
      if (busiest === undefined) {
        const counts = new Map<number, number>()
        for (const s of ledger.sent) for (const r of s.recipients) counts.set(r, (counts.get(r) ?? 0) + 1)
        const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [0, 0]
        busiest = { index: top[0], count: top[1] }
      }
      return busiest.index
    }

    /** The k nodes closest to the busiest client's mailbox. */
    const replicasOfBusiest = async (k: number): Promise<SimNode[]> => {
      const busiest = busiestClient()
      const user = people.clients[busiest] as SimClient
      const replicas = await cluster.replicasOf(user.userId, k)
      notes.push(`replica loss: busiest mailbox is client ${busiest}'s (${ledger.sent.filter((s) => s.recipients.includes(busiest)).length} messages so far); its replicas are nodes ${replicas.map((n) => n.index).join(', ')}`)
      return replicas
    }

    const timeline = runTimeline()
    timeline.catch(() => {}) // awaited below; this only keeps an early failure from being unhandled
    const ticker = setInterval(() => {
      const stored = ledger.sent.filter((s) => s.storedAt !== undefined).length
      const failed = ledger.sent.filter((s) => s.failedAt !== undefined).length
      let delivered = 0
      for (const s of ledger.sent) delivered += s.deliveries.size
      log(`t=${((clock() - workloadStart) / 1000).toFixed(0)}s nodes ${cluster.up.length}/${cluster.nodes.length} clients ${people.online.length}/${people.clients.length} sent ${ledger.sent.length} stored ${stored} failed ${failed} delivered ${delivered} in flight ${sends.size}`)
    }, 2000)
    ticker.unref()
    try {
      await workload
      workloadEnd = clock()
      nodeStatsEnd = await cluster.stats(true)
      clientRss = (await Promise.all([...new Set([...clientWorkers, ...crashWorkers.values()])].filter((w) => w.running && !nodeWorkers.includes(w)).map(async (w) => (await w.call('stats', {})).rss))).reduce((a, b) => a + b, 0)
      await timeline
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
    if (!await until(async () => await cluster.converged(), 60_000)) notes.push('the mesh did not converge within 60 s after restarting every node')
    await Promise.all(people.offline.map(async (c) => { await attach(c) }))
    await until(() => sends.size === 0, 30_000)
    if (sends.size > 0) notes.push(`${sends.size} sends still unanswered 30 s after the workload ended`)
    await until(() => ledger.pendingStored().length === 0, options.drainTimeoutMs ?? 60_000, 200)
    // late duplicates would show up here
    await sleep(1500)
    const drainedMs = clock() - recoveryStart
    log(`recovery: done in ${(drainedMs / 1000).toFixed(1)} s; ${ledger.pendingStored().length} stored deliveries missing`)

    return buildReport({ options, ledger, people, faults, setup, notes, nodeStatsStart, nodeStatsEnd, nodeBaselineRss: baseline.reduce((a, w) => a + w.rss, 0), nodeBaselineHeap: baseline.reduce((a, w) => a + (w.heapLive ?? w.heapUsed), 0), clientRss, workers: { nodes: nodeWorkers.length, clients: memoryTransport ? 0 : clientWorkers.length, crash: crashWorkers.size }, workloadStart, workloadEnd, recoveryMs: drainedMs, throttled, dir, groups: groups.length })
  } finally {
    await people.closeAll().catch(() => {})
    await cluster.stopAll().catch(() => {})
    await Promise.all(allWorkers.map(async (w) => { await w.stop().catch(async () => { await w.kill() }) }))
    if (options.keepData !== true && options.dir === undefined) rmSync(dir, { recursive: true, force: true })
  }
}
