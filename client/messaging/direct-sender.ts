// 1:1 sending: a text message to every device of a user (and a copy to our own
// other devices), and the fresh session answered to a device whose session with
// us broke (SESSION_RESET). Lookups and prekey claims run outside the session
// lock; encryption and persistence under it, and sessions are persisted (synced)
// before anything leaves.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { withProfileKey } from '../profiles/profile-keys.js'
import { fewestReplicas, markStored, statusOp } from '../receipts/message-status.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import { hex } from '../util/bytes.js'
import type { Serial } from '../util/serial.js'
import { ContentKind, encodeContent, newMessageId, type AppContent } from './content.js'
import type { MessagingContext } from './context.js'
import type { EnvelopeIds } from './envelope-id.js'
import type { PeerDirectory } from './peer-directory.js'
import { claimPreKeys, encryptForTargets, targetsOf, type Target } from './sender.js'
import { checkUserId } from './user-directory.js'

/** a broken session with one device is answered with a fresh one at most this often */
export const RESET_INTERVAL_MS = 60_000

export interface DirectSenderDeps {
  ctx: MessagingContext
  serial: Serial
  ids: EnvelopeIds
  peers: PeerDirectory
  ready: () => Promise<NodeConnection>
  /** the attached connection, if any (no waiting) */
  connection: () => NodeConnection | undefined
  /** one synced batch; drops caches on failure */
  persist: (ops: StoreOp[]) => Promise<void>
  /** we write to `userId`: that accepts them (client/requests) */
  wroteTo: (userId: string) => Promise<void>
  /** the message's sequence number in the conversation with `toUserId` (client/gaps), persisted before it leaves */
  sequence?: (toUserId: string, messageIdHex: string) => Promise<number>
}

export class DirectSender {
  private readonly resetAt = new Map<string, number>()

  constructor (private readonly d: DirectSenderDeps) {}

  /** Resolves once the mesh stored the message for every device of `toUserId`; `replicas`: the fewest that persisted one. */
  async send (toUserId: string, text: string): Promise<{ id: string, replicas: number }> {
    const { ctx, serial, ids, peers } = this.d
    const self = ctx.identity.userId
    checkUserId(toUserId)
    if (typeof text !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'text must be a string')
    if (toUserId === self) throw new RelaymeshError(ErrorCode.Invalid, 'cannot send a message to yourself')
    await this.d.wroteTo(toUserId) // writing to someone accepts them (client/requests)
    const messageId = newMessageId()
    let content: AppContent = await withProfileKey(ctx, toUserId, { messageId, sentAt: ctx.now(), kind: ContentKind.TEXT, text })
    let plaintext = encodeContent(content) // Invalid when too long, before any network work
    const seq = await this.d.sequence?.(toUserId, hex(messageId))
    if (seq !== undefined) { content = { ...content, seq }; plaintext = encodeContent(content) }
    const conn = await this.d.ready()
    const peer = await peers.user(conn, toUserId)
    const targets = targetsOf(peer)
    if (!targets.some((t) => t.bundle !== undefined)) throw new RelaymeshError(ErrorCode.NotFound, `user ${toUserId} has published no prekey bundle`)
    // our own other devices get a copy that names the conversation
    const own = ctx.identity.otherDeviceIds.length > 0 ? targetsOf(await peers.user(conn, self), ctx.identity.deviceId) : []
    await claimPreKeys(ctx, [...targets, ...own])
    const idHex = hex(messageId)
    const envelopes = await serial.run(async () => {
      const ops: StoreOp[] = []
      const out = await encryptForTargets(ctx, targets, plaintext, ids, ops)
      if (own.length > 0) out.push(...await encryptForTargets(ctx, own, encodeContent({ ...content, destination: toUserId }), ids, ops))
      peers.rememberPeer(peer, ops)
      // delivery state (client/receipts) exists before any receipt can come back
      ops.push(statusOp(ctx.store, { id: idHex, to: toUserId, state: 'sending', replicas: 0, sentAt: content.sentAt }))
      // sessions are persisted before anything leaves: a crash after the send never reuses a message key
      await this.d.persist(ops)
      return out
    })
    const answers = await Promise.all(envelopes.map(async (e) => await ctx.outbound.send([e.target], e.id, e.payload)))
    const now = ctx.now()
    const ops: StoreOp[] = [ctx.messages.seenMessageOp(self, idHex, now)]
    const replicas = fewestReplicas(answers.slice(0, envelopes.filter((e) => e.target.userId === toUserId).length))
    ctx.messages.append({ id: idHex, from: self, peer: toUserId, group: null, text, sentAt: content.sentAt, receivedAt: now, outgoing: true }, ops, false)
    await serial.run(async () => { await ctx.store.batch([...ops, ...await markStored(ctx.store, idHex, replicas, now)]) })
    return { id: idHex, replicas }
  }

  /** A fresh session to a device whose session with us broke, announced by a SESSION_RESET content. */
  async sendReset (userId: string, deviceId: number): Promise<void> {
    const key = `${userId}/${deviceId}`
    const now = this.d.ctx.now()
    if (now - (this.resetAt.get(key) ?? -Infinity) < RESET_INTERVAL_MS) return
    const conn = this.d.connection()
    if (conn === undefined || userId === this.d.ctx.identity.userId) return
    this.resetAt.set(key, now)
    try {
      await this.resetWith(conn, userId, deviceId, now)
    } catch (err) {
      // the reset may not have reached the peer: the next unreadable message tries again
      this.resetAt.delete(key)
      throw err
    }
  }

  private async resetWith (conn: NodeConnection, userId: string, deviceId: number, now: number): Promise<void> {
    const { ctx, serial, ids, peers } = this.d
    peers.forget(userId)
    const peer = await peers.user(conn, userId)
    // a new session even though we hold some: none of ours reads the peer's messages; ours are kept (archived)
    const targets: Target[] = targetsOf(peer).filter((t) => t.deviceId === deviceId).map((t) => ({ ...t, fresh: true }))
    await claimPreKeys(ctx, targets)
    const plaintext = encodeContent({ messageId: newMessageId(), sentAt: now, kind: ContentKind.SESSION_RESET, text: '' })
    const envelopes = await serial.run(async () => {
      const ops: StoreOp[] = []
      const out = await encryptForTargets(ctx, targets, plaintext, ids, ops)
      await this.d.persist(ops)
      return out
    })
    await Promise.all(envelopes.map(async (e) => { await ctx.outbound.send([e.target], e.id, e.payload) }))
  }
}
