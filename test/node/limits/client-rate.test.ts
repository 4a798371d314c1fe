// The client rate limit holds per device and per peer, across connections
// (issue 9, point 6): one device attached over three connections (three
// libp2p peers, real TCP) gets at most one bucket's worth of requests; a peer
// gets at most one bucket's worth of requests (sealed sends included: they
// name no device) whichever of its streams carries them.
import { strict as assert } from 'node:assert'
import type { Libp2p } from '@libp2p/interface'
import { createDeviceCredentials } from '../../../client/device.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { DEFAULT_LIMITS } from '../../../node/config.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { addressOf, startNode, stopAll } from '../../helpers/mesh.js'
import { stampedSend } from '../../helpers/sealed-send.js'

const RATE = 5
const BURST = 10
const PER_CONNECTION = 30

describe('client rate limit per device and per peer', function () {
  this.timeout(60_000)
  let node: RelayNode
  const hosts: Libp2p[] = []

  before(async () => {
    node = await startNode({ replicas: 1, writeQuorum: 1, limits: { ...DEFAULT_LIMITS, clientRatePerSecond: RATE, clientRateBurst: BURST } })
  })

  after(async () => {
    await Promise.all(hosts.map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await stopAll([node])
  })

  async function connection (): Promise<NodeConnection> {
    const h = await createClientHost()
    hosts.push(h)
    return await NodeConnection.connect(h, addressOf(node))
  }

  /** `n` requests at once: how many the node answered and how many it refused as rate limited */
  async function burst (n: number, request: () => Promise<unknown>): Promise<{ ok: number, limited: number }> {
    const results = await Promise.allSettled(Array.from({ length: n }, request))
    let ok = 0
    let limited = 0
    for (const r of results) {
      if (r.status === 'fulfilled') ok++
      else if (RelaymeshError.is(r.reason, ErrorCode.RateLimited)) limited++
      else throw r.reason
    }
    return { ok, limited }
  }

  it('one device over three connections is answered at most one bucket\'s worth', async () => {
    const device = createDeviceCredentials()
    const conns = [await connection(), await connection(), await connection()]
    for (const c of conns) await c.attach(device, { onEnvelope: () => {} })
    const started = Date.now()
    const outcomes = await Promise.all(conns.map(async (c) => await burst(PER_CONNECTION, async () => await c.fetch())))
    const seconds = (Date.now() - started) / 1000
    const answered = outcomes.reduce((n, o) => n + o.ok, 0)
    // one bucket: the burst plus what refills while the requests run (rounded up by one token)
    const allowed = BURST + Math.ceil(RATE * seconds) + 1
    assert.ok(answered <= allowed, `answered ${answered} fetches in ${seconds.toFixed(2)} s; one bucket allows ${allowed}`)
    assert.ok(answered >= BURST, `at least the burst goes through (${answered})`)
    assert.equal(outcomes.reduce((n, o) => n + o.limited, 0), 3 * PER_CONNECTION - answered)

    // another device is not starved by the first one's empty bucket
    const other = createDeviceCredentials()
    const conn = await connection()
    await conn.attach(other, { onEnvelope: () => {} })
    assert.ok((await burst(3, async () => await conn.fetch())).ok === 3)
  })

  it('sealed sends, which name no device, take from the sending peer\'s bucket', async () => {
    const recipient = createDeviceCredentials()
    const conn = await connection()
    const started = Date.now()
    const outcome = await burst(PER_CONNECTION, async () => await stampedSend(conn, [recipient.mailbox], randomBytes(16), randomBytes(64)))
    const seconds = (Date.now() - started) / 1000
    const allowed = BURST + Math.ceil(RATE * seconds) + 1
    assert.ok(outcome.ok <= allowed, `stored ${outcome.ok} sends in ${seconds.toFixed(2)} s; one bucket allows ${allowed}`)
    assert.ok(outcome.limited > 0)
  })

  it('one peer gets at most one bucket\'s worth of requests before attaching too', async () => {
    const conn = await connection()
    const user = createDeviceCredentials().userId
    const started = Date.now()
    const results = await Promise.allSettled(Array.from({ length: 40 }, async () => await conn.getUser(user)))
    const seconds = (Date.now() - started) / 1000
    const limited = results.filter((r) => r.status === 'rejected' && RelaymeshError.is(r.reason, ErrorCode.RateLimited)).length
    const answered = results.length - limited
    for (const r of results) if (r.status === 'rejected' && !RelaymeshError.is(r.reason, ErrorCode.RateLimited)) assert.ok(RelaymeshError.is(r.reason, ErrorCode.NotFound), String(r.reason))
    const allowed = BURST + Math.ceil(RATE * seconds) + 1
    assert.ok(answered <= allowed, `answered ${answered} lookups in ${seconds.toFixed(2)} s; one bucket allows ${allowed}`)
  })
})
