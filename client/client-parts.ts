// The client's parts and how they are wired together: who calls whom when a
// node attaches, an envelope arrives, a message is sent or received. The
// facade (relaymesh-client.ts) holds the parts and turns each Client call
// into one call on one of them; everything they share is the MessagingContext.
import { ErrorCode, RelaymeshError } from '../protocol/errors.js'
import type { ClientOptions } from './types.js'
import { HistoryOps } from './history/history-ops.js'
import { persist, type MessagingContext } from './messaging/context.js'
import { EnvelopeIds } from './messaging/envelope-id.js'
import { type StoredMessage } from './messaging/message-log.js'
import { GroupManager } from './groups/group-manager.js'
import { FileSender } from './files/file-sender.js'
import { FileExpiry } from './files/file-expiry.js'
import { type PeerUser } from './messaging/user-directory.js'
import { PeerDirectory } from './messaging/peer-directory.js'
import { InboxPump } from './messaging/inbox-pump.js'
import { DirectSender } from './messaging/direct-sender.js'
import { type StoreOp } from './store/sealed-store.js'
import { ConnectionManager } from './transport/connection-manager.js'
import type { NodeConnection } from './transport/node-connection.js'
import { Serial } from './util/serial.js'
import { DeviceManager } from './devices/device-manager.js'
import { SenderDevices } from './devices/sender-devices.js'
import { Receipts } from './receipts/receipts.js'
import { ProfileManager } from './profiles/profile-manager.js'
import { loadPeerProfile } from './profiles/profile-store.js'
import { AttachUpkeep } from './keys/attach-upkeep.js'
import { Outbox } from './outbox/outbox.js'
import { MessageQueue } from './outbox/message-queue.js'
import { deliverGroup } from './outbox/deliver-group.js'
import { statusEventsOf } from './receipts/status-events.js'
import { PresenceOps } from './presence/presence-ops.js'
import { RequestStore } from './requests/request-store.js'
import { RequestOps } from './requests/request-ops.js'
import { ChannelOps } from './channel/channel-ops.js'
import { Sequences } from './gaps/sequences.js'
import { GapTracker } from './gaps/gap-tracker.js'
import { EditOps } from './edits/edit-ops.js'
import { registerEditHandlers } from './edits/edit-handler.js'
import { TypingOps } from './edits/typing.js'

/** how long close() lets a sender key distribution under way finish */
export const CLOSE_DISTRIBUTION_WAIT_MS = 5_000

export interface ClientParts {
  serial: Serial
  ids: EnvelopeIds
  peers: PeerDirectory
  direct: DirectSender
  inbox: InboxPump
  upkeep: AttachUpkeep
  presence: PresenceOps
  conns: ConnectionManager
  groupOps: GroupManager
  fileOut: FileSender
  fileExpiry: FileExpiry
  deviceOps: DeviceManager
  receiptOps: Receipts
  profileOps: ProfileManager
  requestOps: RequestOps
  channelOps: ChannelOps
  sequences: Sequences
  editOps: EditOps
  typingOps: TypingOps
  gaps: GapTracker
  historyOps: HistoryOps
  outboxOps: Outbox
  queue: MessageQueue
}

