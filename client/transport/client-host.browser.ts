// A client's own libp2p peer in a browser (twin of client-host.ts, same
// export): browsers can only open WebSockets, so it dials nodes' /ws and /wss
// addresses (dialable.browser.ts keeps the others out of the node list).
// libp2p's browser default refuses insecure /ws and private addresses; the
// nodes here are the ones the user configured (a node on this machine or the
// LAN is normal), and Noise authenticates the /p2p/ id either way, so that
// refusal is turned off. A page served over https can still only open wss:
// (the browser blocks ws: as mixed content).
import { noise } from '@chainsafe/libp2p-noise'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import { CONNECTION_PING_INTERVAL_MS } from './constants.js'
import { lazyYamux } from '../../protocol/yamux-window.js'

export async function createClientHost (options: { privateKey?: PrivateKey } = {}): Promise<Libp2p> {
  return await createLibp2p({
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    addresses: { listen: [] },
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [lazyYamux(yamux())],
    connectionGater: { denyDialMultiaddr: async () => false },
    connectionMonitor: { pingInterval: CONNECTION_PING_INTERVAL_MS },
    services: { identify: identify() }
  })
}
