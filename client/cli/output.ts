// The one place the chat commands print. With --json, stdout carries one JSON
// object per line and nothing else; without it, short human lines. Warnings
// and progress go to stderr in both modes (progress only in text mode), so
// stdout stays machine-readable.
import type { IncomingMessage, MessageRequest, ProfileView } from '../client.js'
import { DisplayNames } from '../profiles/display-name.js'
import { SHORT_ID_CHARS } from '../requests/constants.js'

export interface Contact {
  alias: string
  userId: string
  online: boolean | null
}

/** Redraws around a write, so live output does not garble a readline prompt (chat). */
export interface LineGuard {
  before: () => void
  after: () => void
}

export interface Writable {
  write: (chunk: string) => unknown
  isTTY?: boolean
}

export class Output {
  private guard: LineGuard | undefined
  private progressShown = false

  constructor (
    readonly json: boolean,
    private readonly out: Writable = process.stdout,
    private readonly err: Writable = process.stderr
  ) {}

  setGuard (guard: LineGuard | undefined): void {
    this.guard = guard
  }

  /** A result or an event: `object` as one JSON line with --json, else `text` (one or more lines). */
  emit (object: Record<string, unknown>, text: string | string[]): void {
    const body = this.json ? JSON.stringify(object) + '\n' : (Array.isArray(text) ? text : [text]).map((l) => l + '\n').join('')
    this.write(this.out, body)
  }

  /** A remark for the person (never part of the result): stderr, both modes. */
  warn (text: string): void {
    this.write(this.err, `relaymesh: ${text}\n`)
  }

  /** Text for the person in text mode only (chat help, confirmations): stdout. */
  say (text: string): void {
    if (!this.json) this.write(this.out, text + '\n')
  }

  /** Progress on stderr, text mode only; rewritten in place on a terminal. */
  progress (text: string): void {
    if (this.json) return
    if (this.err.isTTY === true) {
      this.err.write(`\r\x1b[2K${text}`)
      this.progressShown = true
    } else {
      this.err.write(text + '\n')
    }
  }

  /** Ends a progress line (a final text replaces it). */
  endProgress (text?: string): void {
    if (this.json) return
    if (this.progressShown) this.err.write('\r\x1b[2K')
    this.progressShown = false
    if (text !== undefined) this.err.write(text + '\n')
  }

  private write (stream: Writable, body: string): void {
    if (this.progressShown) this.endProgress()
    this.guard?.before()
    stream.write(body)
    this.guard?.after()
  }

  // ------------------------------------------------------------ the events of the contract

  identity (who: { userId: string, deviceId: number, name?: string | undefined }): void {
    this.emit({ userId: who.userId, deviceId: String(who.deviceId) }, [
      `user id:   ${who.userId}`,
      `device id: ${who.deviceId}${who.name !== undefined ? `\nname:      ${who.name}` : ''}`
    ])
  }

  /** `replicas`: on how many relays it is stored (the fewest over the recipient's devices), when known */
  stored (id: string, to: string, label?: string, replicas?: number): void {
    const where = replicas === undefined ? 'in the mesh' : `on ${replicas} relay${replicas === 1 ? '' : 's'}`
    this.emit({ event: 'stored', id, ...(replicas !== undefined ? { replicas } : {}) }, `stored ${where} for ${label ?? to} (message ${id})`)
  }

  /** A message or a session-reset notice; `names` labels people in text mode (alias, else profile name, else short id). */
  message (m: IncomingMessage, names: DisplayNames = new DisplayNames()): void {
    const who = names.label(m.from)
    if (m.edit !== undefined || m.deleted !== undefined) { this.change(m, names); return }
    if (m.system === true) {
      this.emit({ event: 'notice', id: m.id, from: m.from, text: m.text, sentAt: m.sentAt }, `* ${m.group !== null ? `${names.group(m.group)}: ` : ''}${names.render(m.text)}`)
      return
    }
    this.emit(
      { event: 'message', id: m.id, from: m.from, group: m.group, text: m.text, sentAt: m.sentAt },
      `[${clock(m.sentAt)}] ${who}${m.group !== null ? ` in ${names.group(m.group)}` : ''}: ${m.text}`
    )
  }

