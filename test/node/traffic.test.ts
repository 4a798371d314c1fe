// Traffic counters of a relay node (RelayNodeInit.countTraffic, or /metrics
// served): the bytes one node sends over a connection are the bytes the other
// receives, the counters only grow, and a node with neither option installs
// nothing and reports zeros. Real libp2p over TCP on 127.0.0.1.
import { strict as assert } from 'node:assert'
import type { RelayNode } from '../../node/relay-node.js'
import type { Traffic } from '../../node/metrics.js'
import { addressOf, startNode, stopAll, waitForFullDirectory } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

describe('relay node traffic counters', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []

  afterEach(async () => { await stopAll(nodes); nodes = [] })

  it('counts bytes in and out; one node\'s bytes out match the other\'s bytes in', async () => {
    // one node counts through the served /metrics, the other through countTraffic alone
    const a = await startNode({ metrics: '127.0.0.1:0' })
    nodes.push(a)
    const b = await startNode({ countTraffic: true, bootstrap: [addressOf(a)] })
    nodes.push(b)
    await waitForFullDirectory(nodes)
    // countTraffic alone: libp2p's counters, without Node.js default metrics
    assert.equal(b.metrics.registry.getSingleMetric('process_cpu_seconds_total'), undefined)

    const before = { a: await a.traffic(), b: await b.traffic() }
    assert.ok(before.a.bytesOut > 0 && before.a.bytesIn > 0, 'the mesh handshake was counted on a')
    assert.ok(before.b.bytesOut > 0 && before.b.bytesIn > 0, 'the mesh handshake was counted on b')
    // ping allows one stream at a time, and the last one may still be closing
    for (let i = 0; i < 20; i++) await waitFor(async () => { await a.host.services.ping.ping(b.peerId); return true }, { what: 'a ping' })

    let last = before
    // a and b share exactly one connection and talk to nobody else: once quiet, a's out is b's in
    await waitFor(async () => {
      const now = { a: await a.traffic(), b: await b.traffic() }
      for (const k of ['a', 'b'] as const) {
        assert.ok(now[k].bytesIn >= last[k].bytesIn && now[k].bytesOut >= last[k].bytesOut, `${k}'s counters never go down`)
      }
      last = now
      return close(now.a.bytesOut, now.b.bytesIn) && close(now.b.bytesOut, now.a.bytesIn)
    }, { timeout: 20_000, what: 'a\'s bytes out to match b\'s bytes in, and back' })
    assert.ok(last.a.bytesOut >= before.a.bytesOut + 20 * 32, 'twenty 32-byte pings went out of a')
    assert.ok(last.b.bytesIn >= before.b.bytesIn + 20 * 32, 'and into b')
    console.log(`      a: ${fmt(last.a)}; b: ${fmt(last.b)}`)
  })

  it('installs nothing and reports zeros when off', async () => {
    const c = await startNode()
    nodes.push(c)
    assert.equal(c.metrics.registry.getSingleMetric('libp2p_data_transfer_bytes_total'), undefined)
    assert.deepEqual(await c.traffic(), { bytesIn: 0, bytesOut: 0 })
  })
})

/** within 2 % (or 256 bytes): a ping or a gossip heartbeat may be on the wire while reading */
function close (x: number, y: number): boolean {
  return Math.abs(x - y) <= Math.max(256, 0.02 * Math.max(x, y))
}

function fmt (t: Traffic): string {
  return `${t.bytesIn} B in, ${t.bytesOut} B out`
}
