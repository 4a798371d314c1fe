// The receiving side of groups, called by messaging/receiver.ts under the
// session lock; every change goes onto the batch's `ops` (persisted in the
// same synced batch as everything else the envelopes changed, before the ack).
// - 1:1 contents GROUP_UPDATE / SENDER_KEY: apply the update (membership.ts),
//   store the sender's distribution in its record for (group, user, device).
// - fan-out envelopes: open our header (fanout.ts), decrypt the GroupMessage
//   with the sender device's record, store the message. A message whose
//   sender key or membership has not arrived yet waits (bounded) and is
//   retried when an update or a distribution for its group arrives.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { decodeDistribution, groupDecrypt, processDistribution, readGroupMessageHeader } from '../../protocol/crypto/sender-keys.js'
import { userIdFromIdentityKey } from '../../protocol/identity.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import { hex } from '../util/bytes.js'
import { decodeContent, type AppContent } from '../messaging/content.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { seenBefore, type BatchState } from '../messaging/content-handlers.js'
import { GroupStore } from './group-store.js'
import { openFanout } from './fanout.js'
import { DEFER, senderAllowed } from '../devices/sender-devices.js'
import { applyRemoteUpdate } from './membership.js'
import { dropBlocked } from '../requests/gate.js'

/** A GROUP_UPDATE or SENDER_KEY content that `from`'s device `deviceId` sent us over the 1:1 session. */
export async function handleGroupContent (ctx: MessagingContext, from: string, deviceId: number, content: AppContent, b: BatchState): Promise<void> {
  const touched = new Set<string>()
  if (content.groupUpdate !== undefined) {
    const u = content.groupUpdate
    const gid = hex(u.groupId)
    const cur = await ctx.groups.get(gid)
    const applied = applyRemoteUpdate(cur, u, from, ctx.identity.userId)
    if (!applied.ok) {
      ctx.log.info({ group: gid, from, reason: applied.reason }, 'group update ignored')
    } else {
      b.ops.push(ctx.groups.put(applied.state))
      if (!applied.state.active) b.ops.push(ctx.groups.dropOwnSenderKey(gid))
      if (applied.state.rotate) b.result.distribute.push(gid)
      touched.add(gid)
      const notice: StoredMessage = {
        id: `group-${hex(content.messageId)}`,
        from,
        peer: gid,
        group: gid,
        text: applied.notice,
        sentAt: content.sentAt,
        receivedAt: b.now,
        outgoing: from === ctx.identity.userId,
        system: true
      }
      b.result.stored.push({ seq: ctx.messages.append(notice, b.ops, true), message: notice })
    }
  }
  if (content.senderKey !== undefined) {
    try {
      const dist = decodeDistribution(content.senderKey)
      const gid = hex(dist.groupId)
      // the record is per sending device: only that device (authenticated by the 1:1 session) can touch it
      const held = await ctx.groups.record(gid, from, deviceId)
      const record = processDistribution(held, dist)
      b.ops.push(ctx.groups.putRecord(gid, from, deviceId, record))
      touched.add(gid)
      if (held === undefined) await keyForNewDevice(ctx, gid, from, deviceId, b)
    } catch (err) {
      ctx.log.warn({ from, device: deviceId, err: (err as Error).message }, 'sender key distribution rejected')
    }
  }
  for (const gid of touched) await retryPending(ctx, gid, b)
}

/** A fan-out envelope (a group message). */
export async function handleFanout (ctx: MessagingContext, env: Envelope, idHex: string, b: BatchState): Promise<void | typeof DEFER> {
  let opened
  try {
    opened = openFanout(ctx.identity.identity, env.payload)
  } catch (err) {
    ctx.log.warn({ envelope: idHex, code: RelaymeshError.is(err) ? err.code : undefined, err: (err as Error).message }, 'group message does not open for us; dropped')
    return
  }
  const from = userIdFromIdentityKey(opened.senderIdentityKey)
  if (from === ctx.identity.userId && opened.senderDeviceId === ctx.identity.deviceId) return
  // only from a device in the sender's latest device list (client/devices/sender-devices.ts senderAllowed)
  const allowed = await senderAllowed(ctx, from, opened.senderDeviceId, idHex)
  if (allowed !== true) return allowed === DEFER ? DEFER : undefined
  const outcome = await tryGroupMessage(ctx, from, opened.senderDeviceId, opened.groupMessage, b)
  if (outcome.wait !== undefined) {
    await ctx.groups.addPending(idHex, { groupId: outcome.wait, from, deviceId: opened.senderDeviceId, message: GroupStore.encodeMessage(opened.groupMessage), at: b.now }, b.ops)
  }
}

