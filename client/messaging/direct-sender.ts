// 1:1 sending: a text message to every device of a user (and a copy to our own
// other devices), and the fresh session answered to a device whose session with
// us broke (SESSION_RESET). Lookups and prekey claims run outside the session
// lock; encryption and persistence under it, and sessions are persisted (synced)
// before anything leaves.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { withProfileKey } from '../profiles/profile-keys.js'
import { fewestReplicas, getStatus, markStored, pendingAs, queuedStatus, statusOp, type MessageStatus } from '../receipts/message-status.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
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
}

export class DirectSender {
  private readonly resetAt = new Map<string, number>()

  constructor (private readonly d: DirectSenderDeps) {}

  /**
   * Check a 1:1 text before it is queued: a user id not ours, a string that fits in one message
   * (Invalid otherwise, before anything is stored); writing to someone accepts them (client/requests).
   */
  async check (toUserId: string, text: string): Promise<void> {
    const { ctx } = this.d
    checkUserId(toUserId)
    if (typeof text !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'text must be a string')
    if (toUserId === ctx.identity.userId) throw new RelaymeshError(ErrorCode.Invalid, 'cannot send a message to yourself')
    encodeContent(await withProfileKey(ctx, toUserId, { messageId: newMessageId(), sentAt: ctx.now(), kind: ContentKind.TEXT, text })) // Invalid when too long
    await this.d.wroteTo(toUserId)
  }

  /**
   * Send a checked 1:1 text (client/outbox holds it until this resolves): encrypt for every device
   * of `m.to` (and a copy for our other devices), and once the mesh stored it for all, append it to
   * the history and mark it stored, with `done` (the outbox entry's removal) in the same batch.
   * `sending` is told once the envelopes are encrypted and about to leave. `m.seq`: its sequence
   * number in the conversation (client/gaps), taken when it was queued, the same on every attempt.
   */
  async deliver (m: { id: string, to: string, text: string, sentAt: number, seq?: number }, done: StoreOp[], sending: (s: MessageStatus) => void): Promise<{ replicas: number, status?: MessageStatus }> {
    const { ctx, serial, ids, peers } = this.d
    const self = ctx.identity.userId
    const toUserId = m.to
    const messageId = new Uint8Array(Buffer.from(m.id, 'hex'))
    const content: AppContent = await withProfileKey(ctx, toUserId, { messageId, sentAt: m.sentAt, kind: ContentKind.TEXT, text: m.text, ...(m.seq !== undefined ? { seq: m.seq } : {}) })
    const plaintext = encodeContent(content)
    const conn = await this.d.ready()
    const peer = await peers.user(conn, toUserId)
    const targets = targetsOf(peer)
    if (!targets.some((t) => t.bundle !== undefined)) throw new RelaymeshError(ErrorCode.NotFound, `user ${toUserId} has published no prekey bundle`)
    // our own other devices get a copy that names the conversation
    const own = ctx.identity.otherDeviceIds.length > 0 ? targetsOf(await peers.user(conn, self), ctx.identity.deviceId) : []
    await claimPreKeys(ctx, [...targets, ...own])
    const idHex = m.id
    const { envelopes, status } = await serial.run(async () => {
      const ops: StoreOp[] = []
      const out = await encryptForTargets(ctx, targets, plaintext, ids, ops)
      if (own.length > 0) out.push(...await encryptForTargets(ctx, own, encodeContent({ ...content, destination: toUserId }), ids, ops))
      peers.rememberPeer(peer, ops)
      // delivery state (client/receipts) exists before any receipt can come back
      const before = await getStatus(ctx.store, idHex) ?? queuedStatus(idHex, { to: toUserId }, m.sentAt)
      const status = pendingAs(before, 'sending', { error: undefined })
      if (status !== undefined) { delete status.error; ops.push(statusOp(ctx.store, status)) }
      // sessions are persisted before anything leaves: a crash after the send never reuses a message key
      await this.d.persist(ops)
      return { envelopes: out, status }
    })
    if (status !== undefined) sending(status)
    const answers = await Promise.all(envelopes.map(async (e) => await ctx.outbound.send([e.target], e.id, e.payload)))
    const now = ctx.now()
    const ops: StoreOp[] = [ctx.messages.seenMessageOp(self, idHex, now), ...done]
    const replicas = fewestReplicas(answers.slice(0, envelopes.filter((e) => e.target.userId === toUserId).length))
    return await serial.run(async () => {
      // sent again after a crash (the outbox resends): already in the history once
      if (!await ctx.messages.seenMessage(self, idHex)) ctx.messages.append({ id: idHex, from: self, peer: toUserId, group: null, text: m.text, sentAt: m.sentAt, receivedAt: now, outgoing: true }, ops, false)
      const stored = await markStored(ctx.store, idHex, replicas, now)
      await ctx.store.batch([...ops, ...stored.ops])
      return { replicas, ...(stored.status !== undefined ? { status: stored.status } : {}) }
    })
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
