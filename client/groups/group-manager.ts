// The sending side of groups (docs/protocol.md §8a): create, add, remove,
// leave, rename, send, and the sender key rotation every membership change
// triggers. Network lookups and prekey claims run outside the session lock;
// state changes, encryption and persistence run under it, and everything is
// persisted (synced) before any envelope leaves.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { GROUP_ID_BYTES } from '../../protocol/constants.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import {
  createSenderKey, distributionMessage, encodeDistribution, groupEncrypt, rotateSenderKey
} from '../../protocol/crypto/sender-keys.js'
import type { Logger } from 'pino'
import { ContentKind, GroupAction, MAX_GROUP_MEMBERS, encodeContent, newMessageId, type AppContent } from '../messaging/content.js'
import type { MessagingContext, SendingDeps } from '../messaging/context.js'
import { claimPreKeys, encryptForTargets, targetsOf, type OutEnvelope, type Target } from '../messaging/sender.js'
import { checkUserId, type PeerUser } from '../messaging/user-directory.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import { hex } from '../util/bytes.js'
import { fewestReplicas } from '../receipts/message-status.js'
import type { GroupState } from './group-store.js'
import { sealFanout } from './fanout.js'
import { checkGroupName, localChange } from './membership.js'

/** mailboxes per SEND request (the node's limit is 1,024) */
export const FANOUT_CHUNK = 512
/** how often a send or distribution starts over when the group changed under it */
const MAX_ATTEMPTS = 3

export interface GroupDeps extends SendingDeps {
  rememberPeer: (peer: PeerUser, ops: StoreOp[]) => void
}

export interface GroupInfo { groupId: string, name: string, members: string[] }

const GROUP_ID_RE = /^[0-9a-f]{32}$/

export function checkGroupId (groupId: string): Uint8Array {
  if (typeof groupId !== 'string' || !GROUP_ID_RE.test(groupId)) throw new RelaymeshError(ErrorCode.Invalid, `not a group id: ${String(groupId)} (32 hex digits)`)
  return new Uint8Array(Buffer.from(groupId, 'hex'))
}

export class GroupManager {
  private readonly distributing = new Map<string, Promise<void>>()

  constructor (private readonly d: GroupDeps) {}

  private get ctx (): MessagingContext { return this.d.ctx }
  private get log (): Logger { return this.d.ctx.log }
  private get self (): string { return this.d.ctx.identity.userId }

  async list (): Promise<GroupInfo[]> {
    return (await this.ctx.groups.list()).filter((g) => g.active).map((g) => ({ groupId: g.groupId, name: g.name, members: [...g.members] }))
  }

  /** Every device of `users` (ours only when we have other devices), looked up on the mesh. */
  private async targets (conn: NodeConnection, users: string[]): Promise<{ peers: PeerUser[], targets: Target[] }> {
    const peers: PeerUser[] = []
    const targets: Target[] = []
    const own = this.ctx.identity.otherDeviceIds.length > 0
    for (const u of [...new Set(users)]) {
      if (u === this.self && !own) continue
      const peer = await this.d.user(conn, u)
      peers.push(peer)
      targets.push(...targetsOf(peer, u === this.self ? this.ctx.identity.deviceId : undefined))
    }
    await claimPreKeys(this.ctx, targets)
    return { peers, targets }
  }

  private async sendAll (conn: NodeConnection, envelopes: OutEnvelope[]): Promise<void> {
    await Promise.all(envelopes.map(async (e) => { await this.d.ctx.outbound.send([e.target], e.id, e.payload) }))
  }

  /** After our new sender key reached every member: clear `rotate`, unless the membership changed meanwhile. */
  private async rotated (groupId: string, changes: number): Promise<void> {
    await this.d.serial.run(async () => {
      const s = await this.ctx.groups.get(groupId)
      if (s === undefined || s.changes !== changes || !s.rotate) return
      await this.d.persist([this.ctx.groups.put({ ...s, rotate: false })])
    })
  }

  // ---------------------------------------------------------------- operations

