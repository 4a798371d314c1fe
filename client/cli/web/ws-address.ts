// Which node addresses a browser can dial (libp2p WebSockets, `/ws` or `/wss`)
// and what the page's Content-Security-Policy must allow for them (ws://host:port).
import { multiaddr } from '@multiformats/multiaddr'

/** the address is a WebSocket one (a browser can dial it) */
export function isWebSocketAddress (address: string): boolean {
  try {
    return multiaddr(address).getComponents().some((c) => c.name === 'ws' || c.name === 'wss' || c.name === 'tls')
  } catch {
    return false
  }
}

/** `ws://host:port` (or wss://) for a /ws multiaddr, as a CSP source; undefined for anything else */
export function webSocketOrigin (address: string): string | undefined {
  let components
  try {
    components = multiaddr(address).getComponents()
  } catch {
    return undefined
  }
  const host = components.find((c) => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(c.name))
  const tcp = components.find((c) => c.name === 'tcp')
  if (host?.value === undefined || tcp?.value === undefined) return undefined
  const secure = components.some((c) => c.name === 'wss' || c.name === 'tls')
  if (!secure && !components.some((c) => c.name === 'ws')) return undefined
  if (!/^[A-Za-z0-9.:-]+$/.test(host.value) || !/^[0-9]{1,5}$/.test(tcp.value)) return undefined
  const name = host.name === 'ip6' ? `[${host.value}]` : host.value
  return `${secure ? 'wss' : 'ws'}://${name}:${tcp.value}`
}

/** A node's /ws address among the addresses it reports, on the host `dialled` names when it has one there (with /p2p/<peer id> added when missing). */
export function pickWebSocketAddress (addresses: string[], peerId: string, dialled?: string): string | undefined {
  const ws = addresses.filter(isWebSocketAddress)
  const host = dialled?.split('/').slice(0, 3).join('/')
  const found = (host !== undefined ? ws.find((a) => a.startsWith(host + '/')) : undefined) ?? ws[0]
  if (found === undefined) return undefined
  return found.includes('/p2p/') ? found : `${found}/p2p/${peerId}`
}
