// The Client facade: opens the unlocked store, builds the client's parts
// (client-parts.ts: sending through the outbox, the inbox pump, attach
// upkeep, groups, files, devices, receipts, profiles, requests, channels,
// edits, gaps, history) and turns each Client call into one call on one part.
// Session state is touched only under one lock (Serial); network round trips
// stay outside it where they can.
import pino from 'pino'
import { closeParts, wireClient, type ClientParts } from './client-parts.js'
import { ErrorCode, RelaymeshError } from '../protocol/errors.js'
import { safetyNumber } from '../protocol/identity.js'
import type { Client, ClientOptions, IncomingMessage, OutboxEntry, SendOptions, SendResult, StatusListener } from './types.js'
import { addContact, listContacts, renameContact, resolveUser } from './contacts.js'
import type { ConversationInfo, ConversationRef, HistoryMessage, HistoryOptions } from './history/types.js'
import { LocalIdentity } from './local-identity.js'
import { PreKeys } from './keys/prekeys.js'
import { type MessagingContext } from './messaging/context.js'
import { MessageLog, type StoredMessage } from './messaging/message-log.js'
import { SessionCache } from './messaging/sessions.js'
import { ContentHandlers } from './messaging/content-handlers.js'
import { registerCoreHandlers } from './messaging/core-handlers.js'
import { GroupStore } from './groups/group-store.js'
import type { FileMessage, SendFileOptions, SendFileResult } from './files/types.js'
import { GroupAction } from './messaging/content.js'
import { checkUserId } from './messaging/user-directory.js'
import { SealedStore } from './store/sealed-store.js'
import { SendChannel } from './transport/send-channel.js'
import { type DeviceInfo } from './devices/device-manager.js'
import { type ProfileView, type RemovedContact } from './profiles/profile-manager.js'
import { getStatus, type MessageStatus } from './receipts/message-status.js'
import { statusEventsOf } from './receipts/status-events.js'
import type { PresenceView } from './presence/contact-presence.js'
import { heldProfileKey } from './profiles/profile-keys.js'
import { RequestStore } from './requests/request-store.js'
import { type BlockedUser, type MessageRequest } from './requests/request-ops.js'
import { exportTranscript, type ExportedTranscript } from './transcripts/transcript-export.js'
import { verifyTranscript, type SignedTranscript } from '../protocol/transcript.js'
import { type ChannelPostView } from './channel/channel-ops.js'
import { type TypingEvent } from './edits/typing.js'
import { receivedFile } from './files/received-file.js'
import { removeUnfinishedFiles } from './platform/file-io.js'

export { ACK_CHUNK, ACK_DELAY_MS, FETCH_PAGE, PROFILE_FETCH_WAIT_MS } from './messaging/inbox-pump.js'
export { USER_CACHE_MS } from './messaging/peer-directory.js'
export { RESET_INTERVAL_MS } from './messaging/direct-sender.js'

export class RelaymeshClient implements Client {
  private readonly p: ClientParts
  private closed = false

  private constructor (options: ClientOptions, private readonly ctx: MessagingContext) {
    this.p = wireClient(options, ctx, () => this.closed)
  }

  static async open (options: ClientOptions): Promise<RelaymeshClient> {
    if (typeof options.passphrase !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'a passphrase is required')
    const store = await SealedStore.open(options.home, options.passphrase)
    try {
      // a received file whose writing a crash cut short (client/platform/file-io.ts): nothing assembles yet
      await removeUnfinishedFiles(store)
      const identity = await LocalIdentity.load(store)
      const prekeys = await PreKeys.load(store, identity.identity)
      const messages = await MessageLog.open(store)
      const log = options.log ?? pino({ level: 'silent' })
      const requests = await RequestStore.open(store, identity.userId, options.messageRequests ?? false, log)
      // sealed sends leave from a peer of their own, preferably through a node other than the attached one
      let client: RelaymeshClient | undefined
      const outbound = new SendChannel(options.nodes, () => client?.p.conns.connection?.address, async (userId) => client === undefined ? undefined : await heldProfileKey(client.ctx, userId), log)
      client = new RelaymeshClient(options, { store, identity, prekeys, sessions: new SessionCache(store), groups: new GroupStore(store), messages, requests, log, now: options.now ?? Date.now, outbound, handlers: registerCoreHandlers(new ContentHandlers()) })
      // received files past their expiry go now, the next ones on a timer (client/files/file-expiry.ts)
      client.p.fileExpiry.start()
      return client
    } catch (err) {
      await store.close()
      throw err
    }
  }

