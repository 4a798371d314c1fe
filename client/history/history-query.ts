// History and search over the local sealed store (never the network): the
// stored messages of one conversation or all, oldest first, optionally only
// those whose text contains a search string (case-insensitive), optionally
// only the last N. With a limit the log is read backwards from the newest
// entry and stops once N matched, so a long history is not read whole.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { PREFIX } from '../store/keys.js'
import { parseJson, type SealedStore } from '../store/sealed-store.js'
import type { StoredMessage } from '../messaging/message-log.js'
import type { FileMessage } from '../files/types.js'
import { getStatus } from '../receipts/message-status.js'
import { MAX_HISTORY_LIMIT, MAX_SEARCH_LENGTH } from './constants.js'
import type { HistoryMessage, HistoryOptions } from './types.js'

/** Stored messages with their sequences, in arrival order (or newest first); edit and delete events are not messages (client/edits). */
export async function * scanHistory (store: SealedStore, options: { reverse?: boolean } = {}): AsyncGenerator<{ seq: number, message: StoredMessage }> {
  for await (const [key, raw] of store.range(PREFIX.history, { reverse: options.reverse ?? false })) {
    const message = parseJson<StoredMessage>(key, raw)
    if (message.change !== undefined) continue
    yield { seq: parseInt(key.slice(PREFIX.history.length), 16), message }
  }
}

/** Invalid unless `options` are a limit of 1..MAX_HISTORY_LIMIT and a search of 1..MAX_SEARCH_LENGTH characters. */
export function checkHistoryOptions (options: HistoryOptions): void {
  const { limit, search } = options
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT)) {
    throw new RelaymeshError(ErrorCode.Invalid, `limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT}`)
  }
  if (search !== undefined && (typeof search !== 'string' || search.length === 0 || search.length > MAX_SEARCH_LENGTH)) {
    throw new RelaymeshError(ErrorCode.Invalid, `search text must be 1-${MAX_SEARCH_LENGTH} characters`)
  }
}

/** Does `m` belong to the query? */
export function matches (m: StoredMessage, conversation: string | undefined, needle: string | undefined): boolean {
  if (conversation !== undefined && m.peer !== conversation) return false
  if (needle !== undefined) {
    if (m.deletedAt !== undefined) return false
    const file = (m as FileMessage).file
    const hay = (m.text + (file !== undefined ? ` ${file.name}` : '')).toLowerCase()
    if (!hay.includes(needle)) return false
  }
  return true
}

/** The messages of `conversation` (a user id or group id; all when undefined), oldest first. */
export async function queryHistory (store: SealedStore, conversation: string | undefined, options: HistoryOptions = {}): Promise<HistoryMessage[]> {
  checkHistoryOptions(options)
  const needle = options.search?.toLowerCase()
  const found: StoredMessage[] = []
  if (options.limit !== undefined) {
    for await (const { message } of scanHistory(store, { reverse: true })) {
      if (!matches(message, conversation, needle)) continue
      found.push(message)
      if (found.length >= options.limit) break
    }
    found.reverse()
  } else {
    for await (const { message } of scanHistory(store)) if (matches(message, conversation, needle)) found.push(message)
  }
  return await Promise.all(found.map(async (m) => await toHistoryMessage(store, m)))
}

/** A stored message as history shows it, with the delivery state of our 1:1 messages where this device tracks one. */
export async function toHistoryMessage (store: SealedStore, m: StoredMessage): Promise<HistoryMessage> {
  const out: HistoryMessage = {
    id: m.id,
    from: m.from,
    conversation: m.peer,
    group: m.group,
    text: m.deletedAt !== undefined ? '' : m.text,
    sentAt: m.sentAt,
    receivedAt: m.receivedAt,
    outgoing: m.outgoing
  }
  if (m.system === true) out.system = true
  if (m.editedAt !== undefined) out.editedAt = m.editedAt
  if (m.deletedAt !== undefined) out.deletedAt = m.deletedAt
  const file = (m as FileMessage).file
  if (file !== undefined) out.file = { ...file }
  if (m.outgoing && m.group === null && m.system !== true && /^[0-9a-f]{32}$/.test(m.id)) {
    const status = await getStatus(store, m.id)
    if (status !== undefined) out.state = status.state
  }
  return out
}
