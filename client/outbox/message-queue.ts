// What send() and sendGroup() do before the outbox takes a message: check it
// (recipient, membership, size: an error now, nothing stored), give it its id,
// its clock and its number in the conversation's sequence (client/gaps; taken
// once, so every attempt carries the same), then hand it to the outbox, which
// persists it before anything is reported (client/outbox/outbox.ts).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { MessagingContext } from '../messaging/context.js'
import { ContentKind, encodeContent, newMessageId } from '../messaging/content.js'
import type { DirectSender } from '../messaging/direct-sender.js'
import { checkGroupId } from '../groups/group-manager.js'
import type { Sequences } from '../gaps/sequences.js'
import type { SendOptions, SendResult } from '../types.js'
import { hex } from '../util/bytes.js'
import type { Outbox } from './outbox.js'

export class MessageQueue {
  constructor (private readonly d: { ctx: MessagingContext, direct: DirectSender, sequences: Sequences, outbox: Outbox }) {}

  async direct (toUserId: string, text: string, options: SendOptions): Promise<SendResult> {
    checkTimeout(options.timeoutMs)
    await this.d.direct.check(toUserId, text)
    const id = hex(newMessageId())
    const sentAt = this.d.ctx.now()
    const seq = await this.d.sequences.take(toUserId, { id, kind: 'text', sentAt })
    return await this.d.outbox.send({ to: toUserId }, id, text, sentAt, options.timeoutMs, seq)
  }

  async group (groupId: string, text: string, options: SendOptions): Promise<SendResult> {
    checkTimeout(options.timeoutMs)
    const gid = checkGroupId(groupId)
    if (typeof text !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'text must be a string')
    const g = await this.d.ctx.groups.get(groupId)
    if (g === undefined || !g.active) throw new RelaymeshError(ErrorCode.NotFound, `not a member of group ${groupId}`)
    const messageId = newMessageId()
    const sentAt = this.d.ctx.now()
    encodeContent({ messageId, sentAt, kind: ContentKind.TEXT, text, groupId: gid }) // Invalid when too long
    const seq = await this.d.sequences.take(groupId, { id: hex(messageId), kind: 'text', sentAt, ...(g.changes !== undefined ? { changes: g.changes } : {}) })
    return await this.d.outbox.send({ group: groupId }, hex(messageId), text, sentAt, options.timeoutMs, seq)
  }
}

function checkTimeout (timeoutMs: unknown): void {
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0)) throw new RelaymeshError(ErrorCode.Invalid, 'timeoutMs must be a number of milliseconds, 0 or more')
}
