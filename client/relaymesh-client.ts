// The Client: wires the unlocked store, identity, prekeys, sessions and the
// message log to a relay node connection, and delegates each entry point to the
// module that does it (client/messaging: peer-directory, direct-sender,
// inbox-pump; client/keys/attach-upkeep; client/presence; client/groups, files,
// devices, receipts, profiles, requests). Session state is touched only under
// one lock (Serial); network round trips stay outside it where they can.
import pino from 'pino'
import { ErrorCode, RelaymeshError } from '../protocol/errors.js'
import { safetyNumber } from '../protocol/identity.js'
import type { Client, ClientOptions, IncomingMessage, OutboxEntry, SendOptions, SendResult, StatusListener } from './types.js'
import { addContact, listContacts, renameContact, resolveUser } from './contacts.js'
import { HistoryOps } from './history/history-ops.js'
import type { ConversationInfo, ConversationRef, HistoryMessage, HistoryOptions } from './history/types.js'
import { LocalIdentity } from './local-identity.js'
import { PreKeys } from './keys/prekeys.js'
import { persist, type MessagingContext } from './messaging/context.js'
import { EnvelopeIds } from './messaging/envelope-id.js'
import { MessageLog, type StoredMessage } from './messaging/message-log.js'
import { SessionCache } from './messaging/sessions.js'
import { ContentHandlers } from './messaging/content-handlers.js'
import { registerCoreHandlers } from './messaging/core-handlers.js'
import { GroupStore } from './groups/group-store.js'
import { GroupManager } from './groups/group-manager.js'
import { FileSender } from './files/file-sender.js'
import { FileExpiry } from './files/file-expiry.js'
import type { FileMessage, SendFileOptions, SendFileResult } from './files/types.js'
import { GroupAction } from './messaging/content.js'
import { checkUserId, type PeerUser } from './messaging/user-directory.js'
import { PeerDirectory } from './messaging/peer-directory.js'
import { InboxPump } from './messaging/inbox-pump.js'
import { DirectSender } from './messaging/direct-sender.js'
import { SealedStore, type StoreOp } from './store/sealed-store.js'
import { ConnectionManager } from './transport/connection-manager.js'
import { SendChannel } from './transport/send-channel.js'
import type { NodeConnection } from './transport/node-connection.js'
import { Serial } from './util/serial.js'
import { DeviceManager, type DeviceInfo } from './devices/device-manager.js'
import { SenderDevices } from './devices/sender-devices.js'
import { Receipts } from './receipts/receipts.js'
import { ProfileManager, type ProfileView, type RemovedContact } from './profiles/profile-manager.js'
import { loadPeerProfile } from './profiles/profile-store.js'
import { getStatus, type MessageStatus } from './receipts/message-status.js'
import { AttachUpkeep } from './keys/attach-upkeep.js'
import { Outbox } from './outbox/outbox.js'
import { deliverGroup } from './outbox/deliver-group.js'
import { statusEventsOf } from './receipts/status-events.js'
import { checkGroupId } from './groups/group-manager.js'
import { ContentKind, encodeContent, newMessageId } from './messaging/content.js'
import { hex } from './util/bytes.js'
import type { PresenceView } from './presence/contact-presence.js'
import { PresenceOps } from './presence/presence-ops.js'
import { heldProfileKey } from './profiles/profile-keys.js'
import { RequestStore } from './requests/request-store.js'
import { RequestOps, type BlockedUser, type MessageRequest } from './requests/request-ops.js'
import { exportTranscript, type ExportedTranscript } from './transcripts/transcript-export.js'
import { verifyTranscript, type SignedTranscript } from '../protocol/transcript.js'
import { ChannelOps, type ChannelPostView } from './channel/channel-ops.js'
import { Sequences } from './gaps/sequences.js'
import { GapTracker } from './gaps/gap-tracker.js'
import { EditOps } from './edits/edit-ops.js'
import { registerEditHandlers } from './edits/edit-handler.js'
import { TypingOps, type TypingEvent } from './edits/typing.js'

