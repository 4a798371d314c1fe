// The SPQR erasure code (Signal SPQR's polynomial code, docs/protocol.md
// §4a, Erasure code): a message of L bytes (L even) is read as m = L/2 big-endian u16 values
// v_j; value j belongs to polynomial p = j mod 16 at x = floor(j / 16). Each
// of the 16 polynomials f_p over GF(2^16) is the unique one of degree < n_p
// through its n_p points (x = 0 .. n_p-1). Chunk k (k = 0 .. 65535) is the 32
// bytes f_0(k) .. f_15(k), big-endian: chunks 0 .. N-1 (N = ceil(m/16)) are
// the message itself (systematic), later chunks are parity. Any N chunks with
// distinct indices give every f_p at least n_p distinct points, so they
// reconstruct the message (Lagrange interpolation).
import { ErrorCode, RelaymeshError } from '../../errors.js'
import { GF_EXP, GF_LOG, gfDiv, gfMul } from './gf16.js'

export const CHUNK_BYTES = 32
export const POLYS = 16
/** chunk indexes are u16 */
export const MAX_CHUNK_INDEX = 0xffff
/** the largest message this module encodes: 16 polynomials of at most 64 points (SPQR's are <= 38) */
export const MAX_ENCODED_BYTES = POLYS * 64 * 2

export interface Chunk {
  index: number
  data: Uint8Array
}

function checkLength (length: number): void {
  if (!Number.isSafeInteger(length) || length <= 0 || length % 2 !== 0 || length > MAX_ENCODED_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `erasure code: bad message length ${length}`)
  }
}

/** n_p: the number of message values polynomial p carries */
export function pointsOf (length: number, poly: number): number {
  const m = length / 2
  return poly >= m ? 0 : Math.ceil((m - poly) / POLYS)
}

/** N: how many distinct chunks reconstruct a message of `length` bytes */
export function chunksNeeded (length: number): number {
  checkLength(length)
  return Math.ceil(length / 2 / POLYS)
}

// denominators d_j = prod_{i != j, i < n} (j - i) of the Lagrange basis on
// x = 0 .. n-1, cached per n (public constants)
const systematicDenoms = new Map<number, Uint16Array>()
function denomsFor (n: number): Uint16Array {
  let d = systematicDenoms.get(n)
  if (d === undefined) {
    d = new Uint16Array(n)
    for (let j = 0; j < n; j++) {
      let acc = 1
      for (let i = 0; i < n; i++) if (i !== j) acc = gfMul(acc, j ^ i)
      d[j] = acc
    }
    systematicDenoms.set(n, d)
  }
  return d
}

// logs of those denominators, per n
const systematicLogDenoms = new Map<number, Int32Array>()
function logDenomsFor (n: number): Int32Array {
  let l = systematicLogDenoms.get(n)
  if (l === undefined) {
    const d = denomsFor(n)
    l = Int32Array.from(d, (v) => GF_LOG[v]!)
    systematicLogDenoms.set(n, l)
  }
  return l
}

const GF_ORDER = 0xffff

/**
 * log of the Lagrange weights w_j(k) on x = 0 .. n-1 at a point k >= n (never 0):
 * w_j(k) = prod_{i != j} (k - i) / d_j, computed as sums of logs (k - i != 0 as k >= n)
 */
function parityLogWeights (n: number, k: number): Uint16Array {
  const ld = logDenomsFor(n)
  let all = 0
  for (let i = 0; i < n; i++) all += GF_LOG[k ^ i]!
  const w = new Uint16Array(n)
  for (let j = 0; j < n; j++) {
    let e = (all - GF_LOG[k ^ j]! - ld[j]!) % GF_ORDER
    if (e < 0) e += GF_ORDER
    w[j] = e
  }
  return w
}

function valueAt (message: Uint8Array, j: number): number {
  return (message[2 * j]! << 8) | message[2 * j + 1]!
}

