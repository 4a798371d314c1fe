// The relay nodes `relaymesh web` hands the page (/config.json): a browser
// dials libp2p WebSockets only, so every node must be given by its /ws
// address. A /ws address is used as it is. A TCP one (from --node or from
// `relaymesh config`) gets one line saying that a browser needs the /ws
// address, and the node is asked (`node status`) for the /ws address it
// listens on, which is used when it reports one.
import { createClientHost } from '../../transport/client-host.js'
import { NodeConnection } from '../../transport/node-connection.js'
import { checkNodeAddress } from '../../config.js'
import { MAX_WEB_NODES, NODE_STATUS_TIMEOUT_MS } from './constants.js'
import { isWebSocketAddress, pickWebSocketAddress } from './ws-address.js'

export interface WebNodes {
  nodes: string[]
  /** one line each, for the person starting the server */
  notes: string[]
}

/** `ask`: how a TCP node is asked for its /ws address (tests pass a stub-free real one or none) */
export async function webNodes (addresses: string[], ask: (tcp: string[]) => Promise<Map<string, string>> = askWebSocketAddresses): Promise<WebNodes> {
  const checked = addresses.map(checkNodeAddress)
  const tcp = checked.filter((a) => !isWebSocketAddress(a))
  const found = tcp.length > 0 ? await ask(tcp) : new Map<string, string>()
  const nodes: string[] = []
  const notes: string[] = []
  for (const address of checked) {
    if (isWebSocketAddress(address)) { nodes.push(address); continue }
    const ws = found.get(address)
    if (ws !== undefined) nodes.push(ws)
    notes.push(`${address} is a TCP address: a browser needs the node's /ws address; ${ws !== undefined ? `using ${ws}, which the node reports` : 'the node did not answer with one (`relaymesh node status` lists its addresses)'}`)
  }
  return { nodes: [...new Set(nodes)].slice(0, MAX_WEB_NODES), notes }
}

/** Ask each node (over TCP, as a client) for the /ws address it listens on. */
export async function askWebSocketAddresses (tcp: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  const host = await createClientHost()
  try {
    await Promise.all(tcp.map(async (address) => {
      const ws = await askOne(host, address).catch(() => undefined)
      if (ws !== undefined) found.set(address, ws)
    }))
  } finally {
    await host.stop()
  }
  return found
}

async function askOne (host: Awaited<ReturnType<typeof createClientHost>>, address: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error('timeout')) }, NODE_STATUS_TIMEOUT_MS) })
  try {
    const status = await Promise.race([(async () => {
      const conn = await NodeConnection.connect(host, address)
      return await conn.status()
    })(), timeout])
    const reported = Array.isArray(status.multiaddrs) ? status.multiaddrs.filter((a): a is string => typeof a === 'string') : []
    const peerId = address.split('/p2p/')[1] ?? String(status.peerId)
    return pickWebSocketAddress(reported, peerId, address)
  } finally {
    clearTimeout(timer)
  }
}
