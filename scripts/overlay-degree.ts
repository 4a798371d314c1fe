// `node dist/scripts/overlay-degree.js [N...]`: how many connections the
// overlay (node/relays/overlay-targets.ts) gives each relay in a mesh of N
// relays with random node ids: targets per relay, and neighbours (targets
// either way, the connections a relay keeps), mean, median and max.
// Computed from the shipped target rule, no network; docs/scaling.md.
import { randomBytes } from 'node:crypto'
import type { PeerId } from '@libp2p/interface'
import { OVERLAY_NEIGHBOURS, OVERLAY_PER_BUCKET } from '../node/relays/constants.js'
import { overlayTargets } from '../node/relays/overlay-targets.js'

interface Member { index: number, peerId: PeerId, nodeId: Uint8Array }

function degrees (n: number): { targets: number, mean: number, median: number, max: number } {
  const members: Member[] = Array.from({ length: n }, (_, index) => ({ index, peerId: { toString: () => String(index) } as unknown as PeerId, nodeId: randomBytes(32) }))
  const shape = { neighbours: OVERLAY_NEIGHBOURS, perBucket: OVERLAY_PER_BUCKET }
  const edges = new Set<number>()
  let targets = 0
  for (const m of members) {
    const t = overlayTargets(m.nodeId, members.filter((o) => o !== m), shape)
    targets += t.length
    for (const o of t) edges.add(Math.min(m.index, o.index) * n + Math.max(m.index, o.index))
  }
  const degree = new Array<number>(n).fill(0)
  for (const e of edges) for (const i of [Math.floor(e / n), e % n]) degree[i] = (degree[i] as number) + 1
  degree.sort((a, b) => a - b)
  return { targets: targets / n, mean: (edges.size * 2) / n, median: degree[n >> 1] as number, max: degree[n - 1] as number }
}

const sizes = process.argv.slice(2).filter((a) => a !== '--json').map(Number).filter((n) => Number.isInteger(n) && n > 1)
const rows = []
for (const n of sizes.length > 0 ? sizes : [10, 30, 60, 100, 300, 1000, 4096]) {
  const d = degrees(n)
  rows.push({ nodes: n, targetsMean: Math.round(d.targets * 10) / 10, neighboursMean: Math.round(d.mean * 10) / 10, neighboursMedian: d.median, neighboursMax: d.max, log2N: Math.round(Math.log2(n) * 10) / 10 })
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows))
else console.table(rows)
