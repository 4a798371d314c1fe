// One content of any kind to every device of a user over the 1:1 sessions
// (and, when asked, a copy to our own other devices that names the
// conversation, as sent 1:1 messages are synced). Used by edits, deletes,
// typing indicators (online-only, only over sessions that exist) and the
// gap module's resend requests and resends. Sessions are persisted (synced)
// before anything leaves, as in messaging/direct-sender.ts.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { encodeContent, type AppContent } from '../messaging/content.js'
import type { SendingDeps } from '../messaging/context.js'
import { claimPreKeys, encryptForTargets, targetsOf, type Target } from '../messaging/sender.js'
import type { StoreOp } from '../store/sealed-store.js'

export interface DirectContentOptions {
  /** also to our own other devices, with `destination` naming the conversation */
  syncOwn?: boolean
  /** online-only (typing): never stored by a node, and only over sessions we already hold (no prekey claims) */
  onlineOnly?: boolean
}

/** Send `content` to every device of `to`; resolves with how many envelopes a node took. */
export async function sendDirectContent (d: SendingDeps, to: string, content: AppContent, options: DirectContentOptions = {}): Promise<number> {
  const { ctx, serial } = d
  const self = ctx.identity.userId
  const plaintext = encodeContent(content)
  const conn = await d.ready()
  let targets: Target[] = targetsOf(await d.user(conn, to), to === self ? ctx.identity.deviceId : undefined)
  let own: Target[] = options.syncOwn === true && to !== self && ctx.identity.otherDeviceIds.length > 0 ? targetsOf(await d.user(conn, self), ctx.identity.deviceId) : []
  if (options.onlineOnly === true) {
    const held = async (t: Target): Promise<boolean> => await ctx.sessions.get(t.userId, t.deviceId).then((s) => s !== undefined, () => false)
    targets = (await Promise.all(targets.map(async (t) => await held(t) ? t : undefined))).filter((t): t is Target => t !== undefined)
    own = []
  } else {
    if (!targets.some((t) => t.bundle !== undefined)) throw new RelaymeshError(ErrorCode.NotFound, `user ${to} has published no prekey bundle`)
    await claimPreKeys(ctx, [...targets, ...own])
  }
  if (targets.length === 0) return 0
  const envelopes = await serial.run(async () => {
    const ops: StoreOp[] = []
    const out = await encryptForTargets(ctx, targets, plaintext, d.ids, ops)
    if (own.length > 0) out.push(...await encryptForTargets(ctx, own, encodeContent({ ...content, destination: to }), d.ids, ops))
    // sessions are persisted before anything leaves: a crash after the send never reuses a message key
    await d.persist(ops)
    return out
  })
  const sendOptions = options.onlineOnly === true ? { onlineOnly: true } : {}
  const answers = await Promise.all(envelopes.map(async (e) => await ctx.outbound.send([e.target], e.id, e.payload, sendOptions)))
  return answers.length
}
