// The peers a client sends to and hears from, as the mesh shows them: users
// looked up (reused for USER_CACHE_MS by senders), their signed records verified
// once per exact bytes, and the identity keys first remembered on disk.
// Lookups of other users go over the send channel: the attached node never
// learns whom we look up.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RecordCache } from '../../protocol/records.js'
import { knownIdentityKey, peerOp } from '../contacts.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import type { MessagingContext } from './context.js'
import { lookupUser, type PeerUser } from './user-directory.js'

/** a looked-up user is reused this long by send() (device lists change rarely; a stale one only misses a new device) */
/** where a user's signed records come from: a node connection, or records already fetched */
type RecordSource = Parameters<typeof lookupUser>[0]

export const USER_CACHE_MS = 30_000
/** a device list and bundles per device of each recent peer */
const CLIENT_RECORD_CACHE_ENTRIES = 256

export class PeerDirectory {
  private readonly users = new Map<string, { user: PeerUser, at: number }>()
  /** peers' signed records verified once per exact bytes (a lookup repeats after USER_CACHE_MS) */
  private readonly records = new RecordCache(CLIENT_RECORD_CACHE_ENTRIES)
  private readonly knownPeers = new Set<string>()

  /** `attached`: the connection we are attached to, if any (no waiting) */
  constructor (private readonly ctx: MessagingContext, private readonly attached: () => NodeConnection | undefined) {}

  /** A user to send to: cached for USER_CACHE_MS (`conn` is the caller's; the lookup goes over the send channel). */
  async user (conn: NodeConnection, userId: string): Promise<PeerUser> {
    const cached = this.users.get(userId)
    const now = this.ctx.now()
    // a listed device without a bundle yet (just linked, gossip on its way) is looked up again rather than skipped for USER_CACHE_MS
    if (cached !== undefined && now - cached.at < USER_CACHE_MS && cached.user.devices.every((d) => d.bundle !== undefined)) return cached.user
    // over the send channel: the attached node never learns whom we look up
    const user = await lookupUser(this.ctx.outbound, userId, now, this.records)
    this.users.set(userId, { user, at: now })
    this.ctx.senders?.learn(userId, user.deviceListSeq, user.devices.map((d) => d.deviceId), now)
    return user
  }

  /** A sender's latest device list for the receive check; undefined when the mesh holds none. */
  async deviceListOf (userId: string): Promise<{ seq: number, deviceIds: number[] } | undefined> {
    const conn = this.attached()
    if (conn === undefined) throw new RelaymeshError(ErrorCode.Unavailable, 'not attached')
    try {
      // always a fresh lookup (the check must see a removal), kept for sending back to this user
      const now = this.ctx.now()
      const user = await lookupUser(this.ctx.outbound, userId, now, this.records)
      this.users.set(userId, { user, at: now })
      return { seq: user.deviceListSeq, deviceIds: user.devices.map((d) => d.deviceId) }
    } catch (err) {
      if (RelaymeshError.is(err, ErrorCode.NotFound)) return undefined
      throw err
    }
  }

  /** Our own user as the node `conn` holds it (asked of the attached node, which knows us anyway). */
  async own (conn: RecordSource, now: number): Promise<PeerUser> {
    return await lookupUser(conn, this.ctx.identity.userId, now, this.records)
  }

  /** A user's identity key: the one kept on disk, else looked up through `ready()` and kept. */
  async identityKey (userId: string, ready: () => Promise<NodeConnection>): Promise<Uint8Array> {
    const key = await knownIdentityKey(this.ctx.store, userId)
    if (key !== undefined) return key
    const peer = await this.user(await ready(), userId)
    const ops: StoreOp[] = []
    this.rememberPeer(peer, ops)
    await this.ctx.store.batch(ops)
    return peer.identityKey
  }

  /** Drop a cached lookup: the next user() asks the mesh. */
  forget (userId: string): void {
    this.users.delete(userId)
  }

  /** Add the op that keeps a peer's identity key, the first time this client meets it. */
  rememberPeer (peer: { userId: string, identityKey: Uint8Array }, ops: StoreOp[]): void {
    if (this.knownPeers.has(peer.userId)) return
    this.knownPeers.add(peer.userId)
    ops.push(peerOp(this.ctx.store, peer.userId, peer.identityKey))
  }
}
