// `relaymesh node status MULTIADDR`: ask a running node, as a client would,
// for its peer id, addresses, the relays it has admitted, its connections and
// attached devices.
import { Command } from 'commander'
import { checkNodeAddress } from '../../config.js'
import { createClientHost } from '../../transport/client-host.js'
import { NodeConnection } from '../../transport/node-connection.js'
import { globalOptions } from '../session.js'

/** how each status field is shown as text (fields a newer node adds are shown by their own name) */
const LABELS: Record<string, string> = {
  peerId: 'peer id',
  multiaddrs: 'addresses',
  relays: 'relays (admitted, live; self excluded)',
  nodeRecords: 'node records held (admitted; self excluded)',
  relayAddresses: 'other relays (signed addresses; /ws ones for browsers)',
  connections: 'open connections (relays, clients, this one)',
  relayConnections: 'relays connected now (overlay neighbours and relays worked with)',
  overlayNeighbours: 'overlay neighbours (relays it keeps a connection to)',
  attached: 'attached devices',
  replicas: 'replicas per mailbox',
  writeQuorum: 'write quorum'
}

export function nodeStatusCommand (): Command {
  return new Command('status')
    .description('ask a running node for its peer id, addresses, admitted relays, connections and attached devices')
    .argument('<multiaddr>', 'the node, with /p2p/<peer id>')
    .option('--json', 'print one JSON object')
    .action(async (address: string, _opts: unknown, cmd: Command) => { await nodeStatus(address, globalOptions(cmd).json) })
}

async function nodeStatus (address: string, json: boolean): Promise<void> {
  checkNodeAddress(address)
  const host = await createClientHost()
  try {
    const conn = await NodeConnection.connect(host, address)
    const status = await conn.status()
    if (json) {
      process.stdout.write(JSON.stringify(status) + '\n')
    } else {
      for (const [k, v] of Object.entries(status)) process.stdout.write(`${LABELS[k] ?? k}: ${Array.isArray(v) ? v.join(' ') : String(v)}\n`)
    }
  } finally {
    await host.stop()
  }
}
