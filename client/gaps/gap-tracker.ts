// The receiving side of gap detection, and the answers to resend requests
// (docs/protocol.md §8h). relaymesh's own design: the Double
// Ratchet only copes with reordering (skipped message keys); it says nothing
// when a message never arrives. Every counted content carries its sender
// device's sequence number for the conversation; per (sender, device,
// conversation) the receiver keeps the highest number seen and the numbers
// below it not seen yet. A number still missing GAP_GRACE_MS after the gap was
// noticed (out-of-order arrival inside a drain or among pushes settles before)
// is reported: a system notice "N messages missing from X" and a RESEND
// content to the sender, whose device resends what it still has with the
// ORIGINAL message id (a late original is then a duplicate) or answers that
// it no longer has them. The first number seen of a stream is its baseline:
// a loss before it is not detectable.
import { ContentKind, GroupAction, MAX_RESEND_SEQS, newMessageId, type AppContent } from '../messaging/content.js'
import type { ContentHandlers, ReceivedContent } from '../messaging/content-handlers.js'
import type { MessagingContext, SendingDeps } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { PREFIX } from '../store/keys.js'
import type { StoreOp } from '../store/sealed-store.js'
import { hex } from '../util/bytes.js'
import { sendDirectContent } from '../edits/direct-content.js'
import { GAP_GRACE_MS, MAX_MISSING_TRACKED, REPORTED_KEEP_MS, RESEND_ANSWER_INTERVAL_MS } from './constants.js'
import type { Sequences } from './sequences.js'
import { unrefTimer } from '../util/timers.js'

export const RECEIVED_PREFIX = PREFIX.gapState + 'r!'

/** One stream: a sender device writing into one conversation. */
export interface StreamState {
  from: string
  deviceId: number
  /** group id, or the 1:1 peer (the sender) */
  conversation: string
  group: boolean
  /** highest sequence number seen */
  max: number
  /** seq → when the gap was noticed (ms) */
  missing: Record<string, number>
  /** seq → when it was reported (asked for) */
  reported: Record<string, number>
}

export interface GapDeps extends SendingDeps {
  sequences: Sequences
  /** a group message with these fields (groups/group-manager.ts send) */
  sendGroup: (groupId: string, text: string, fields: Partial<AppContent>) => Promise<unknown>
  /** hand stored notices to a waiting receive() (inbox-pump.ts notify) */
  notify: (stored: Array<{ seq: number, message: StoredMessage }>) => void
  /** @default GAP_GRACE_MS */
  graceMs?: number
  /** fetch what the mailbox holds now (a push can be lost); before anything is reported */
  drain?: () => Promise<void>
}

export class GapTracker {
  private timer: NodeJS.Timeout | undefined
  private readonly answeredAt = new Map<string, number>()
  /** states changed in a batch not yet persisted (per batch: its ops array, shared by all its envelopes) */
  private readonly pending = new WeakMap<object, Map<string, StreamState | undefined>>()
  private closed = false
  private readonly scheduled = new WeakSet<object>()

  constructor (private readonly d: GapDeps) {}

  private get ctx (): MessagingContext { return this.d.ctx }
  private get grace (): number { return this.d.graceMs ?? GAP_GRACE_MS }

  register (handlers: ContentHandlers): void {
    handlers.observe(async (r) => { await this.observe(r) })
    handlers.register(ContentKind.RESEND, async (r) => { await this.onResend(r) })
  }

  stop (): void {
    this.closed = true
    clearTimeout(this.timer)
  }

  private key (from: string, deviceId: number, conversation: string): string {
    return RECEIVED_PREFIX + this.ctx.store.name(`${from}/${deviceId}/${conversation}`)
  }

  private async state (b: ReceivedContent['b'], key: string): Promise<StreamState | undefined> {
    const map = this.pending.get(b.ops)
    if (map?.has(key) === true) return map.get(key)
    return await this.ctx.store.getJson<StreamState>(key)
  }

  private put (b: ReceivedContent['b'], key: string, s: StreamState): void {
    let map = this.pending.get(b.ops)
    if (map === undefined) { map = new Map(); this.pending.set(b.ops, map) }
    map.set(key, s)
    b.ops.push(this.ctx.store.jsonOp(key, s))
  }