export { ACK_CHUNK, ACK_DELAY_MS, FETCH_PAGE, PROFILE_FETCH_WAIT_MS } from './messaging/inbox-pump.js'
export { USER_CACHE_MS } from './messaging/peer-directory.js'
export { RESET_INTERVAL_MS } from './messaging/direct-sender.js'

export class RelaymeshClient implements Client {
  private readonly serial = new Serial()
  private readonly ids = new EnvelopeIds()
  private readonly peers: PeerDirectory
  private readonly direct: DirectSender
  private readonly inbox: InboxPump
  private readonly upkeep: AttachUpkeep
  private readonly presence: PresenceOps
  private readonly conns: ConnectionManager
  private readonly ctx: MessagingContext
  private closed = false
  private readonly groupOps: GroupManager
  private readonly fileOut: FileSender
  private readonly fileExpiry: FileExpiry
  private readonly deviceOps: DeviceManager
  private readonly receiptOps: Receipts
  private readonly profileOps: ProfileManager
  private readonly requestOps: RequestOps
  private readonly channelOps: ChannelOps
  private readonly sequences: Sequences
  private readonly editOps: EditOps
  private readonly typingOps: TypingOps
  private readonly gaps: GapTracker
  private readonly historyOps: HistoryOps
  private readonly outboxOps: Outbox

