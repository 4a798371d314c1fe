// `relaymesh node status MULTIADDR`: ask a running node, as a client would,
// for its peer id, addresses, connections and attached devices.
import { Command } from 'commander'
import { createClientHost } from '../../transport/client-host.js'
import { NodeConnection } from '../../transport/node-connection.js'

export function nodeStatusCommand (): Command {
  return new Command('status')
    .description('ask a running node for its peer id, addresses, connections and attached devices')
    .argument('<multiaddr>', 'the node, with /p2p/<peer id>')
    .option('--json', 'print one JSON object')
    .action(async (address: string, opts: { json?: boolean }) => { await nodeStatus(address, opts.json === true) })
}

async function nodeStatus (address: string, json: boolean): Promise<void> {
  const host = await createClientHost()
  try {
    const conn = await NodeConnection.connect(host, address)
    const status = await conn.status()
    if (json) {
      process.stdout.write(JSON.stringify(status) + '\n')
    } else {
      for (const [k, v] of Object.entries(status)) process.stdout.write(`${k}: ${Array.isArray(v) ? v.join(' ') : String(v)}\n`)
    }
  } finally {
    await host.stop()
  }
}
