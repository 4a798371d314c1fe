// The simulator in the test suite (issue 5): 8 real relay nodes and 30 real
// clients in worker processes over TCP, a seeded workload of 1:1 and group
// messages and files, and the shipped churn (with clients SIGKILLed mid-send)
// and replica-loss scenarios. Asserts the delivery guarantees, not timings:
// nothing answered "stored" is lost once every node is back and every client
// attached, nothing reaches an application twice, every file arrives whole.
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runSimulation, type SimOptions } from '../../scripts/sim/run.js'
import { loadScenario, parseScenario, ScenarioError } from '../../scripts/sim/scenario.js'
import { Random } from '../../scripts/sim/random.js'
import { chartSvg, type SimReport } from '../../scripts/sim/report.js'

const base: Omit<SimOptions, 'scenario'> = { nodes: 8, clients: 30, groups: 2, rate: 10, duration: 20, replicas: 3, transport: 'tcp', seed: 8, files: 2, fileSize: 200 * 1024 }

function assertGuarantees (r: SimReport, steps: number): void {
  const m = r.messages
  assert.ok(m.sent >= 150, `the workload ran (${m.sent} sent)`)
  assert.ok(m.stored > 0 && m.expectedDeliveries >= m.stored, `messages were stored (${m.stored})`)
  assert.equal(m.lost, 0, `messages answered "stored" and never delivered: ${m.lost}`)
  assert.equal(m.delivered, m.expectedDeliveries)
  assert.equal(m.duplicates, 0, 'copies handed to an application twice')
  assert.equal(m.foreign, 0, 'messages nobody sent')
  assert.deepEqual(r.receiveErrors, [])
  assert.equal(m.files.sent, 2, 'the workload sent its files')
  assert.equal(m.files.corrupt, 0, 'a received file differs from what was sent')
  assert.equal(m.files.delivered, m.files.stored, 'every stored file arrived whole')
  assert.equal(r.faults.length, steps, 'every step of the scenario ran')
  assert.ok(r.faults.every((f) => f.recoveryMs !== null), 'every fault recovered within its window')
}

describe('scripts/sim: a seeded simulation with faults', function () {
  this.timeout(110_000)

  it('churn: nodes killed, stopped, restarted, clients moving between nodes and clients crashing mid-send lose nothing and duplicate nothing', async () => {
    const scenario = loadScenario('churn')
    const r = await runSimulation({ ...base, scenario, idleSeconds: 2 })
    assertGuarantees(r, scenario.steps.length)
    // the cost windows: measured, and connections told apart (8 nodes: at most 7 relay peers each; the attached clients are not relays)
    assert.ok(r.scale.convergeMs > 0 && r.scale.convergeMs === r.setupMs.meshMs)
    for (const w of [r.scale.idleMesh, r.scale.idleAttached, r.scale.load]) {
      assert.ok(w !== undefined && w.seconds > 0 && w.cpuPerNodePct > 0 && w.bytesInPerNodePerSecond.max > 0, JSON.stringify(w))
      assert.ok(w.relayConnections.min >= 1 && w.relayConnections.max <= base.nodes - 1, `relay peers per node ${JSON.stringify(w.relayConnections)}`)
    }
    assert.equal(r.scale.idleMesh?.clientConnections.max, 0, 'no client exists in the first idle window')
    assert.ok((r.scale.idleAttached?.clientConnections.max ?? 0) >= 1, 'attached clients count as client peers')
    assert.ok(r.faults.some((f) => f.action === 'kill') && r.faults.some((f) => f.action === 'client-online' && f.clients.length > 0))
    const crash = r.faults.find((f) => f.action === 'client-crash')
    assert.ok(crash !== undefined && crash.clients.length > 0 && (crash.inFlight ?? 0) > 0, 'clients were killed with sends in flight')
    // the crashed clients came back from their stores and went on: each sent and received after its restart
    for (const a of crash.afterCrash ?? []) assert.ok(a.stored >= 1 && a.storedTo >= 1 && a.received === a.storedTo, `client ${a.client} after its crash: ${JSON.stringify(a)}`)
    assert.equal(crash.afterCrash?.length, crash.clients.length)
    assert.match(chartSvg(r), /^<svg [^]*<\/svg>$/)
  })

  it('replica-loss: k-1 replicas of the busiest mailbox killed at once; its owner drains everything after they restart', async () => {
    const scenario = loadScenario('replica-loss')
    const r = await runSimulation({ ...base, seed: 11, scenario, idleSeconds: 0 })
    assertGuarantees(r, scenario.steps.length)
    const kill = r.faults.find((f) => f.action === 'kill')
    assert.equal(kill?.nodes.length, base.replicas - 1, 'k-1 replicas were killed')
    assert.ok(r.drainMs.count >= 1 && r.drainMs.messages >= 1, 'the owner came back to waiting messages')
    assert.equal(r.scale.idleMesh, undefined, 'idleSeconds 0: no idle window')
  })
})

