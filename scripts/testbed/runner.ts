// One testbed run: check the machine, sweep what dead runs left, find the
// kernel's shaping mechanisms, build the namespaces, run the simulator's
// workload over them (scripts/sim/run.ts, node workers and clients launched
// inside the namespaces), tear everything down, then run the same workload
// over loopback for comparison. Teardown is synchronous and idempotent so the
// CLI's signal and deadline handlers can call it (closeAll) at any moment.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NETWORK_LINK_PORT, type SimNetwork } from '../sim/network.js'
import { runSimulation, type SimOptions } from '../sim/run.js'
import type { SimReport } from '../sim/report.js'
import type { Scenario } from '../sim/scenario.js'
import { cannotBuild, create, destroy, execIn, list, nodeAddress, plan, stale, type Topology } from './netns.js'
import { apply, choose, forwarderShare, lossQdisc, probe, qdiscCounters, tcpCounters, type Kernel, type Mechanisms, type Shape } from './shaping.js'

export interface TestbedOptions extends Shape {
  nodes: number
  clients: number
  /** messages over the whole workload */
  msgs: number
  /** workload seconds */
  duration: number
  groups: number
  seed: number
  /** also run the same workload over loopback @default true */
  loopback: boolean
  /** shape in the forwarders only (delay, jitter, the loss model, rate), whatever the kernel offers @default false */
  userSpace?: boolean
  scenario?: Scenario
  progress?: (line: string) => void
}

/** The machine cannot build a testbed: the message is one line saying why. */
export class TestbedUnavailable extends Error {
  override name = 'TestbedUnavailable'
}

export interface RunSummary {
  messages: Pick<SimReport['messages'], 'sent' | 'stored' | 'failed' | 'expectedDeliveries' | 'delivered' | 'lost' | 'duplicates' | 'foreign'>
  latencyMs: SimReport['latencyMs']
  setupMs: SimReport['setupMs']
  /** every node listed every other as a live relay at setup and again after the final recovery */
  converged: boolean
  recoveryMs: number
  notes: string[]
}

export interface TestbedResult {
  config: Omit<TestbedOptions, 'progress' | 'scenario'> & { scenario: string | null }
  kernel: Kernel
  mechanisms: Mechanisms
  /** what the forwarders did (the kernel did the rest) */
  forwarder: ReturnType<typeof forwarderShare>
  namespaces: { run: string, bridge: string, created: number, addresses: string[], sweptStale: string[], leftAfterTeardown: string[] }
  /** TCP segments sent and retransmitted in the testbed's namespaces (also over each namespace's loopback, and spurious ones on a loaded machine) */
  tcp: { outSegs: number, retransSegs: number }
  /** packets that crossed the bridge ports' dropping qdisc and how many it dropped (null: no loss in the kernel) */
  kernelLoss: { packets: number, dropped: number } | null
  testbed: RunSummary
  loopback: RunSummary | null
  /** the loopback run failed (the testbed's figures stand): why */
  loopbackError: string | null
}

/** namespaces and data folders open now (closeAll removes them) */
const open = new Set<{ names: string[], dir: string }>()

/** Remove every namespace and folder of the runs still open, killing the processes inside. Synchronous; safe to call twice. */
export function closeAll (): void {
  for (const o of open) {
    destroy(o.names)
    rmSync(o.dir, { recursive: true, force: true })
    open.delete(o)
  }
}

function summarize (r: SimReport): RunSummary {
  const m = r.messages
  return {
    messages: { sent: m.sent, stored: m.stored, failed: m.failed, expectedDeliveries: m.expectedDeliveries, delivered: m.delivered, lost: m.lost, duplicates: m.duplicates, foreign: m.foreign },
    latencyMs: r.latencyMs,
    setupMs: r.setupMs,
    // the setup throws when the mesh does not converge; the final recovery leaves this note
    converged: !r.notes.some((n) => n.includes('did not converge')),
    recoveryMs: r.recoveryMs,
    notes: r.notes
  }
}