// A sender chunks out the same message for many messages in a row (every one
// of them a parity chunk once the systematic ones are sent, while the peer
// stays silent): the discrete logs of its values are kept per message array
// (public data: ML-KEM public keys and ciphertexts), with a copy of the bytes
// so that an array changed in place is never served stale logs.
interface MessageLogs { bytes: Uint8Array, logs: Int32Array }
const logCache = new WeakMap<Uint8Array, MessageLogs>()

/** byte equality; `a` is the cache's own copy (offset 0), compared 4 bytes at a time where `b` is aligned too */
function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  const len = a.byteLength
  if (len !== b.byteLength) return false
  let i = 0
  if (a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0) {
    const words = len >>> 2
    const wa = new Uint32Array(a.buffer, a.byteOffset, words)
    const wb = new Uint32Array(b.buffer, b.byteOffset, words)
    for (let w = 0; w < words; w++) if (wa[w] !== wb[w]) return false
    i = words << 2
  }
  for (; i < len; i++) if (a[i] !== b[i]) return false
  return true
}

/** log of value j for every j, -1 for a zero value */
function messageLogs (message: Uint8Array): Int32Array {
  const hit = logCache.get(message)
  if (hit !== undefined && sameBytes(hit.bytes, message)) return hit.logs
  const logs = new Int32Array(message.byteLength / 2)
  for (let j = 0; j < logs.length; j++) {
    const v = valueAt(message, j)
    logs[j] = v === 0 ? -1 : GF_LOG[v]!
  }
  logCache.set(message, { bytes: message.slice(), logs })
  return logs
}

/** Chunk `index` of `message` (the encoder keeps only the message and its next index). */
export function encodeChunk (message: Uint8Array, index: number): Chunk {
  checkLength(message.byteLength)
  if (!Number.isInteger(index) || index < 0 || index > MAX_CHUNK_INDEX) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `erasure code: bad chunk index ${index}`)
  }
  const n = Math.ceil(message.byteLength / 2 / POLYS)
  const data = new Uint8Array(CHUNK_BYTES)
  if (index < n - 1) {
    // systematic: every polynomial has a value at this x
    data.set(message.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES))
    return { index, data }
  }
  const ys = new Uint16Array(POLYS)
  // per polynomial: its point count and, for a parity chunk, its log weights
  // (polynomials have N or N - 1 points, so at most two weight vectors)
  const np = new Int32Array(POLYS)
  const logw: Array<Uint16Array | null> = []
  let wHigh: Uint16Array | null = null
  let wLow: Uint16Array | null = null
  let parity = false
  for (let p = 0; p < POLYS; p++) {
    const k = pointsOf(message.byteLength, p)
    np[p] = k
    if (index < k) {
      ys[p] = valueAt(message, index * POLYS + p)
      logw.push(null)
    } else if (k === 0) {
      logw.push(null)
    } else if (k === n) {
      wHigh ??= parityLogWeights(k, index)
      logw.push(wHigh)
      parity = true
    } else {
      wLow ??= parityLogWeights(k, index)
      logw.push(wLow)
      parity = true
    }
  }
  if (parity) {
    const logs = messageLogs(message)
    // p outside, x inside: no per-value branch on the polynomial (the logs, 16 x n
    // Int32s, stay in the L1 cache whichever way they are read)
    for (let p = 0; p < POLYS; p++) {
      const w = logw[p]!
      if (w === null) continue
      const k = np[p]!
      let y = ys[p]!
      for (let x = 0, at = p; x < k; x++, at += POLYS) {
        const lv = logs[at]!
        if (lv >= 0) y ^= GF_EXP[w[x]! + lv]!
      }
      ys[p] = y
    }
  }
  for (let p = 0; p < POLYS; p++) { data[2 * p] = ys[p]! >> 8; data[2 * p + 1] = ys[p]! & 0xff }
  return { index, data }
}

/**
 * A decoder: the message length and, per polynomial, the distinct points
 * received so far as [x0, y0, x1, y1, ...] (at most n_p points each).
 */
