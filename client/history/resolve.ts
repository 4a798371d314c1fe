// Names, not ids: a group named by its id or its name, a conversation named
// by a user id, alias, profile name, group id or group name. Exact ids win;
// names match case-insensitively and must be unique (an ambiguous name is an
// error that lists the ids it could mean).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { USER_ID_PREFIX } from '../../protocol/identity.js'
import type { GroupState } from '../groups/group-store.js'
import { checkUserId } from '../messaging/user-directory.js'
import type { ConversationRef } from './types.js'
import { GROUP_ID_RE } from './constants.js'

function ambiguous (what: string, ids: string[]): RelaymeshError {
  return new RelaymeshError(ErrorCode.Invalid, `"${what}" is ambiguous: it names ${ids.join(', ')}; use the id`)
}

/** Groups whose name is `name` (case-insensitive): the ones we are in, else the ones we left. */
function groupsNamed (groups: GroupState[], name: string): GroupState[] {
  const lower = name.toLowerCase()
  const all = groups.filter((g) => g.name.toLowerCase() === lower)
  const active = all.filter((g) => g.active)
  return active.length > 0 ? active : all
}

/** A group id as given (any group we hold), else the id of the one group with that name. */
export function resolveGroupIn (groups: GroupState[], nameOrId: string): string {
  if (typeof nameOrId !== 'string' || nameOrId.trim() === '') throw new RelaymeshError(ErrorCode.Invalid, 'a group id or name is required')
  const s = nameOrId.trim()
  if (GROUP_ID_RE.test(s) && groups.some((g) => g.groupId === s.toLowerCase())) return s.toLowerCase()
  const named = groupsNamed(groups, s)
  if (named.length === 1) return (named[0] as GroupState).groupId
  if (named.length > 1) throw ambiguous(s, named.map((g) => g.groupId))
  // an id we do not hold: the operation says what is wrong with it
  if (GROUP_ID_RE.test(s)) return s.toLowerCase()
  throw new RelaymeshError(ErrorCode.NotFound, `no group named "${s}": \`relaymesh group list\` shows yours`)
}

export interface ConversationLookup {
  groups: GroupState[]
  /** the user id of a contact alias, if there is one */
  alias: (alias: string) => Promise<string | undefined>
  /** profile name by user id */
  profileNames: ReadonlyMap<string, string>
}

/** A user id, alias, group id, group name or profile name → the conversation it names. */
export async function resolveConversationIn (l: ConversationLookup, nameOrId: string): Promise<ConversationRef> {
  if (typeof nameOrId !== 'string' || nameOrId.trim() === '') throw new RelaymeshError(ErrorCode.Invalid, 'a user or group is required')
  const s = nameOrId.trim()
  if (s.toLowerCase().startsWith(USER_ID_PREFIX)) {
    checkUserId(s.toLowerCase())
    return { id: s.toLowerCase(), kind: 'direct' }
  }
  if (GROUP_ID_RE.test(s)) return { id: s.toLowerCase(), kind: 'group' }
  if (!/\s/.test(s)) {
    const byAlias = await l.alias(s)
    if (byAlias !== undefined) return { id: byAlias, kind: 'direct' }
  }
  const lower = s.toLowerCase()
  const found: ConversationRef[] = groupsNamed(l.groups, s).map((g) => ({ id: g.groupId, kind: 'group' }))
  for (const [userId, name] of l.profileNames) if (name.toLowerCase() === lower) found.push({ id: userId, kind: 'direct' })
  if (found.length === 1) return found[0] as ConversationRef
  if (found.length > 1) throw ambiguous(s, found.map((c) => c.id))
  throw new RelaymeshError(ErrorCode.NotFound, `no contact, profile name or group called "${s}"`)
}
