// protocol/yamux-window.ts on real libp2p hosts over TCP (Noise, yamux): a
// lazy receiver answers a run of small frames with a handful of window
// updates instead of one per frame, and flow control still works (a sender
// writing many windows' worth is never stalled).
import { strict as assert } from 'node:assert'
import { noise } from '@chainsafe/libp2p-noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import type { Stream } from '@libp2p/interface'
import { createLibp2p, type Libp2p } from 'libp2p'
import { lazyWindowUpdates, lazyYamux } from '../../protocol/yamux-window.js'

const PROTOCOL = '/relaymesh-test/window/1.0.0'
/** yamux's frame type of a window update (FrameType.WindowUpdate) */
const WINDOW_UPDATE = 1

async function host (lazyMuxer = false): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [lazyMuxer ? lazyYamux(yamux()) : yamux()],
    connectionManager: { allow: ['/ip4/127.0.0.0/ipcidr/8'] }
  })
}

interface Received { bytes: number, windowUpdates: number, done: Promise<void> }

/** What the receiving end of a stream got, and how many window updates it sent meanwhile. */
function receive (stream: Stream, lazy: boolean, expect: number): Received {
  const s = stream as unknown as { sendFrame: (f: { type: number }) => unknown }
  const r: Received = { bytes: 0, windowUpdates: 0, done: Promise.resolve() }
  const send = s.sendFrame.bind(s)
  s.sendFrame = (f) => { if (f.type === WINDOW_UPDATE) r.windowUpdates++; return send(f) }
  if (lazy) assert.equal(lazyWindowUpdates(stream), true)
  r.done = (async () => {
    for await (const chunk of stream) {
      r.bytes += chunk.byteLength
      if (r.bytes >= expect) break
    }
  })()
  return r
}

describe('lazy yamux window updates (protocol/yamux-window.ts)', function () {
  this.timeout(60_000)
  let a: Libp2p
  let b: Libp2p
  let received: (r: Received) => void = () => {}
  let lazy = true
  let expect = 0

  before(async () => {
    a = await host()
    b = await host()
    await b.handle(PROTOCOL, (stream) => { received(receive(stream, lazy, expect)) })
  })

  after(async () => {
    await a?.stop()
    await b?.stop()
  })

  /** send `frames` frames of `size` bytes, one per turn of the event loop (as requests leave), to b */
  async function run (frames: number, size: number, lazyReceiver: boolean): Promise<Received> {
    lazy = lazyReceiver
    expect = frames * size
    const got = new Promise<Received>((resolve) => { received = resolve })
    const stream = await a.dialProtocol(b.getMultiaddrs(), PROTOCOL)
    for (let i = 0; i < frames; i++) {
      if (!stream.send(new Uint8Array(size).fill(i & 0xff))) await stream.onDrain()
      await new Promise((resolve) => setImmediate(resolve))
    }
    const r = await got
    await r.done
    await stream.close().catch(() => {})
    return r
  }

  it('a yamux stream answers every small frame with a window update (the behaviour it replaces)', async () => {
    const r = await run(200, 1024, false)
    assert.equal(r.bytes, 200 * 1024)
    assert.ok(r.windowUpdates >= 150, `${r.windowUpdates} window updates for 200 frames`)
  })

  it('a lazy stream sends one window update per half window, not per frame', async () => {
    const r = await run(200, 1024, true)
    assert.equal(r.bytes, 200 * 1024)
    // 200 KiB through a 256 KiB window: one update once half of it (128 KiB) is used, plus the stream's opening ACK
    assert.ok(r.windowUpdates <= 3, `${r.windowUpdates} window updates for 200 frames`)
  })

  it('a sender writing many windows\' worth to a lazy stream is never stalled', async () => {
    const r = await run(64, 64 * 1024, true)
    // 4 MiB, 16 initial windows: everything arrives, with a window update every half window or so
    assert.equal(r.bytes, 64 * 64 * 1024)
    assert.ok(r.windowUpdates >= 2 && r.windowUpdates <= 64, `${r.windowUpdates} window updates`)
  })

  it('lazyYamux makes every stream of a host lazy, those it did not open itself too (as gossipsub\'s)', async () => {
    const c = await host(true)
    try {
      let got: (r: Received) => void = () => {}
      const arrived = new Promise<Received>((resolve) => { got = resolve })
      // the handler does not call lazyWindowUpdates: the muxer did
      await c.handle(PROTOCOL, (stream) => { got(receive(stream, false, 200 * 1024)) })
      const stream = await a.dialProtocol(c.getMultiaddrs(), PROTOCOL)
      for (let i = 0; i < 200; i++) {
        if (!stream.send(new Uint8Array(1024).fill(i & 0xff))) await stream.onDrain()
        await new Promise((resolve) => setImmediate(resolve))
      }
      const r = await arrived
      await r.done
      await stream.close().catch(() => {})
      assert.equal(r.bytes, 200 * 1024)
      assert.ok(r.windowUpdates <= 3, `${r.windowUpdates} window updates for 200 frames`)
    } finally {
      await c.stop()
    }
  })

  it('leaves anything that is not a yamux stream alone', () => {
    const other = { sendWindowUpdate: 'no' }
    assert.equal(lazyWindowUpdates(other), false)
    assert.equal(lazyWindowUpdates(null), false)
    assert.equal(other.sendWindowUpdate, 'no')
  })
})
