// The conversation list: one entry per 1:1 peer or group we have messages
// with (plus contacts and groups without any yet), with its display name, the
// unread count (messages others wrote after the conversation's read mark)
// and its last message; newest activity first. One pass over the history.
import type { SealedStore } from '../store/sealed-store.js'
import type { StoredMessage } from '../messaging/message-log.js'
import type { GroupState } from '../groups/group-store.js'
import { displayName } from '../profiles/display-name.js'
import { scanHistory } from './history-query.js'
import type { ReadMarks } from './read-marks.js'
import type { ConversationInfo, LastMessage } from './types.js'

export interface ConversationSources {
  store: SealedStore
  marks: ReadMarks
  /** every group we hold a state for (left ones too: their history stays) */
  groups: GroupState[]
  /** alias by user id */
  aliases: Map<string, string>
  /** profile name by user id */
  profileNames: ReadonlyMap<string, string>
}

interface Tally { lastSeq: number, last: StoredMessage | null, incoming: number[] }

/** Does this message count as unread while after the read mark? Others' messages, not our notices. */
export function countsAsUnread (m: StoredMessage): boolean {
  return !m.outgoing && m.system !== true
}

export async function listConversations (s: ConversationSources): Promise<ConversationInfo[]> {
  const tallies = new Map<string, Tally>()
  const tally = (id: string): Tally => {
    let t = tallies.get(id)
    if (t === undefined) { t = { lastSeq: 0, last: null, incoming: [] }; tallies.set(id, t) }
    return t
  }
  for await (const { seq, message } of scanHistory(s.store)) {
    const t = tally(message.peer)
    t.lastSeq = seq
    t.last = message
    if (countsAsUnread(message)) t.incoming.push(seq)
  }
  const groups = new Map(s.groups.map((g) => [g.groupId, g]))
  // a contact or a group we are in shows up before its first message
  for (const userId of s.aliases.keys()) tally(userId)
  for (const g of s.groups) if (g.active) tally(g.groupId)

  const out: Array<ConversationInfo & { seq: number }> = []
  for (const [id, t] of tallies) {
    const group = groups.get(id)
    const isGroup = group !== undefined || (t.last !== null && t.last.group !== null)
    const mark = await s.marks.get(id)
    out.push({
      id,
      kind: isGroup ? 'group' : 'direct',
      name: isGroup ? (group?.name ?? id) : displayName(id, { alias: s.aliases.get(id), profileName: s.profileNames.get(id) }),
      unread: t.incoming.filter((seq) => seq > mark).length,
      last: t.last === null ? null : lastOf(t.last),
      seq: t.lastSeq
    })
  }
  out.sort((a, b) => b.seq - a.seq || a.name.localeCompare(b.name))
  return out.map(({ seq: _seq, ...c }) => c)
}

function lastOf (m: StoredMessage): LastMessage {
  const last: LastMessage = { id: m.id, from: m.from, text: m.deletedAt !== undefined ? '' : m.text, sentAt: m.sentAt, outgoing: m.outgoing }
  if (m.system === true) last.system = true
  return last
}
