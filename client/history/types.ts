// What history, conversations and unread counts hand out (client/history).
// Plain data, so the CLI and the web client show the same thing.
import type { DeliveryState } from '../receipts/message-status.js'
import type { FileInfo } from '../files/types.js'
import type { StoredMessage } from '../messaging/message-log.js'

/**
 * One stored message, as history shows it: the log's message (its text is
 * empty once deleted) with its conversation named, without the log's
 * bookkeeping (`peer`; `change`, which marks event rows history skips).
 */
export interface HistoryMessage extends Omit<StoredMessage, 'peer' | 'change'> {
  /** the conversation: the other user's id for 1:1, the group id for a group */
  conversation: string
  /** delivery state of an outgoing 1:1 message sent from this device, when known */
  state?: DeliveryState
  /** set for a file */
  file?: FileInfo
}

export interface HistoryOptions {
  /** only the last `limit` matching messages (still oldest first) */
  limit?: number
  /** case-insensitive substring of the text (local store only, no network) */
  search?: string
}

/** The last message of a conversation. */
export interface LastMessage {
  id: string
  from: string
  text: string
  sentAt: number
  outgoing: boolean
  system?: boolean
}

/** One 1:1 conversation or group. */
export interface ConversationInfo {
  /** the other user's id, or the group id */
  id: string
  kind: 'direct' | 'group'
  /** alias > profile name > short id; the group's name */
  name: string
  /** messages others wrote that arrived after the conversation was last shown */
  unread: number
  last: LastMessage | null
}

/** A conversation named by the person: a user or a group. */
export interface ConversationRef {
  id: string
  kind: 'direct' | 'group'
}
