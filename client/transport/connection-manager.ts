// Keeps this device attached to one relay node of a list: connect() dials
// the nodes in order and attaches to the first that answers; when the node
// goes away it reconnects with exponential backoff (with jitter), trying
// the same node first and then the others. Callers wait for a connection
// with ready().
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import type { DeviceCredentials } from '../device.js'
import { createClientHost } from './client-host.js'
import { NodeConnection } from './node-connection.js'
import { unrefTimer } from '../util/timers.js'
import { dialableNodes, undialableReason } from './dialable.js'

export const DIAL_TIMEOUT_MS = 5_000
export const BACKOFF_MIN_MS = 250
export const BACKOFF_MAX_MS = 30_000

export interface ConnectionEvents {
  onEnvelope: (envelope: Envelope, conn: NodeConnection) => void
  onLowPreKeys: (remaining: number, conn: NodeConnection) => void
  /** after each successful attach (first connect and every reconnect): publish, top up, drain */
  onAttached: (conn: NodeConnection) => Promise<void>
  /**
   * The node holds a newer device list than ours (attach refused: Stale): adopt
   * the newest (over `conn`, not attached) before one more try; throw when this
   * device is no longer in it
   */
  onStaleDeviceList?: (conn: NodeConnection) => Promise<void>
}

/** An attach failure no other node would answer differently (this device was removed). */
class StopTrying extends Error {
  constructor (readonly reason: Error) {
    super(reason.message)
  }
}

export class ConnectionManager {
  private host: Libp2p | undefined
  private current: NodeConnection | undefined
  private index = 0
  private closing = false
  private reconnecting: Promise<void> | undefined
  private waiters: Array<() => void> = []
  private backoffTimer: NodeJS.Timeout | undefined
  /** the configured nodes this platform can dial (a browser: /ws and /wss only) */
  private readonly nodes: string[]

  constructor (
    private readonly configured: string[],
    private readonly credentials: () => DeviceCredentials,
    private readonly events: ConnectionEvents,
    private readonly log: Logger
  ) {
    this.nodes = dialableNodes(configured)
  }

  get connection (): NodeConnection | undefined {
    return this.current?.attached === true ? this.current : undefined
  }

  /** Attach to the first node (from `start`) that answers; Unavailable naming every node tried otherwise. */
  async connect (start = 0): Promise<NodeConnection> {
    if (this.configured.length === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'no relay node configured: pass --node MULTIADDR or run `relaymesh config set node MULTIADDR`')
    if (this.nodes.length === 0) throw new RelaymeshError(ErrorCode.Unavailable, `no relay node this client can dial: ${undialableReason(this.configured)}`)
    this.closing = false
    this.host ??= await createClientHost()
    const failures: string[] = []
    for (let i = 0; i < this.nodes.length; i++) {
      const n = (start + i) % this.nodes.length
      const address = this.nodes[n] as string
      try {
        const conn = await this.attachTo(address)
        this.index = n
        return conn
      } catch (err) {
        // refused for who we are (a removed device), not for where: no other node takes us either
        if (err instanceof StopTrying) throw err.reason
        failures.push(`${address} (${(err as Error).message})`)
        this.log.debug({ node: address, err: (err as Error).message }, 'node did not answer')
      }
      if (this.closing) break
    }
    throw new RelaymeshError(ErrorCode.Unavailable, `no relay node answered; tried ${failures.join('; ')}`)
  }

  private async attachTo (address: string): Promise<NodeConnection> {
    const host = this.host as Libp2p
    const conn = await NodeConnection.connect(host, address, AbortSignal.timeout(DIAL_TIMEOUT_MS))
    const handlers = {
      onEnvelope: (env: Envelope) => { this.events.onEnvelope(env, conn) },
      onLowPreKeys: (remaining: number) => { this.events.onLowPreKeys(remaining, conn) },
      onClose: (err?: Error) => { this.lost(conn, err) }
    }
    try {
      try {
        await conn.attach(this.credentials(), handlers, AbortSignal.timeout(DIAL_TIMEOUT_MS * 2))
      } catch (err) {
        // the node knows a newer device list (another of our devices linked or removed one): take it, then try again once
        if (!RelaymeshError.is(err, ErrorCode.Stale) || this.events.onStaleDeviceList === undefined) throw err
        try {
          await this.events.onStaleDeviceList(conn)
        } catch (reason) {
          throw new StopTrying(reason as Error)
        }
        await conn.attach(this.credentials(), handlers, AbortSignal.timeout(DIAL_TIMEOUT_MS * 2))
      }
      this.current = conn
      await this.events.onAttached(conn)
    } catch (err) {
      await conn.detach().catch(() => {})
      if (this.current === conn) this.current = undefined
      throw err
    }
    this.log.info({ node: address }, 'attached')
    for (const w of this.waiters.splice(0)) w()
    return conn
  }

  private lost (conn: NodeConnection, err?: Error): void {
    if (this.current !== conn) return
    this.current = undefined
    if (this.closing) return
    this.log.warn({ node: conn.address, err: err?.message }, 'node went away; reconnecting')
    this.reconnecting ??= this.reconnectLoop().finally(() => { this.reconnecting = undefined })
  }

  private async reconnectLoop (): Promise<void> {
    for (let attempt = 0; !this.closing; attempt++) {
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt) * (0.5 + Math.random() / 2)
      await new Promise<void>((resolve) => { this.backoffTimer = setTimeout(resolve, delay); unrefTimer(this.backoffTimer) })
      if (this.closing) return
      try {
        // the same node first: its mailbox view and our presence are there
        await this.connect(this.index)
        return
      } catch (err) {
        this.log.debug({ attempt, err: (err as Error).message }, 'reconnect failed')
      }
    }
  }

  /** The attached connection, waiting up to `timeoutMs` for a reconnect; Unavailable otherwise. */
  async ready (timeoutMs = 10_000): Promise<NodeConnection> {
    const now = this.connection
    if (now !== undefined) return now
    if (this.reconnecting === undefined && this.current === undefined) {
      // never connected (or gave up): connect now
      return await this.connect(this.index)
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new RelaymeshError(ErrorCode.Unavailable, `not attached to any relay node (reconnecting for ${timeoutMs} ms without success)`)) }, timeoutMs)
      this.waiters.push(() => { clearTimeout(timer); resolve() })
    })
    return await this.ready(timeoutMs)
  }

  async close (): Promise<void> {
    this.closing = true
    clearTimeout(this.backoffTimer)
    const conn = this.current
    this.current = undefined
    await conn?.detach().catch(() => {})
    await Promise.resolve(this.host?.stop()).catch(() => {})
    this.host = undefined
  }
}