  async create (name: string, members: string[]): Promise<{ groupId: string }> {
    checkGroupName(name)
    if (!Array.isArray(members)) throw new RelaymeshError(ErrorCode.Invalid, 'members must be a list of user ids')
    for (const m of members) checkUserId(m)
    const others = [...new Set(members)].filter((m) => m !== this.self)
    if (others.length + 1 > MAX_GROUP_MEMBERS) throw new RelaymeshError(ErrorCode.Invalid, `a group has at most ${MAX_GROUP_MEMBERS} members`)
    const conn = await this.d.ready()
    const all = [this.self, ...others]
    const { peers, targets } = await this.targets(conn, all) // NotFound for an unknown user, before anything is stored
    const groupIdBytes = randomBytes(GROUP_ID_BYTES)
    const groupId = hex(groupIdBytes)
    const state: GroupState = { groupId, name, members: all, epoch: 1, actor: this.self, active: true, rotate: true, changes: 1 }
    const envelopes = await this.d.serial.run(async () => {
      const ops: StoreOp[] = []
      const key = createSenderKey(groupIdBytes)
      ops.push(this.ctx.groups.putOwnSenderKey(groupId, key))
      const plaintext = encodeContent({
        messageId: newMessageId(),
        sentAt: this.ctx.now(),
        kind: ContentKind.GROUP_UPDATE,
        text: '',
        groupUpdate: { groupId: groupIdBytes, epoch: 1, name, members: all, action: GroupAction.CREATE, target: '' },
        senderKey: encodeDistribution(distributionMessage(key))
      })
      const out = await encryptForTargets(this.ctx, targets, plaintext, this.d.ids, ops)
      ops.push(this.ctx.groups.put(state))
      for (const p of peers) this.d.rememberPeer(p, ops)
      await this.d.persist(ops)
      return out
    })
    await this.sendAll(conn, envelopes)
    await this.rotated(groupId, state.changes)
    return { groupId }
  }

  /** add / remove / leave / rename, sent to the members over 1:1 sessions (with our new sender key when membership changed). */
  async change (groupId: string, op: { action: GroupAction, target?: string, name?: string }): Promise<void> {
    const gid = checkGroupId(groupId)
    if (op.target !== undefined) checkUserId(op.target)
    const before = await this.ctx.groups.get(groupId)
    const plan = localChange(before, gid, this.self, op) // Invalid / NotFound before any network work
    const conn = await this.d.ready()
    const withKey = plan.state.active ? plan.state.members : []
    // a leave tells the remaining members; a remove also tells the removed one (without our new key)
    const informOnly = op.action === GroupAction.LEAVE ? [...plan.state.members, this.self] : plan.informOnly
    const keyed = await this.targets(conn, withKey)
    const informed = await this.targets(conn, informOnly)
    const prior = before as GroupState
    const result = await this.d.serial.run(async () => {
      const cur = await this.ctx.groups.get(groupId)
      if (cur === undefined || cur.epoch !== prior.epoch || cur.actor !== prior.actor) {
        throw new RelaymeshError(ErrorCode.InvalidState, `group ${groupId} changed meanwhile; try again`)
      }
      const change = localChange(cur, gid, this.self, op)
      const ops: StoreOp[] = []
      let senderKey: Uint8Array | undefined
      if (change.state.active && change.membershipChanged) {
        // rotation on every membership change: the new key goes to the new member list only
        const old = await this.ctx.groups.ownSenderKey(groupId)
        const key = old === undefined ? createSenderKey(gid) : rotateSenderKey(old)
        ops.push(this.ctx.groups.putOwnSenderKey(groupId, key))
        senderKey = encodeDistribution(distributionMessage(key))
      }
      if (!change.state.active) ops.push(this.ctx.groups.dropOwnSenderKey(groupId))
      const base = { messageId: newMessageId(), sentAt: this.ctx.now(), kind: ContentKind.GROUP_UPDATE, text: '', groupUpdate: change.update }
      const out = await encryptForTargets(this.ctx, keyed.targets, encodeContent({ ...base, ...(senderKey !== undefined ? { senderKey } : {}) }), this.d.ids, ops)
      out.push(...await encryptForTargets(this.ctx, informed.targets, encodeContent(base), this.d.ids, ops))
      ops.push(this.ctx.groups.put(change.state))
      for (const p of [...keyed.peers, ...informed.peers]) this.d.rememberPeer(p, ops)
      await this.d.persist(ops)
      return { out, state: change.state, rotatedNow: senderKey !== undefined }
    })
    await this.sendAll(conn, result.out)
    if (result.rotatedNow) await this.rotated(groupId, result.state.changes)
  }

  /**
   * Rotate our sender key for `groupId` and send it to every current member
   * device, when a membership change asked for it. One at a time per group;
   * callers share the run in progress.
   */
  async distribute (groupId: string): Promise<void> {
    const running = this.distributing.get(groupId)
    if (running !== undefined) return await running
    const run = this.distributeNow(groupId).finally(() => { this.distributing.delete(groupId) })
    this.distributing.set(groupId, run)
    await run
  }

