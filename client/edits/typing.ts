// Typing indicators (docs/protocol.md §8g): a TYPING content
// (started / stopped) to every device of a 1:1 peer we already hold a session
// with, sent online-only: the node pushes it to an attached device and never
// stores it, so an offline peer never sees it. Not stored here either, never
// receipted, never acknowledged (there is nothing to delete at the node). The
// ratchet advances for it; a lost one is a skipped message key, as any loss.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ContentKind, newMessageId, TypingState } from '../messaging/content.js'
import type { ContentHandlers, ReceivedContent } from '../messaging/content-handlers.js'
import type { SendingDeps } from '../messaging/context.js'
import { checkUserId } from '../messaging/user-directory.js'
import { sendDirectContent } from './direct-content.js'

export interface TypingEvent {
  /** who types */
  from: string
  /** the conversation (1:1: the typist) */
  peer: string
  state: 'started' | 'stopped'
  /** the sender's clock */
  sentAt: number
}

export type TypingListener = (e: TypingEvent) => void

export class TypingOps {
  private readonly listeners = new Set<TypingListener>()

  constructor (private readonly d: SendingDeps) {}

  register (handlers: ContentHandlers): void {
    handlers.register(ContentKind.TYPING, async (r) => { this.onTyping(r) })
  }

  /** Tell `to` we started or stopped typing (online-only: lost when they are not attached); resolves with how many devices it went to. */
  async send (to: string, state: 'started' | 'stopped'): Promise<number> {
    checkUserId(to)
    if (state !== 'started' && state !== 'stopped') throw new RelaymeshError(ErrorCode.Invalid, 'typing state is started or stopped')
    if (to === this.d.ctx.identity.userId) throw new RelaymeshError(ErrorCode.Invalid, 'cannot type to yourself')
    const typing = state === 'started' ? TypingState.STARTED : TypingState.STOPPED
    return await sendDirectContent(this.d, to, { messageId: newMessageId(), sentAt: this.d.ctx.now(), kind: ContentKind.TYPING, text: '', typing }, { onlineOnly: true })
  }

  /** Listen for typing events; returns the function that stops listening. */
  on (listener: TypingListener): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  private onTyping (r: ReceivedContent): void {
    const { from, content, b } = r
    // nothing is stored for it at the node: no acknowledgement (it would leave a tombstone)
    if (r.envelope !== undefined) {
      const i = b.result.ack.findIndex((id) => Buffer.from(id).toString('hex') === r.envelope)
      if (i >= 0) b.result.ack.splice(i, 1)
    }
    if (from === r.ctx.identity.userId) return
    const e: TypingEvent = { from, peer: from, state: content.typing === TypingState.STARTED ? 'started' : 'stopped', sentAt: content.sentAt }
    ;(b.result.after ??= []).push(async () => { for (const l of this.listeners) l(e) })
  }
}
