// The bare stack for `npm run bench:node`: a libp2p node (TCP, Noise, yamux)
// that echoes length-prefixed frames on one protocol, with no other logic.
// Prints its multiaddr as one line on stdout, stops on SIGTERM.
import '../../node/runtime/polyfills.js'
import { noise } from '@chainsafe/libp2p-noise'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { lpStream } from '@libp2p/utils'
import { createLibp2p } from 'libp2p'

export const BARE_PROTOCOL = '/relaymesh-bench/echo/1.0.0'

async function main (): Promise<void> {
  const node = await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()]
  })
  await node.handle(BARE_PROTOCOL, (stream) => {
    void (async () => {
      const lp = lpStream(stream, { maxDataLength: 1024 * 1024 })
      try {
        for (;;) await lp.write(await lp.read())
      } catch {
        stream.abort(new Error('done'))
      }
    })()
  }, { maxInboundStreams: 64 })
  await node.start()
  process.stdout.write(String(node.getMultiaddrs()[0]) + '\n')
  process.on('SIGTERM', () => { void Promise.resolve(node.stop()).then(() => process.exit(0)) })
}

// only when run as a script: bench-node imports BARE_PROTOCOL from here
if (process.argv[1]?.endsWith('bare-echo-server.js') === true) await main()
