// Chat's own lines with their ticks: a line you send is echoed with its time
// (HH:MM) and a tick, and echoed again whenever the tick changes (Client.onStatus):
//   …          queued or sending (in the outbox; it goes as soon as a node takes it)
//   ✓          stored on the mesh
//   ✓✓         delivered (a group: ✓ 1/3 delivered until every member has it)
//   ✓✓ read    read (a group: ✓✓ 1/3 read until every member read it)
//   ✗          failed (the reason follows)
// With --json: {"event":"sent","id","to"|"group","text","sentAt","state"} once, then
// {"event":"status","id","state","storedOn","deliveredTo","readBy"} per change.
// Also the chat's read receipts: what it shows is marked read, gathered briefly.
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import type { Client, IncomingMessage, MessageStatus } from '../../types.js'
import type { Output } from '../output.js'
import type { ChatState, Conversation } from './slash-commands.js'

/** shown messages are marked read together after this long (one receipt per sender, not per line) */
export const READ_GATHER_MS = 300

export function hhmm (ms: number): string {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return '--:--'
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

/** The tick for a status (see the top of this file). */
export function tickOf (s: Pick<MessageStatus, 'state' | 'group' | 'recipients' | 'deliveredTo' | 'readBy' | 'error'>): string {
  const n = s.recipients.length
  const group = s.group !== undefined && n > 1
  switch (s.state) {
    case 'queued': return '… queued'
    case 'sending': return '…'
    case 'failed': return `✗ not sent${s.error !== undefined ? `: ${s.error}` : ''}`
    case 'read': return '✓✓ read'
    case 'delivered': return group && s.readBy.length > 0 ? `✓✓ ${s.readBy.length}/${n} read` : '✓✓'
    case 'stored': return group && s.deliveredTo.length > 0 ? `✓ ${s.deliveredTo.length}/${n} delivered` : '✓'
  }
}

interface Echoed { where: string, text: string, sentAt: number, tick: string }

/** The lines this chat sent, and their ticks as they change. */
export class Ticks {
  private readonly mine = new Map<string, Echoed>()
  /** status changes that came before the echo (a fast store): shown with it */
  private readonly early = new Map<string, MessageStatus>()

  constructor (private readonly out: Output, client: Client) {
    client.onStatus((s) => { this.update(s) })
  }

  echo (id: string, conv: Conversation, text: string, state: MessageStatus['state'], sentAt: number): void {
    const where = conv.group === true ? `group ${conv.label}` : conv.label
    const tick = tickOf({ state, recipients: [], deliveredTo: [], readBy: [] })
    this.mine.set(id, { where, text, sentAt, tick })
    this.out.emit({ event: 'sent', id, ...(conv.group === true ? { group: conv.userId } : { to: conv.userId }), text, sentAt, state }, this.line({ where, text, sentAt, tick }))
    const early = this.early.get(id)
    this.early.delete(id)
    if (early !== undefined) this.update(early)
  }

  private update (s: MessageStatus): void {
    const m = this.mine.get(s.id)
    if (m === undefined) {
      // the status may beat the echo (send resolves after the outbox told its listeners); a few are kept
      if (this.early.size > 64) this.early.clear()
      this.early.set(s.id, s)
      return
    }
    const tick = tickOf(s)
    if (tick === m.tick) return
    m.tick = tick
    this.out.emit({ event: 'status', id: s.id, state: s.state, storedOn: s.storedOn, deliveredTo: s.deliveredTo, readBy: s.readBy, ...(s.error !== undefined ? { error: s.error } : {}) }, this.line(m))
  }

  private line (m: Echoed): string {
    return `[${hhmm(m.sentAt)}] you → ${m.where}: ${m.text}  ${m.tick}`
  }
}

const ticksOf = new WeakMap<Client, Ticks>()

/** Send `text` to `conv` through the outbox (no waiting: a node that is down keeps it queued) and echo it with its tick. */
export async function sendAndEcho (state: ChatState, conv: Conversation, text: string): Promise<void> {
  const { client, out } = state
  let ticks = ticksOf.get(client)
  if (ticks === undefined) {
    ticks = new Ticks(out, client)
    ticksOf.set(client, ticks)
  }
  const sent = conv.group === true
    ? await client.sendGroup(conv.userId, text, { timeoutMs: 0 })
    : await client.send(conv.userId, text, { timeoutMs: 0 })
  ticks.echo(sent.id, conv, text, sent.state, sent.sentAt)
}

/** Read receipts for what the chat shows, gathered for READ_GATHER_MS; failures are a warning, never fatal. */
export function readMarker (client: Client, out: Output): (m: IncomingMessage) => void {
  let shown: IncomingMessage[] = []
  let timer: NodeJS.Timeout | undefined
  const flush = (): void => {
    timer = undefined
    const batch = shown
    shown = []
    client.markRead(batch).catch((err: Error) => {
      // the chat is closing: what was shown last is not marked read (the next recv or chat does not show it again)
      if (!RelaymeshError.is(err, ErrorCode.InvalidState)) out.warn(`read receipts not sent: ${err.message}`)
    })
  }
  return (m) => {
    shown.push(m)
    timer ??= setTimeout(flush, READ_GATHER_MS)
  }
}
