// The crypto backends of the Node build (the browser bundle takes crypto-backend.browser.ts).
// ML-KEM (docs/protocol.md §1, ML-KEM backends): native where node:crypto has it
// (Node.js >= 24.7), @noble/post-quantum elsewhere. RELAYMESH_ML_KEM=noble
// forces the pure-JavaScript one (benchmarks compare the two), =native
// refuses to start without the native one.
import { nobleMlKem } from './crypto-backend-noble-ml-kem.js'
import { nativeMlKem } from './crypto-backend-node-ml-kem.js'
import type { MlKemBackend } from './crypto-backend-types.js'
export { nodeBackend as backend } from './crypto-backend-node.js'

function chooseMlKem (want: string | undefined): MlKemBackend {
  if (want !== undefined && want !== '' && want !== 'native' && want !== 'noble') throw new Error(`RELAYMESH_ML_KEM=${want}: expected native or noble`)
  if (want === 'noble') return nobleMlKem
  const native = nativeMlKem()
  if (native !== null) return native.backend
  if (want === 'native') throw new Error(`RELAYMESH_ML_KEM=native: Node.js ${process.version} has no usable native ML-KEM (needs >= 24.7 built with OpenSSL 3.5)`)
  return nobleMlKem
}

export const mlkemBackend: MlKemBackend = chooseMlKem(process.env.RELAYMESH_ML_KEM)
