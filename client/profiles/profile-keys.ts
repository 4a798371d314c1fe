// How profile keys travel (docs/protocol.md, "Profiles"): end to end, inside
// 1:1 contents. Ours rides on every TEXT and FILE we send to a contact
// (Signal's DataMessage.profileKey); a PROFILE_KEY content announces a new
// one after a rotation, to every remaining contact and to our own other
// devices. Receipts, resets, group traffic and messages to non-contacts
// carry none.
import { PROFILE_KEY_BYTES } from '../../protocol/constants.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { listContacts } from '../contacts.js'
import { ContentKind, type AppContent } from '../messaging/content.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoreOp } from '../store/sealed-store.js'
import { loadOwnProfile, loadPeerProfile, ownProfileOp, peerProfileOp, type PeerProfile } from './profile-store.js'

/** Whether `userId` is one of our contacts (an alias we gave them). */
export async function isContact (ctx: MessagingContext, userId: string): Promise<boolean> {
  return (await listContacts(ctx.store)).some((c) => c.userId === userId)
}

/** `content` with our profile key attached when it is a 1:1 TEXT or FILE to a contact; unchanged otherwise. */
export async function withProfileKey (ctx: MessagingContext, toUserId: string, content: AppContent): Promise<AppContent> {
  if (content.kind !== ContentKind.TEXT && content.kind !== ContentKind.FILE) return content
  if (content.groupId !== undefined || toUserId === ctx.identity.userId || !await isContact(ctx, toUserId)) return content
  return { ...content, profileKey: ctx.identity.profileKey }
}

/** The peers whose new profile key this envelope batch took (their profile can be opened now). */
export function profileKeysTaken (ops: StoreOp[]): string[] {
  return [...(pendingByBatch.get(ops)?.keys() ?? [])]
}

/** keys taken within one envelope batch (not yet on disk), so the batch's later messages compare with them */
const pendingByBatch = new WeakMap<StoreOp[], Map<string, PeerProfile>>()

/**
 * Under the session lock, inside an envelope batch, for a decrypted 1:1
 * content from `from`: keep the profile key it carries. From a peer: stored
 * unless an earlier-sent message's key would replace a later one's. From our
 * own user (another device), only a PROFILE_KEY is taken: adopted when sent
 * after our key last changed. True when the content was a PROFILE_KEY (it is
 * consumed here, never stored as a message).
 */
export async function takeProfileKey (ctx: MessagingContext, from: string, content: AppContent, ops: StoreOp[]): Promise<boolean> {
  const consumed = content.kind === ContentKind.PROFILE_KEY
  const key = content.profileKey
  if (key === undefined || key.byteLength !== PROFILE_KEY_BYTES) return consumed
  if (from === ctx.identity.userId) {
    if (!consumed) return false
    const own = await loadOwnProfile(ctx.store)
    if (content.sentAt < own.keyAt || equalBytes(key, ctx.identity.profileKey)) return true
    ctx.identity.adoptProfileKey(key.slice())
    ops.push(ctx.identity.saveOp(ctx.store), ownProfileOp(ctx.store, { ...own, keyAt: content.sentAt }))
    ctx.log.info({ device: 'own' }, 'profile key adopted from another of our devices')
    return true
  }
  let pending = pendingByBatch.get(ops)
  if (pending === undefined) {
    pending = new Map()
    pendingByBatch.set(ops, pending)
  }
  const held = pending.get(from) ?? await loadPeerProfile(ctx.store, from)
  if (held !== undefined && (content.sentAt < held.at || equalBytes(held.key, key))) return consumed
  // a new key: the name opened under the old one may no longer be theirs to show us
  const next: PeerProfile = { key: key.slice(), at: content.sentAt }
  pending.set(from, next)
  ops.push(peerProfileOp(ctx.store, from, next))
  ctx.log.debug({ from }, 'profile key learned')
  return consumed
}

/** The profile key we hold of a user: ours for our own devices; a contact's once it shared it (undefined: none). */
export async function heldProfileKey (ctx: MessagingContext, userId: string): Promise<Uint8Array | undefined> {
  if (userId === ctx.identity.userId) return ctx.identity.profileKey
  return (await loadPeerProfile(ctx.store, userId))?.key
}