  private async distributeNow (groupId: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const snap = await this.ctx.groups.get(groupId)
      if (snap === undefined || !snap.active || !snap.rotate) return
      const conn = await this.d.ready()
      const { peers, targets } = await this.targets(conn, snap.members)
      const envelopes = await this.d.serial.run(async () => {
        const s = await this.ctx.groups.get(groupId)
        if (s === undefined || !s.active || !s.rotate || s.changes !== snap.changes) return undefined
        const ops: StoreOp[] = []
        const old = await this.ctx.groups.ownSenderKey(groupId)
        const key = old === undefined ? createSenderKey(checkGroupId(groupId)) : rotateSenderKey(old)
        ops.push(this.ctx.groups.putOwnSenderKey(groupId, key))
        const plaintext = encodeContent({ messageId: newMessageId(), sentAt: this.ctx.now(), kind: ContentKind.SENDER_KEY, text: '', senderKey: encodeDistribution(distributionMessage(key)) })
        const out = await encryptForTargets(this.ctx, targets, plaintext, this.d.ids, ops)
        for (const p of peers) this.d.rememberPeer(p, ops)
        await this.d.persist(ops)
        return out
      })
      if (envelopes === undefined) continue // changed under us: look again
      await this.sendAll(conn, envelopes)
      await this.rotated(groupId, snap.changes)
      this.log.debug({ group: groupId, devices: envelopes.length }, 'sender key rotated and distributed')
      return
    }
  }

  /**
   * Sender key distributions under way finish, for at most `ms` (each is bounded by its requests'
   * timeouts): closing the client must not cut one off after the new key was persisted and
   * before the members got it (a command such as `requests accept` starts one as it ends).
   */
  async settled (ms: number): Promise<void> {
    const running = [...this.distributing.values()].map(async (r) => { await r.catch(() => {}) })
    if (running.length === 0) return
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(running), new Promise<void>((resolve) => { timer = setTimeout(resolve, ms) })])
    clearTimeout(timer)
  }

  /** Every group whose rotation is still owed (after a restart or a failed send). */
  async distributeOwed (): Promise<void> {
    for (const g of await this.ctx.groups.list()) {
      if (g.active && g.rotate) await this.distribute(g.groupId)
    }
  }

  /**
   * One group message: encrypted once with our sender key, one payload for every member device.
   * `m` names the message when the outbox sends it (client/outbox) and may set other content
   * fields (client/edits: EDIT/DELETE, an original id and seq for a resend; client/gaps: seq);
   * `recipients`: the other members it went to; `replicas`: the fewest relays that stored it for
   * one of them; `sending` is told once it is encrypted and about to leave.
   */
  async send (groupId: string, text: string, m: Partial<AppContent> & { sending?: (recipients: string[]) => Promise<void> } = {}): Promise<{ id: string, sentAt: number, replicas: number, recipients: string[] }> {
    checkGroupId(groupId)
    if (typeof text !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'text must be a string')
    const { sending, ...fields } = m
    const messageId = fields.messageId ?? newMessageId()
    const sentAt = fields.sentAt ?? this.ctx.now()
    const plaintext = encodeContent({ kind: ContentKind.TEXT, text, ...fields, messageId, sentAt, groupId: checkGroupId(groupId) })
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const snap = await this.ctx.groups.get(groupId)
      if (snap === undefined || !snap.active) throw new RelaymeshError(ErrorCode.NotFound, `not a member of group ${groupId}`)
      // members must hold our current sender key before it encrypts anything
      if (snap.rotate) await this.distribute(groupId)
      const conn = await this.d.ready()
      const recipients = snap.members.filter((m) => m !== this.self || this.ctx.identity.otherDeviceIds.length > 0)
      const { peers, targets } = await this.targets(conn, recipients)
      const sealed = await this.d.serial.run(async () => {
        const s = await this.ctx.groups.get(groupId)
        if (s === undefined || !s.active) throw new RelaymeshError(ErrorCode.NotFound, `not a member of group ${groupId}`)
        if (s.rotate || s.changes !== snap.changes) return undefined
        const key = await this.ctx.groups.ownSenderKey(groupId)
        if (key === undefined) {
          await this.d.persist([this.ctx.groups.put({ ...s, rotate: true })])
          return undefined
        }
        if (peers.length === 0) return { payload: undefined }
        const ops: StoreOp[] = []
        const groupMessage = groupEncrypt(key, plaintext)
        ops.push(this.ctx.groups.putOwnSenderKey(groupId, key))
        const payload = sealFanout({
          senderIdentity: this.ctx.identity.identity,
          senderDeviceId: this.ctx.identity.deviceId,
          recipientIdentityKeys: peers.map((p) => p.identityKey),
          groupMessage
        })
        // the chain has advanced on disk before the message leaves: a crash never reuses a message key
        await this.d.persist(ops)
        return { payload }
      })
      if (sealed === undefined) continue
      const others = snap.members.filter((u) => u !== this.self)
      await sending?.(others)
      const answers = []
      if (sealed.payload !== undefined) {
        const id = this.d.ids.next()
        for (let i = 0; i < targets.length; i += FANOUT_CHUNK) {
          answers.push(await this.d.ctx.outbound.send(targets.slice(i, i + FANOUT_CHUNK), id, sealed.payload))
        }
      }
      return { id: hex(messageId), sentAt, replicas: fewestReplicas(answers), recipients: others }
    }
    throw new RelaymeshError(ErrorCode.InvalidState, `group ${groupId} kept changing while sending; try again`)
  }
}
