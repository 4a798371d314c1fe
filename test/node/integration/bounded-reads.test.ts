// Bounded reads on every stream protocol, node and client side (issue 9,
// point 3): a length prefix that never ends (a stream of 0xff bytes) is cut
// off after at most the prefix bound, with the node's memory barely moved;
// an incomplete prefix is closed within the frame read bound, not after a
// 30 s request timeout; and a hostile node cannot make a client read an
// endless prefix either. Real nodes over TCP on 127.0.0.1.
import { strict as assert } from 'node:assert'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { noise } from '@chainsafe/libp2p-noise'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { createDeviceCredentials } from '../../../client/device.js'
import { ATTACH_PROTOCOL, CLIENT_PROTOCOL, CLIENT_PROTOCOL_PIPELINED } from '../../../protocol/client-protocol.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED } from '../../../node/mailbox/constants.js'
import { SYNC_PROTOCOL } from '../../../node/gossip/constants.js'
import { NODES_PROTOCOL } from '../../../node/relays/constants.js'
import { PREKEY_PROTOCOL } from '../../../node/prekeys/prekey-service.js'
import { DEFAULT_LIMITS, type NodeLimits } from '../../../node/config.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { varint } from '../../../protocol/framing.js'
import { addressOf, startNode, stopAll } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

const MiB = 1024 * 1024
/** what the attacker pushes: the 3 MiB of 0xff took a node from 104 to 586 MiB */
const FLOOD_BYTES = 3 * MiB
/** the stream must be reset before the attacker could hand over this much (yamux window and send buffers included) */
const CUT_OFF_BYTES = 1 * MiB
/** heap growth (after GC) allowed for one flooded stream */
const HEAP_BOUND_BYTES = 8 * MiB
/** peak RSS growth allowed while one stream is flooded */
const RSS_BOUND_BYTES = 64 * MiB
/** the frame read bound the test node runs with (default 10 s) */
const FRAME_READ_MS = 500
/** an incomplete prefix must be closed within this (the read bound plus the timer's re-arm and slack on a loaded machine) */
const STALL_BOUND_MS = 4_000

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function heapAfterGc (): number {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

interface Flood {
  /** bytes handed to the stream before it was reset or closed */
  sent: number
  /** the peer reset (or closed) the stream */
  cut: boolean
  /** highest RSS seen meanwhile */
  peakRss: number
}

/** Push up to `total` bytes of 0xff on `stream`, stopping when the peer resets it; waits up to `ms` in all. */
async function flood (stream: Stream, total: number, ms: number): Promise<Flood> {
  const chunk = new Uint8Array(64 * 1024).fill(0xff)
  let cut = false
  const closed = new Promise<void>((resolve) => { stream.addEventListener('close', () => { cut = true; resolve() }, { once: true }) })
  // drain whatever the peer answers (reading is what lets a reset surface)
  void (async () => { try { for await (const _ of stream) { /* answers are not examined */ } } catch {} })()
  const deadline = Date.now() + ms
  let sent = 0
  let peakRss = process.memoryUsage.rss()
  while (sent < total && !cut && stream.status === 'open' && Date.now() < deadline) {
    try {
      const more = stream.send(chunk)
      sent += chunk.byteLength
      if (!more) await stream.onDrain({ signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) })
    } catch {
      break
    }
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
  }
  // a reset may still be on its way
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000))])
  if (!cut) stream.abort(new Error('test done'))
  return { sent, cut: cut && sent < total, peakRss }
}

/** Write `bytes` and keep the stream open; resolves with how long the peer took to close or reset it (Infinity after `ms`). */
async function stall (stream: Stream, bytes: Uint8Array, ms: number): Promise<number> {
  const started = Date.now()
  let ended = false
  const closed = new Promise<void>((resolve) => {
    stream.addEventListener('close', () => { ended = true; resolve() }, { once: true })
    // the node may half-close (its side) and reset later: either ends our reading
    void (async () => { try { for await (const _ of stream) { /* an error answer may come first */ } } catch {} ended = true; resolve() })()
  })
  stream.send(bytes)
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, ms))])
  const took = ended ? Date.now() - started : Infinity
  stream.abort(new Error('test done'))
  return took
}

