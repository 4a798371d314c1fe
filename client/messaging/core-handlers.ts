// The content kinds every client handles, registered into the handler table
// (content-handlers.ts): text, session resets, group updates and sender keys,
// receipts, file manifests, profile keys. Features that come later register
// their own kinds the same way, from their own modules.
import { ContentKind } from './content.js'
import type { ContentHandlers, ReceivedContent } from './content-handlers.js'
import type { StoredMessage } from './message-log.js'
import { handleGroupContent } from '../groups/group-receiver.js'
import { handleReceipt } from '../receipts/receipts.js'
import { acceptManifest } from '../files/file-receiver.js'
import { acceptOwnCopy, holdInvite, holdMessage } from '../requests/gate.js'
import { hex } from '../util/bytes.js'

export function registerCoreHandlers (handlers: ContentHandlers): ContentHandlers {
  handlers.register(ContentKind.TEXT, handleText, { inGroup: true })
  handlers.register(ContentKind.SESSION_RESET, async (r) => { r.ctx.log.info({ from: r.from, device: r.deviceId }, 'peer started a fresh session') })
  const group = async (r: ReceivedContent): Promise<void> => {
    // a stranger's invitation waits as a request (client/requests)
    if (await holdInvite(r.ctx, r.from, r.deviceId, r.content, r.plaintext, r.b.ops, r.b.now)) return
    await handleGroupContent(r.ctx, r.from, r.deviceId, r.content, r.b)
  }
  handlers.register(ContentKind.GROUP_UPDATE, group)
  handlers.register(ContentKind.SENDER_KEY, group)
  // never stored as a message, never answered with a receipt (client/receipts)
  handlers.register(ContentKind.RECEIPT, async (r) => { await handleReceipt(r.ctx, r.from, r.content, r.b) })
  handlers.register(ContentKind.FILE, async (r) => {
    // kept until its chunks are here; the file message is stored once it is assembled (client/files)
    const refused = await acceptManifest(r.ctx, r.from, r.content, r.b.ops, r.b.now)
    if (refused !== undefined) r.b.result.stored.push(refused)
  })
  // the key itself was taken before dispatch (profiles/profile-keys.ts takeProfileKey): nothing more to do
  handlers.register(ContentKind.PROFILE_KEY, async () => {})
  return handlers
}

/** A chat message: 1:1 (a stranger's waits as a request) or in a group. */
async function handleText (r: ReceivedContent): Promise<void> {
  const { ctx, from, content, b } = r
  const own = from === ctx.identity.userId
  const peer = r.group ?? (own && content.destination !== undefined ? content.destination : from)
  const message: StoredMessage = { id: hex(content.messageId), from, peer, group: r.group ?? null, text: content.text, sentAt: content.sentAt, receivedAt: b.now, outgoing: own }
  if (r.group === undefined) {
    // a stranger's first messages wait as a request; what another of our devices wrote accepts its recipient (client/requests)
    if (holdMessage(ctx, message, b.ops, b.now)) return
    if (own && content.destination !== undefined) acceptOwnCopy(ctx, content.destination, b.ops, b.now)
  }
  b.result.stored.push({ seq: ctx.messages.append(message, b.ops, true), message })
}
