// scripts/sim/slow-link.ts: the simulator's slow-link forwarder on 127.0.0.1
// (and the testbed's link emulator). Bytes arrive whole and in order in both
// directions of several connections, also with jitter and loss; a delayed
// chunk never arrives before its delay; a chunk with a lost packet is held one
// RTO more; set() applies to what comes next; close() ends every connection
// and frees the port.
import { strict as assert } from 'node:assert'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { Random } from '../../scripts/sim/random.js'
import { SlowLink } from '../../scripts/sim/slow-link.js'
import { waitFor } from '../helpers/wait.js'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** both ends half-open: each direction ends on its own (a reply still being written is not cut off) */
async function listen (onSocket: (s: Socket) => void): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, onSocket)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return server
}

const portOf = (s: Server): number => (s.address() as AddressInfo).port

async function dial (port: number): Promise<Socket> {
  const s = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true })
  await once(s, 'connect')
  return s
}

/** everything the socket receives until the other side ends */
async function readAll (s: Socket): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const chunk of s) parts.push(chunk as Buffer)
  return Buffer.concat(parts)
}

/** write in pieces of random sizes (many chunks through the link), then end */
async function writeAll (s: Socket, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length;) {
    const n = Math.min(data.length - at, 1 + Math.floor(Math.random() * 64 * 1024))
    if (!s.write(data.subarray(at, at + n))) await once(s, 'drain')
    at += n
  }
  s.end()
}

