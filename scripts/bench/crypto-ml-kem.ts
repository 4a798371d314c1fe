// ML-KEM-768 alone, both backends side by side on this runtime:
// `npm run build && node dist/scripts/bench/crypto-ml-kem.js` (under npm, the
// pinned Node: `npx node dist/scripts/bench/crypto-ml-kem.js`). Operations per
// second, median of 5 interleaved rounds of 0.3 s; keys cached as in use (a
// long-lived prekey), plus the cost of a key seen for the first time.
import { nobleMlKem } from '../../protocol/crypto/crypto-backend-noble-ml-kem.js'
import { nativeMlKem } from '../../protocol/crypto/crypto-backend-node-ml-kem.js'
import { mlkemWith, type MlKem } from '../../protocol/crypto/ml-kem.js'
import { median } from './crypto-harness.js'

const ROUNDS = 5
const ROUND_MS = 300

function rate (op: () => void): number {
  let n = 0
  const t0 = performance.now()
  while (performance.now() - t0 < ROUND_MS) { op(); n++ }
  return n * 1000 / (performance.now() - t0)
}

function ops (k: MlKem): Record<string, () => void> {
  const pair = k.mlkemGenerateKeyPair()
  const { cipherText } = k.mlkemEncapsulate(pair.publicKey)
  return {
    keygen: () => { k.mlkemGenerateKeyPair() },
    'encapsulate (cached key)': () => { k.mlkemEncapsulate(pair.publicKey) },
    'decapsulate (cached key)': () => { k.mlkemDecapsulate(cipherText, pair.secretKey) },
    'encapsulate (new key array)': () => { k.mlkemEncapsulate(pair.publicKey.slice()) },
    'decapsulate (new key array)': () => { k.mlkemDecapsulate(cipherText, pair.secretKey.slice()) }
  }
}

const native = nativeMlKem()
const backends: Array<[string, MlKem]> = [['@noble/post-quantum', mlkemWith(nobleMlKem)]]
if (native !== null) backends.push([`native${native.keygenNative ? '' : ' (keygen by @noble)'}`, mlkemWith(native.backend)])
const table = backends.map(([name, k]) => ({ name, ops: ops(k), rates: new Map<string, number[]>() }))
for (const t of table) for (const op of Object.values(t.ops)) for (let i = 0; i < 50; i++) op() // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const t of table) {
    for (const [name, op] of Object.entries(t.ops)) t.rates.set(name, [...(t.rates.get(name) ?? []), rate(op)])
  }
}
process.stdout.write(`ML-KEM-768 ops/s, Node ${process.version} (OpenSSL ${process.versions.openssl}), median of ${ROUNDS} rounds${native === null ? '; no native ML-KEM on this runtime' : ''}\n`)
const names = Object.keys(table[0]?.ops ?? {})
process.stdout.write(['operation'.padEnd(28), ...table.map((t) => t.name.padStart(28))].join(' ') + '\n')
for (const n of names) {
  process.stdout.write([n.padEnd(28), ...table.map((t) => Math.round(median(t.rates.get(n) ?? [])).toLocaleString('en-US').padStart(28))].join(' ') + '\n')
}
