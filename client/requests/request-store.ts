// Message requests and blocking, the state (issue 10, point 4): whom we
// accepted, whom we blocked, and what strangers sent us, held back until we
// accept or decline. Kept in the sealed store under PREFIX.accepted /
// blocked / request / requestHeld (keys hide the user ids), mirrored in
// memory so the receive path classifies a sender without a disk read.
// Accepted: our own user, every contact, anyone we accepted or wrote to.
// A 1:1 message (text or file) or a group invite from a user who is neither
// accepted nor blocked is HELD: persisted in the same batch as the session
// update (so never lost), never put in the inbox. Blocked users' contents are
// dropped after decryption. With requests off (ClientOptions.messageRequests
// false) everyone not blocked counts as accepted.
import type { Logger } from 'pino'
import { PREFIX } from '../store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from '../store/sealed-store.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { listContacts } from '../contacts.js'
import { MAX_FIRST_MESSAGE_CHARS, MAX_HELD_PER_REQUEST, MAX_REQUESTS } from './constants.js'

export type SenderStatus = 'accepted' | 'blocked' | 'stranger'

/** a pending request, as persisted (sealed JSON under PREFIX.request) */
export interface RequestSummary {
  v: 1
  userId: string
  /** the first thing they sent: a text, a file line, or a group invitation */
  firstMessage: string
  /** when the first message arrived (our clock, ms) */
  at: number
  /** how many messages arrived (held or, beyond MAX_HELD_PER_REQUEST, dropped) */
  count: number
  /** how many are held (the next held index) */
  held: number
}

/** one held item (sealed JSON under PREFIX.requestHeld) */
export type HeldItem =
  | { kind: 'message', message: StoredMessage }
  /** a GROUP_UPDATE content inviting us (the whole decrypted content, base64), replayed on accept */
  | { kind: 'group', deviceId: number, content: string, sentAt: number }

/** A request the application is told about as it arrives. */
export interface RequestEvent { userId: string, firstMessage: string, at: number, count: number }

export function requestKey (store: SealedStore, userId: string): string { return PREFIX.request + store.name(userId) }
export function heldPrefix (store: SealedStore, userId: string): string { return PREFIX.requestHeld + store.name(userId) + '!' }
export function acceptedKey (store: SealedStore, userId: string): string { return PREFIX.accepted + store.name(userId) }
export function blockedKey (store: SealedStore, userId: string): string { return PREFIX.blocked + store.name(userId) }

export class RequestStore {
  private accepted = new Set<string>()
  private blocked = new Map<string, number>()
  private pending = new Map<string, RequestSummary>()
  private events: RequestEvent[] = []
  private loading: Promise<void> | undefined

  private constructor (
    private readonly store: SealedStore,
    private readonly self: string,
    /** false: nobody is held back (only blocking applies) */
    readonly enabled: boolean,
    private readonly log: Logger
  ) {}

  static async open (store: SealedStore, self: string, enabled: boolean, log: Logger): Promise<RequestStore> {
    const r = new RequestStore(store, self, enabled, log)
    await r.load()
    return r
  }

  private async load (): Promise<void> {
    const accepted = new Set<string>()
    if (this.enabled) {
      try {
        for (const c of await listContacts(this.store)) accepted.add(c.userId)
      } catch (err) {
        // a damaged contact record closes nothing else (test/client/store.test.ts): its user's messages are held as requests, never lost
        this.log.warn({ err: (err as Error).message }, 'contacts do not open; their messages are held as requests')
      }
    }
    for await (const [key, raw] of this.store.range(PREFIX.accepted)) accepted.add(parseJson<{ userId: string }>(key, raw).userId)
    const blocked = new Map<string, number>()
    for await (const [key, raw] of this.store.range(PREFIX.blocked)) {
      const b = parseJson<{ userId: string, at: number }>(key, raw)
      blocked.set(b.userId, b.at)
    }
    const pending = new Map<string, RequestSummary>()
    for await (const [key, raw] of this.store.range(PREFIX.request)) {
      const s = parseJson<RequestSummary>(key, raw)
      pending.set(s.userId, s)
    }
    this.accepted = accepted
    this.blocked = blocked
    this.pending = pending
  }

  /** A batch holding our changes failed: memory ran ahead of the disk; reload before the next use (ready()). */
  invalidate (): void {
    this.events = []
    this.loading = this.load().finally(() => { this.loading = undefined })
    this.loading.catch(() => {})
  }

  async ready (): Promise<void> {
    if (this.loading !== undefined) await this.loading
  }

  status (userId: string): SenderStatus {
    if (userId === this.self) return 'accepted'
    if (this.blocked.has(userId)) return 'blocked'
    if (!this.enabled || this.accepted.has(userId)) return 'accepted'
    return 'stranger'
  }

  isBlocked (userId: string): boolean { return userId !== this.self && this.blocked.has(userId) }

  requests (): RequestSummary[] {
    return [...this.pending.values()].sort((a, b) => a.at - b.at)
  }

  request (userId: string): RequestSummary | undefined { return this.pending.get(userId) }

  blockedUsers (): Array<{ userId: string, at: number }> {
    return [...this.blocked].map(([userId, at]) => ({ userId, at })).sort((a, b) => a.at - b.at)
  }

  /** the requests that arrived since the last call (for receive()'s onRequest) */
  takeEvents (): RequestEvent[] {
    const e = this.events
    this.events = []
    return e
  }

  /**
   * Hold `item` from stranger `from` (status 'stranger'): ops that persist it
   * and the request's summary. Returns false when the bounds drop it.
   */
  hold (from: string, item: HeldItem, firstMessage: string, ops: StoreOp[], now: number): boolean {
    let s = this.pending.get(from)
    if (s === undefined) {
      if (this.pending.size >= MAX_REQUESTS) {
        this.log.warn({ from, requests: this.pending.size }, 'too many pending message requests; message from a stranger dropped')
        return false
      }
      s = { v: 1, userId: from, firstMessage: firstMessage.slice(0, MAX_FIRST_MESSAGE_CHARS), at: now, count: 0, held: 0 }
    }
    const next: RequestSummary = { ...s, count: s.count + 1 }
    let kept = false
    if (s.held < MAX_HELD_PER_REQUEST) {
      ops.push(this.store.jsonOp(heldPrefix(this.store, from) + s.held.toString(16).padStart(8, '0'), item))
      next.held = s.held + 1
      kept = true
    } else {
      this.log.warn({ from, held: s.held }, 'message request holds too many messages; message dropped')
    }
    ops.push(this.store.jsonOp(requestKey(this.store, from), next))
    this.pending.set(from, next)
    this.events.push({ userId: from, firstMessage: next.firstMessage, at: next.at, count: next.count })
    return kept
  }

  /** ops that mark `userId` accepted (they wrote to us, we to them: they are no stranger any more) */
  acceptOp (userId: string, now: number): StoreOp {
    return this.store.jsonOp(acceptedKey(this.store, userId), { userId, at: now })
  }

  // memory updates, made once the ops that go with them are persisted

  noteAccepted (userId: string): void { this.accepted.add(userId); this.pending.delete(userId) }
  noteDropped (userId: string): void { this.pending.delete(userId) }
  noteBlocked (userId: string, at: number): void { this.blocked.set(userId, at); this.pending.delete(userId) }
  noteUnblocked (userId: string): void { this.blocked.delete(userId) }
}
