// What the client facade calls for history, search, conversations, unread
// marks and names (client/history). Local only: nothing here touches the network.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { MessagingContext } from '../messaging/context.js'
import { checkUserId } from '../messaging/user-directory.js'
import { contactOf, listContacts } from '../contacts.js'
import { peerProfileNames } from '../profiles/profile-store.js'
import { Serial } from '../util/serial.js'
import { queryHistory } from './history-query.js'
import { ReadMarks } from './read-marks.js'
import { listConversations } from './conversations.js'
import { resolveConversationIn, resolveGroupIn } from './resolve.js'
import { GROUP_ID_RE } from './constants.js'
import type { ConversationInfo, ConversationRef, HistoryMessage, HistoryOptions } from './types.js'

export class HistoryOps {
  private readonly marks: ReadMarks
  /** marks are read, raised and written one call at a time, so a mark never moves back */
  private readonly serial = new Serial()

  constructor (private readonly ctx: MessagingContext) {
    this.marks = new ReadMarks(ctx.store, ctx.messages)
  }

  /** a user id or group id (not a name: names are resolved by resolveConversation) */
  private checkConversation (conversation: string): void {
    if (typeof conversation === 'string' && GROUP_ID_RE.test(conversation) && conversation === conversation.toLowerCase()) return
    checkUserId(conversation)
  }

  async history (conversation: string | undefined, options: HistoryOptions = {}): Promise<HistoryMessage[]> {
    if (conversation !== undefined) this.checkConversation(conversation)
    if (options === null || typeof options !== 'object') throw new RelaymeshError(ErrorCode.Invalid, 'history options must be an object')
    return await queryHistory(this.ctx.store, conversation, options)
  }

  async conversations (): Promise<ConversationInfo[]> {
    const contacts = await listContacts(this.ctx.store)
    const aliases = new Map<string, string>()
    for (const c of contacts) if (!aliases.has(c.userId)) aliases.set(c.userId, c.alias)
    return await listConversations({
      store: this.ctx.store,
      marks: this.marks,
      groups: await this.ctx.groups.list(),
      aliases,
      profileNames: await peerProfileNames(this.ctx.store)
    })
  }

  /** Everything stored so far in `conversation` (all when undefined) was seen: its unread count drops to 0. */
  async markSeen (conversation?: string): Promise<void> {
    if (conversation !== undefined) this.checkConversation(conversation)
    await this.serial.run(async () => { await this.ctx.store.batch(await this.marks.allOps(conversation)) })
  }

  /** These messages were shown: each conversation is seen up to the newest of them. */
  async markShown (messages: Array<{ id: string, from: string }>): Promise<void> {
    if (!Array.isArray(messages)) throw new RelaymeshError(ErrorCode.Invalid, 'markShown takes a list of messages')
    if (messages.length === 0) return
    await this.serial.run(async () => { await this.ctx.store.batch(await this.marks.shownOps(messages)) })
  }

  async resolveGroup (nameOrId: string): Promise<string> {
    return resolveGroupIn(await this.ctx.groups.list(), nameOrId)
  }

  async resolveConversation (nameOrId: string): Promise<ConversationRef> {
    return await resolveConversationIn({
      groups: await this.ctx.groups.list(),
      alias: async (alias) => await contactOf(this.ctx.store, alias),
      profileNames: await peerProfileNames(this.ctx.store)
    }, nameOrId)
  }
}
