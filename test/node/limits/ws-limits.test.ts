// A WebSocket connection is bounded exactly like a TCP one (issue 12, point 1;
// node/ws-transport.ts): the per-IP cap counts /ws and TCP connections
// together (ip-limits.test.ts's core, over /ws), a socket still in its HTTP
// phase counts from the moment it is accepted and is closed after the
// upgrade bound, a WebSocket message above WS_MAX_MESSAGE_BYTES closes the
// connection as soon as its header arrives (the `ws` default is 100 MiB,
// buffered before libp2p sees a byte), and garbage instead of Noise is
// refused. Real nodes, real sockets on 127.0.0.1.
import { strict as assert } from 'node:assert'
import { connect, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { defaultConfig } from '../../../node/config.js'
import { createRelayNode, type RelayNode } from '../../../node/relay-node.js'
import { WS_MAX_MESSAGE_BYTES } from '../../../node/ws-transport.js'
import { createClientHost } from '../../../client/transport/client-host.js'
import { NodeConnection } from '../../../client/transport/node-connection.js'
import { addressOf, stopAll, tempDir, TEST_LISTEN, wsAddressOf } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

const CAP = 3
const DIALERS = 7
/** the upgrade (frame read) bound the test nodes run with (default 10 s) */
const UPGRADE_MS = 500

/** A node that allows no IP (loopback included) CAP connections per IP. */
async function cappedNode (): Promise<RelayNode> {
  return await createRelayNode({
    dataDir: tempDir(),
    listen: TEST_LISTEN,
    idDifficulty: 0,
    limits: { ...defaultConfig().limits, maxConnectionsPerIp: CAP, frameReadTimeoutMs: UPGRADE_MS }
  })
}

function wsPort (node: RelayNode): number {
  return Number(/\/tcp\/(\d+)\/ws\//.exec(wsAddressOf(node))?.[1])
}

interface Raw {
  socket: Socket
  /** resolves when the node closes the socket */
  closed: Promise<void>
  /** every byte the node sent */
  received: () => Buffer
}

async function rawSocket (port: number): Promise<Raw> {
  const socket = connect(port, '127.0.0.1')
  let data = Buffer.alloc(0)
  socket.on('data', (d: Buffer) => { data = Buffer.concat([data, d]) })
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.once('close', () => { resolve() }))
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  return { socket, closed, received: () => data }
}

/** A raw socket that completed the WebSocket upgrade (HTTP 101). */
async function upgraded (port: number): Promise<Raw> {
  const raw = await rawSocket(port)
  raw.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  await waitFor(() => raw.received().includes('\r\n\r\n'), { what: 'the upgrade answer', timeout: 5_000 })
  assert.match(raw.received().toString('latin1'), /^HTTP\/1\.1 101 /)
  return raw
}

/** A masked binary WebSocket frame header announcing `length` payload bytes (client frames are masked). */
function frameHeader (length: number): Buffer {
  const h = Buffer.alloc(14)
  h[0] = 0x82
  h[1] = 0x80 | 127
  h.writeBigUInt64BE(BigInt(length), 2)
  randomBytes(4).copy(h, 10)
  return h
}

/** A whole masked binary frame carrying `payload`. */
function frame (payload: Buffer): Buffer {
  const h = frameHeader(payload.length)
  const mask = h.subarray(10, 14)
  const body = Buffer.from(payload.map((b, i) => b ^ (mask[i % 4] as number)))
  return Buffer.concat([h, body])
}

async function within (p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  await Promise.race([p, new Promise<void>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`${what}: not within ${ms} ms`)) }, ms) })])
  clearTimeout(timer)
}

