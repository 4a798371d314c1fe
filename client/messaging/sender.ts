// Sending one piece of content to a set of devices (a peer's devices and our
// own other devices): a session per device (PQXDH from the device's bundle
// and a claimed one-time prekey when none exists yet), one Double Ratchet
// message per device, each sealed (sealed sender) into its own envelope.
import { decode } from '../../protocol/codec.js'
import { X25519_KEY_BYTES } from '../../protocol/constants.js'
import { encryptMessage, startSession } from '../../protocol/crypto/session.js'
import { sealSender } from '../../protocol/crypto/sealed-sender.js'
import { OneTimePreKey, type PreKeyBundle } from '../../protocol/pb/records.js'
import type { NodeConnection } from '../transport/node-connection.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { EnvelopeIds } from './envelope-id.js'
import type { MessagingContext } from './context.js'
import { withCurrent, type SessionSet } from './sessions.js'
import type { PeerUser } from './user-directory.js'

export interface Target {
  userId: string
  identityKey: Uint8Array
  deviceId: number
  mailbox: Uint8Array
  bundle: PreKeyBundle | undefined
  oneTimePreKey?: OneTimePreKey
  /** start a new session even if one exists (a session reset); the existing ones are kept as earlier sessions */
  fresh?: boolean
}

export interface OutEnvelope {
  target: Target
  id: Uint8Array
  payload: Uint8Array
}

export function targetsOf (user: PeerUser, exceptDeviceId?: number): Target[] {
  return user.devices
    .filter((d) => d.deviceId !== exceptDeviceId)
    .map((d) => ({ userId: user.userId, identityKey: user.identityKey, deviceId: d.deviceId, mailbox: d.mailbox, bundle: d.bundle }))
}

/**
 * For every target without a session, claim one of its one-time prekeys
 * (outside the session lock: it is a network round trip). None left, or the
 * claim failing, means PQXDH without one (the signed last-resort keys).
 */
export async function claimPreKeys (ctx: MessagingContext, targets: Target[]): Promise<void> {
  await Promise.all(targets.map(async (t) => {
    if (t.bundle === undefined || (t.fresh !== true && await hasSession(ctx, t))) return
    try {
      // over the send channel, sealed: the attached node never learns whom we start a session with
      const { prekey } = await ctx.outbound.claimPreKey(t)
      if (prekey === undefined) return
      const k = decode(OneTimePreKey, prekey, 128, 'OneTimePreKey', null)
      if (k.publicKey.byteLength === X25519_KEY_BYTES) t.oneTimePreKey = k
    } catch (err) {
      ctx.log.debug({ user: t.userId, device: t.deviceId, err: (err as Error).message }, 'no one-time prekey claimed')
    }
  }))
}

async function hasSession (ctx: MessagingContext, t: Target): Promise<boolean> {
  try {
    return (await ctx.sessions.get(t.userId, t.deviceId)) !== undefined
  } catch {
    return false
  }
}

/** Under the session lock: encrypt `plaintext` for each target; `ops` receives the session updates. */
export async function encryptForTargets (ctx: MessagingContext, targets: Target[], plaintext: Uint8Array, ids: EnvelopeIds, ops: StoreOp[]): Promise<OutEnvelope[]> {
  const out: OutEnvelope[] = []
  for (const t of targets) {
    let set: SessionSet | undefined
    try {
      set = await ctx.sessions.get(t.userId, t.deviceId)
    } catch (err) {
      // an unreadable session record is a broken session: start afresh
      ctx.log.warn({ user: t.userId, device: t.deviceId, err: (err as Error).message }, 'session record unreadable; starting a new session')
      ops.push(ctx.sessions.drop(t.userId, t.deviceId))
    }
    if (set === undefined || t.fresh === true) {
      if (t.bundle === undefined) {
        ctx.log.warn({ user: t.userId, device: t.deviceId }, 'device has no prekey bundle; skipped')
        continue
      }
      const session = startSession({ identity: ctx.identity.identity, deviceId: ctx.identity.deviceId, bundle: t.bundle, ...(t.oneTimePreKey !== undefined ? { oneTimePreKey: t.oneTimePreKey } : {}) })
      // archived, never discarded: messages the peer sent on the old one may still be on their way
      set = withCurrent(set, session)
    }
    const message = encryptMessage(set.current, plaintext)
    ops.push(ctx.sessions.put(t.userId, t.deviceId, set))
    const payload = sealSender({
      senderIdentity: ctx.identity.identity,
      senderDeviceId: ctx.identity.deviceId,
      recipientIdentityKey: t.identityKey,
      contentType: message.contentType,
      content: message.bytes
    })
    out.push({ target: t, id: ids.next(), payload })
  }
  return out
}
