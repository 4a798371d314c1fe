// The bare side of bench:mesh at relaymesh's process layout (nodes and
// clients in worker processes): at a low rate every message arrives, every
// arrival has its latency, and no worker process outlives the run.
import { strict as assert } from 'node:assert'
import { runBare, type BareOptions } from '../../scripts/bench/mesh-bare.js'

const base: BareOptions = { nodes: 4, clients: 6, rate: 5, duration: 2, seed: 3, nodeWorkers: 2, clientWorkers: 2 }

function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('scripts/bench/mesh-bare: the bare stack over worker processes', function () {
  this.timeout(60_000)

  for (const hops of ['one', 'same'] as const) {
    it(`${hops} hop(s): every message is delivered, each with a latency, and the workers are gone afterwards`, async () => {
      const r = await runBare({ ...base, hops })
      assert.equal(r.kind, 'bare')
      assert.ok(r.sent >= 5, `the load ran (${r.sent} sent)`)
      assert.equal(r.lost, 0)
      assert.equal(r.delivered, r.sent)
      assert.equal(r.latencyMs.count, r.delivered)
      assert.equal(r.extra.duplicates, 0)
      assert.equal(r.extra.streamErrors, 0)
      const pids = r.extra.workerPids as number[]
      assert.equal(pids.length, hops === 'same' ? 4 : 2, 'node workers, and client workers in same-hops mode')
      assert.deepEqual(pids.filter(alive), [], 'worker processes still running')
    })
  }
})
