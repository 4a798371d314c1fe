// A client's own libp2p peer: it dials relay nodes (TCP, or WebSockets for a
// node's /ws address), never listens or gossips.
import { noise } from '@chainsafe/libp2p-noise'
import { identify } from '@libp2p/identify'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import { createRequire } from 'node:module'
import type { PrivateKey } from '@libp2p/interface'

/**
 * @libp2p/websockets dials with the global WebSocket, which Node has only from
 * version 22: on Node 20 use the `ws` package that @libp2p/websockets itself
 * depends on (and listens with), resolved from there.
 */
function ensureWebSocket (): void {
  const g = globalThis as { WebSocket?: unknown }
  if (typeof g.WebSocket === 'function') return
  const require = createRequire(import.meta.resolve('@libp2p/websockets'))
  g.WebSocket = (require('ws') as { WebSocket: unknown }).WebSocket
}

export async function createClientHost (options: { privateKey?: PrivateKey } = {}): Promise<Libp2p> {
  ensureWebSocket()
  return await createLibp2p({
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    addresses: { listen: [] },
    transports: [tcp(), webSockets(), memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
}
