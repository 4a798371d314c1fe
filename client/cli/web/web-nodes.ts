// The relay nodes `relaymesh web` hands the page (/config.json): a browser
// dials libp2p WebSockets only, so every node must be given by its /ws
// address. A --node that is TCP gets one line saying so; a configured node
// (from `relaymesh config`) that is TCP is asked for its addresses (`node
// status`) and its /ws address is used when it reports one.
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

/** --node values are used as given; TCP ones are left out with a note. */
export function nodesFromFlags (flags: string[]): WebNodes {
  const nodes: string[] = []
  const notes: string[] = []
  for (const flag of flags) {
    const address = checkNodeAddress(flag)
    if (isWebSocketAddress(address)) nodes.push(address)
    else notes.push(`${address} is a TCP address: a browser needs the node's /ws address (\`relaymesh node status ${address}\` lists it)`)
  }
  return { nodes: nodes.slice(0, MAX_WEB_NODES), notes }
}

/** Configured nodes: /ws ones as they are; TCP ones replaced by the /ws address their status reports. */
export async function nodesFromConfig (configured: string[]): Promise<WebNodes> {
  const nodes: string[] = []
  const notes: string[] = []
  const tcp = configured.filter((a) => !isWebSocketAddress(a))
  nodes.push(...configured.filter(isWebSocketAddress))
  if (tcp.length > 0) {
    const host = await createClientHost()
    try {
      for (const address of tcp) {
        const ws = await askWebSocketAddress(host, address).catch(() => undefined)
        if (ws !== undefined) nodes.push(ws)
        else notes.push(`${address} is a TCP address and the node did not report a /ws one: a browser needs the node's /ws address (--node MULTIADDR/ws/…)`)
      }
    } finally {
      await host.stop()
    }
  }
  return { nodes: nodes.slice(0, MAX_WEB_NODES), notes }
}

async function askWebSocketAddress (host: Awaited<ReturnType<typeof createClientHost>>, address: string): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error('timeout')) }, NODE_STATUS_TIMEOUT_MS) })
  try {
    const status = await Promise.race([(async () => {
      const conn = await NodeConnection.connect(host, address)
      return await conn.status()
    })(), timeout])
    const reported = Array.isArray(status.multiaddrs) ? status.multiaddrs.filter((a): a is string => typeof a === 'string') : []
    const peerId = address.split('/p2p/')[1] ?? String(status.peerId)
    return pickWebSocketAddress(reported, peerId)
  } finally {
    clearTimeout(timer)
  }
}