  get userId (): string { return this.ctx.identity.userId }
  get deviceId (): number { return this.ctx.identity.deviceId }
  get name (): string | undefined { return this.ctx.identity.name }

  // ------------------------------------------------------------------ connection

  async connect (): Promise<void> {
    this.checkOpen()
    if (this.p.conns.connection !== undefined) return
    await this.p.conns.connect()
  }

  // ------------------------------------------------------------------ sending

  /** through the outbox (client/outbox): on disk before anything else happens */
  async send (toUserId: string, text: string, options: SendOptions = {}): Promise<SendResult> {
    this.checkOpen()
    return await this.p.queue.direct(toUserId, text, options)
  }

  async sendFile (toUserId: string, file: string | Blob, options: SendFileOptions = {}): Promise<SendFileResult> {
    this.checkOpen()
    checkUserId(toUserId)
    await this.p.requestOps.wroteTo(toUserId)
    return await this.p.fileOut.send(toUserId, file, options)
  }

  async receivedFile (message: { from: string, id: string }): Promise<Blob> {
    this.checkOpen()
    return await receivedFile(this.ctx, message)
  }

  // ------------------------------------------------------------------ receiving (client/messaging/inbox-pump.ts)

  async receive (options: { waitMs?: number, onMessage?: (m: IncomingMessage) => void, onRequest?: (r: MessageRequest) => void } = {}): Promise<IncomingMessage[]> {
    this.checkOpen()
    return (await this.p.inbox.receive({ ...options, onMessage: (m) => { options.onMessage?.(toIncoming(m)) } })).map(toIncoming)
  }

  async history (conversation?: string, options: HistoryOptions = {}): Promise<HistoryMessage[]> {
    this.checkOpen()
    return await this.p.historyOps.history(conversation, options)
  }

  async conversations (): Promise<ConversationInfo[]> {
    this.checkOpen()
    return await this.p.historyOps.conversations()
  }

  async markSeen (conversation?: string): Promise<void> {
    this.checkOpen()
    await this.p.historyOps.markSeen(conversation)
  }

  async markShown (messages: Array<{ id: string, from: string }>): Promise<void> {
    this.checkOpen()
    await this.p.historyOps.markShown(messages)
  }

  async resolveGroup (nameOrId: string): Promise<string> {
    this.checkOpen()
    return await this.p.historyOps.resolveGroup(nameOrId)
  }

  async resolveConversation (nameOrId: string): Promise<ConversationRef> {
    this.checkOpen()
    return await this.p.historyOps.resolveConversation(nameOrId)
  }

  async renameContact (oldAlias: string, newAlias: string): Promise<{ alias: string, userId: string }> {
    this.checkOpen()
    return await renameContact(this.ctx.store, oldAlias, newAlias)
  }

  // ------------------------------------------------------------------ contacts

  async addContact (alias: string, userId: string, options: { check?: boolean } = {}): Promise<void> {
    this.checkOpen()
    if (typeof userId === 'string' && userId.trim().toLowerCase() === this.userId) throw new RelaymeshError(ErrorCode.Invalid, 'that is your own user id: add someone else\'s')
    if (options.check === true) {
      checkUserId(userId)
      await this.p.peers.user(await this.p.conns.ready(), userId).catch((err: unknown) => {
        if (RelaymeshError.is(err, ErrorCode.NotFound)) throw new RelaymeshError(ErrorCode.NotFound, `no user ${userId} on the mesh: check the id for a typo`, { cause: err })
        throw err
      })
    }
    await addContact(this.ctx.store, alias, userId)
    await this.p.requestOps.contactAdded(userId)
  }

  async contacts (): Promise<Array<{ alias: string, userId: string, online: boolean | null }>> {
    this.checkOpen()
    const list = await listContacts(this.ctx.store)
    return await Promise.all(list.map(async (c) => {
      const view = await this.presenceOf(c.userId).catch((): PresenceView => 'unknown')
      return { ...c, online: view === 'unknown' ? null : view === 'online' }
    }))
  }