describe('bounded reads on every protocol', function () {
  this.timeout(120_000)
  let node: RelayNode
  let attacker: Libp2p

  before(async () => {
    // a short frame read bound, so the stall tests need not wait the default 10 s
    const limits = { ...DEFAULT_LIMITS, frameReadTimeoutMs: FRAME_READ_MS } as NodeLimits
    node = await startNode({ limits })
    attacker = await createClientHost()
  })

  after(async () => {
    await attacker?.stop()
    await stopAll([node])
  })

  const NODE_PROTOCOLS = [CLIENT_PROTOCOL, CLIENT_PROTOCOL_PIPELINED, ATTACH_PROTOCOL, REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED, PREKEY_PROTOCOL, SYNC_PROTOCOL, NODES_PROTOCOL]
  for (const protocol of NODE_PROTOCOLS) {
    it(`${protocol}: an endless length prefix is cut off after at most the prefix bound, and the heap stays put`, async () => {
      const heapBefore = heapAfterGc()
      const rssBefore = process.memoryUsage.rss()
      const started = Date.now()
      let f: Flood
      try {
        const stream = await attacker.dialProtocol(multiaddr(addressOf(node)), protocol)
        f = await flood(stream, FLOOD_BYTES, 20_000)
      } catch (err) {
        // refused before a byte was read (replica, prekey: admission comes first): the refusal can
        // arrive with the protocol's acceptance and reset the stream inside dialProtocol
        assert.equal((err as Error).name, 'StreamStateError', String(err))
        f = { sent: 0, cut: true, peakRss: process.memoryUsage.rss() }
      }
      const heapGrowth = heapAfterGc() - heapBefore
      assert.ok(f.cut, `${protocol}: the node took ${f.sent} bytes of 0xff without resetting the stream`)
      assert.ok(f.sent <= CUT_OFF_BYTES, `${protocol}: reset only after ${f.sent} bytes`)
      assert.ok(heapGrowth <= HEAP_BOUND_BYTES, `${protocol}: heap grew by ${(heapGrowth / MiB).toFixed(1)} MiB`)
      assert.ok(f.peakRss - rssBefore <= RSS_BOUND_BYTES, `${protocol}: RSS grew by ${((f.peakRss - rssBefore) / MiB).toFixed(1)} MiB`)
      assert.ok(Date.now() - started < 10_000)
    })
  }

  // an incomplete prefix, or a frame that starts and never ends, must not hold a stream open
  const STALLS: Array<[string, string, Uint8Array]> = [
    [CLIENT_PROTOCOL, 'an incomplete length prefix', Uint8Array.from([0xff, 0xff])],
    [CLIENT_PROTOCOL_PIPELINED, 'a frame that starts and never completes', Uint8Array.from([100, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])],
    [ATTACH_PROTOCOL, 'an incomplete length prefix', Uint8Array.from([0xff, 0xff])]
  ]
  for (const [protocol, what, bytes] of STALLS) {
    it(`${protocol}: ${what} is closed within the frame read bound`, async () => {
      const stream = await attacker.dialProtocol(multiaddr(addressOf(node)), protocol)
      const took = await stall(stream, bytes, STALL_BOUND_MS + 1_000)
      assert.ok(took <= STALL_BOUND_MS, `${protocol}: still open after ${took} ms (bound ${FRAME_READ_MS} ms)`)
    })
  }

  it('still serves an honest client afterwards', async () => {
    const honest = await createClientHost()
    try {
      const conn = await NodeConnection.connect(honest, addressOf(node))
      await conn.attach(createDeviceCredentials(), { onEnvelope: () => {} })
      assert.equal((await conn.status()).peerId, node.peerId.toString())
      await conn.detach()
    } finally {
      await honest.stop()
    }
  })
})

