// Message requests and blocking, the operations behind RelaymeshClient's
// requests() / acceptRequest() / declineRequest() / block() / unblock() /
// blocked() and the implicit accept of sending (state: request-store.ts).
// Accepting replays what was held, in arrival order, under the session lock
// and in one synced batch: texts and files go to the history, a held group
// invitation is applied as if it had just arrived (joining the group).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { USER_ID_PREFIX } from '../../protocol/identity.js'
import { checkAlias, contactOf, contactOp, listContacts, MAX_ALIAS_LENGTH, resolveUser } from '../contacts.js'
import { handleGroupContent } from '../groups/group-receiver.js'
import { decodeContent } from '../messaging/content.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import type { ProcessResult } from '../messaging/content-handlers.js'
import { checkUserId } from '../messaging/user-directory.js'
import { PREFIX, seqKey } from '../store/keys.js'
import { parseJson, type StoreOp } from '../store/sealed-store.js'
import { removeReceivedFile } from '../platform/file-io.js'
import { unb64 } from '../util/bytes.js'
import type { Serial } from '../util/serial.js'
import { SHORT_ID_CHARS } from './constants.js'
import { blockedKey, heldPrefix, requestKey, type HeldItem, type RequestEvent, type RequestStore } from './request-store.js'

/** a pending message request, as the library hands it out */
export interface MessageRequest {
  userId: string
  /** their profile name, when they shared it with us */
  name?: string
  firstMessage: string
  /** when the first message arrived (ms since epoch, our clock) */
  at: number
  /** messages received from them so far */
  count: number
}

export interface BlockedUser { userId: string, name?: string, at: number }

export interface RequestDeps {
  ctx: MessagingContext
  requests: RequestStore
  serial: Serial
  /** one synced batch; drops caches on failure */
  persist: (ops: StoreOp[]) => Promise<void>
  /** after released messages are persisted: tell listeners (when put in the inbox), send receipts, distribute sender keys */
  released: (stored: Array<{ seq: number, message: StoredMessage }>, distribute: string[], inbox: boolean) => Promise<void>
  /** a user's profile name if they shared one (client/profiles); default: none */
  nameOf?: (userId: string) => Promise<string | undefined> | string | undefined
}

export class RequestOps {
  constructor (private readonly d: RequestDeps) {}

  private get ctx (): MessagingContext { return this.d.ctx }

  async list (): Promise<MessageRequest[]> {
    return await Promise.all(this.d.requests.requests().map(async (r) => {
      const name = await this.d.nameOf?.(r.userId)
      return { userId: r.userId, ...(name !== undefined ? { name } : {}), firstMessage: r.firstMessage, at: r.at, count: r.count }
    }))
  }

  /** requests as they arrived (request-store.ts takeEvents), with profile names */
  async named (events: RequestEvent[]): Promise<MessageRequest[]> {
    return await Promise.all(events.map(async (e) => {
      const name = await this.d.nameOf?.(e.userId)
      return { userId: e.userId, ...(name !== undefined ? { name } : {}), firstMessage: e.firstMessage, at: e.at, count: e.count }
    }))
  }

  async blocked (): Promise<BlockedUser[]> {
    return await Promise.all(this.d.requests.blockedUsers().map(async (b) => {
      const name = await this.d.nameOf?.(b.userId)
      return { userId: b.userId, ...(name !== undefined ? { name } : {}), at: b.at }
    }))
  }

  /** A user id, a contact alias, or the unique start (from "rm1", 6+ characters) of a requester's or blocked user's id. */
  async resolve (user: string): Promise<string> {
    const s = String(user).trim().toLowerCase()
    try {
      return await resolveUser(this.ctx.store, String(user).trim())
    } catch (err) {
      if (!RelaymeshError.is(err) || !s.startsWith(USER_ID_PREFIX) || s.length < 6) throw err
      const known = [...this.d.requests.requests().map((r) => r.userId), ...this.d.requests.blockedUsers().map((b) => b.userId)]
      const matches = [...new Set(known.filter((id) => id.startsWith(s)))]
      if (matches.length === 1) return matches[0] as string
      if (matches.length > 1) throw new RelaymeshError(ErrorCode.Invalid, `${user} names more than one user: give more of the id`)
      throw err
    }
  }

  /** Accept `userId`'s request: they become a contact (`alias`, else one made from their short id); returns what they sent. */
  async accept (userId: string, alias?: string): Promise<StoredMessage[]> {
    checkUserId(userId)
    if (this.d.requests.request(userId) === undefined) throw new RelaymeshError(ErrorCode.NotFound, `no request from ${userId}`)
    const contact = await this.contactFor(userId, alias)
    return await this.release(userId, false, contact)
  }

  /** Drop `userId`'s request and what it held (files saved from it are deleted); they are not blocked. */
  async decline (userId: string): Promise<void> {
    checkUserId(userId)
    if (this.d.requests.request(userId) === undefined) throw new RelaymeshError(ErrorCode.NotFound, `no request from ${userId}`)
    await this.drop(userId, [])
    this.d.requests.noteDropped(userId)
  }

  /** Nothing from `userId` is stored or answered any more; a pending request of theirs is dropped. */
  async block (userId: string): Promise<void> {
    checkUserId(userId)
    if (userId === this.ctx.identity.userId) throw new RelaymeshError(ErrorCode.Invalid, 'you cannot block yourself')
    const at = this.ctx.now()
    await this.drop(userId, [this.ctx.store.jsonOp(blockedKey(this.ctx.store, userId), { userId, at })])
    this.d.requests.noteBlocked(userId, at)
  }

