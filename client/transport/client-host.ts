// A client's own libp2p peer: it dials relay nodes, never listens or gossips.
import { noise } from '@chainsafe/libp2p-noise'
import { identify } from '@libp2p/identify'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'

export async function createClientHost (options: { privateKey?: PrivateKey } = {}): Promise<Libp2p> {
  return await createLibp2p({
    ...(options.privateKey !== undefined ? { privateKey: options.privateKey } : {}),
    addresses: { listen: [] },
    transports: [tcp(), memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify() }
  })
}
