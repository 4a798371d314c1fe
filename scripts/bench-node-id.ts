// The node-id puzzle's cost (docs/protocol.md): time per node
// id at a difficulty on this machine, and what an attacker pays to take the k
// closest positions of one mailbox on a mesh of N honest relays.
// Run: npm run bench:node-id -- [difficulty=20] [runs=5]
import { randomBytes } from 'node:crypto'
import { solveNodeId } from '../node/relays/node-id.js'

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('usage: npm run bench:node-id -- [difficulty 0-40, default 20] [runs >= 1, default 5]')
  process.exit(0)
}
const difficulty = Number(process.argv[2] ?? 20)
const runs = Number(process.argv[3] ?? 5)
if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 40 || !Number.isInteger(runs) || runs < 1) {
  console.error('bench-node-id: difficulty must be a whole number 0-40 and runs a whole number >= 1 (--help)')
  process.exit(2)
}
const K = 3

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

// 1. solving: random peer ids (38-byte multihashes), `runs` times
const times: number[] = []
let tries = 0
for (let i = 0; i < runs; i++) {
  const t0 = process.hrtime.bigint()
  const s = solveNodeId(randomBytes(38), difficulty)
  times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  tries += s.tries
}
const msPerTry = times.reduce((a, b) => a + b, 0) / tries
console.log(JSON.stringify({ difficulty, runs, medianMs: Math.round(median(times)), minMs: Math.round(Math.min(...times)), maxMs: Math.round(Math.max(...times)), usPerTry: +(msPerTry * 1000).toFixed(2), expectedMs: Math.round(msPerTry * 2 ** difficulty) }))

// 2. the attacker: valid positions (each 2^difficulty tries) until K of them are closer to one
// mailbox than all N honest relays; Monte Carlo over uniform positions
for (const n of [3, 10, 100]) {
  const needed: number[] = []
  for (let t = 0; t < 20001; t++) {
    let d = 1
    for (let i = 0; i < n; i++) d = Math.min(d, Math.random())
    let got = 0
    let m = 0
    while (got < K) { m++; if (Math.random() < d) got++ }
    needed.push(m)
  }
  const med = median(needed)
  const p90 = [...needed].sort((a, b) => a - b)[Math.floor(needed.length * 0.9)] as number
  console.log(JSON.stringify({
    honest: n,
    positionsMedian: med,
    positionsP90: p90,
    attackerCpuSecondsMedian: +(med * 2 ** difficulty * msPerTry / 1000).toFixed(1),
    attackerCpuSecondsP90: +(p90 * 2 ** difficulty * msPerTry / 1000).toFixed(1)
  }))
}
