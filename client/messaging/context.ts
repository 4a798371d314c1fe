// What the messaging functions share: the unlocked store and the state built on it.
import type { Logger } from 'pino'
import type { LocalIdentity } from '../local-identity.js'
import type { PreKeys } from '../keys/prekeys.js'
import type { SealedStore, StoreOp } from '../store/sealed-store.js'
import type { MessageLog } from './message-log.js'
import type { SessionCache } from './sessions.js'
import type { GroupStore } from '../groups/group-store.js'
import type { SenderDevices } from '../devices/sender-devices.js'
import type { SendChannel } from '../transport/send-channel.js'
import type { RequestStore } from '../requests/request-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import type { Serial } from '../util/serial.js'
import type { EnvelopeIds } from './envelope-id.js'
import type { PeerUser } from './user-directory.js'
import type { ContentHandlers } from './content-handlers.js'

export interface MessagingContext {
  store: SealedStore
  identity: LocalIdentity
  prekeys: PreKeys
  sessions: SessionCache
  /** group state, own sender keys, received sender key records */
  groups: GroupStore
  messages: MessageLog
  log: Logger
  now: () => number
  /** the senders' latest device lists: messages from devices not in them are refused (unset: no check) */
  senders?: SenderDevices
  /** sealed sends and lookups of other users, from a peer that is not the attached device (client/transport/send-channel.ts) */
  outbound: SendChannel
  /** what the receive path does with each content kind (content-handlers.ts; core kinds: core-handlers.ts) */
  handlers: ContentHandlers
  /** message requests and blocking (client/requests); unset: everyone is accepted */
  requests?: RequestStore
}

/** One synced batch of session or group state; the caches are dropped when it fails (memory never runs ahead of the disk). */
export async function persist (ctx: MessagingContext, ops: StoreOp[]): Promise<void> {
  try {
    await ctx.store.batch(ops, { sync: true })
  } catch (err) {
    ctx.sessions.invalidate()
    ctx.groups.invalidate()
    throw err
  }
}

/** What the modules that encrypt and send for the client need from it (groups, receipts, profiles). */
export interface SendingDeps {
  ctx: MessagingContext
  serial: Serial
  ids: EnvelopeIds
  ready: () => Promise<NodeConnection>
  user: (conn: NodeConnection, userId: string) => Promise<PeerUser>
  /** one synced batch; drops caches on failure */
  persist: (ops: StoreOp[]) => Promise<void>
}