describe('WebSocket connections are bounded like TCP ones', function () {
  this.timeout(60_000)
  const nodes: RelayNode[] = []
  const hosts: Libp2p[] = []
  const sockets: Socket[] = []

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    await Promise.all(hosts.splice(0).map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await stopAll(nodes.splice(0))
  })

  it(`refuses more than ${CAP} connections from one IP, /ws and TCP counted together`, async () => {
    const node = await cappedNode()
    nodes.push(node)
    for (let i = 0; i < DIALERS; i++) {
      const h = await createClientHost()
      hosts.push(h)
      // alternate: TCP, /ws, TCP, …
      await h.dial(multiaddr(i % 2 === 0 ? addressOf(node) : wsAddressOf(node)), { signal: AbortSignal.timeout(5_000) }).catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    await waitFor(() => node.host.getConnections().length <= CAP, { what: 'refused connections to close', timeout: 5_000 })
    assert.equal(node.host.getConnections().length, CAP)
    assert.ok(node.host.getConnections().some((c) => c.remoteAddr.toString().includes('/ws')), 'a /ws connection is among them')
    const open = hosts.filter((h) => h.getConnections(node.peerId).length > 0).length
    assert.equal(open, CAP, `${open} of ${DIALERS} peers on one IP hold a connection`)
  })

  it('a socket in its HTTP phase counts against the cap from the start and is closed after the upgrade bound', async () => {
    const node = await cappedNode()
    nodes.push(node)
    const raws: Raw[] = []
    for (let i = 0; i < CAP + 2; i++) {
      const r = await rawSocket(wsPort(node))
      sockets.push(r.socket)
      // an upgrade request that never ends
      r.socket.write('GET / HTTP/1.1\r\nHost: x\r\n')
      raws.push(r)
    }
    // the ones beyond the cap are closed at once, long before the upgrade bound
    await within(Promise.all(raws.slice(CAP).map(async (r) => { await r.closed })).then(() => {}), UPGRADE_MS / 2, 'sockets beyond the cap closed')
    // while the others sit there, a TCP dial from the same IP is refused too
    const h = await createClientHost()
    hosts.push(h)
    await h.dial(multiaddr(addressOf(node)), { signal: AbortSignal.timeout(3_000) }).catch(() => {})
    await waitFor(() => node.host.getConnections().length === 0, { what: 'the TCP dial refused', timeout: 3_000 })
    // the stalled ones go after the upgrade bound (plus slack on a loaded machine)
    await within(Promise.all(raws.slice(0, CAP).map(async (r) => { await r.closed })).then(() => {}), UPGRADE_MS + 3_000, 'stalled sockets closed')
    // and their places come back
    const conn = await NodeConnection.connect(h, wsAddressOf(node), AbortSignal.timeout(5_000))
    assert.equal((await conn.status() as { peerId: string }).peerId, node.peerId.toString())
  })

  it(`a WebSocket message above ${WS_MAX_MESSAGE_BYTES} bytes closes the connection (1009) as soon as its header arrives`, async () => {
    const node = await cappedNode()
    nodes.push(node)
    const r = await upgraded(wsPort(node))
    sockets.push(r.socket)
    const answered = r.received().length
    // a 64 MiB frame: the header only, then nothing
    r.socket.write(frameHeader(64 * 1024 * 1024))
    await within(r.closed, 3_000, 'the node to close the connection')
    const reply = r.received().subarray(answered)
    assert.equal(reply[0], 0x88, 'a close frame')
    assert.equal(reply.readUInt16BE(2), 1009, 'close code 1009 (message too big)')
    await waitFor(() => node.host.getConnections().length === 0, { what: 'no connection left', timeout: 3_000 })
  })

  it('garbage before Noise (a protocol name without its newline) is refused over /ws as over TCP, and an honest client is served afterwards', async () => {
    const node = await cappedNode()
    nodes.push(node)
    // multistream-select refuses a message that does not end in "\n" at once (other garbage waits
    // for the upgrade timeout, 10 s, on either transport)
    const garbage = Buffer.from([0x03, 0x61, 0x62, 0x63])
    // over TCP: the raw socket carries the garbage itself
    const t = await rawSocket(Number(/\/tcp\/(\d+)\//.exec(addressOf(node))?.[1]))
    sockets.push(t.socket)
    t.socket.write(garbage)
    await within(t.closed, 5_000, 'the node to close the TCP connection')
    // over /ws: the same bytes in a WebSocket message
    const r = await upgraded(wsPort(node))
    sockets.push(r.socket)
    const answered = r.received().length
    r.socket.write(frame(garbage))
    // the node starts the WebSocket close handshake (a close frame; the socket goes when the client answers, or after
    // ws's close timeout, counted against the per-IP cap all along)
    await waitFor(() => r.received().length > answered, { what: 'the node to close the /ws connection', timeout: 5_000 })
    assert.equal(r.received()[answered], 0x88, 'a close frame')
    await waitFor(() => node.host.getConnections().length === 0, { what: 'no connection left', timeout: 3_000 })
    const h = await createClientHost()
    hosts.push(h)
    const conn = await NodeConnection.connect(h, wsAddressOf(node), AbortSignal.timeout(5_000))
    assert.equal((await conn.status() as { peerId: string }).peerId, node.peerId.toString())
  })
})
