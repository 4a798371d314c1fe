// The client library's shared types: the options it opens with, what it hands
// out, and the Client API the CLI and the web client build on. Type-only: the
// implementation (relaymesh-client.ts) and the entry points (client.ts) import
// this, never each other.
import type pino from 'pino'
import type { DeviceInfo } from './devices/device-manager.js'
import type { DeliveryState, MessageStatus } from './receipts/message-status.js'
import type { ProfileView, RemovedContact } from './profiles/profile-manager.js'
import type { BlockedUser, MessageRequest } from './requests/request-ops.js'
import type { FileInfo, SendFileOptions, SendFileResult } from './files/types.js'
import type { ExportedTranscript } from './transcripts/transcript-export.js'
import type { SignedTranscript } from '../protocol/transcript.js'
export type { ExportedTranscript } from './transcripts/transcript-export.js'
export type { SignedTranscript, TranscriptMessage } from '../protocol/transcript.js'
import type { ChannelPostView } from './channel/channel-ops.js'
export type { ChannelPostView } from './channel/channel-ops.js'
import type { TypingEvent } from './edits/typing.js'
export type { TypingEvent } from './edits/typing.js'
import type { ConversationInfo, ConversationRef, HistoryMessage, HistoryOptions } from './history/types.js'
export type { ConversationInfo, ConversationRef, HistoryMessage, HistoryOptions, LastMessage } from './history/types.js'
import type { OutboxEntry } from './outbox/outbox-store.js'
import type { StatusListener } from './receipts/status-events.js'
export type { OutboxEntry } from './outbox/outbox-store.js'
export type { StatusListener } from './receipts/status-events.js'
export type { BlockedUser, MessageRequest } from './requests/request-ops.js'
export type { DeviceInfo } from './devices/device-manager.js'
export type { DeliveryState, MessageStatus } from './receipts/message-status.js'
export type { ProfileView, RemovedContact } from './profiles/profile-manager.js'
export type { FileInfo, FileProgress, SendFileOptions, SendFileResult } from './files/types.js'

export interface ClientOptions {
  home: string
  passphrase: string
  /** relay node multiaddrs (with /p2p/<peer id>), tried in order */
  nodes: string[]
  log?: pino.Logger
  /** the clock (ms since epoch); tests inject one to drive prekey rotation */
  now?: () => number
  /** persisted envelopes are acknowledged together after this long @default ACK_DELAY_MS (1 s) */
  ackDelayMs?: number
  /** delivered receipts to one sender are gathered this long into one @default RECEIPT_DELAY_MS (1 s) */
  receiptDelayMs?: number
  /**
   * a sender's device list is fetched again when a message arrives and what we
   * know is older than this; a removed device's messages are refused from then on
   * @default DEVICE_LIST_MAX_AGE_MS (30 s, client/devices/sender-devices.ts)
   */
  deviceListMaxAgeMs?: number
  /**
   * message requests (client/requests): a 1:1 message or group invitation from someone who is
   * neither a contact nor someone we wrote to is held as a request, not handed out by receive().
   * Blocking applies either way. The CLI turns this on. @default false
   */
  messageRequests?: boolean
  /** gaps (client/gaps): a missing message is reported this long after the gap was noticed @default GAP_GRACE_MS (10 s) */
  gapGraceMs?: number
  /** a user's profile name if they shared it (shown with requests); default: none */
  nameOf?: (userId: string) => Promise<string | undefined> | string | undefined
}

export interface IncomingMessage {
  /** message id, 32 hex digits (a notice's id starts with "reset-") */
  id: string
  /** sender user id */
  from: string
  group: string | null
  text: string
  /** sender's clock, ms since epoch */
  sentAt: number
  /** true for a notice from this client (a session was reset), not a message someone wrote */
  system?: boolean
  /** set for a file: its name, size and where it was saved (docs/protocol.md §8b) */
  file?: FileInfo
  /** an edit event (client/edits): the author replaced message `target`'s text with `text` (history shows the result) */
  edit?: { target: string, text: string }
  /** a delete event (client/edits): the author deleted message `target` for everyone */
  deleted?: { target: string }
}

export interface SendOptions {
  /**
   * wait this long at most for "stored"; then the message is reported queued and stays in the
   * outbox (sent in the background while the client is open, else on the next attach). Unset:
   * one attempt, and an error (the message does not stay in the outbox) when it fails.
   */
  timeoutMs?: number
}

export interface SendResult {
  /** message id, 32 hex digits */
  id: string
  /** 'stored' (or further), or 'queued' / 'sending' when timeoutMs passed first */
  state: DeliveryState
  /** the fewest relays that persisted one of its envelopes (0 while queued) */
  replicas: number
  /** the message's own clock (what recipients see), ms since epoch */
  sentAt: number
}

