// The client library's entry points: create an identity in a home folder and
// open it (unlock the sealed store). The types they hand out live in types.ts.
import { ErrorCode, RelaymeshError } from '../protocol/errors.js'
import { LocalIdentity } from './local-identity.js'
import { PreKeys } from './keys/prekeys.js'
import { SealedStore } from './store/sealed-store.js'
import { storeExists } from './platform/home-fs.js'
import { RelaymeshClient } from './relaymesh-client.js'
import type { Client, ClientOptions } from './types.js'
export type * from './types.js'
export { joinDevice, type JoinOptions } from './devices/join.js'
export { verifyTranscript } from '../protocol/transcript.js'
export { LISTEN_SLICE_MS } from './messaging/inbox-pump.js'

/** Create the home (0700) and its sealed store with a new identity and device 1. */
export async function initIdentity (home: string, passphrase: string, options: { name?: string } = {}): Promise<{ userId: string, deviceId: number }> {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'a passphrase is required')
  const store = await SealedStore.create(home, passphrase)
  try {
    const now = Date.now()
    const identity = LocalIdentity.create(now, options.name)
    const { ops } = PreKeys.create(store, identity.identity, now)
    await store.batch([identity.saveOp(store), ...ops], { sync: true })
    return { userId: identity.userId, deviceId: identity.deviceId }
  } finally {
    await store.close()
  }
}

/** Whether `home` holds an identity (Node: a store folder; browser: the IndexedDB database relaymesh-<home>). Reads nothing sealed. */
export async function identityExists (home: string): Promise<boolean> {
  return await storeExists(home)
}

/** Unlock the store (WrongPassphrase, InvalidState if corrupted, NotFound if none). Does not connect. */
export async function openClient (options: ClientOptions): Promise<Client> {
  return await RelaymeshClient.open(options)
}