  async removeContact (aliasOrUserId: string): Promise<RemovedContact> {
    this.checkOpen()
    return await this.p.profileOps.removeContact(aliasOrUserId)
  }

  // ------------------------------------------------------------------ profiles (client/profiles)

  async setProfile (profile: { name: string, avatar?: Uint8Array }): Promise<ProfileView> {
    this.checkOpen()
    return await this.p.profileOps.set(profile)
  }

  async profileOf (userId: string): Promise<ProfileView | undefined> {
    this.checkOpen()
    return await this.p.profileOps.profileOf(userId)
  }

  async profileNames (): Promise<Map<string, string>> {
    this.checkOpen()
    return await this.p.profileOps.names()
  }

  // ------------------------------------------------------------------ public channels (client/channel)

  async postToChannel (text: string, options: { channel?: string } = {}): Promise<ChannelPostView> {
    this.checkOpen()
    return await this.p.channelOps.post(text, options)
  }

  async readChannel (options: { channel?: string, since?: number } = {}): Promise<ChannelPostView[]> {
    this.checkOpen()
    return await this.p.channelOps.read(options)
  }

  async newChannelPosts (options: { channel?: string } = {}): Promise<ChannelPostView[]> {
    this.checkOpen()
    return await this.p.channelOps.fresh(options)
  }

  /** 'unknown' without their profile key (not a contact) or when no node answers (client/presence/presence-ops.ts) */
  async presenceOf (userId: string): Promise<PresenceView> {
    this.checkOpen()
    return await this.p.presence.of(userId)
  }

  async resolveUser (aliasOrUserId: string): Promise<string> {
    this.checkOpen()
    return await resolveUser(this.ctx.store, aliasOrUserId)
  }

  async safetyNumber (userId: string): Promise<string> {
    this.checkOpen()
    checkUserId(userId)
    const key = await this.p.peers.identityKey(userId, async () => await this.p.conns.ready())
    return safetyNumber(this.ctx.identity.identity.publicKey, this.userId, key, userId)
  }

  // ------------------------------------------------------------------ message requests and blocking (client/requests)

  async requests (): Promise<MessageRequest[]> {
    this.checkOpen()
    return await this.p.requestOps.list()
  }

  async acceptRequest (userId: string, alias?: string): Promise<IncomingMessage[]> {
    this.checkOpen()
    return (await this.p.requestOps.accept(userId, alias)).map(toIncoming)
  }

  async declineRequest (userId: string): Promise<void> {
    this.checkOpen()
    await this.p.requestOps.decline(userId)
  }

  async block (userId: string): Promise<void> {
    this.checkOpen()
    await this.p.requestOps.block(userId)
  }

  async unblock (userId: string): Promise<void> {
    this.checkOpen()
    await this.p.requestOps.unblock(userId)
  }

  async blocked (): Promise<BlockedUser[]> {
    this.checkOpen()
    return await this.p.requestOps.blocked()
  }

  async resolveRequester (user: string): Promise<string> {
    this.checkOpen()
    return await this.p.requestOps.resolve(user)
  }

  /** Fetch the mailbox into the local store (requests land, messages wait in the inbox for receive()). */
  async sync (): Promise<void> {
    this.checkOpen()
    await this.p.inbox.drain(await this.p.conns.ready())
  }

  // ------------------------------------------------------------------ groups

  async createGroup (name: string, members: string[]): Promise<{ groupId: string }> {
    this.checkOpen()
    if (Array.isArray(members)) for (const m of members) if (typeof m === 'string' && m !== this.userId) await this.p.requestOps.wroteTo(m)
    return await this.p.groupOps.create(name, members)
  }

  async addMember (groupId: string, userId: string): Promise<void> {
    this.checkOpen()
    if (typeof userId === 'string' && userId !== this.userId) await this.p.requestOps.wroteTo(userId)
    await this.p.groupOps.change(groupId, { action: GroupAction.ADD, target: userId })
  }