export interface Client {
  readonly userId: string
  readonly deviceId: number
  readonly name: string | undefined
  /** attach to the first reachable node of options.nodes; publish device list and prekey bundle; top up one-time prekeys */
  connect: () => Promise<void>
  /**
   * written to the outbox (on disk) first; resolves once the mesh stored the message for every device
   * of the recipient (and our own other devices), or, with `timeoutMs`, when that time passed first
   * (state 'queued': it stays in the outbox, docs/protocol.md §8c); `replicas`: the fewest
   * relays that persisted one of its envelopes (at least the mesh's write quorum; fewer than the
   * replica count k when the mesh has fewer relays than k)
   */
  send: (toUserId: string, text: string, options?: SendOptions) => Promise<SendResult>
  /** a file (at most 100 MiB) in encrypted chunks, then its manifest; sending it again resumes (docs/protocol.md §8b) */
  /** `file`: a path (Node) or a Blob/File (either platform; a bare Blob is named by options.name), read a chunk at a time */
  sendFile: (toUserId: string, file: string | Blob, options?: SendFileOptions) => Promise<SendFileResult>
  /**
   * the file of a history or incoming message (its `from` and `id`) as a Blob, read a chunk at a time
   * (Node: the saved file; browser: the sealed store). Its type is the sender's MIME type only when a
   * browser shows that type without running code (images, audio, video, text/plain, PDF), else
   * application/octet-stream. NotFound: no such file message, or it expired.
   */
  receivedFile: (message: { from: string, id: string }) => Promise<Blob>
  /** drain the mailbox, then wait up to waitMs for live pushes; new messages in arrival order, each exactly once */
  /** `onRequest`: a message from a stranger was held as a request (options.messageRequests) */
  receive: (options?: { waitMs?: number, onMessage?: (m: IncomingMessage) => void, onRequest?: (r: MessageRequest) => void }) => Promise<IncomingMessage[]>
  /** fetch the mailbox into the local store without handing anything out (requests land; messages wait for receive()) */
  sync: () => Promise<void>
  /** pending message requests, oldest first */
  requests: () => Promise<MessageRequest[]>
  /** make the requester a contact (`alias`, else user-<short id>) and return what they sent, in order (NotFound: no request) */
  acceptRequest: (userId: string, alias?: string) => Promise<IncomingMessage[]>
  /** drop the request and what it held, without blocking (NotFound: no request) */
  declineRequest: (userId: string) => Promise<void>
  /** drop everything from `userId` from now on (and their pending request); no receipts to them */
  block: (userId: string) => Promise<void>
  /** NotFound when not blocked */
  unblock: (userId: string) => Promise<void>
  blocked: () => Promise<BlockedUser[]>
  /** a user id, an alias, or the unique start of a requester's or blocked user's id */
  resolveRequester: (user: string) => Promise<string>
  /**
   * stored messages (sent and received) in arrival order, optionally of one conversation (a user id or
   * group id); `limit`: only the last N; `search`: case-insensitive substring of the text (local store only)
   */
  history: (conversation?: string, options?: HistoryOptions) => Promise<HistoryMessage[]>
  /** one entry per 1:1 peer or group, newest activity first, with display name, unread count and last message (local) */
  conversations: () => Promise<ConversationInfo[]>
  /** everything stored so far in `conversation` (a user id or group id; all when omitted) was seen: unread drops to 0 (local, no receipts) */
  markSeen: (conversation?: string) => Promise<void>
  /** the application showed these messages: each one's conversation is seen up to it (local, no receipts; see markRead) */
  markShown: (messages: Array<{ id: string, from: string }>) => Promise<void>
  /** a group id, or the one group with that name (case-insensitive); Invalid when ambiguous (lists the ids), NotFound when none */
  resolveGroup: (nameOrId: string) => Promise<string>
  /** a user id, alias, group id, group name or profile name → the conversation it names */
  resolveConversation: (nameOrId: string) => Promise<ConversationRef>
  /** give a contact a new alias */
  renameContact: (oldAlias: string, newAlias: string) => Promise<{ alias: string, userId: string }>
  /** Invalid for our own id or a malformed one; `check`: also ask the mesh, NotFound when it has no such user (a typo that is still well-formed) */
  addContact: (alias: string, userId: string, options?: { check?: boolean }) => Promise<void>
  /** contacts with their presence: online/offline only for those whose profile key we hold, else null (unknown) */
  contacts: () => Promise<Array<{ alias: string, userId: string, online: boolean | null }>>
  /** remove a contact (every alias of its user) and rotate our profile key: the removed user opens nothing we publish later */
  removeContact: (aliasOrUserId: string) => Promise<RemovedContact>
  /** a user's presence: 'unknown' unless we hold their profile key (contacts-only presence, docs/protocol.md §8e) */
  presenceOf: (userId: string) => Promise<'online' | 'offline' | 'unknown'>
  resolveUser: (aliasOrUserId: string) => Promise<string>
  /** seal, sign and publish our profile (name 1..64 characters, avatar a PNG/JPEG/GIF/WebP of at most 16 KiB) */
  setProfile: (profile: { name: string, avatar?: Uint8Array }) => Promise<ProfileView>
  /** a user's profile, opened with the profile key they sent us (ours for ourselves); undefined when we cannot open one */
  profileOf: (userId: string) => Promise<ProfileView | undefined>
  /** profile names last opened, by user id (local, no network) */
  profileNames: () => Promise<Map<string, string>>
  /** sign `text` (1..2048 bytes) with our identity key and post it to a public channel ("all" by default): public by design, anyone on the mesh reads it */
  postToChannel: (text: string, options?: { channel?: string }) => Promise<ChannelPostView>
  /** the posts a node keeps of a public channel ("all" by default; up to 24 h) sent after `since` (ms), oldest first, each verified here */
  readChannel: (options?: { channel?: string, since?: number }) => Promise<ChannelPostView[]>
  /** the posts of a channel this call has not handed out before (recv, chat: remembered in the local store), oldest first */
  newChannelPosts: (options?: { channel?: string }) => Promise<ChannelPostView[]>
  safetyNumber: (userId: string) => Promise<string>
  /** a new group of us and `members` (user ids); each member device learns of it over 1:1 sessions (docs/protocol.md §8a) */
  createGroup: (name: string, members: string[]) => Promise<{ groupId: string }>
  /** any member may add; every member then rotates its sender key, so the new member reads from its join on */
  addMember: (groupId: string, userId: string) => Promise<void>
  /** any member may remove another; every remaining member rotates its sender key, so the removed one reads nothing later */
  removeMember: (groupId: string, userId: string) => Promise<void>
  leaveGroup: (groupId: string) => Promise<void>
  renameGroup: (groupId: string, name: string) => Promise<void>
  /** one ciphertext (sender keys), fanned out by the node to every member device; resolves once stored for all (options: as send) */
  sendGroup: (groupId: string, text: string, options?: SendOptions) => Promise<SendResult>
  /** replace the text of our own message `id` (1:1 or group) for everyone; recipients get an `edit` event; resolves with the edit's id (docs/protocol.md §8g-8h) */
  editMessage: (id: string, text: string) => Promise<{ id: string }>
  /** delete our own message `id` for everyone (recipients get a `deleted` event, history keeps an empty "deleted" row) */
  deleteMessage: (id: string) => Promise<{ id: string }>
  /** tell a 1:1 peer we started / stopped typing: online-only (never stored; lost when they are not attached); resolves with the devices it went to */
  sendTyping: (toUserId: string, state: 'started' | 'stopped') => Promise<number>
  /** typing events as envelopes are processed (while attached); returns the function that stops listening */
  onTyping: (listener: (e: TypingEvent) => void) => () => void
  /** the groups we are a member of */
  groups: () => Promise<Array<{ groupId: string, name: string, members: string[] }>>
  /** a one-time pairing code (valid 10 minutes) for `joinDevice` on a new device (docs/protocol.md §8c) */
  startLink: () => Promise<{ code: string, linkId: string, expiresAt: number }>
  /** wait until the new device's request arrived and was answered (Timeout otherwise; a later receive still completes it) */
  awaitLink: (linkId: string, options?: { timeoutMs?: number, onRejected?: () => void }) => Promise<{ deviceId: number }>
  /** our devices as our newest device list names them; `removed` when another device removed this one */
  devices: () => Promise<{ devices: DeviceInfo[], removed: boolean }>
  /** re-sign the device list without `deviceId` and publish it: nothing new reaches that device */
  removeDevice: (deviceId: number) => Promise<void>
  /** opt-in: the 1:1 conversation with `userId` from local history, signed by our identity key (a non-deniable statement by us alone) */
  exportTranscript: (userId: string) => Promise<ExportedTranscript>
  /** check a transcript file: the signature and that its user id is its key's (Decode, UntrustedIdentity, BadSignature) */
  verifyTranscript: (bytes: Uint8Array) => SignedTranscript
  /** delivery state of a message (1:1 or group) we sent from this device: queued / sending / stored (N replicas) / delivered / read / failed, with deliveredTo and readBy per recipient user */
  messageStatus: (id: string) => Promise<MessageStatus | undefined>
  /**
   * every change of a sent message's status from now on (queued, sending, stored, a delivered or
   * read receipt, failed), told once persisted: for ticks that update live. Returns the unsubscribe.
   */
  onStatus: (listener: StatusListener) => () => void
  /** messages waiting in the outbox (no node could store them yet), oldest first; they go out on the next attach */
  outbox: () => Promise<OutboxEntry[]>
  /** the application showed these received messages (1:1 or group): send read receipts to their senders */
  markRead: (messages: Array<{ id: string, from: string, group?: string | null, system?: boolean }>) => Promise<void>
  close: () => Promise<void>
}