/** most lower device ids looked at for a key from another device of the same user */
const MAX_DEVICE_PROBES = 64

/**
 * The first sender key from a device of `from` that is newer than one whose
 * key we hold in this group (device ids only grow): a device linked since our
 * last distribution, which cannot read us. We owe a rotation, and with it our
 * new key reaches every member device, that one included. Our own devices got
 * our key with the link answer (client/devices/linked-groups.ts).
 */
async function keyForNewDevice (ctx: MessagingContext, gid: string, from: string, deviceId: number, b: BatchState): Promise<void> {
  if (from === ctx.identity.userId) return
  const state = await ctx.groups.get(gid)
  if (state === undefined || !state.active || !state.members.includes(from) || state.rotate) return
  let older = false
  for (let d = deviceId - 1; d >= Math.max(1, deviceId - MAX_DEVICE_PROBES) && !older; d--) older = await ctx.groups.record(gid, from, d) !== undefined
  if (!older) return
  ctx.log.info({ group: gid, from, device: deviceId }, 'a new device of a member: our sender key is rotated and sent to every member device')
  // a change of its own: a distribution in flight (computed without that device) does not clear this rotation
  b.ops.push(ctx.groups.put({ ...state, rotate: true, changes: state.changes + 1 }))
  b.result.distribute.push(gid)
}

async function retryPending (ctx: MessagingContext, gid: string, b: BatchState): Promise<void> {
  for (const p of await ctx.groups.pendingFor(gid)) {
    const outcome = await tryGroupMessage(ctx, p.from, p.deviceId, GroupStore.messageBytes(p), b)
    if (outcome.wait === undefined) ctx.groups.removePending(p.key, b.ops)
  }
}

/** Decrypt and store one group message; `wait` names its group when it must wait for a sender key or membership. */
async function tryGroupMessage (ctx: MessagingContext, from: string, deviceId: number, groupMessage: Uint8Array, b: BatchState): Promise<{ wait?: string }> {
  let gid: string
  let chainId: number
  try {
    const h = readGroupMessageHeader(groupMessage)
    gid = hex(h.groupId)
    chainId = h.chainId
  } catch (err) {
    ctx.log.warn({ from, err: (err as Error).message }, 'group message malformed; dropped')
    return {}
  }
  const state = await ctx.groups.get(gid)
  if (state !== undefined && !state.active) {
    ctx.log.info({ group: gid, from }, 'group message for a group we are not in; dropped')
    return {}
  }
  // the group, the sender's membership or its sender key may still be on the way
  if (state === undefined || !state.members.includes(from)) return { wait: gid }
  const record = await ctx.groups.record(gid, from, deviceId)
  if (record === undefined || !record.chains.some((c) => c.chainId === chainId)) return { wait: gid }
  let plaintext: Uint8Array
  try {
    plaintext = groupDecrypt(record, groupMessage)
  } catch (err) {
    if (!RelaymeshError.is(err, ErrorCode.DuplicateMessage)) ctx.log.warn({ group: gid, from, err: (err as Error).message }, 'group message rejected')
    return {}
  }
  b.ops.push(ctx.groups.putRecord(gid, from, deviceId, record))
  let content: AppContent
  try {
    content = decodeContent(plaintext)
  } catch (err) {
    ctx.log.warn({ group: gid, from, err: (err as Error).message }, 'group content does not decode; dropped')
    return {}
  }
  if (content.groupId === undefined || hex(content.groupId) !== gid || !ctx.handlers.acceptsInGroup(content.kind)) {
    ctx.log.warn({ group: gid, from, kind: content.kind }, 'group content is not for this group or not allowed in a group; dropped')
    return {}
  }
  if (await seenBefore(ctx, from, content.messageId, b)) return {}
  if (await dropBlocked(ctx, from)) return {}
  await ctx.handlers.handle({ ctx, from, deviceId, content, plaintext, group: gid, b })
  return {}
}
