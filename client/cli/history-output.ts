// How history, search results and the conversation list print (CLI and chat).
// JSON: one object per line (shapes in docs/protocol.md §8k); text:
// one line per message with its time, sender name, conversation, markers for
// edits and deletes, and the delivery state of our own 1:1 messages.
import type { ConversationInfo, HistoryMessage } from '../types.js'
import type { DisplayNames } from '../profiles/display-name.js'
import { clock, type Output } from './output.js'

/** The JSON line of one history message. */
export function historyJson (m: HistoryMessage, self: string): Record<string, unknown> {
  const o: Record<string, unknown> = { id: m.id, from: m.from }
  if (m.group !== null) o.group = m.group
  else o.to = m.outgoing ? m.conversation : self
  o.outgoing = m.outgoing
  o.text = m.text
  o.sentAt = m.sentAt
  o.receivedAt = m.receivedAt
  if (m.state !== undefined) o.state = m.state
  if (m.editedAt !== undefined) o.editedAt = m.editedAt
  if (m.deletedAt !== undefined) { o.deleted = true; o.deletedAt = m.deletedAt }
  if (m.system === true) o.notice = true
  if (m.file !== undefined) o.file = { name: m.file.name, size: m.file.size, path: m.file.path }
  return o
}

/** One text line: `[time] who (in group | to peer): text (edited) [state]`. */
export function historyLine (m: HistoryMessage, names: DisplayNames, options: { showConversation: boolean }): string {
  const where = !options.showConversation
    ? ''
    : m.group !== null ? ` in ${names.group(m.group)}` : m.outgoing ? ` to ${names.label(m.conversation)}` : ''
  if (m.system === true) return `[${clock(m.sentAt)}] *${where !== '' ? where + ':' : ''} ${names.render(m.text)}`
  const who = m.outgoing ? 'you' : names.label(m.from)
  const body = m.deletedAt !== undefined ? '(deleted)' : m.text + (m.editedAt !== undefined ? ' (edited)' : '')
  return `[${clock(m.sentAt)}] ${who}${where}: ${body}${m.state !== undefined ? `  [${m.state}]` : ''}`
}

/** Print messages (oldest first); `showConversation` when they come from more than one conversation. */
export function printHistory (out: Output, messages: HistoryMessage[], names: DisplayNames, self: string, options: { showConversation: boolean }): void {
  for (const m of messages) out.emit(historyJson(m, self), historyLine(m, names, options))
}

/** One line per conversation: name, unread count, last message and its time. */
export function printConversation (out: Output, c: ConversationInfo, names: DisplayNames): void {
  const unread = c.unread > 0 ? `${c.unread} unread` : ''
  const last = c.last === null
    ? 'no messages yet'
    : `[${clock(c.last.sentAt)}] ${c.last.system === true ? '* ' + names.render(c.last.text) : `${c.last.outgoing ? 'you' : names.label(c.last.from)}: ${c.last.text}`}`
  const name = c.kind === 'group' ? `#${c.name}` : c.name
  out.emit({ id: c.id, kind: c.kind, name: c.name, unread: c.unread, last: c.last }, `${name.padEnd(16)} ${unread.padEnd(10)} ${last}`)
}