describe('scripts/sim: SlowLink', function () {
  this.timeout(10_000)
  const servers: Server[] = []
  const links: SlowLink[] = []
  /** target-side sockets a test keeps open (closed after it, so the servers can close) */
  const sockets: Socket[] = []

  afterEach(async () => {
    await Promise.all(links.splice(0).map(async (l) => { await l.close() }))
    for (const s of sockets.splice(0)) s.destroy()
    for (const s of servers.splice(0)) s.close()
  })

  it('carries random bytes whole and in order, both directions, several connections at once', async () => {
    // the target answers each connection with its own random bytes and records what it got
    const received = new Map<number, Promise<Buffer>>()
    const sentBack = new Map<number, Buffer>()
    let n = 0
    const target = await listen((s) => {
      const i = n++
      const reply = randomBytes(512 * 1024 + i)
      sentBack.set(i, reply)
      received.set(i, readAll(s))
      void writeAll(s, reply)
    })
    servers.push(target)
    const link = await SlowLink.open({ targetPort: portOf(target), delayMs: 20 })
    links.push(link)

    const payloads = Array.from({ length: 4 }, (_, i) => randomBytes(768 * 1024 + i))
    const results = await Promise.all(payloads.map(async (p) => {
      const s = await dial(link.port)
      const [back] = await Promise.all([readAll(s), writeAll(s, p)])
      return back
    }))
    await waitFor(() => received.size === 4, { what: 'four connections at the target' })
    const atTarget = await Promise.all([...received.values()])
    assert.deepEqual(atTarget.map(sha).sort(), payloads.map(sha).sort(), 'client -> target: same bytes, same order')
    assert.deepEqual(results.map(sha).sort(), [...sentBack.values()].map(sha).sort(), 'target -> client: same bytes, same order')
    assert.equal(link.accepted, 4)
  })

  it('paces to bytesPerSecond', async () => {
    const target = await listen((s) => { s.pipe(s) })
    servers.push(target)
    const rate = 1024 * 1024
    const link = await SlowLink.open({ targetPort: portOf(target), bytesPerSecond: rate })
    links.push(link)
    const data = randomBytes(256 * 1024)
    const s = await dial(link.port)
    const t0 = performance.now()
    const [back] = await Promise.all([readAll(s), writeAll(s, data)])
    const ms = performance.now() - t0
    assert.equal(sha(back), sha(data))
    // each direction: at most one burst (50 ms worth) ahead of the rate
    assert.ok(ms >= (data.length / rate - 0.05) * 1000, `256 KiB at 1 MiB/s took ${ms.toFixed(0)} ms`)
  })

  it('holds a chunk for delayMs, and set() applies to the chunks that come next', async () => {
    const arrivals: number[] = []
    const target = await listen((s) => { s.on('data', () => arrivals.push(performance.now())) })
    servers.push(target)
    const link = await SlowLink.open({ targetPort: portOf(target), delayMs: 200 })
    links.push(link)
    const s = await dial(link.port)
    const t0 = performance.now()
    s.write('first')
    await waitFor(() => arrivals.length === 1, { what: 'the first chunk' })
    assert.ok((arrivals[0] as number) - t0 >= 200, `arrived ${((arrivals[0] as number) - t0).toFixed(1)} ms after it was sent`)

    // a delay of a minute, then 0: the next chunk arrives well within this test's 10 s
    link.set({ delayMs: 60_000 })
    link.set({ delayMs: 0 })
    s.write('second')
    await waitFor(() => arrivals.length === 2, { what: 'the second chunk, sent after set({ delayMs: 0 })', timeout: 5_000 })
    s.destroy()
  })

  it('close() ends every connection and frees the port', async () => {
    // the link ends both sides of each connection
    const target = await listen((s) => { s.on('error', () => {}); s.pipe(s) })
    servers.push(target)
    const link = await SlowLink.open({ targetPort: portOf(target), delayMs: 50 })
    const port = link.port
    const clients = await Promise.all([dial(port), dial(port), dial(port)])
    const closed = clients.map(async (c) => {
      c.on('error', () => {}) // ECONNRESET when unread data was dropped
      // half-open clients see the end of the stream; they do not close by themselves
      await new Promise((resolve) => { c.once('end', resolve); c.once('close', resolve) })
    })
    await waitFor(() => link.connections === 3, { what: 'three forwarded connections' })
    await link.close()
    await Promise.all(closed)
    assert.equal(link.connections, 0)
    // the port is free again
    const again = createServer()
    again.listen(port, '127.0.0.1')
    await once(again, 'listening')
    await new Promise<void>((resolve) => { again.close(() => { resolve() }) })
  })

  it('bounds what it holds: a target that does not read stops the sender', async () => {
    let held: Socket | undefined
    const target = await listen((s) => { s.pause(); held = s; sockets.push(s) })
    servers.push(target)
    const max = 256 * 1024
    const link = await SlowLink.open({ targetPort: portOf(target), maxPendingBytes: max })
    links.push(link)
    const s = await dial(link.port)
    s.on('error', () => {})
    const chunk = randomBytes(64 * 1024)
    let written = 0
    // write until the socket pushes back for good (the kernel buffers fill, then the link's, then ours)
    await waitFor(async () => {
      while (s.write(chunk)) written += chunk.length
      written += chunk.length
      const drained = await Promise.race([once(s, 'drain').then(() => true), new Promise((resolve) => setTimeout(() => { resolve(false) }, 300))])
      return drained === false
    }, { what: 'the sender to be stopped', timeout: 8_000 })
    assert.ok(held !== undefined)
    assert.ok(link.pendingBytes <= max + 64 * 1024, `the link holds ${link.pendingBytes} bytes (max ${max})`)
    assert.ok(written < 64 * 1024 * 1024, `stopped after ${written} bytes`)
    s.destroy()
  })

  it('jitter: each chunk is held delayMs +/- jitterMs, uniformly; loss: a chunk with a lost packet is held one RTO longer', async () => {
    const draws: number[] = []
    const link = await SlowLink.open({ targetPort: 1, delayMs: 50, jitterMs: 10, lossPct: 1, random: () => draws.shift() ?? 0.5 })
    links.push(link)
    // the first draw places the chunk in [delay - jitter, delay + jitter], the second decides its loss
    draws.push(0, 0.99); assert.equal(link.holdFor(100), 40)
    draws.push(0.5, 0.99); assert.equal(link.holdFor(100), 50)
    draws.push(1, 0.99); assert.equal(link.holdFor(100), 60)
    assert.equal(link.lostChunks, 0)
    // one packet lost in 100 (p = 0.01): the draw 0.005 loses it; RTO = max(200 ms, 2 x RTT of 2 x 50 ms)
    assert.equal(link.rtoMs, 200)
    draws.push(0.5, 0.005); assert.equal(link.holdFor(100), 250)
    assert.equal(link.lostChunks, 1)
    // loss counts packets of 1448 bytes: 64 KiB is 46 of them, lost with p = 1 - 0.99^46 = 0.37
    draws.push(0.5, 0.3); assert.equal(link.holdFor(64 * 1024), 250)
    draws.push(0.5, 0.3); assert.equal(link.holdFor(100), 50)
    link.set({ delayMs: 300, jitterMs: 0 })
    assert.equal(link.rtoMs, 1200)
    // never below 0
    link.set({ delayMs: 5, jitterMs: 20, lossPct: 0 })
    draws.push(0); assert.equal(link.holdFor(100), 0)
    assert.throws(() => { link.set({ lossPct: 100 }) }, RangeError)
    assert.throws(() => { link.set({ jitterMs: -1 }) }, RangeError)
  })

  it('keeps order under jitter and loss: every byte arrives once, in order, both directions', async () => {
    const received = new Map<number, Promise<Buffer>>()
    const sentBack = new Map<number, Buffer>()
    let n = 0
    const target = await listen((s) => {
      const i = n++
      const reply = randomBytes(256 * 1024 + i)
      sentBack.set(i, reply)
      received.set(i, readAll(s))
      void writeAll(s, reply)
    })
    servers.push(target)
    // jitter as large as the delay (0-40 ms per chunk) and one packet in fifty lost (most 64 KiB chunks lose one): without order kept, chunks would overtake each other
    const rng = new Random(7)
    const link = await SlowLink.open({ targetPort: portOf(target), delayMs: 20, jitterMs: 20, lossPct: 2, random: () => rng.next() })
    links.push(link)
    const payloads = Array.from({ length: 3 }, (_, i) => randomBytes(384 * 1024 + i))
    const results = await Promise.all(payloads.map(async (p) => {
      const s = await dial(link.port)
      const [back] = await Promise.all([readAll(s), writeAll(s, p)])
      return back
    }))
    await waitFor(() => received.size === 3, { what: 'three connections at the target' })
    assert.deepEqual((await Promise.all([...received.values()])).map(sha).sort(), payloads.map(sha).sort(), 'client -> target: same bytes, same order')
    assert.deepEqual(results.map(sha).sort(), [...sentBack.values()].map(sha).sort(), 'target -> client: same bytes, same order')
    assert.ok(link.chunks >= 12 && link.lostChunks >= 1 && link.lostChunks < link.chunks, `chunks ${link.chunks}, of them held for a loss ${link.lostChunks}`)
  })

  it('small chunks sent one after the other under jitter arrive in the order they were sent, none before delay - jitter', async () => {
    const arrivals: Array<{ text: string, at: number }> = []
    const target = await listen((s) => { s.setEncoding('utf8'); s.on('data', (d: string) => { arrivals.push({ text: d, at: performance.now() }) }) })
    servers.push(target)
    const rng = new Random(3)
    const link = await SlowLink.open({ targetPort: portOf(target), delayMs: 60, jitterMs: 50, random: () => rng.next() })
    links.push(link)
    const s = await dial(link.port)
    s.setNoDelay(true)
    const sentAt: number[] = []
    for (let i = 0; i < 30; i++) {
      sentAt.push(performance.now())
      s.write(`<${i}>`)
      await new Promise((resolve) => setTimeout(resolve, 4))
    }
    await waitFor(() => arrivals.map((a) => a.text).join('').split('>').length === 31, { what: 'all 30 pieces' })
    assert.equal(arrivals.map((a) => a.text).join(''), Array.from({ length: 30 }, (_, i) => `<${i}>`).join(''))
    // the first piece of each arrival was sent no later than delay - jitter before it arrived
    for (const a of arrivals) {
      const m = /^<(\d+)>/.exec(a.text)
      if (m === null) continue // a piece split across two reads
      const first = Number(m[1])
      assert.ok(a.at - (sentAt[first] as number) >= 10 - 1, `piece ${first} arrived ${(a.at - (sentAt[first] as number)).toFixed(1)} ms after it was sent`)
    }
    assert.ok(link.chunks >= 10, `${link.chunks} chunks through the link`)
    s.destroy()
  })
})
