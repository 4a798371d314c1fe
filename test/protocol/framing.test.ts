// The frame splitter of every stream protocol (protocol/framing.ts):
// frames split across any chunk boundaries come out whole and in order, and a
// length prefix over the limit is a typed error before any payload is buffered.
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { FrameDecoder } from '../../protocol/framing.js'

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