  /** Under the session lock, before the content's handler: count its sequence number. */
  private async observe (r: ReceivedContent): Promise<void> {
    if (r.content.kind === ContentKind.GROUP_UPDATE) { await this.onGroupUpdate(r); return }
    const seq = r.content.seq
    if (seq === undefined || r.from === this.ctx.identity.userId) return
    const conversation = r.group ?? r.from
    const key = this.key(r.from, r.deviceId, conversation)
    const cur = await this.state(r.b, key)
    if (cur === undefined) {
      // the first number of a stream is its baseline
      this.put(r.b, key, { from: r.from, deviceId: r.deviceId, conversation, group: r.group !== undefined, max: seq, missing: {}, reported: {} })
      return
    }
    const s: StreamState = { ...cur, missing: { ...cur.missing }, reported: { ...cur.reported } }
    if (seq > s.max) {
      const from = Math.max(s.max + 1, seq - MAX_MISSING_TRACKED)
      for (let n = from; n < seq; n++) s.missing[n] = r.b.now
      if (from > s.max + 1) r.ctx.log.warn({ from: r.from, skipped: from - s.max - 1 }, 'gap larger than tracked; the oldest are not asked for')
      s.max = seq
    } else {
      delete s.missing[seq]
      delete s.reported[seq]
    }
    // bounded: the oldest missing numbers give way
    const keys = Object.keys(s.missing)
    if (keys.length > MAX_MISSING_TRACKED) for (const k of keys.map(Number).sort((a, b) => a - b).slice(0, keys.length - MAX_MISSING_TRACKED)) delete s.missing[k]
    this.put(r.b, key, s)
    if (Object.keys(s.missing).length > 0 && !this.scheduled.has(r.b.ops)) {
      this.scheduled.add(r.b.ops)
      ;(r.b.result.after ??= []).push(async () => { this.schedule() })
    }
  }

  /** We were added to a group (again): its members' numbers jump past what we were not sent; start their streams afresh. */
  private async onGroupUpdate (r: ReceivedContent): Promise<void> {
    const u = r.content.groupUpdate
    const self = this.ctx.identity.userId
    if (u === undefined || !((u.action === GroupAction.ADD && u.target === self) || u.action === GroupAction.CREATE)) return
    const gid = hex(u.groupId)
    for await (const [key] of this.ctx.store.range(RECEIVED_PREFIX)) {
      const s = await this.state(r.b, key)
      if (s !== undefined && s.group && s.conversation === gid) {
        r.b.ops.push({ type: 'del', key })
        let map = this.pending.get(r.b.ops)
        if (map === undefined) { map = new Map(); this.pending.set(r.b.ops, map) }
        map.set(key, undefined)
      }
    }
  }

