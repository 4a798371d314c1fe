// The frame splitter of every stream protocol (protocol/framing.ts):
// frames split across any chunk boundaries come out whole and in order, and a
// length prefix over the limit is a typed error before any payload is buffered.
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { FrameDecoder } from '../../protocol/framing.js'
import { FrameReader, type FrameSource } from '../../protocol/frame-reader.js'

function varint (n: number): number[] {
  const out: number[] = []
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
  return out
}

describe('pipeline FrameDecoder', () => {
  it('returns every frame whole and in order, however the bytes are chunked', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 16 }),
      (frames, cuts) => {
        const wire = Uint8Array.from(frames.flatMap((f) => [...varint(f.byteLength), ...f]))
        const d = new FrameDecoder(1024)
        const out: Uint8Array[] = []
        let at = 0
        let k = 0
        while (at < wire.byteLength) {
          const n = cuts[k++ % cuts.length] as number
          out.push(...d.push(wire.subarray(at, at + n)))
          at += n
        }
        assert.deepEqual(out.map((f) => Buffer.from(f).toString('hex')), frames.map((f) => Buffer.from(f).toString('hex')))
      }), { numRuns: 200 })
  })

  it('refuses a length over the limit with ErrorCode.TooLarge', () => {
    const d = new FrameDecoder(1024)
    assert.throws(() => d.push(Uint8Array.from(varint(1025))), (err: unknown) => RelaymeshError.is(err, ErrorCode.TooLarge))
  })

  it('refuses a length prefix longer than the limit needs, before it ends', () => {
    const d = new FrameDecoder(1024)
    assert.throws(() => d.push(Uint8Array.from([0xff, 0xff, 0xff])), (err: unknown) => RelaymeshError.is(err, ErrorCode.TooLarge))
  })
})

/** A byte source the test feeds by hand (what a stream's async iterator is to the reader). */
class Feed implements FrameSource {
  private chunks: Uint8Array[] = []
  private wake: (() => void) | undefined
  private ended = false
  pulled = 0
  paused = false

  push (bytes: number[] | Uint8Array): void { this.chunks.push(Uint8Array.from(bytes)); this.wake?.() }
  end (): void { this.ended = true; this.wake?.() }
  pause (): void { this.paused = true }
  resume (): void { this.paused = false }

  async * [Symbol.asyncIterator] (): AsyncGenerator<Uint8Array> {
    for (;;) {
      const c = this.chunks.shift()
      if (c !== undefined) { this.pulled += c.byteLength; yield c; continue }
      if (this.ended) return
      await new Promise<void>((resolve) => { this.wake = resolve })
    }
  }
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }
const isCode = (code: ErrorCode) => (err: unknown): boolean => RelaymeshError.is(err, code)

describe('FrameReader (every protocol, node and client side)', () => {
  it('reads frames in order and ends cleanly between frames', async () => {
    const feed = new Feed()
    const r = new FrameReader(feed, { maxFrameBytes: 1024 })
    feed.push([...varint(3), 1, 2, 3, ...varint(1)])
    feed.push([9])
    feed.end()
    assert.deepEqual([...await r.read()], [1, 2, 3])
    assert.deepEqual([...await r.read()], [9])
    assert.equal(await r.next(), undefined)
    await assert.rejects(r.read(), isCode(ErrorCode.Decode))
  })

  it('refuses an endless length prefix while it is being read (TooLarge after the prefix bound, however long the flood)', async () => {
    const feed = new Feed()
    const r = new FrameReader(feed, { maxFrameBytes: 1024 * 1024 })
    for (let i = 0; i < 1024; i++) feed.push(new Uint8Array(1024).fill(0xff))
    await assert.rejects(r.read(), isCode(ErrorCode.TooLarge))
    // it stopped at the first chunk: the rest of the flood was never pulled
    assert.ok(feed.pulled <= 2 * 1024, `pulled ${feed.pulled} bytes`)
  })

  it('a stream that ends inside a frame is ErrorCode.Decode', async () => {
    const feed = new Feed()
    const r = new FrameReader(feed, { maxFrameBytes: 1024 })
    feed.push([...varint(10), 1, 2])
    feed.end()
    await assert.rejects(r.read(), isCode(ErrorCode.Decode))
  })

  it('a read past its deadline signal is ErrorCode.Timeout', async () => {
    const r = new FrameReader(new Feed(), { maxFrameBytes: 1024 })
    await assert.rejects(r.read(AbortSignal.timeout(30)), isCode(ErrorCode.Timeout))
  })

  it('a started frame must complete within frameTimeoutMs (an incomplete prefix too)', async () => {
    for (const partial of [[0xff, 0xff], [...varint(100), 1, 2, 3]]) {
      const feed = new Feed()
      const r = new FrameReader(feed, { maxFrameBytes: 1024 * 1024, frameTimeoutMs: 40 })
      feed.push(partial)
      const started = Date.now()
      await assert.rejects(r.read(), isCode(ErrorCode.Timeout))
      assert.ok(Date.now() - started < 1_000)
    }
  })

  it('a silent stream fails after idleTimeoutMs, unless busy', async () => {
    let busy = true
    const feed = new Feed()
    const r = new FrameReader(feed, { maxFrameBytes: 1024, idleTimeoutMs: 40, busy: () => busy })
    const read = r.read()
    await sleep(150)
    feed.push([...varint(1), 7])
    assert.deepEqual([...await read], [7])
    busy = false
    await assert.rejects(r.read(), isCode(ErrorCode.Timeout))
  })

  it('pauses the source while unread frames exceed maxQueuedBytes, and resumes when they are read', async () => {
    const feed = new Feed()
    const r = new FrameReader(feed, { maxFrameBytes: 1024, maxQueuedBytes: 100 })
    for (let i = 0; i < 10; i++) feed.push([...varint(60), ...new Uint8Array(60)])
    await r.read()
    await sleep(20)
    assert.equal(feed.paused, true)
    assert.ok(r.heldBytes <= 100 + 60, `held ${r.heldBytes}`)
    for (let i = 0; i < 9; i++) await r.read()
    assert.equal(feed.paused, false)
  })
})
