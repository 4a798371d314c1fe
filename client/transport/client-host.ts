// A client's own libp2p peer: it dials relay nodes (TCP, or WebSockets for a
// node's /ws address), never listens or gossips. The libp2p stack is loaded
// on the first call, not at import: a CLI command that never touches the
// network (init, contacts, history, status, --help…) does not pay for it
// (about 0.4 s of module loading per process here).
import { createRequire } from 'node:module'
import type { Libp2p } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import { CONNECTION_PING_INTERVAL_MS } from './constants.js'
import { lazyYamux } from '../../protocol/yamux-window.js'

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
  const [{ createLibp2p }, { noise }, { identify }, { memory }, { tcp }, { webSockets }, { yamux }] = await Promise.all([
    import('libp2p'), import('@chainsafe/libp2p-noise'), import('@libp2p/identify'), import('@libp2p/memory'),
    import('@libp2p/tcp'), import('@libp2p/websockets'), import('@libp2p/yamux')
  ])
  return await createLibp2p({
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    addresses: { listen: [] },
    transports: [tcp(), webSockets(), memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [lazyYamux(yamux())],
    connectionMonitor: { pingInterval: CONNECTION_PING_INTERVAL_MS },
    services: { identify: identify() }
  })
}