describe('bounded reads on the client side: a hostile node', function () {
  this.timeout(120_000)
  let hostile: Libp2p
  let client: Libp2p
  const floods = new Map<string, Promise<Flood>>()

  before(async () => {
    hostile = await createLibp2p({
      addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify() }
    })
    // it speaks /relaymesh/client/1.0.0 only (so the client falls back to one stream per request) and attach
    for (const protocol of [CLIENT_PROTOCOL, ATTACH_PROTOCOL]) {
      await hostile.handle(protocol, (stream) => { floods.set(protocol, flood(stream, FLOOD_BYTES, 20_000)) })
    }
    client = await createClientHost()
  })

  after(async () => {
    await client?.stop()
    await hostile?.stop()
  })

  const address = (): string => `${hostile.getMultiaddrs()[0]!.toString()}`

  async function expectCutOff (protocol: string, call: (conn: NodeConnection) => Promise<unknown>): Promise<void> {
    const conn = await NodeConnection.connect(client, address())
    const heapBefore = heapAfterGc()
    const started = Date.now()
    await assert.rejects(call(conn), (err: unknown) => {
      assert.ok(RelaymeshError.is(err), `not a RelaymeshError: ${String(err)}`)
      assert.equal(err.code, ErrorCode.TooLarge)
      return true
    })
    assert.ok(Date.now() - started < 10_000)
    const f = await floods.get(protocol)!
    assert.ok(f.cut, `${protocol}: the client took ${f.sent} bytes of 0xff without resetting`)
    assert.ok(f.sent <= CUT_OFF_BYTES, `${protocol}: the client reset only after ${f.sent} bytes`)
    assert.ok(heapAfterGc() - heapBefore <= HEAP_BOUND_BYTES)
  }

  it('a request answered with an endless length prefix fails with TooLarge at once', async () => {
    await expectCutOff(CLIENT_PROTOCOL, async (conn) => await conn.status())
  })

  it('an attach answered with an endless length prefix fails with TooLarge at once', async () => {
    await expectCutOff(ATTACH_PROTOCOL, async (conn) => { await conn.attach(createDeviceCredentials(), { onEnvelope: () => {} }) })
  })
})

describe('bounded reads: many streams of one peer holding half-sent frames', function () {
  this.timeout(120_000)
  /** the per-connection budget the test node runs with (default 16 MiB) */
  const BUDGET = 4 * MiB
  const STREAMS = 20
  const PARTIAL = 512 * 1024
  let node: RelayNode
  let attacker: Libp2p

  before(async () => {
    // a long frame read bound: only the byte budget can cut these streams off during the test
    const limits = { ...DEFAULT_LIMITS, frameReadTimeoutMs: 60_000, inboundBytesPerConnection: BUDGET } as NodeLimits
    node = await startNode({ limits })
    attacker = await createClientHost()
  })

  after(async () => {
    await attacker?.stop()
    await stopAll([node])
  })

  it('a connection holds at most its byte budget in partial frames: streams beyond it are reset at once, and the budget comes back', async () => {
    const heapBefore = heapAfterGc()
    const streams: Stream[] = []
    let reset = 0
    for (let i = 0; i < STREAMS; i++) {
      const stream = await attacker.dialProtocol(multiaddr(addressOf(node)), CLIENT_PROTOCOL)
      stream.addEventListener('close', () => { reset++ }, { once: true })
      void (async () => { try { for await (const _ of stream) { /* an error answer may come */ } } catch {} })()
      streams.push(stream)
      // a 1 MiB frame announced, half of it sent, the rest never
      try {
        if (!stream.send(varint(MiB))) await stream.onDrain({ signal: AbortSignal.timeout(5_000) })
        if (!stream.send(new Uint8Array(PARTIAL).fill(7))) await stream.onDrain({ signal: AbortSignal.timeout(5_000) })
      } catch {
        // reset while sending: counted by its close event
      }
    }
    const fits = Math.floor(BUDGET / PARTIAL)
    await waitFor(() => reset >= STREAMS - fits, { timeout: 10_000, what: `at least ${STREAMS - fits} of ${STREAMS} streams reset` })
    const heapGrowth = heapAfterGc() - heapBefore
    assert.ok(heapGrowth <= BUDGET + 8 * MiB, `heap grew by ${(heapGrowth / MiB).toFixed(1)} MiB with a ${BUDGET / MiB} MiB budget`)
    // the streams that fit are still open (the budget refuses, it does not reset everything)
    assert.ok(reset < STREAMS, 'every stream was reset')
    for (const s of streams) s.abort(new Error('test done'))
    // what they held is given back: an honest client of the same node is served
    const honest = await createClientHost()
    try {
      const conn = await NodeConnection.connect(honest, addressOf(node))
      assert.equal((await conn.status()).peerId, node.peerId.toString())
    } finally {
      await honest.stop()
    }
  })
})
