// Sending one waiting group message (client/outbox): encrypted with our
// sender key and fanned out (client/groups); its status names the members it
// went to (receipts count only from them), and once stored it joins the
// history in the batch that removes it from the outbox.
import type { GroupManager } from '../groups/group-manager.js'
import type { MessagingContext } from '../messaging/context.js'
import { getStatus, markStored, pendingAs, queuedStatus, statusOp, type MessageStatus } from '../receipts/message-status.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { Serial } from '../util/serial.js'
import type { OutboxEntry } from './outbox-store.js'

export async function deliverGroup (ctx: MessagingContext, serial: Serial, groups: GroupManager, e: OutboxEntry, done: StoreOp[], sending: (s: MessageStatus) => void): Promise<{ replicas: number, status?: MessageStatus }> {
  const groupId = e.group as string
  const self = ctx.identity.userId
  const r = await groups.send(groupId, e.text, {
    messageId: new Uint8Array(Buffer.from(e.id, 'hex')),
    sentAt: e.sentAt,
    ...(e.seq !== undefined ? { seq: e.seq } : {}),
    // under no lock here: written before the fan-out leaves, so a receipt finds whom it went to
    sending: async (recipients) => {
      const s = await serial.run(async () => {
        const before = await getStatus(ctx.store, e.id) ?? queuedStatus(e.id, { group: groupId }, e.sentAt)
        const next = pendingAs(before, 'sending', { recipients })
        if (next === undefined) return undefined
        delete next.error
        await ctx.store.batch([statusOp(ctx.store, next)], { sync: true })
        return next
      })
      if (s !== undefined) sending(s)
    }
  })
  const now = ctx.now()
  return await serial.run(async () => {
    const ops: StoreOp[] = [...done]
    // sent again after a crash (the outbox resends): already in the history once
    if (!await ctx.messages.seenMessage(self, e.id)) {
      ops.push(ctx.messages.seenMessageOp(self, e.id, now))
      ctx.messages.append({ id: e.id, from: self, peer: groupId, group: groupId, text: e.text, sentAt: e.sentAt, receivedAt: now, outgoing: true }, ops, false)
    }
    const stored = await markStored(ctx.store, e.id, r.replicas, now)
    await ctx.store.batch([...ops, ...stored.ops])
    return { replicas: r.replicas, ...(stored.status !== undefined ? { status: stored.status } : {}) }
  })
}