describe('scripts/sim: scenario files and the PRNG', () => {
  it('validates scenarios with errors that name the step and the field', async () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ steps: [{ at: 1, action: 'explode' }] }, /step 0: "action" must be one of/],
      [{ steps: [{ at: -1, action: 'kill', random: 1 }] }, /step 0: "at" must be/],
      [{ steps: [{ at: 1, action: 'kill' }] }, /step 0: give exactly one of "nodes", "random", "replicasOf"/],
      [{ steps: [{ at: 1, action: 'kill', random: 1, nodes: 'all' }] }, /exactly one/],
      [{ steps: [{ at: 1, action: 'kill', replicasOf: 'busiest', count: 0 }] }, /"count" must be "k-1"/],
      [{ steps: [{ at: 2, action: 'stop', random: 1 }, { at: 1, action: 'start', nodes: 'down' }] }, /step 1: "at" 1 is before/],
      [{ steps: [{ at: 1, action: 'client-offline', clients: 'x' }] }, /"clients" must be a whole number/],
      [{ steps: [{ at: 1, action: 'stop', random: 1, speed: 3 }] }, /unknown field "speed"/],
      [{ steps: [{ at: 1, action: 'partition', groups: 1 }] }, /step 0: "groups" must be a whole number >= 2/],
      [{ steps: [{ at: 1, action: 'partition', groups: [[0, 1], [1]] }] }, /more than one group/],
      [{ steps: [{ at: 1, action: 'heal', groups: 2 }] }, /unknown field "groups"/],
      [{ steps: [{ at: 1, action: 'client-crash', clients: 0 }] }, /step 0: "clients" must be a whole number >= 1/],
      [{ steps: [{ at: 1, action: 'client-crash', clients: 2, down: -1 }] }, /"down" must be a number >= 0/],
      [{ stepz: [] }, /unknown field "stepz"/]
    ]
    for (const [raw, re] of bad) assert.throws(() => parseScenario(raw, 'x.json'), (err: unknown) => err instanceof ScenarioError && re.test(err.message) && err.message.startsWith('x.json: '))
    assert.throws(() => loadScenario('no-such-scenario'), ScenarioError)
    // YAML files: same validation, errors name the file
    const dir = mkdtempSync(join(tmpdir(), 'relaymesh-scenario-'))
    try {
      writeFileSync(join(dir, 'ok.yaml'), 'name: two steps\nsteps:\n  - { at: 1, action: kill, random: 1 }\n  - at: 2\n    action: slow-link\n    nodes: all\n    delayMs: 0\n')
      assert.deepEqual(loadScenario(join(dir, 'ok.yaml')).steps.map((x) => x.action), ['kill', 'slow-link'])
      writeFileSync(join(dir, 'bad.yml'), 'steps:\n  - { at: 1, action: slow-link, random: 1, delayMs: 99999 }\n')
      assert.throws(() => loadScenario(join(dir, 'bad.yml')), /bad\.yml: step 0: "delayMs" must be a number of milliseconds from 0 to 60000/)
      writeFileSync(join(dir, 'broken.yaml'), 'steps: [ { at: 1\n')
      assert.throws(() => loadScenario(join(dir, 'broken.yaml')), /broken\.yaml: not valid YAML/)
      writeFileSync(join(dir, 'alias.yaml'), 'a: &x [1]\nsteps: *x\n')
      assert.throws(() => loadScenario(join(dir, 'alias.yaml')), /alias\.yaml: not valid YAML/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    // a crash takes down the clients' own process: not possible when everything shares one (memory transport)
    await assert.rejects(runSimulation({ ...base, transport: 'memory', scenario: parseScenario([{ at: 1, action: 'client-crash', clients: 1 }]) }), /client-crash needs the tcp transport/)
    for (const name of ['churn', 'replica-loss', 'restart-all', 'partition-heal', 'slow-links']) assert.ok(loadScenario(name).steps.length > 0)
  })

  it('repeats its choices for a seed', () => {
    const a = new Random(42)
    const b = new Random(42)
    const xs = Array.from({ length: 100 }, () => a.next())
    assert.deepEqual(xs, Array.from({ length: 100 }, () => b.next()))
    assert.ok(xs.every((x) => x >= 0 && x < 1))
    assert.notDeepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => new Random(43).next()))
    assert.deepEqual(new Random(1).shuffle([1, 2, 3, 4, 5]).sort(), [1, 2, 3, 4, 5])
  })
})
