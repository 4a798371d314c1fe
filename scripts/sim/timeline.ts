// Driving a fault scenario during the workload: each step at its time
// (nodes killed, stopped, restarted, slowed, partitioned; clients going
// offline, coming back, crashing mid-send), with a record of what it did.
import type { SimNode } from './cluster.js'
import type { SimClient } from './clients.js'
import type { SimContext } from './context.js'
import type { FaultRecord } from './report.js'
import type { Step } from './scenario.js'
import type { Workload } from './workload.js'
import type { SimWorker } from './workers.js'
import { convergeTimeout } from './setup.js'
import { sleep, until } from './wait.js'

export class Timeline {
  readonly faults: FaultRecord[] = []
  /** the client that was sent the most so far, chosen once per run so that later steps mean the same one */
  private busiest: { index: number, count: number } | undefined

  constructor (private readonly ctx: SimContext, private readonly workload: Workload, private readonly crashWorkers: Map<number, SimWorker>) {}

  /** Run every step at workloadStart + its `at`; steps after endAt are skipped with a note. */
  async run (workloadStart: number, endAt: number): Promise<void> {
    const { options, clock, notes, log } = this.ctx
    for (const [i, step] of (options.scenario?.steps ?? []).entries()) {
      const at = workloadStart + step.at * 1000
      if (at >= endAt) { notes.push(`step ${i} (${step.action} at ${step.at} s) is after the end of the workload (${options.duration} s): skipped`); continue }
      if (clock() < at) await sleep(at - clock())
      const record = await this.runStep(step, i)
      this.faults.push(record)
      log(`fault: ${record.label} (${record.tookMs.toFixed(0)} ms)`)
    }
  }

  private async runStep (step: Step, i: number): Promise<FaultRecord> {
    const { people, cluster, rng, clock } = this.ctx
    const startedAt = clock()
    const record: FaultRecord = { step: i, action: step.action, at: step.at, startedAt, tookMs: 0, nodes: [], clients: [], label: '' }
    switch (step.action) {
      case 'client-offline': {
        const first = step.include === 'busiest' ? [people.clients[this.busiestClient()] as SimClient].filter((c) => c.online) : []
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
        await Promise.all(chosen.map(async (c) => { await this.ctx.attach(c, c.node) }))
        break
      }
      case 'client-crash': {
        // SIGKILL the process that hosts this step's clients while they send: each online one starts two
        // sends 5-45 ms before, so the kill lands mid-send; `down` s later they come back from their homes
        const worker = this.crashWorkers.get(i) as SimWorker
        const victims = people.clients.filter((c) => c.worker === worker)
        const online = victims.filter((c) => c.online)
        record.clients = online.map((c) => c.index)
        // and each is sent two, so the kill may also land between a message arriving and the app getting it
        const others = people.online.filter((o) => !online.includes(o))
        for (const c of online) {
          this.workload.sendOne(c); this.workload.sendOne(c)
          if (others.length > 0) { this.workload.sendOne(rng.pick(others), c); this.workload.sendOne(rng.pick(others), c) }
        }
        record.inFlight = online.reduce((n, c) => n + c.inFlight, 0)
        await sleep(5 + rng.int(40))
        await worker.kill()
        people.crashed(victims)
        await sleep((step.down ?? 2) * 1000)
        await worker.start()
        await Promise.all(online.map(async (c) => { await this.ctx.attach(c) }))
        record.backAt = clock()
        // each sends one message and is sent one at once, so the report shows both directions working after the crash
        for (const c of online) {
          this.workload.sendOne(c)
          const other = people.online.filter((o) => o !== c && !online.includes(o))
          if (other.length > 0) this.workload.sendOne(rng.pick(other), c)
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
          const bad = [...listed].filter((n) => cluster.nodes[n] === undefined)
          if (bad.length > 0) throw new Error(`scenario names node(s) ${bad.join(', ')} but the mesh has ${cluster.nodes.length}`)
          const rest = cluster.nodes.map((n) => n.index).filter((n) => !listed.has(n))
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
        record.directoryMs = await this.convergeTime()
        break
      }
      default: {
        const targets = await this.selectNodes(step)
        record.nodes = targets.map((n) => n.index)
        if (step.action === 'slow-link') {
          await cluster.slowLinks(targets, step.delayMs, step.bytesPerSecond ?? 0)
        } else if (step.action === 'kill') {
          await Promise.all(targets.map(async (n) => { await cluster.kill(n, clock(), step.data) }))
        } else if (step.action === 'stop') {
          await Promise.all(targets.map(async (n) => { await cluster.stop(n, clock()) }))
        } else if (step.action === 'start') {
          for (const n of targets) await cluster.start(n, clock())
          record.directoryMs = await this.convergeTime()
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
          record.directoryMs = await this.convergeTime()
        }
      }
    }
    record.tookMs = clock() - startedAt
    const who = record.groups !== undefined ? `nodes ${record.groups.map((g) => g.join(',')).join(' | ')}` : record.nodes.length > 0 ? `nodes ${record.nodes.join(',')}` : `clients ${record.clients.join(',')}`
    record.label = step.action === 'slow-link' ? `slow-link ${who} ${step.delayMs} ms${(step.bytesPerSecond ?? 0) > 0 ? ` ${Math.round((step.bytesPerSecond ?? 0) / 1024)} KiB/s` : ''}` : `${step.action} ${who}`
    return record
  }

  private async convergeTime (): Promise<number | undefined> {
    const { cluster, clock } = this.ctx
    const t0 = clock()
    return await until(async () => await cluster.converged(), convergeTimeout(this.ctx.options)) ? clock() - t0 : undefined
  }

  private async selectNodes (step: Extract<Step, { action: 'kill' | 'stop' | 'start' | 'restart' | 'slow-link' }>): Promise<SimNode[]> {
    const { cluster, rng, options } = this.ctx
    const wantsUp = step.action !== 'start'
    if ('replicasOf' in step && step.replicasOf !== undefined) {
      const k = options.replicas
      const count = step.count === 'k-1' ? k - 1 : step.count
      const replicas = await this.replicasOfBusiest(k)
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

  private busiestClient (): number {
    if (this.busiest === undefined) {
      const counts = new Map<number, number>()
      for (const s of this.ctx.ledger.sent) for (const r of s.recipients) counts.set(r, (counts.get(r) ?? 0) + 1)
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [0, 0]
      this.busiest = { index: top[0], count: top[1] }
    }
    return this.busiest.index
  }

  /** The k nodes closest to the busiest client's mailbox. */
  private async replicasOfBusiest (k: number): Promise<SimNode[]> {
    const { people, cluster, ledger, notes } = this.ctx
    const busiest = this.busiestClient()
    const user = people.clients[busiest] as SimClient
    const replicas = await cluster.replicasOf(user.userId, k)
    notes.push(`replica loss: busiest mailbox is client ${busiest}'s (${ledger.sent.filter((s) => s.recipients.includes(busiest)).length} messages so far); its replicas are nodes ${replicas.map((n) => n.index).join(', ')}`)
    return replicas
  }
}
