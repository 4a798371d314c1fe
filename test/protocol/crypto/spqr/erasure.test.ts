import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ErrorCode, RelaymeshError } from '../../../../protocol/errors.js'
import {
  CHUNK_BYTES,
  addChunk,
  checkDecoder,
  chunksNeeded,
  decodedMessage,
  encodeChunk,
  newDecoder
} from '../../../../protocol/crypto/spqr/erasure.js'
import { gfDiv, gfMul, gfMulSlow } from '../../../../protocol/crypto/spqr/gf16.js'

// the sizes SPQR encodes (docs/protocol.md §4a, Erasure code): ek||mac, ct||mac
const SPQR_LENGTHS = [1184 + 32, 1088 + 32]

describe('spqr erasure code', () => {
  describe('GF(2^16)', () => {
    it('table multiplication equals carry-less multiply-and-reduce', () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (a, b) => {
        assert.equal(gfMul(a, b), gfMulSlow(a, b))
      }), { numRuns: 2000 })
    })

    it('division inverts multiplication', () => {
      fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 0xffff }), (a, b) => {
        assert.equal(gfMul(gfDiv(a, b), b), a)
      }), { numRuns: 2000 })
      assert.throws(() => gfDiv(1, 0), RangeError)
    })
  })

  it('chunks below N are the message itself (systematic)', () => {
    const msg = Uint8Array.from({ length: 96 }, (_, i) => i)
    assert.equal(chunksNeeded(96), 3)
    for (let k = 0; k < 3; k++) {
      assert.deepEqual(encodeChunk(msg, k).data, msg.subarray(32 * k, 32 * k + 32))
    }
    assert.equal(encodeChunk(msg, 3).data.byteLength, CHUNK_BYTES)
  })

  it('SPQR messages need 38 (ek||mac) and 35 (ct||mac) chunks', () => {
    assert.deepEqual(SPQR_LENGTHS.map(chunksNeeded), [38, 35])
  })

  it('any N distinct chunks decode the message; N-1 do not (property)', () => {
    const gen = fc.integer({ min: 1, max: 80 }).chain((half) => fc.record({
      msg: fc.uint8Array({ minLength: 2 * half, maxLength: 2 * half }),
      idx: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: Math.ceil(half / 16), maxLength: Math.ceil(half / 16) })
    }))
    fc.assert(fc.property(gen, ({ msg, idx }) => {
      const d = newDecoder(msg.byteLength)
      for (let i = 0; i < idx.length; i++) {
        assert.equal(decodedMessage(d), null)
        addChunk(d, encodeChunk(msg, idx[i]!))
        checkDecoder(d)
      }
      assert.deepEqual(decodedMessage(d), msg)
    }), { numRuns: 300 })
  })

  it('SPQR-size messages decode from any N distinct chunks with duplicates mixed in (property)', () => {
    const gen = fc.constantFrom(...SPQR_LENGTHS).chain((len) => fc.record({
      msg: fc.uint8Array({ minLength: len, maxLength: len }),
      idx: fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: chunksNeeded(len), maxLength: chunksNeeded(len) }),
      dups: fc.array(fc.nat(), { maxLength: 20 })
    }))
    fc.assert(fc.property(gen, ({ msg, idx, dups }) => {
      const d = newDecoder(msg.byteLength)
      const order = [...idx, ...dups.map((i) => idx[i % (idx.length - 1)]!)]
      order.sort((a, b) => (a * 7919) % 101 - (b * 7919) % 101)
      // withhold the last distinct index until the end
      const last = idx[idx.length - 1]!
      for (const k of order) if (k !== last) addChunk(d, encodeChunk(msg, k))
      assert.equal(decodedMessage(d), null)
      addChunk(d, encodeChunk(msg, last))
      assert.deepEqual(decodedMessage(d), msg)
    }), { numRuns: 60 })
  })

  it('a chunk at an index already held changes nothing (first value wins)', () => {
    const msg = Uint8Array.from({ length: 64 }, (_, i) => i * 3)
    const d = newDecoder(64)
    addChunk(d, encodeChunk(msg, 5))
    const before = JSON.stringify(d)
    addChunk(d, { index: 5, data: new Uint8Array(32).fill(0xff) })
    assert.equal(JSON.stringify(d), before)
    addChunk(d, encodeChunk(msg, 9))
    assert.deepEqual(decodedMessage(d), msg)
  })

  it('a message array changed in place gives the parity chunks of its new bytes (cached logs are re-checked)', () => {
    const msg = Uint8Array.from({ length: 1216 }, (_, i) => (i * 7 + 1) & 0xff)
    const n = chunksNeeded(1216)
    const first = encodeChunk(msg, n + 3).data
    msg[100] = msg[100]! ^ 0x5a
    assert.deepEqual(encodeChunk(msg, n + 3).data, encodeChunk(msg.slice(), n + 3).data)
    assert.notDeepEqual(encodeChunk(msg, n + 3).data, first)
  })

  it('the cached-logs check sees a change at any byte (word-wise compare, tail, aligned and unaligned views)', () => {
    const len = 1218 // not a multiple of 4: a 2-byte tail after the words
    const n = chunksNeeded(len)
    for (const offset of [0, 2, 4]) {
      for (const at of [0, 3, 601, len - 2, len - 1]) {
        const backing = Uint8Array.from({ length: len + 8 }, (_, i) => (i * 13 + 5) & 0xff)
        const msg = backing.subarray(offset, offset + len)
        encodeChunk(msg, n + 1) // fills the cache for this array
        msg[at] = msg[at]! ^ 0x01
        assert.deepEqual(encodeChunk(msg, n + 1).data, encodeChunk(msg.slice(), n + 1).data, `offset ${offset}, byte ${at}`)
      }
    }
  })

  it('rejects bad lengths, indexes and chunks', () => {
    const bad = (fn: () => unknown): void => { assert.throws(fn, (e: unknown) => RelaymeshError.is(e)) }
    bad(() => newDecoder(3))
    bad(() => newDecoder(0))
    bad(() => encodeChunk(new Uint8Array(3), 0))
    bad(() => encodeChunk(new Uint8Array(4), 0x10000))
    bad(() => addChunk(newDecoder(4), { index: 0, data: new Uint8Array(31) }))
    assert.throws(() => checkDecoder({ length: 4, points: Array.from({ length: 16 }, () => [1, 2, 3, 4]) }),
      (e: unknown) => RelaymeshError.is(e, ErrorCode.InvalidState))
  })
})