export interface Decoder {
  length: number
  points: number[][]
}

export function newDecoder (length: number): Decoder {
  checkLength(length)
  return { length, points: Array.from({ length: POLYS }, () => []) }
}

/** Checks a decoder read back from state: lengths, point counts, distinct u16 xs. */
export function checkDecoder (d: Decoder): void {
  checkLength(d.length)
  if (d.points.length !== POLYS) throw new RelaymeshError(ErrorCode.InvalidState, 'erasure decoder: bad polynomial count')
  for (let p = 0; p < POLYS; p++) {
    const pts = d.points[p]!
    if (pts.length % 2 !== 0 || pts.length / 2 > pointsOf(d.length, p)) {
      throw new RelaymeshError(ErrorCode.InvalidState, 'erasure decoder: bad point count')
    }
    const xs = new Set<number>()
    for (let i = 0; i < pts.length; i += 2) {
      const x = pts[i]!
      const y = pts[i + 1]!
      if (!Number.isInteger(x) || x < 0 || x > 0xffff || !Number.isInteger(y) || y < 0 || y > 0xffff || xs.has(x)) {
        throw new RelaymeshError(ErrorCode.InvalidState, 'erasure decoder: bad point')
      }
      xs.add(x)
    }
  }
}

/**
 * Adds a chunk's points (mutates `d`). A polynomial that already has all the
 * points it needs, or already has a point at this x, ignores the new one:
 * the first value received for an x wins, duplicates change nothing.
 */
export function addChunk (d: Decoder, chunk: Chunk): void {
  if (!Number.isInteger(chunk.index) || chunk.index < 0 || chunk.index > MAX_CHUNK_INDEX || chunk.data.byteLength !== CHUNK_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, 'erasure code: bad chunk')
  }
  for (let p = 0; p < POLYS; p++) {
    const pts = d.points[p]!
    if (pts.length / 2 >= pointsOf(d.length, p)) continue
    let seen = false
    for (let i = 0; i < pts.length; i += 2) if (pts[i] === chunk.index) { seen = true; break }
    if (seen) continue
    pts.push(chunk.index, (chunk.data[2 * p]! << 8) | chunk.data[2 * p + 1]!)
  }
}

export function isComplete (d: Decoder): boolean {
  for (let p = 0; p < POLYS; p++) if (d.points[p]!.length / 2 < pointsOf(d.length, p)) return false
  return true
}

/** The message, once every polynomial has its n_p points; null before. */
export function decodedMessage (d: Decoder): Uint8Array | null {
  if (!isComplete(d)) return null
  const out = new Uint8Array(d.length)
  for (let p = 0; p < POLYS; p++) {
    const n = pointsOf(d.length, p)
    const pts = d.points[p]!
    const xs: number[] = []
    const ys: number[] = []
    for (let i = 0; i < 2 * n; i += 2) { xs.push(pts[i]!); ys.push(pts[i + 1]!) }
    // Lagrange basis denominators over this point set
    let denoms: number[] | null = null
    for (let t = 0; t < n; t++) {
      let y = -1
      for (let s = 0; s < n; s++) if (xs[s] === t) { y = ys[s]!; break }
      if (y < 0) {
        if (denoms === null) {
          denoms = xs.map((xs_, s) => {
            let acc = 1
            for (let r = 0; r < n; r++) if (r !== s) acc = gfMul(acc, xs_ ^ xs[r]!)
            return acc
          })
        }
        let all = 1
        for (let r = 0; r < n; r++) all = gfMul(all, t ^ xs[r]!)
        y = 0
        for (let s = 0; s < n; s++) y ^= gfMul(ys[s]!, gfDiv(all, gfMul(t ^ xs[s]!, denoms[s]!)))
      }
      const j = t * POLYS + p
      out[2 * j] = y >> 8
      out[2 * j + 1] = y & 0xff
    }
  }
  return out
}