  private constructor (options: ClientOptions, ctx: MessagingContext) {
    this.ctx = ctx
    this.peers = new PeerDirectory(ctx, () => this.conns.connection)
    // whom messages may come from: the senders' latest device lists, fetched through the attached node
    ctx.senders = new SenderDevices(async (userId) => await this.peers.deviceListOf(userId), ctx.now, options.deviceListMaxAgeMs)
    this.conns = new ConnectionManager(options.nodes, () => this.ctx.identity.credentials(), {
      onEnvelope: (env, conn) => { this.inbox.enqueuePush(env, conn) },
      onLowPreKeys: (remaining, conn) => { this.upkeep.topUp(conn, remaining).catch((err: Error) => { ctx.log.warn({ err: err.message }, 'prekey top-up failed') }) },
      // then what waits in the outbox goes (client/outbox)
      onAttached: async (conn) => { this.fileExpiry.kick(); await this.upkeep.onAttached(conn); this.outboxOps.kick() },
      onStaleDeviceList: async (conn) => {
        await this.deviceOps.sync(conn)
        if (this.ctx.identity.removed) throw new RelaymeshError(ErrorCode.Unauthorized, 'this device was removed from your device list by another of your devices: it can no longer attach')
      }
    }, ctx.log)
    // what sending needs from the client: one object for groups, profiles, files, receipts and devices
    const sending = {
      ctx,
      serial: this.serial,
      ids: this.ids,
      ready: async () => await this.conns.ready(),
      user: async (conn: NodeConnection, userId: string) => await this.peers.user(conn, userId),
      rememberPeer: (peer: PeerUser, ops: StoreOp[]) => { this.peers.rememberPeer(peer, ops) },
      persist: async (ops: StoreOp[]) => { await persist(ctx, ops) }
    }
    this.channelOps = new ChannelOps(ctx)
    this.historyOps = new HistoryOps(ctx)
    this.presence = new PresenceOps({ ctx, peers: this.peers, connection: () => this.conns.connection })
    this.direct = new DirectSender({
      ...sending,
      peers: this.peers,
      connection: () => this.conns.connection,
      wroteTo: async (userId) => { await this.requestOps.wroteTo(userId) }
    })
    this.groupOps = new GroupManager(sending)
    this.profileOps = new ProfileManager(sending)
    this.fileOut = new FileSender(sending)
    this.fileExpiry = new FileExpiry(ctx, this.serial)
    this.deviceOps = new DeviceManager({
      ...sending,
      connection: () => this.conns.connection,
      drain: async (conn) => { await this.inbox.drain(conn) },
      forgetUser: (userId) => { this.peers.forget(userId) },
      ownPresence: async (conn) => await this.presence.ownDevices(conn)
    })
    this.receiptOps = new Receipts({
      ...sending,
      ...(options.receiptDelayMs !== undefined ? { delayMs: options.receiptDelayMs } : {})
    })
    this.requestOps = new RequestOps({
      ctx,
      requests: ctx.requests as RequestStore,
      serial: this.serial,
      persist: async (ops) => { await persist(ctx, ops) },
      released: async (stored, distribute, inbox) => {
        if (inbox) this.inbox.notify(stored)
        for (const g of new Set(distribute)) this.groupOps.distribute(g).catch((err: Error) => { ctx.log.warn({ group: g, err: err.message }, 'sender key distribution failed; retried before the next group message') })
        await this.receiptOps.delivered(stored)
      },
      // a requester's profile name, when they shared their profile key with us (fetched as the key arrives)
      nameOf: options.nameOf ?? (async (userId: string) => (await loadPeerProfile(ctx.store, userId))?.name)
    })
    this.inbox = new InboxPump({
      ctx,
      serial: this.serial,
      ready: async () => await this.conns.ready(),
      connection: () => this.conns.connection,
      closed: () => this.closed,
      ...(options.ackDelayMs !== undefined ? { ackDelayMs: options.ackDelayMs } : {}),
      profileOf: async (userId) => await this.profileOps.profileOf(userId),
      namedRequests: async (events) => await this.requestOps.named(events),
      distribute: async (groupId) => { await this.groupOps.distribute(groupId) },
      sendReset: async (userId, deviceId) => { await this.direct.sendReset(userId, deviceId) },
      afterIngest: async (conn, linked) => { await this.deviceOps.afterIngest(conn, linked) },
      delivered: async (stored) => { this.fileExpiry.noticed(stored); await this.receiptOps.delivered(stored) }
    })
    this.outboxOps = new Outbox({
      ctx,
      serial: this.serial,
      events: statusEventsOf(ctx),
      deliverDirect: async (e, done, sending) => await this.direct.deliver({ id: e.id, to: e.to as string, text: e.text, sentAt: e.sentAt, ...(e.seq !== undefined ? { seq: e.seq } : {}) }, done, sending),
      deliverGroup: async (e, done, sending) => await deliverGroup(ctx, this.serial, this.groupOps, e, done, sending),
      attached: () => this.conns.connection !== undefined
    })
    this.upkeep = new AttachUpkeep({
      ctx,
      serial: this.serial,
      own: async (conn, now) => await this.peers.own(conn, now),
      syncDevices: async (conn, records) => { await this.deviceOps.sync(conn, records) },
      refreshProfile: async (conn) => { await this.profileOps.refreshIfDue(conn) },
      distributeOwed: async () => { await this.groupOps.distributeOwed() },
      attached: () => { this.inbox.attached() }
    })
    // edits, deletes, typing and gaps (client/edits, client/gaps; docs/spec-drafts/edits-gaps.md)
    this.sequences = new Sequences(ctx)
    const later = { ...sending, sequences: this.sequences, sendGroup: async (g: string, text: string, fields: object) => await this.groupOps.send(g, text, fields), notify: (stored: Array<{ seq: number, message: StoredMessage }>) => { this.inbox.notify(stored) } }
    this.editOps = new EditOps(later)
    this.typingOps = new TypingOps(sending)
    this.gaps = new GapTracker({
      ...later,
      ...(options.gapGraceMs !== undefined ? { graceMs: options.gapGraceMs } : {}),
      drain: async () => { const c = this.conns.connection; if (c !== undefined) await this.inbox.drain(c) }
    })
    registerEditHandlers(ctx.handlers, { retryPending: async () => { await this.editOps.retryPending() } })
    this.typingOps.register(ctx.handlers)
    this.gaps.register(ctx.handlers)
  }

