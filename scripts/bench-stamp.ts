// What sealed sending costs a sender and a node (docs/protocol.md §5a): the
// stamp a stranger solves (median over runs, at the default and nearby bits,
// and the expectation from this machine's hash rate: 2^bits SHA-256), the
// node's check of a stamp and of an access key, beside one bare SHA-256.
// Run: npm run bench:stamp -- [runs=9]
import { createHash, randomBytes } from 'node:crypto'
import { SEND_STAMP_BITS } from '../protocol/constants.js'
import { accessKeyMatches, accessVerifier, deriveAccessKey, makeStamp, minuteOf, stampWork, type StampedRequest } from '../protocol/send-access.js'

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('usage: npm run bench:stamp -- [runs >= 1, default 9]   (one JSON line per measure)')
  process.exit(0)
}
const runs = Number(process.argv[2] ?? 9)
if (!Number.isInteger(runs) || runs < 1) {
  console.error('bench-stamp: runs must be a whole number >= 1 (--help)')
  process.exit(2)
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

function request (): StampedRequest {
  return { envelopeId: randomBytes(16), payload: randomBytes(1024), mailboxes: [randomBytes(32)], minute: minuteOf(Date.now()) }
}

/** µs per call of `fn`, over `n` calls */
function perCall (n: number, fn: () => void): number {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn()
  return Number(process.hrtime.bigint() - t0) / 1e3 / n
}

// the bare primitive: one SHA-256 of a 40-byte input (a stamp try hashes challenge || nonce)
const input = randomBytes(40)
const shaUs = perCall(200_000, () => { createHash('sha256').update(input).digest() })
console.log(JSON.stringify({ measure: 'sha256 (40 B), bare node:crypto', usPerCall: +shaUs.toFixed(3), hashesPerSecond: Math.round(1e6 / shaUs) }))

for (const bits of [SEND_STAMP_BITS - 4, SEND_STAMP_BITS - 2, SEND_STAMP_BITS]) {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const req = request()
    const t0 = process.hrtime.bigint()
    makeStamp(req, bits)
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  console.log(JSON.stringify({
    measure: 'solve a stamp (1 KiB payload, 1 mailbox)',
    bits,
    runs,
    // tries are geometric: the mean is 2^bits hashes, the median about 0.69 of it
    meanMs: Math.round(times.reduce((a, b) => a + b, 0) / times.length),
    medianMs: Math.round(median(times)),
    minMs: Math.round(Math.min(...times)),
    maxMs: Math.round(Math.max(...times)),
    expectedMeanMs: Math.round(2 ** bits * shaUs / 1000)
  }))
}

const req = request()
const stamp = makeStamp(req, 8)
console.log(JSON.stringify({ measure: 'node: check a stamp (1 KiB payload)', usPerCall: +perCall(20_000, () => { stampWork(req, stamp) }).toFixed(2) }))
const key = deriveAccessKey(randomBytes(32))
const verifier = accessVerifier(key)
console.log(JSON.stringify({ measure: 'node: check an access key', usPerCall: +perCall(100_000, () => { accessKeyMatches(verifier, key) }).toFixed(2) }))
const profileKey = randomBytes(32)
console.log(JSON.stringify({ measure: 'client: derive an access key (AES-256-GCM, one block)', usPerCall: +perCall(100_000, () => { deriveAccessKey(profileKey) }).toFixed(2) }))