  async unblock (userId: string): Promise<void> {
    checkUserId(userId)
    if (!this.d.requests.isBlocked(userId)) throw new RelaymeshError(ErrorCode.NotFound, `${userId} is not blocked`)
    await this.d.serial.run(async () => { await this.d.persist([{ type: 'del', key: blockedKey(this.ctx.store, userId) }]) })
    this.d.requests.noteUnblocked(userId)
  }

  /**
   * We write to `userId` (a message, a file, a group we add them to): that
   * accepts them. A pending request of theirs is released into the inbox
   * (the next receive() hands it out). Refused while they are blocked.
   */
  async wroteTo (userId: string): Promise<void> {
    checkUserId(userId)
    const r = this.d.requests
    if (r.isBlocked(userId)) throw new RelaymeshError(ErrorCode.InvalidState, `${userId} is blocked: unblock them first`)
    if (r.status(userId) !== 'stranger') return
    if (r.request(userId) !== undefined) {
      await this.release(userId, true)
      return
    }
    await this.d.serial.run(async () => { await this.d.persist([r.acceptOp(userId, this.ctx.now())]) })
    r.noteAccepted(userId)
  }

  /** A contact was added: contacts are accepted; a pending request of theirs goes to the inbox. */
  async contactAdded (userId: string): Promise<void> {
    if (this.d.requests.request(userId) !== undefined) await this.release(userId, true)
    else this.d.requests.noteAccepted(userId)
  }

  /** Replay what `userId`'s request held, drop the request, mark them accepted; one synced batch. */
  private async release (userId: string, inbox: boolean, contact?: { alias: string }): Promise<StoredMessage[]> {
    const { store, messages } = this.ctx
    const out = await this.d.serial.run(async () => {
      await this.d.requests.ready()
      const now = this.ctx.now()
      const ops: StoreOp[] = []
      const result: ProcessResult = { stored: [], ack: [], resets: [], distribute: [] }
      for (const [key, item] of await this.held(userId)) {
        ops.push({ type: 'del', key })
        if (item.kind === 'message') {
          result.stored.push({ seq: messages.append(item.message, ops, inbox), message: item.message })
        } else {
          // the invitation, applied now as if it had just arrived (client/groups)
          await handleGroupContent(this.ctx, userId, item.deviceId, decodeContent(unb64(item.content)), { now, ops, msgSeen: new Set(), result })
        }
      }
      // handed out by this call, not by receive(): group notices leave the inbox in the same batch
      if (!inbox) for (const s of result.stored) ops.push({ type: 'del', key: seqKey(PREFIX.inbox, s.seq) })
      ops.push({ type: 'del', key: requestKey(store, userId) }, this.d.requests.acceptOp(userId, now))
      if (contact !== undefined) ops.push(contactOp(store, contact.alias, userId))
      try {
        await this.d.persist(ops)
      } catch (err) {
        this.d.requests.invalidate()
        throw err
      }
      this.d.requests.noteAccepted(userId)
      return result
    })
    out.stored.sort((a, b) => a.seq - b.seq)
    await this.d.released(out.stored, out.distribute, inbox)
    return out.stored.map((s) => s.message)
  }

  private async held (userId: string): Promise<Array<[string, HeldItem]>> {
    const items: Array<[string, HeldItem]> = []
    for await (const [key, raw] of this.ctx.store.range(heldPrefix(this.ctx.store, userId))) items.push([key, parseJson<HeldItem>(key, raw)])
    return items
  }

  /** Drop a request and what it held, with `extra` ops, in one batch; then delete the files it held. */
  private async drop (userId: string, extra: StoreOp[]): Promise<void> {
    const files: string[] = []
    await this.d.serial.run(async () => {
      const ops: StoreOp[] = [...extra, { type: 'del', key: requestKey(this.ctx.store, userId) }]
      for (const [key, item] of await this.held(userId)) {
        ops.push({ type: 'del', key })
        const path = item.kind === 'message' ? (item.message as { file?: { path?: string } }).file?.path : undefined
        if (typeof path === 'string') files.push(path)
      }
      await this.d.persist(ops)
    })
    for (const f of files) await removeReceivedFile(this.ctx.store, f).catch(() => {})
  }

  /**
   * The contact an accept adds: `alias` (free or already theirs), none when they
   * have one, else their profile name made an alias (spaces as "-"), else
   * user-<short id>; "-2", "-3"... when taken.
   */
  private async contactFor (userId: string, alias?: string): Promise<{ alias: string } | undefined> {
    const { store } = this.ctx
    if (alias !== undefined) {
      contactOp(store, alias, userId) // checks the alias
      const owner = await contactOf(store, alias)
      if (owner !== undefined && owner !== userId) throw new RelaymeshError(ErrorCode.Invalid, `alias "${alias}" is already ${owner}'s`)
      return { alias }
    }
    if ((await listContacts(store)).some((c) => c.userId === userId)) return undefined
    const fromName = aliasFromName(await this.d.nameOf?.(userId))
    const base = fromName ?? `user-${userId.slice(USER_ID_PREFIX.length, SHORT_ID_CHARS)}`
    for (let n = 1; n < 100; n++) {
      const candidate = n === 1 ? base : `${base}-${n}`
      if (await contactOf(store, candidate) === undefined) return { alias: candidate }
    }
    throw new RelaymeshError(ErrorCode.Invalid, 'no free alias: give one with --alias')
  }
}

/** A profile name as an alias: whitespace runs become "-"; undefined when that is no valid alias. */
function aliasFromName (name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  const alias = name.trim().replace(/\s+/g, '-').slice(0, MAX_ALIAS_LENGTH - 3)
  try {
    checkAlias(alias)
    return alias
  } catch {
    return undefined
  }
}