  static async open (options: ClientOptions): Promise<RelaymeshClient> {
    if (typeof options.passphrase !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'a passphrase is required')
    const store = await SealedStore.open(options.home, options.passphrase)
    try {
      const identity = await LocalIdentity.load(store)
      const prekeys = await PreKeys.load(store, identity.identity)
      const messages = await MessageLog.open(store)
      const log = options.log ?? pino({ level: 'silent' })
      const requests = await RequestStore.open(store, identity.userId, options.messageRequests ?? false, log)
      // sealed sends leave from a peer of their own, preferably through a node other than the attached one
      let client: RelaymeshClient | undefined
      const outbound = new SendChannel(options.nodes, () => client?.conns.connection?.address, async (userId) => client === undefined ? undefined : await heldProfileKey(client.ctx, userId), log)
      client = new RelaymeshClient(options, { store, identity, prekeys, sessions: new SessionCache(store), groups: new GroupStore(store), messages, requests, log, now: options.now ?? Date.now, outbound, handlers: registerCoreHandlers(new ContentHandlers()) })
      // received files past their expiry go now, the next ones on a timer (client/files/file-expiry.ts)
      client.fileExpiry.start()
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
    if (this.conns.connection !== undefined) return
    await this.conns.connect()
  }

  // ------------------------------------------------------------------ sending

  /** through the outbox (client/outbox): on disk before anything else happens */
  async send (toUserId: string, text: string, options: SendOptions = {}): Promise<SendResult> {
    this.checkOpen()
    checkTimeout(options.timeoutMs)
    await this.direct.check(toUserId, text)
    const id = hex(newMessageId())
    const sentAt = this.ctx.now()
    // its number in the conversation's sequence (client/gaps), taken once: every attempt of the outbox carries it
    const seq = await this.sequences.take(toUserId, { id, kind: 'text', sentAt })
    return await this.outboxOps.send({ to: toUserId }, id, text, sentAt, options.timeoutMs, seq)
  }

  async sendFile (toUserId: string, path: string, options: SendFileOptions = {}): Promise<SendFileResult> {
    this.checkOpen()
    checkUserId(toUserId)
    await this.requestOps.wroteTo(toUserId)
    return await this.fileOut.send(toUserId, path, options)
  }

  // ------------------------------------------------------------------ receiving (client/messaging/inbox-pump.ts)

  async receive (options: { waitMs?: number, onMessage?: (m: IncomingMessage) => void, onRequest?: (r: MessageRequest) => void } = {}): Promise<IncomingMessage[]> {
    this.checkOpen()
    return (await this.inbox.receive({ ...options, onMessage: (m) => { options.onMessage?.(toIncoming(m)) } })).map(toIncoming)
  }

  async history (conversation?: string, options: HistoryOptions = {}): Promise<HistoryMessage[]> {
    this.checkOpen()
    return await this.historyOps.history(conversation, options)
  }

  async conversations (): Promise<ConversationInfo[]> {
    this.checkOpen()
    return await this.historyOps.conversations()
  }

  async markSeen (conversation?: string): Promise<void> {
    this.checkOpen()
    await this.historyOps.markSeen(conversation)
  }

  async markShown (messages: Array<{ id: string, from: string }>): Promise<void> {
    this.checkOpen()
    await this.historyOps.markShown(messages)
  }

  async resolveGroup (nameOrId: string): Promise<string> {
    this.checkOpen()
    return await this.historyOps.resolveGroup(nameOrId)
  }

  async resolveConversation (nameOrId: string): Promise<ConversationRef> {
    this.checkOpen()
    return await this.historyOps.resolveConversation(nameOrId)
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
      await this.peers.user(await this.conns.ready(), userId).catch((err: unknown) => {
        if (RelaymeshError.is(err, ErrorCode.NotFound)) throw new RelaymeshError(ErrorCode.NotFound, `no user ${userId} on the mesh: check the id for a typo`, { cause: err })
        throw err
      })
    }
    await addContact(this.ctx.store, alias, userId)
    await this.requestOps.contactAdded(userId)
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
    return await this.profileOps.removeContact(aliasOrUserId)
  }

  // ------------------------------------------------------------------ profiles (client/profiles)