  /** Check again once the grace has passed (one timer for all streams). */
  schedule (delayMs = this.grace): void {
    if (this.timer !== undefined || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.check().catch((err: Error) => { this.ctx.log.warn({ err: err.message }, 'gap check failed') })
    }, delayMs)
    unrefTimer(this.timer)
  }

  /** Report every sequence number missing for longer than the grace: a notice, and a RESEND to its sender. */
  async check (): Promise<void> {
    const { ctx } = this
    // a missing number may sit in the mailbox (a lost push): fetch first, then look
    if (this.d.drain !== undefined && await this.anyDue(ctx.now())) {
      await this.d.drain().catch((err: Error) => { ctx.log.debug({ err: err.message }, 'drain before the gap check failed') })
    }
    const now = ctx.now()
    const asks: Array<{ s: StreamState, seqs: number[] }> = []
    let later = false
    const stored = await this.d.serial.run(async () => {
      const ops: StoreOp[] = []
      const out: Array<{ seq: number, message: StoredMessage }> = []
      for await (const [key] of ctx.store.range(RECEIVED_PREFIX)) {
        const s = await ctx.store.getJson<StreamState>(key)
        if (s === undefined) continue
        const due: number[] = []
        for (const [k, at] of Object.entries(s.missing)) {
          if (at + this.grace <= now) due.push(Number(k))
          else later = true
        }
        let changed = false
        for (const [k, at] of Object.entries(s.reported)) if (at + REPORTED_KEEP_MS < now) { delete s.reported[k]; changed = true }
        if (due.length > 0) {
          for (const n of due) { delete s.missing[n]; s.reported[n] = now }
          const text = `${due.length} message${due.length === 1 ? '' : 's'} missing from ${s.from}${s.group ? ' in this group' : ''} (device ${s.deviceId}); asked them to resend`
          const notice: StoredMessage = { id: `gap-${hex(newMessageId())}`, from: s.from, peer: s.conversation, group: s.group ? s.conversation : null, text, sentAt: now, receivedAt: now, outgoing: false, system: true }
          out.push({ seq: ctx.messages.append(notice, ops, true), message: notice })
          asks.push({ s, seqs: due.sort((a, b) => a - b) })
          changed = true
        }
        if (changed) ops.push(ctx.store.jsonOp(key, s))
      }
      if (ops.length > 0) await this.d.persist(ops)
      return out
    })
    if (stored.length > 0) this.d.notify(stored)
    for (const { s, seqs } of asks) {
      for (let i = 0; i < seqs.length; i += MAX_RESEND_SEQS) {
        await this.ask(s, seqs.slice(i, i + MAX_RESEND_SEQS)).catch((err: Error) => { ctx.log.warn({ to: s.from, err: err.message }, 'resend request not sent (the notice stands)') })
      }
    }
    if (later) this.schedule()
  }

  private async anyDue (now: number): Promise<boolean> {
    for await (const [key] of this.ctx.store.range(RECEIVED_PREFIX)) {
      const s = await this.ctx.store.getJson<StreamState>(key)
      if (s !== undefined && Object.values(s.missing).some((at) => at + this.grace <= now)) return true
    }
    return false
  }

  private async ask (s: StreamState, seqs: number[], gone = false, to = s.from): Promise<void> {
    const content: AppContent = {
      messageId: newMessageId(), sentAt: this.ctx.now(), kind: ContentKind.RESEND, text: '', resendSeqs: seqs, resendDevice: s.deviceId,
      ...(gone ? { resendGone: true } : {}), ...(s.group ? { groupId: new Uint8Array(Buffer.from(s.conversation, 'hex')) } : {})
    }
    await sendDirectContent(this.d, to, content)
  }

  /** A RESEND content: a request for what this device sent, or the sender's answer that it is gone. */
  private async onResend (r: ReceivedContent): Promise<void> {
    const { ctx, from, content, b } = r
    const seqs = content.resendSeqs ?? []
    const group = content.groupId !== undefined ? hex(content.groupId) : undefined
    const conversation = group ?? from
    if (content.resendGone === true) {
      // the sender's answer: those are gone for good; the notice says so
      const key = this.key(from, content.resendDevice ?? 0, conversation)
      const s = await this.state(b, key)
      if (s === undefined) return
      const asked = seqs.filter((n) => s.reported[n] !== undefined)
      if (asked.length === 0) return
      const next = { ...s, reported: { ...s.reported } }
      for (const n of asked) delete next.reported[n]
      this.put(b, key, next)
      const text = `${asked.length} message${asked.length === 1 ? '' : 's'} from ${from} could not be resent (no longer on the sender's device)`
      const notice: StoredMessage = { id: `gap-${hex(content.messageId)}`, from, peer: conversation, group: group ?? null, text, sentAt: content.sentAt, receivedAt: b.now, outgoing: false, system: true }
      b.result.stored.push({ seq: ctx.messages.append(notice, b.ops, true), message: notice })
      return
    }
    if (content.resendDevice !== ctx.identity.deviceId || from === ctx.identity.userId) return
    if (group !== undefined && (await ctx.groups.get(group))?.members.includes(from) !== true) return
    const last = this.answeredAt.get(from) ?? -Infinity
    if (b.now - last < RESEND_ANSWER_INTERVAL_MS) { ctx.log.info({ from }, 'resend request too soon after the last; ignored'); return }
    this.answeredAt.set(from, b.now)
    ;(b.result.after ??= []).push(async () => { await this.resend(from, conversation, group !== undefined, seqs) })
  }

  /** Resend what we still have of `seqs` in `conversation` (original ids), and say which are gone. */
  private async resend (requester: string, conversation: string, group: boolean, seqs: number[]): Promise<void> {
    const { ctx } = this
    const self = ctx.identity.userId
    const gone: number[] = []
    for (const seq of seqs) {
      const rec = await this.d.sequences.sent(conversation, seq)
      let content: AppContent | undefined
      // a group message is resent only while the membership is the one it was sent to (never to a member added since)
      if (rec !== undefined && group && (await ctx.groups.get(conversation))?.changes !== rec.changes) { gone.push(seq); continue }
      if (rec?.kind === 'text') {
        const found = await ctx.messages.find(self, rec.id)
        const m = found?.message
        if (m !== undefined && m.deletedAt === undefined && m.system !== true) content = { messageId: idBytes(rec.id), sentAt: m.sentAt, kind: ContentKind.TEXT, text: m.text, seq }
      } else if (rec !== undefined && rec.target !== undefined) {
        content = { messageId: idBytes(rec.id), sentAt: rec.sentAt, kind: rec.kind === 'edit' ? ContentKind.EDIT : ContentKind.DELETE, text: rec.text ?? '', targetId: idBytes(rec.target), seq }
      }
      if (content === undefined) { gone.push(seq); continue }
      try {
        if (group) await this.d.sendGroup(conversation, content.text, content)
        else await sendDirectContent(this.d, requester, content)
      } catch (err) {
        ctx.log.warn({ to: requester, seq, err: (err as Error).message }, 'resend failed')
      }
    }
    if (gone.length > 0) {
      const s: StreamState = { from: self, deviceId: ctx.identity.deviceId, conversation, group, max: 0, missing: {}, reported: {} }
      await this.ask(s, gone, true, requester)
    }
  }
}

function idBytes (idHex: string): Uint8Array {
  return new Uint8Array(Buffer.from(idHex, 'hex'))
}