/** Every part of a client over `ctx`; `closed` tells the receive loop when the client is closing. */
export function wireClient (options: ClientOptions, ctx: MessagingContext, closed: () => boolean): ClientParts {
  const p = { serial: new Serial(), ids: new EnvelopeIds() } as ClientParts
  p.peers = new PeerDirectory(ctx, () => p.conns.connection)
  // whom messages may come from: the senders' latest device lists, fetched through the attached node
  ctx.senders = new SenderDevices(async (userId) => await p.peers.deviceListOf(userId), ctx.now, options.deviceListMaxAgeMs)
  p.conns = new ConnectionManager(options.nodes, () => ctx.identity.credentials(), {
    onEnvelope: (env, conn) => { p.inbox.enqueuePush(env, conn) },
    onLowPreKeys: (remaining, conn) => { p.upkeep.topUp(conn, remaining).catch((err: Error) => { ctx.log.warn({ err: err.message }, 'prekey top-up failed') }) },
    // then what waits in the outbox goes (client/outbox)
    onAttached: async (conn) => { p.fileExpiry.kick(); await p.upkeep.onAttached(conn); p.outboxOps.kick() },
    onStaleDeviceList: async (conn) => {
      await p.deviceOps.sync(conn)
      if (ctx.identity.removed) throw new RelaymeshError(ErrorCode.Unauthorized, 'this device was removed from your device list by another of your devices: it can no longer attach')
    }
  }, ctx.log)
  // what sending needs from the client: one object for groups, profiles, files, receipts and devices
  const sending = {
    ctx,
    serial: p.serial,
    ids: p.ids,
    ready: async () => await p.conns.ready(),
    user: async (conn: NodeConnection, userId: string) => await p.peers.user(conn, userId),
    rememberPeer: (peer: PeerUser, ops: StoreOp[]) => { p.peers.rememberPeer(peer, ops) },
    persist: async (ops: StoreOp[]) => { await persist(ctx, ops) }
  }
  p.channelOps = new ChannelOps(ctx)
  p.historyOps = new HistoryOps(ctx)
  p.presence = new PresenceOps({ ctx, peers: p.peers, connection: () => p.conns.connection })
  p.direct = new DirectSender({
    ...sending,
    peers: p.peers,
    connection: () => p.conns.connection,
    wroteTo: async (userId) => { await p.requestOps.wroteTo(userId) }
  })
  p.groupOps = new GroupManager(sending)
  p.profileOps = new ProfileManager(sending)
  p.fileOut = new FileSender(sending)
  p.fileExpiry = new FileExpiry(ctx, p.serial)
  p.deviceOps = new DeviceManager({
    ...sending,
    connection: () => p.conns.connection,
    drain: async (conn) => { await p.inbox.drain(conn) },
    forgetUser: (userId) => { p.peers.forget(userId) },
    ownPresence: async (conn) => await p.presence.ownDevices(conn)
  })
  p.receiptOps = new Receipts({
    ...sending,
    ...(options.receiptDelayMs !== undefined ? { delayMs: options.receiptDelayMs } : {})
  })
  p.requestOps = new RequestOps({
    ctx,
    requests: ctx.requests as RequestStore,
    serial: p.serial,
    persist: async (ops) => { await persist(ctx, ops) },
    released: async (stored, distribute, inbox) => {
      if (inbox) p.inbox.notify(stored)
      for (const g of new Set(distribute)) p.groupOps.distribute(g).catch((err: Error) => { ctx.log.warn({ group: g, err: err.message }, 'sender key distribution failed; retried before the next group message') })
      await p.receiptOps.delivered(stored)
    },
    // a requester's profile name, when they shared their profile key with us (fetched as the key arrives)
    nameOf: options.nameOf ?? (async (userId: string) => (await loadPeerProfile(ctx.store, userId))?.name)
  })
  p.inbox = new InboxPump({
    ctx,
    serial: p.serial,
    ready: async () => await p.conns.ready(),
    connection: () => p.conns.connection,
    closed: () => closed(),
    ...(options.ackDelayMs !== undefined ? { ackDelayMs: options.ackDelayMs } : {}),
    profileOf: async (userId) => await p.profileOps.profileOf(userId),
    namedRequests: async (events) => await p.requestOps.named(events),
    distribute: async (groupId) => { await p.groupOps.distribute(groupId) },
    sendReset: async (userId, deviceId) => { await p.direct.sendReset(userId, deviceId) },
    afterIngest: async (conn, linked) => { await p.deviceOps.afterIngest(conn, linked) },
    delivered: async (stored) => { p.fileExpiry.noticed(stored); await p.receiptOps.delivered(stored) }
  })
  p.outboxOps = new Outbox({
    ctx,
    serial: p.serial,
    events: statusEventsOf(ctx),
    deliverDirect: async (e, done, sending) => await p.direct.deliver({ id: e.id, to: e.to as string, text: e.text, sentAt: e.sentAt, ...(e.seq !== undefined ? { seq: e.seq } : {}) }, done, sending),
    deliverGroup: async (e, done, sending) => await deliverGroup(ctx, p.serial, p.groupOps, e, done, sending),
    attached: () => p.conns.connection !== undefined
  })
  p.upkeep = new AttachUpkeep({
    ctx,
    serial: p.serial,
    own: async (conn, now) => await p.peers.own(conn, now),
    syncDevices: async (conn, records) => { await p.deviceOps.sync(conn, records) },
    refreshProfile: async (conn) => { await p.profileOps.refreshIfDue(conn) },
    distributeOwed: async () => { await p.groupOps.distributeOwed() },
    attached: () => { p.inbox.attached() }
  })
  // edits, deletes, typing and gaps (client/edits, client/gaps; docs/protocol.md §8g-8h)
  p.sequences = new Sequences(ctx)
  const later = { ...sending, sequences: p.sequences, sendGroup: async (g: string, text: string, fields: object) => await p.groupOps.send(g, text, fields), notify: (stored: Array<{ seq: number, message: StoredMessage }>) => { p.inbox.notify(stored) } }
  p.editOps = new EditOps(later)
  p.typingOps = new TypingOps(sending)
  p.gaps = new GapTracker({
    ...later,
    ...(options.gapGraceMs !== undefined ? { graceMs: options.gapGraceMs } : {}),
    drain: async () => { const c = p.conns.connection; if (c !== undefined) await p.inbox.drain(c) }
  })
  registerEditHandlers(ctx.handlers, { retryPending: async () => { await p.editOps.retryPending() } })
  p.typingOps.register(ctx.handlers)
  p.gaps.register(ctx.handlers)

  p.queue = new MessageQueue({ ctx, direct: p.direct, sequences: p.sequences, outbox: p.outboxOps })
  return p
}

/** Close every part, in the order that loses nothing: sends under way, acks and receipts owed, then the store. */
export async function closeParts (p: ClientParts, ctx: MessagingContext): Promise<void> {
  p.inbox.stopWaiting()
  p.fileExpiry.stop()
  p.gaps.stop()
  // a message being sent now may finish (bounded); the rest waits in the outbox for the next attach
  await p.outboxOps.close()
  // what is persisted and not yet acknowledged goes now (ids added later are acknowledged after a restart)
  await p.inbox.flushAcks()
  // and the delivered receipts owed (bounded: each send runs under the connection's request timeouts)
  await p.receiptOps.flush()
  // a sender key distribution under way reaches the members (bounded); else it is retried on the next attach
  await p.groupOps.settled(CLOSE_DISTRIBUTION_WAIT_MS)
  await p.conns.close()
  await ctx.outbound.close()
  await p.inbox.settled()
  await p.fileExpiry.settled()
  // let in-flight batches finish before the store closes
  await p.serial.run(async () => {})
  p.receiptOps.stop()
  await ctx.store.close()
}
