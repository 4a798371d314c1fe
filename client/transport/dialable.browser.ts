// Which node addresses a browser can dial (twin of dialable.ts): only
// WebSockets, /ws or /wss (also /tls/ws). A TCP or memory address is left out
// of the node list instead of failing one dial at a time.
import { multiaddr } from '@multiformats/multiaddr'

const WEBSOCKET_PROTOCOLS = new Set(['ws', 'wss'])

/** The addresses of `nodes` a browser can dial (a /ws or /wss multiaddr), in order. */
export function dialableNodes (nodes: string[]): string[] {
  return nodes.filter(isWebSocketAddress)
}

/** Why none of `nodes` is dialable in a browser (for the Unavailable error). */
export function undialableReason (nodes: string[]): string {
  return nodes.length === 0 ? '' : `a browser dials only /ws or /wss node addresses (got ${nodes.join(', ')})`
}

function isWebSocketAddress (address: string): boolean {
  try {
    return multiaddr(address).getComponents().some((c) => WEBSOCKET_PROTOCOLS.has(c.name))
  } catch {
    return false
  }
}