  async setProfile (profile: { name: string, avatar?: Uint8Array }): Promise<ProfileView> {
    this.checkOpen()
    return await this.profileOps.set(profile)
  }

  async profileOf (userId: string): Promise<ProfileView | undefined> {
    this.checkOpen()
    return await this.profileOps.profileOf(userId)
  }

  async profileNames (): Promise<Map<string, string>> {
    this.checkOpen()
    return await this.profileOps.names()
  }

  // ------------------------------------------------------------------ public channels (client/channel)

  async postToChannel (text: string, options: { channel?: string } = {}): Promise<ChannelPostView> {
    this.checkOpen()
    return await this.channelOps.post(text, options)
  }

  async readChannel (options: { channel?: string, since?: number } = {}): Promise<ChannelPostView[]> {
    this.checkOpen()
    return await this.channelOps.read(options)
  }

  async newChannelPosts (options: { channel?: string } = {}): Promise<ChannelPostView[]> {
    this.checkOpen()
    return await this.channelOps.fresh(options)
  }

  /** 'unknown' without their profile key (not a contact) or when no node answers (client/presence/presence-ops.ts) */
  async presenceOf (userId: string): Promise<PresenceView> {
    this.checkOpen()
    return await this.presence.of(userId)
  }

  async resolveUser (aliasOrUserId: string): Promise<string> {
    this.checkOpen()
    return await resolveUser(this.ctx.store, aliasOrUserId)
  }

  async safetyNumber (userId: string): Promise<string> {
    this.checkOpen()
    checkUserId(userId)
    const key = await this.peers.identityKey(userId, async () => await this.conns.ready())
    return safetyNumber(this.ctx.identity.identity.publicKey, this.userId, key, userId)
  }

  // ------------------------------------------------------------------ message requests and blocking (client/requests)

  async requests (): Promise<MessageRequest[]> {
    this.checkOpen()
    return await this.requestOps.list()
  }

  async acceptRequest (userId: string, alias?: string): Promise<IncomingMessage[]> {
    this.checkOpen()
    return (await this.requestOps.accept(userId, alias)).map(toIncoming)
  }

  async declineRequest (userId: string): Promise<void> {
    this.checkOpen()
    await this.requestOps.decline(userId)
  }

  async block (userId: string): Promise<void> {
    this.checkOpen()
    await this.requestOps.block(userId)
  }

  async unblock (userId: string): Promise<void> {
    this.checkOpen()
    await this.requestOps.unblock(userId)
  }

  async blocked (): Promise<BlockedUser[]> {
    this.checkOpen()
    return await this.requestOps.blocked()
  }

  async resolveRequester (user: string): Promise<string> {
    this.checkOpen()
    return await this.requestOps.resolve(user)
  }

  /** Fetch the mailbox into the local store (requests land, messages wait in the inbox for receive()). */
  async sync (): Promise<void> {
    this.checkOpen()
    await this.inbox.drain(await this.conns.ready())
  }

  // ------------------------------------------------------------------ groups

  async createGroup (name: string, members: string[]): Promise<{ groupId: string }> {
    this.checkOpen()
    if (Array.isArray(members)) for (const m of members) if (typeof m === 'string' && m !== this.userId) await this.requestOps.wroteTo(m)
    return await this.groupOps.create(name, members)
  }

  async addMember (groupId: string, userId: string): Promise<void> {
    this.checkOpen()
    if (typeof userId === 'string' && userId !== this.userId) await this.requestOps.wroteTo(userId)
    await this.groupOps.change(groupId, { action: GroupAction.ADD, target: userId })
  }

  async removeMember (groupId: string, userId: string): Promise<void> {
    this.checkOpen()
    await this.groupOps.change(groupId, { action: GroupAction.REMOVE, target: userId })
  }

  async leaveGroup (groupId: string): Promise<void> {
    this.checkOpen()
    await this.groupOps.change(groupId, { action: GroupAction.LEAVE })
  }

  async renameGroup (groupId: string, name: string): Promise<void> {
    this.checkOpen()
    await this.groupOps.change(groupId, { action: GroupAction.RENAME, name })
  }