export async function runTestbed (o: TestbedOptions): Promise<TestbedResult> {
  const why = cannotBuild()
  if (why !== undefined) throw new TestbedUnavailable(why)
  const log = o.progress ?? (() => {})
  const sweptStale = stale()
  const notRemoved = destroy(sweptStale)
  if (sweptStale.length > 0) log(`swept ${sweptStale.length - notRemoved.length} namespace(s) left by dead runs`)

  const t: Topology = plan(o.nodes)
  const entry = { names: [`${t.run}-probe`, ...t.all], dir: mkdtempSync(join(tmpdir(), 'relaymesh-testbed-')) }
  open.add(entry)
  let tcp = { outSegs: 0, retransSegs: 0 }
  let kernelLoss: TestbedResult['kernelLoss'] = null
  let testbed: SimReport
  let kernel: Kernel
  let mechanisms: Mechanisms
  let forwarder: ReturnType<typeof forwarderShare>
  const simOptions = (dir: string, network?: SimNetwork): SimOptions => ({
    nodes: o.nodes,
    clients: o.clients,
    groups: o.groups,
    rate: o.msgs / o.duration,
    duration: o.duration,
    replicas: Math.min(3, o.nodes),
    transport: 'tcp',
    seed: o.seed,
    files: 0,
    // steady state, as a WAN's users see it: every client first writes once to each of its contacts (sessions exist,
    // bundles fetched; checked, not timed), then writes 1:1 to those contacts only
    warmup: true,
    contacts: Math.min(3, o.clients - 1),
    // one process per node: in the testbed each is a host of its own (and the loopback run compares like with like)
    workers: o.nodes,
    dir,
    progress: log,
    ...(o.scenario !== undefined ? { scenario: o.scenario } : {}),
    ...(network !== undefined ? { network } : {})
  })
  try {
    try {
      kernel = probe(`${t.run}-probe`)
    } catch (err) {
      throw new TestbedUnavailable(`cannot create a network namespace: ${(err as Error).message.split('\n')[0] ?? ''}`)
    }
    mechanisms = choose(o.userSpace === true ? { netem: false, gact: false, bpf: false, tbf: false } : kernel, o)
    forwarder = forwarderShare(mechanisms, o)
    create(t)
    apply(t, mechanisms, o)
    log(`namespaces: ${t.all.length} (${t.run}-*), bridge in ${t.bridgeNs}; delay ${mechanisms.delay}, loss ${mechanisms.loss}, rate ${mechanisms.rate}`)
    const byName = (worker: string): string[] => {
      const m = /^nodes-(\d+)$/.exec(worker)
      const host = m !== null ? t.nodes[Number(m[1])] : t.clients
      if (host === undefined) throw new Error(`no namespace for worker ${worker}`)
      return execIn(host.ns)
    }
    const network: SimNetwork = { launch: byName, nodeHost: nodeAddress, link: forwarder }
    testbed = await runSimulation(simOptions(join(entry.dir, 'testbed'), network))
    tcp = tcpCounters(t.all)
    const dropper = lossQdisc(mechanisms)
    if (dropper !== undefined) kernelLoss = qdiscCounters(t.bridgeNs, dropper)
  } finally {
    closeAll()
  }
  const leftAfterTeardown = list().filter((n) => n.startsWith(`${t.run}-`))
  let loopback: SimReport | null = null
  let loopbackError: string | null = null
  if (o.loopback) {
    const dir = mkdtempSync(join(tmpdir(), 'relaymesh-testbed-loopback-'))
    const lo = { names: [], dir }
    open.add(lo)
    try {
      log('loopback: the same workload over 127.0.0.1')
      loopback = await runSimulation(simOptions(join(dir, 'loopback')))
    } catch (err) {
      loopbackError = (err as Error).message
      log(`loopback: failed: ${loopbackError}`)
    } finally {
      closeAll()
    }
  }
  const { progress: _p, scenario, ...config } = o
  return {
    config: { ...config, scenario: scenario?.name ?? null },
    kernel,
    mechanisms,
    forwarder,
    namespaces: { run: t.run, bridge: t.bridgeNs, created: t.all.length, addresses: t.nodes.map((h) => `${h.address}:${NETWORK_LINK_PORT}`), sweptStale, leftAfterTeardown },
    tcp,
    kernelLoss,
    testbed: summarize(testbed),
    loopback: loopback === null ? null : summarize(loopback),
    loopbackError
  }
}
