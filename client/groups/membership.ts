// Group membership rules (docs/protocol.md §8a "Membership"), pure: what
// a local operation produces, and whether a received GroupUpdate is applied.
// Any member may add, remove and rename; a member leaves by itself. Every
// update carries the whole new state and an epoch; concurrent updates are
// ordered by (epoch, actor user id), the greater wins (last writer wins), so
// every member that receives the same updates ends in the same state.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { GroupAction, MAX_GROUP_MEMBERS, MAX_GROUP_NAME_BYTES, type GroupUpdateContent } from '../messaging/content.js'
import { hex } from '../util/bytes.js'
import type { GroupState } from './group-store.js'

export type Applied =
  | { ok: true, state: GroupState, membershipChanged: boolean, notice: string }
  | { ok: false, reason: string }

function sameSet (a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((m) => b.includes(m))
}

/** (epoch, actor) of `u` from `from` comes after `s`'s. */
function newer (epoch: number, actor: string, s: GroupState): boolean {
  return epoch > s.epoch || (epoch === s.epoch && actor > s.actor)
}

export function checkGroupName (name: string): void {
  if (typeof name !== 'string' || name.trim().length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'a group needs a name')
  if (Buffer.byteLength(name, 'utf8') > MAX_GROUP_NAME_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `group name too long: at most ${MAX_GROUP_NAME_BYTES} bytes`)
}

function notice (u: GroupUpdateContent, from: string, self: string): string {
  const who = (id: string): string => id === self ? 'you' : id
  switch (u.action) {
    case GroupAction.CREATE: return `${who(from)} created the group "${u.name}"`
    case GroupAction.ADD: return `${who(from)} added ${who(u.target)}`
    case GroupAction.REMOVE: return `${who(from)} removed ${who(u.target)}`
    case GroupAction.LEAVE: return `${who(from)} left the group`
    default: return `${who(from)} renamed the group to "${u.name}"`
  }
}

/** The action is consistent with the member list it produced. */
function consistent (u: GroupUpdateContent, from: string): string | undefined {
  switch (u.action) {
    case GroupAction.LEAVE: return u.members.includes(from) ? 'a leave that keeps the leaver' : undefined
    case GroupAction.ADD: return !u.members.includes(from) || !u.members.includes(u.target) ? 'an add without the actor or the target' : undefined
    case GroupAction.REMOVE: return !u.members.includes(from) || u.members.includes(u.target) || u.target === from ? 'a remove that keeps the target' : undefined
    default: return u.members.includes(from) ? undefined : 'an update by a non-member'
  }
}

/**
 * Whether a GroupUpdate that `from` sent is applied to `cur` (our state of
 * that group, if any), and the resulting state. While we are a member, only a
 * current member may change the group, and only forward in (epoch, actor).
 * Otherwise (unknown group, or we left or were removed) an update is an
 * invitation: it must list us and its actor, and be newer than what we hold.
 */
export function applyRemoteUpdate (cur: GroupState | undefined, u: GroupUpdateContent, from: string, self: string): Applied {
  const bad = consistent(u, from)
  if (bad !== undefined) return { ok: false, reason: bad }
  if (cur !== undefined && cur.active) {
    if (!cur.members.includes(from)) return { ok: false, reason: 'the sender is not a member' }
    if (!newer(u.epoch, from, cur)) return { ok: false, reason: 'stale update' }
  } else {
    if (!u.members.includes(self)) return { ok: false, reason: 'an update for a group we are not in' }
    if (cur !== undefined && !newer(u.epoch, from, cur)) return { ok: false, reason: 'stale update' }
  }
  const active = u.members.includes(self)
  const membershipChanged = cur === undefined || !cur.active || !sameSet(cur.members, u.members)
  const state: GroupState = {
    groupId: hex(u.groupId),
    name: u.name,
    members: [...u.members],
    epoch: u.epoch,
    actor: from,
    active,
    rotate: active && (membershipChanged || (cur?.rotate ?? false)),
    changes: (cur?.changes ?? 0) + (membershipChanged ? 1 : 0)
  }
  return { ok: true, state, membershipChanged, notice: notice(u, from, self) }
}

export interface LocalChange {
  update: GroupUpdateContent
  state: GroupState
  membershipChanged: boolean
  /** users that must hear of the update but not get our new sender key (a removed member) */
  informOnly: string[]
}

/** The update a local operation makes from `cur`; Invalid / NotFound when it does not apply. */
export function localChange (cur: GroupState | undefined, groupId: Uint8Array, self: string, op: { action: GroupAction, target?: string, name?: string }): LocalChange {
  if (cur === undefined || !cur.active) throw new RelaymeshError(ErrorCode.NotFound, `not a member of group ${hex(groupId)}`)
  let members = [...cur.members]
  let name = cur.name
  const target = op.target ?? ''
  const informOnly: string[] = []
  switch (op.action) {
    case GroupAction.ADD:
      if (members.includes(target)) throw new RelaymeshError(ErrorCode.Invalid, `${target} is a member already`)
      if (members.length >= MAX_GROUP_MEMBERS) throw new RelaymeshError(ErrorCode.Invalid, `a group has at most ${MAX_GROUP_MEMBERS} members`)
      members.push(target)
      break
    case GroupAction.REMOVE:
      if (target === self) throw new RelaymeshError(ErrorCode.Invalid, 'use leaveGroup to leave a group')
      if (!members.includes(target)) throw new RelaymeshError(ErrorCode.NotFound, `${target} is not a member`)
      members = members.filter((m) => m !== target)
      informOnly.push(target)
      break
    case GroupAction.LEAVE:
      members = members.filter((m) => m !== self)
      break
    case GroupAction.RENAME:
      checkGroupName(op.name ?? '')
      name = op.name as string
      break
    default:
      throw new RelaymeshError(ErrorCode.Invalid, `not a local operation: ${String(op.action)}`)
  }
  const update: GroupUpdateContent = { groupId, epoch: cur.epoch + 1, name, members, action: op.action, target }
  const membershipChanged = !sameSet(cur.members, members)
  const active = op.action !== GroupAction.LEAVE
  const state: GroupState = {
    ...cur,
    name,
    members,
    epoch: update.epoch,
    actor: self,
    active,
    rotate: active && (membershipChanged || cur.rotate),
    changes: cur.changes + (membershipChanged ? 1 : 0)
  }
  return { update, state, membershipChanged, informOnly }
}