  /** through the outbox, as send (client/outbox/deliver-group.ts) */
  async sendGroup (groupId: string, text: string, options: SendOptions = {}): Promise<SendResult> {
    this.checkOpen()
    checkTimeout(options.timeoutMs)
    const gid = checkGroupId(groupId)
    if (typeof text !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'text must be a string')
    const g = await this.ctx.groups.get(groupId)
    if (g === undefined || !g.active) throw new RelaymeshError(ErrorCode.NotFound, `not a member of group ${groupId}`)
    const messageId = newMessageId()
    const sentAt = this.ctx.now()
    encodeContent({ messageId, sentAt, kind: ContentKind.TEXT, text, groupId: gid }) // Invalid when too long
    // its number in the group's sequence (client/gaps), taken once: every attempt of the outbox carries it
    const seq = await this.sequences.take(groupId, { id: hex(messageId), kind: 'text', sentAt, ...(g.changes !== undefined ? { changes: g.changes } : {}) })
    return await this.outboxOps.send({ group: groupId }, hex(messageId), text, sentAt, options.timeoutMs, seq)
  }

  async editMessage (id: string, text: string): Promise<{ id: string }> {
    this.checkOpen()
    return await this.editOps.edit(id, text)
  }

  async deleteMessage (id: string): Promise<{ id: string }> {
    this.checkOpen()
    return await this.editOps.delete(id)
  }

  async sendTyping (toUserId: string, state: 'started' | 'stopped'): Promise<number> {
    this.checkOpen()
    return await this.typingOps.send(toUserId, state)
  }

  onTyping (listener: (e: TypingEvent) => void): () => void {
    this.checkOpen()
    return this.typingOps.on(listener)
  }

  async groups (): Promise<Array<{ groupId: string, name: string, members: string[] }>> {
    this.checkOpen()
    return await this.groupOps.list()
  }

  // ------------------------------------------------------------------ devices and receipts

  async startLink (): Promise<{ code: string, linkId: string, expiresAt: number }> {
    this.checkOpen()
    return await this.deviceOps.startLink()
  }

  async awaitLink (linkId: string, options: { timeoutMs?: number, onRejected?: () => void } = {}): Promise<{ deviceId: number }> {
    this.checkOpen()
    return await this.deviceOps.awaitLink(linkId, options)
  }

  async devices (): Promise<{ devices: DeviceInfo[], removed: boolean }> {
    this.checkOpen()
    return await this.deviceOps.list()
  }

  async removeDevice (deviceId: number): Promise<void> {
    this.checkOpen()
    await this.deviceOps.remove(deviceId)
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
    return await this.outboxOps.list()
  }

  async markRead (messages: Array<{ id: string, from: string, group?: string | null, system?: boolean }>): Promise<void> {
    this.checkOpen()
    await this.receiptOps.read(messages)
  }

  // ------------------------------------------------------------------ lifecycle

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.inbox.stopWaiting()
    this.fileExpiry.stop()
    this.gaps.stop()
    // a message being sent now may finish (bounded); the rest waits in the outbox for the next attach
    await this.outboxOps.close()
    // what is persisted and not yet acknowledged goes now (ids added later are acknowledged after a restart)
    await this.inbox.flushAcks()
    // and the delivered receipts owed (bounded: each send runs under the connection's request timeouts)
    await this.receiptOps.flush()
    await this.conns.close()
    await this.ctx.outbound.close()
    await this.inbox.settled()
    await this.fileExpiry.settled()
    // let in-flight batches finish before the store closes
    await this.serial.run(async () => {})
    this.receiptOps.stop()
    await this.ctx.store.close()
  }

  private checkOpen (): void {
    if (this.closed) throw new RelaymeshError(ErrorCode.InvalidState, 'the client is closed')
  }
}

function checkTimeout (timeoutMs: unknown): void {
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0)) throw new RelaymeshError(ErrorCode.Invalid, 'timeoutMs must be a number of milliseconds, 0 or more')
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
