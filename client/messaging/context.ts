// What the messaging functions share: the unlocked store and the state built on it.
import type { Logger } from 'pino'
import type { LocalIdentity } from '../local-identity.js'
import type { PreKeys } from '../keys/prekeys.js'
import type { SealedStore } from '../store/sealed-store.js'
import type { MessageLog } from './message-log.js'
import type { SessionCache } from './sessions.js'

export interface MessagingContext {
  store: SealedStore
  identity: LocalIdentity
  prekeys: PreKeys
  sessions: SessionCache
  messages: MessageLog
  log: Logger
  now: () => number
}
