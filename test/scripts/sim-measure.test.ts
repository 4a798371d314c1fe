// The simulator's per-node cost windows (scripts/sim/measure.ts) and
// --find-max's pass rule (scripts/sim/find-max.ts), from made-up worker
// readings and reports: arithmetic only, no processes.
import { strict as assert } from 'node:assert'
import { spread, windowCost } from '../../scripts/sim/measure.js'
import { verdict } from '../../scripts/sim/find-max.js'
import type { SimReport } from '../../scripts/sim/report.js'
import type { NodeCounters, WorkerStats } from '../../scripts/sim/worker-protocol.js'

const node = (index: number, bytesIn: number, relays: number, clients: number): NodeCounters =>
  ({ index, stored: 0, pushed: 0, bytesIn, bytesOut: bytesIn / 2, relayConnections: relays, clientConnections: clients, connections: relays + clients })
const worker = (pid: number, at: number, cpuMicros: number, nodes: NodeCounters[]): WorkerStats =>
  ({ pid, rss: 0, heapUsed: 0, eventLoopUtilization: 0, at, cpuMicros, nodes })

describe('scripts/sim: cost windows and --find-max', () => {
  it('CPU per node is each worker\'s CPU over its own interval, summed, over all nodes; bytes are per node per second', () => {
    // worker 1: 0.2 s CPU over 2 s (0.1 core); worker 2: 0.3 s over 3 s (0.1 core): 0.2 cores over 4 nodes = 5 %
    const before = [worker(1, 1000, 0, [node(0, 0, 3, 0), node(1, 0, 3, 0)]), worker(2, 1000, 50_000, [node(2, 100, 3, 0), node(3, 0, 3, 0)])]
    const after = [worker(1, 3000, 200_000, [node(0, 2000, 3, 1), node(1, 4000, 2, 0)]), worker(2, 4000, 350_000, [node(2, 2100, 3, 5), node(3, 6000, 1, 2)])]
    const c = windowCost(before, after, 2000)
    assert.equal(c.cpuPerNodePct, 5)
    assert.equal(c.seconds, 2)
    assert.deepEqual(c.bytesInPerNodePerSecond, { min: 1000, median: 1000, max: 3000 })
    assert.deepEqual(c.relayConnections, { min: 1, median: 2, max: 3 })
    assert.deepEqual(c.clientConnections, { min: 0, median: 1, max: 5 })
    // a node restarted in the window counts from 0 again: its whole count is the window's
    const restarted = windowCost([worker(1, 0, 0, [node(0, 5000, 0, 0)])], [worker(1, 1000, 0, [node(0, 300, 0, 0)])], 1000)
    assert.deepEqual(restarted.bytesInPerNodePerSecond, { min: 300, median: 300, max: 300 })
    assert.deepEqual(spread([]), { min: 0, median: 0, max: 0 })
  })

  it('a size passes only with nothing lost, duplicated or failed and p99 within the bound', () => {
    const ok = { messages: { lost: 0, duplicates: 0, failed: 0, sent: 10 }, latencyMs: { p99: 900 } } as unknown as SimReport
    assert.equal(verdict(ok, 1000), undefined)
    assert.match(verdict(ok, 800) ?? '', /p99 900 ms over the bound of 800 ms/)
    assert.match(verdict({ ...ok, messages: { ...ok.messages, lost: 1 } }, 1000) ?? '', /1 lost/)
    assert.match(verdict({ ...ok, messages: { ...ok.messages, duplicates: 2 } }, 1000) ?? '', /2 duplicated/)
    assert.match(verdict({ ...ok, messages: { ...ok.messages, failed: 3 } }, 1000) ?? '', /3 sends failed/)
    assert.match(verdict({ ...ok, latencyMs: { p99: null } } as unknown as SimReport, 1000) ?? '', /no live deliveries/)
  })
})