  async removeMember (groupId: string, userId: string): Promise<void> {
    this.checkOpen()
    await this.p.groupOps.change(groupId, { action: GroupAction.REMOVE, target: userId })
  }

  async leaveGroup (groupId: string): Promise<void> {
    this.checkOpen()
    await this.p.groupOps.change(groupId, { action: GroupAction.LEAVE })
  }

  async renameGroup (groupId: string, name: string): Promise<void> {
    this.checkOpen()
    await this.p.groupOps.change(groupId, { action: GroupAction.RENAME, name })
  }

  /** through the outbox, as send (client/outbox/deliver-group.ts) */
  async sendGroup (groupId: string, text: string, options: SendOptions = {}): Promise<SendResult> {
    this.checkOpen()
    return await this.p.queue.group(groupId, text, options)
  }

  async editMessage (id: string, text: string): Promise<{ id: string }> {
    this.checkOpen()
    return await this.p.editOps.edit(id, text)
  }

  async deleteMessage (id: string): Promise<{ id: string }> {
    this.checkOpen()
    return await this.p.editOps.delete(id)
  }

  async sendTyping (toUserId: string, state: 'started' | 'stopped'): Promise<number> {
    this.checkOpen()
    return await this.p.typingOps.send(toUserId, state)
  }

  onTyping (listener: (e: TypingEvent) => void): () => void {
    this.checkOpen()
    return this.p.typingOps.on(listener)
  }

  async groups (): Promise<Array<{ groupId: string, name: string, members: string[] }>> {
    this.checkOpen()
    return await this.p.groupOps.list()
  }

  // ------------------------------------------------------------------ devices and receipts

  async startLink (): Promise<{ code: string, linkId: string, expiresAt: number }> {
    this.checkOpen()
    return await this.p.deviceOps.startLink()
  }

  async awaitLink (linkId: string, options: { timeoutMs?: number, onRejected?: () => void } = {}): Promise<{ deviceId: number }> {
    this.checkOpen()
    return await this.p.deviceOps.awaitLink(linkId, options)
  }

  async devices (): Promise<{ devices: DeviceInfo[], removed: boolean }> {
    this.checkOpen()
    return await this.p.deviceOps.list()
  }

  async removeDevice (deviceId: number): Promise<void> {
    this.checkOpen()
    await this.p.deviceOps.remove(deviceId)
  }

  async exportTranscript (userId: string): Promise<ExportedTranscript> {
    this.checkOpen()
    return await exportTranscript(this.ctx, userId)
  }

  verifyTranscript (bytes: Uint8Array): SignedTranscript {
    return verifyTranscript(bytes)
  }

  async messageStatus (id: string): Promise<MessageStatus | undefined> {
    this.checkOpen()
    if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) throw new RelaymeshError(ErrorCode.Invalid, `not a message id: ${String(id)}`)
    return await getStatus(this.ctx.store, id)
  }

  onStatus (listener: StatusListener): () => void {
    this.checkOpen()
    if (typeof listener !== 'function') throw new RelaymeshError(ErrorCode.Invalid, 'onStatus takes a function')
    return statusEventsOf(this.ctx).on(listener)
  }

  async outbox (): Promise<OutboxEntry[]> {
    this.checkOpen()
    return await this.p.outboxOps.list()
  }

  async markRead (messages: Array<{ id: string, from: string, group?: string | null, system?: boolean }>): Promise<void> {
    this.checkOpen()
    await this.p.receiptOps.read(messages)
  }

  // ------------------------------------------------------------------ lifecycle

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    await closeParts(this.p, this.ctx)
  }

  private checkOpen (): void {
    if (this.closed) throw new RelaymeshError(ErrorCode.InvalidState, 'the client is closed')
  }
}


function toIncoming (m: StoredMessage): IncomingMessage {
  const out: IncomingMessage = { id: m.id, from: m.from, group: m.group, text: m.text, sentAt: m.sentAt }
  if (m.system === true) out.system = true
  const file = (m as FileMessage).file
  if (file !== undefined) out.file = { ...file }
  if (m.change?.kind === 'edit') out.edit = { target: m.change.target, text: m.text }
  if (m.change?.kind === 'delete') out.deleted = { target: m.change.target }
  return out
}
