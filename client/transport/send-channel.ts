// Where sealed sends leave from: a libp2p peer of its own, with a throwaway
// key made for this client run, never the one this device attaches with.
// It prefers a node other than the one the device is attached to, so the node
// that accepts an envelope is not the node that knows the device; with one
// node, that node still sees two unrelated peers (the IP address and timing
// may link them: docs/security.md). Lookups of other users go this way too.
import type { Libp2p } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { ClientResponse } from '../../protocol/pb/client-api.js'
import { createClientHost } from './client-host.js'
import { DIAL_TIMEOUT_MS } from './connection-manager.js'
import { NodeConnection } from './node-connection.js'
import { claimSealed, sendSealed, StampBits, type ProfileKeyOf, type Recipient, type SealedSendOptions } from './sealed-send.js'
import { dialableNodes } from './dialable.js'

export class SendChannel {
  private host: Libp2p | undefined
  private conn: NodeConnection | undefined
  private connecting: Promise<NodeConnection> | undefined
  private readonly bits = new StampBits()
  private closed = false
  /** the configured nodes this platform can dial (a browser: /ws and /wss only) */
  private readonly nodes: string[]

  constructor (
    configured: string[],
    /** the address of the node this device is attached to now (undefined: none) */
    private readonly attachedTo: () => string | undefined,
    private readonly profileKeyOf: ProfileKeyOf,
    private readonly log: Logger
  ) {
    this.nodes = dialableNodes(configured)
  }

  /** A sealed send; on a lost connection, once more over a fresh one (the envelope id makes a repeat harmless). */
  async send (to: Recipient[], envelopeId: Uint8Array, payload: Uint8Array, options: SealedSendOptions = {}): Promise<ClientResponse> {
    return await this.withConnection(async (conn) => await sendSealed(conn, to, envelopeId, payload, this.profileKeyOf, this.bits, options))
  }

  /** A one-time prekey of `to`'s device, claimed without naming us. */
  async claimPreKey (to: Recipient): Promise<{ prekey: Uint8Array | undefined, remaining: number }> {
    return await this.withConnection(async (conn) => await claimSealed(conn, to, this.profileKeyOf, this.bits))
  }

  /** Presence blobs by id (client/presence): which contacts we follow is not linked to us. */
  async presence (ids: Uint8Array[]): Promise<Uint8Array[]> {
    return await this.withConnection(async (conn) => await conn.presence(ids))
  }

  /** A user's records (device list, bundles, profile), asked over this channel: the attached node never learns whom we look up. */
  async getUser (userId: string): Promise<Uint8Array[]> {
    return await this.withConnection(async (conn) => await conn.getUser(userId))
  }

  /** The connection of `request`, as `run` uses it; an unreachable node is dropped and the next one tried once. */
  async withConnection<T> (run: (conn: NodeConnection) => Promise<T>): Promise<T> {
    const conn = await this.connection()
    try {
      return await run(conn)
    } catch (err) {
      if (!RelaymeshError.is(err, ErrorCode.Unavailable) && !RelaymeshError.is(err, ErrorCode.Timeout)) throw err
      this.log.debug({ node: conn.address, err: (err as Error).message }, 'send channel lost its node; trying another')
      await this.drop(conn)
      return await run(await this.connection(conn.address))
    }
  }

  /** Nodes in the order to try: not the attached one first (then it, as a last resort), `avoid` last. */
  private order (avoid?: string): string[] {
    const attached = this.attachedTo()
    const others = this.nodes.filter((n) => n !== attached && n !== avoid)
    // spread clients over the other nodes rather than all on the first
    const start = others.length > 0 ? Math.floor(Math.random() * others.length) : 0
    const rotated = [...others.slice(start), ...others.slice(0, start)]
    return [...rotated, ...this.nodes.filter((n) => n === attached && n !== avoid), ...this.nodes.filter((n) => n === avoid)]
  }

  private async connection (avoid?: string): Promise<NodeConnection> {
    if (this.closed) throw new RelaymeshError(ErrorCode.InvalidState, 'the send channel is closed')
    if (this.conn !== undefined && avoid === undefined) return this.conn
    this.connecting ??= (async () => {
      this.host ??= await createClientHost()
      const failures: string[] = []
      for (const address of this.order(avoid)) {
        try {
          const conn = await NodeConnection.connect(this.host, address, AbortSignal.timeout(DIAL_TIMEOUT_MS))
          this.conn = conn
          return conn
        } catch (err) {
          failures.push(`${address} (${(err as Error).message})`)
        }
      }
      throw new RelaymeshError(ErrorCode.Unavailable, `no relay node answered for sending; tried ${failures.join('; ')}`)
    })().finally(() => { this.connecting = undefined })
    return await this.connecting
  }

  private async drop (conn: NodeConnection): Promise<void> {
    if (this.conn === conn) this.conn = undefined
    await conn.detach().catch(() => {})
    await this.host?.hangUp(conn.nodePeerId).catch(() => {})
  }

  async close (): Promise<void> {
    this.closed = true
    const conn = this.conn
    this.conn = undefined
    await conn?.detach().catch(() => {})
    await Promise.resolve(this.host?.stop()).catch(() => {})
    this.host = undefined
  }
}