  /** An edit or a delete for everyone (client/edits): {"event":"edited","id","target","text"} / {"event":"deleted","id","target"}. */
  change (m: IncomingMessage, names: DisplayNames = new DisplayNames()): void {
    const who = names.label(m.from)
    const where = m.group !== null ? ` in ${m.group}` : ''
    if (m.edit !== undefined) {
      this.emit({ event: 'edited', id: m.id, target: m.edit.target, text: m.edit.text, from: m.from, group: m.group, sentAt: m.sentAt },
        `[${clock(m.sentAt)}] ${who}${where} edited ${m.edit.target}: ${m.edit.text}`)
    } else if (m.deleted !== undefined) {
      this.emit({ event: 'deleted', id: m.id, target: m.deleted.target, from: m.from, group: m.group, sentAt: m.sentAt },
        `[${clock(m.sentAt)}] ${who}${where} deleted ${m.deleted.target}`)
    }
  }

  /** A typing indicator: a JSON event on stdout with --json, else "X is typing…" on stderr. */
  typing (e: { from: string, state: 'started' | 'stopped' }, names: DisplayNames = new DisplayNames()): void {
    if (this.json) { this.emit({ event: 'typing', from: e.from, state: e.state }, ''); return }
    if (e.state === 'started') this.write(this.err, `${names.label(e.from)} is typing…\n`)
  }

  /** A pending message request: `event` true for one arriving now (recv, chat), false in a listing. */
  request (r: MessageRequest, event: boolean): void {
    const who = r.name !== undefined ? `${r.name} (${shortId(r.userId)})` : shortId(r.userId)
    const fields = { userId: r.userId, name: r.name ?? null, firstMessage: r.firstMessage, at: r.at, count: r.count }
    const count = `${r.count} message${r.count === 1 ? '' : 's'}`
    if (event) {
      this.emit({ event: 'request', from: r.userId, name: r.name ?? null, firstMessage: r.firstMessage, at: r.at, count: r.count },
        `* message request from ${who} (${count}): "${r.firstMessage}" — \`relaymesh requests accept ${r.userId}\` or decline`)
      return
    }
    this.emit(fields, `${who.padEnd(16)} [${clock(r.at)}] "${r.firstMessage}"${r.count > 1 ? ` (+${r.count - 1} more)` : ''}  ${r.userId}`)
  }

  contact (c: Contact): void {
    this.emit({ alias: c.alias, userId: c.userId, online: c.online }, `${c.alias.padEnd(16)} ${c.userId}  ${presence(c.online)}`)
  }

  /** A profile (`profile set` / `profile show`); `savedAvatar`: where --save-avatar wrote the image. */
  profile (p: ProfileView, savedAvatar?: string): void {
    const avatar = p.avatar === undefined ? 'none' : `${p.avatar.type}, ${p.avatar.bytes.byteLength} bytes${savedAvatar !== undefined ? `, saved as ${savedAvatar}` : ''}`
    this.emit({
      userId: p.userId,
      name: p.name,
      avatarType: p.avatar?.type ?? null,
      avatarBytes: p.avatar?.bytes.byteLength ?? 0,
      seq: p.seq,
      ...(savedAvatar !== undefined ? { savedAvatar } : {})
    }, [`name:    ${p.name}`, `avatar:  ${avatar}`, `user id: ${p.userId}`])
  }

  safetyNumber (userId: string, digits: string): void {
    this.emit({ userId, safetyNumber: digits }, [`safety number with ${userId}:`, ...groupDigits(digits)])
  }
}

/** "rm1" and the next characters of a user id: how a person without an alias or name is shown */
export function shortId (userId: string): string {
  return userId.slice(0, SHORT_ID_CHARS)
}

export function presence (online: boolean | null): string {
  return online === null ? 'unknown' : online ? 'online' : 'offline'
}

/** 60 digits as Signal shows them: 12 groups of 5, in 3 rows. */
export function groupDigits (digits: string): string[] {
  const groups = digits.match(/.{1,5}/g) ?? []
  const rows: string[] = []
  for (let i = 0; i < groups.length; i += 4) rows.push('  ' + groups.slice(i, i + 4).join(' '))
  return rows
}

export function clock (ms: number): string {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return '--:--'
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}
