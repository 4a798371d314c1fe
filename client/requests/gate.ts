// The hooks the receive path calls (messaging/receiver.ts, groups/group-receiver.ts,
// files/file-receiver.ts), under the session lock, inside the envelope batch:
// drop what blocked users send, hold back what strangers send. Each returns
// true when the caller must stop (the content was dropped or held).
import { ContentKind, type AppContent } from '../messaging/content.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import type { StoreOp } from '../store/sealed-store.js'
import { b64, hex } from '../util/bytes.js'

export function isBlocked (ctx: MessagingContext, from: string): boolean {
  return ctx.requests?.isBlocked(from) === true
}

/**
 * A content from a blocked user, after decryption: dropped (the envelope is
 * acknowledged, nothing stored, nothing answered), except the protocol state
 * that keeps us in step so unblocking restores the conversation: sender keys,
 * session resets, and membership changes of groups we are in. Without
 * `content` (a group message): always dropped.
 */
export async function dropBlocked (ctx: MessagingContext, from: string, content?: AppContent): Promise<boolean> {
  if (!isBlocked(ctx, from)) return false
  if (content !== undefined) {
    if (content.kind === ContentKind.SENDER_KEY || content.kind === ContentKind.SESSION_RESET) return false
    const u = content.groupUpdate
    if (content.kind === ContentKind.GROUP_UPDATE && u !== undefined && (await ctx.groups.get(hex(u.groupId)))?.active === true) return false
  }
  ctx.log.debug({ from }, 'content from a blocked user dropped')
  return true
}

/** Whether a notice about `from` (a session reset, a refused file) may be shown: not for strangers or blocked users. */
export function mayNotify (ctx: MessagingContext, from: string): boolean {
  return ctx.requests === undefined || ctx.requests.status(from) === 'accepted'
}

/** A 1:1 message (text or file) from a stranger: held as a request, not stored for receive(). */
export function holdMessage (ctx: MessagingContext, message: StoredMessage, ops: StoreOp[], now: number): boolean {
  const r = ctx.requests
  if (r === undefined || message.outgoing || r.status(message.from) !== 'stranger') return false
  r.hold(message.from, { kind: 'message', message }, message.text, ops, now)
  return true
}

/**
 * A GROUP_UPDATE from a stranger that would make us a member of a group we
 * are not in (an invitation): held as a request; on accept it is applied as
 * if it arrived then. Updates to groups we are in apply as usual.
 */
export async function holdInvite (ctx: MessagingContext, from: string, deviceId: number, content: AppContent, plaintext: Uint8Array, ops: StoreOp[], now: number): Promise<boolean> {
  const r = ctx.requests
  const u = content.groupUpdate
  if (r === undefined || u === undefined || r.status(from) !== 'stranger' || !u.members.includes(ctx.identity.userId)) return false
  const cur = await ctx.groups.get(hex(u.groupId))
  if (cur !== undefined && cur.active) return false
  r.hold(from, { kind: 'group', deviceId, content: b64(plaintext), sentAt: content.sentAt }, `invites you to the group "${u.name}"`, ops, now)
  return true
}

/** Our own copy of a message another of our devices sent to `to`: writing to someone accepts them on this device too. */
export function acceptOwnCopy (ctx: MessagingContext, to: string, ops: StoreOp[], now: number): void {
  const r = ctx.requests
  if (r === undefined || r.status(to) !== 'stranger' || r.request(to) !== undefined) return
  ops.push(r.acceptOp(to, now))
  r.noteAccepted(to)
}
