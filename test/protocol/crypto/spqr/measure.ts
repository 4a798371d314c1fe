// SPQR figures for BENCHMARKS.md (issue 14, SPQR alone) (not a test: prints, asserts nothing).
//   npx tsc -p tsconfig.json && node dist/test/protocol/crypto/spqr/measure.js
import { spqrInitialState, spqrInspect, spqrRecv, spqrSend } from '../../../../protocol/crypto/spqr/index.js'

const authKey = new Uint8Array(32).fill(41)
const init = (): { a: Uint8Array, b: Uint8Array } => ({
  a: spqrInitialState({ direction: 'a2b', authKey, minVersion: 1 }),
  b: spqrInitialState({ direction: 'b2a', authKey, minVersion: 1 })
})

function sizes (): void {
  let { a, b } = init()
  const byState = new Map<string, number[]>()
  let total = 0
  let count = 0
  const rounds = 2000
  let maxState = 0
  for (let i = 0; i < rounds; i++) {
    for (const dir of [0, 1]) {
      const from = dir === 0 ? a : b
      const label = spqrInspect(from).braidState
      const s = spqrSend(from)
      const r = spqrRecv(dir === 0 ? b : a, s.msg)
      if (dir === 0) { a = s.state; b = r.state } else { b = s.state; a = r.state }
      const l = byState.get(label) ?? []
      l.push(s.msg.byteLength)
      byState.set(label, l)
      total += s.msg.byteLength
      count++
      maxState = Math.max(maxState, a.byteLength, b.byteLength)
    }
  }
  console.log(`lockstep, ${count} messages, reaching epoch ${spqrInspect(a).chainEpoch}: mean ${(total / count).toFixed(1)} bytes per SPQR message; largest state ${maxState} bytes`)
  for (const [label, l] of byState) {
    console.log(`  sent in ${label.padEnd(13)} ${String(l.length).padStart(5)} messages, ${Math.min(...l)}-${Math.max(...l)} bytes`)
  }
}

function rate (name: string, n: number, step: (st: { a: Uint8Array, b: Uint8Array }) => void): void {
  const st = init()
  for (let i = 0; i < 50; i++) step(st) // warm up
  const t0 = performance.now()
  for (let i = 0; i < n; i++) step(st)
  const ms = performance.now() - t0
  console.log(`${name}: ${(n / (ms / 1000)).toFixed(0)} send+recv per second (${(ms / n * 1000).toFixed(0)} µs each, ${n} messages)`)
}

sizes()
rate('streaming a -> b (b never answers)', 3000, (st) => {
  const s = spqrSend(st.a); st.a = s.state; st.b = spqrRecv(st.b, s.msg).state
})
let flip = 0
rate('lockstep a <-> b (includes ML-KEM keygen/encaps/decaps every 73 rounds)', 6000, (st) => {
  if (flip++ % 2 === 0) { const s = spqrSend(st.a); st.a = s.state; st.b = spqrRecv(st.b, s.msg).state } else { const s = spqrSend(st.b); st.b = s.state; st.a = spqrRecv(st.a, s.msg).state }
})
