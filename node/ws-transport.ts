// The WebSocket listener of a relay node (browsers dial /ip4/…/tcp/N/ws),
// bounded like the TCP one. @libp2p/websockets accepts raw sockets, speaks
// HTTP until the upgrade and only then hands libp2p a connection; its `ws`
// server takes messages up to 100 MiB. Before anything reaches libp2p (its
// connection gater, pending-upgrade limit and upgrade timeout), this module:
// - counts each raw socket against the per-IP cap from the moment it is
//   accepted until it closes (the same IpConnectionLimiter the gater uses for
//   TCP, so a ws connection is one connection, never two);
// - allows at most `maxPending` sockets (outside allowIps) in the HTTP phase
//   at once, and closes a socket not upgraded within `upgradeTimeoutMs`;
// - caps HTTP headers at WS_MAX_HEADER_BYTES and every WebSocket message at
//   WS_MAX_MESSAGE_BYTES (a larger frame closes the connection, code 1009, as
//   soon as its header arrives). Noise never sends a message above 65,535
//   bytes, so honest peers never come near it;
// - catches the `ws` socket's 'error' event (a bad frame), which the library
//   leaves unhandled: one bad frame would otherwise crash the node.
import { Server, type Socket } from 'node:net'
import { webSockets } from '@libp2p/websockets'
import type { CreateListenerOptions, Listener, Transport } from '@libp2p/interface'
import type { IncomingMessage } from 'node:http'
import type { IpConnectionLimiter } from './connection-limits.js'

/** largest WebSocket message accepted (Noise messages are at most 65,535 bytes) */
export const WS_MAX_MESSAGE_BYTES = 128 * 1024
/** largest HTTP request head before the upgrade */
export const WS_MAX_HEADER_BYTES = 8 * 1024

export interface WsLimits {
  /** per-IP open connection counter shared with the TCP connection gater */
  perIp: IpConnectionLimiter
  /** true for addresses that skip the pending cap (allowIps) */
  allowed: (ip: string) => boolean
  /** sockets (outside allowIps) still in their HTTP phase at once */
  maxPending: number
  /** a socket not upgraded to a WebSocket within this is closed, ms */
  upgradeTimeoutMs: number
}

interface WsSocket { on: (event: 'error', cb: (err: Error) => void) => void }

/** What this module needs of @libp2p/websockets' listener; checked at start so an upgrade that changes it fails loudly. */
interface ListenerInternals {
  server: Server
  wsServer: { options: { maxPayload: number }, handleUpgrade: (req: IncomingMessage, socket: Socket, head: Buffer, cb: (ws: WsSocket, req: IncomingMessage) => void) => void }
}

function internals (listener: Listener): ListenerInternals {
  const l = listener as unknown as Partial<ListenerInternals>
  if (!(l.server instanceof Server) || typeof l.wsServer?.options?.maxPayload !== 'number' || typeof l.wsServer.handleUpgrade !== 'function') {
    throw new Error('@libp2p/websockets listener internals changed: cannot bound it (node/ws-transport.ts)')
  }
  return l as ListenerInternals
}

function bound (listener: Listener, limits: WsLimits): void {
  const { server, wsServer } = internals(listener)
  wsServer.options.maxPayload = WS_MAX_MESSAGE_BYTES
  const upgraded = new WeakMap<Socket, () => void>()
  const handleUpgrade = wsServer.handleUpgrade.bind(wsServer)
  wsServer.handleUpgrade = (req, socket, head, cb) => {
    handleUpgrade(req, socket, head, (ws, request) => {
      upgraded.get(socket)?.()
      // `ws` reports a bad frame (too large, bad opcode, bad mask) as an 'error' event and then
      // closes the socket itself; @libp2p/websockets listens for no 'error', so without this
      // one bad frame would throw out of the event loop and take the whole node down
      ws.on('error', () => {})
      cb(ws, request)
    })
  }
  // run the library's own socket handler only for sockets within the limits
  const handlers = server.listeners('connection') as Array<(socket: Socket) => void>
  server.removeAllListeners('connection')
  let pending = 0
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress
    const release = ip === undefined ? undefined : limits.perIp.acquire(ip)
    const exempt = ip !== undefined && limits.allowed(ip)
    if (release === undefined || (!exempt && pending >= limits.maxPending)) {
      release?.()
      socket.destroy()
      return
    }
    socket.once('close', release)
    if (!exempt) pending++
    const timer = setTimeout(() => { socket.destroy() }, limits.upgradeTimeoutMs)
    timer.unref()
    let inHttp = true
    const leaveHttp = (): void => {
      if (!inHttp) return
      inHttp = false
      clearTimeout(timer)
      if (!exempt) pending--
      upgraded.delete(socket)
    }
    upgraded.set(socket, leaveHttp)
    socket.once('close', leaveHttp)
    for (const h of handlers) h.call(server, socket)
  })
}

/**
 * @libp2p/websockets with the listener bounds above. A relay dials other
 * relays over TCP only: /ws is the browsers' way in (and Node 20 has no
 * global WebSocket to dial with).
 */
export function boundedWebSockets (limits: WsLimits): (components: any) => Transport {
  const factory = webSockets({
    http: { maxHeaderSize: WS_MAX_HEADER_BYTES, headersTimeout: limits.upgradeTimeoutMs, requestTimeout: limits.upgradeTimeoutMs }
  })
  return (components) => {
    const transport = factory(components)
    transport.dialFilter = () => []
    const create = transport.createListener.bind(transport)
    transport.createListener = (options: CreateListenerOptions): Listener => {
      const listener = create(options)
      bound(listener, limits)
      return listener
    }
    return transport
  }
}
