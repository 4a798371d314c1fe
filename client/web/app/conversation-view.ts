// One conversation: its history (client.history), your messages with their
// ticks (client.onStatus), edit and delete of your own messages, the peer's
// typing, files with a progress bar and a download link, and the composer.
// What it shows of others is marked shown (unread drops) and read (receipts
// to the senders), gathered briefly, as `relaymesh chat` does.
import type { Client, FileProgress, HistoryMessage, MessageStatus } from '../../client.js'
import type { ConversationTarget } from '../panels/panel-context.js'
import { Composer } from './composer.js'
import { h, hhmm, messageOf, replace } from './dom.js'
import { DownloadLinks, sendPickedFile, sizeText } from './file-io.js'
import type { Names } from './names.js'
import { tickText } from './ticks.js'

/** the view shows the last this many messages */
const HISTORY_LIMIT = 200
/** shown messages are marked read together after this long (one receipt per sender) */
const READ_GATHER_MS = 300
/** a "typing" line without a "stopped" disappears after this long */
const TYPING_SHOWN_MS = 6_000

export interface ConversationViewDeps {
  client: Client
  names: Names
  notify: (text: string, kind?: 'info' | 'error') => void
  back: () => void
  /** messages were marked shown: unread counts changed */
  shown: () => void
}

export class ConversationView {
  readonly element: HTMLElement
  readonly id: string
  private readonly log: HTMLOListElement
  private readonly typing: HTMLElement
  private readonly transfers: HTMLElement
  private readonly composer: Composer
  private readonly read = new Set<string>()
  private pendingRead: HistoryMessage[] = []
  private readTimer: ReturnType<typeof setTimeout> | undefined
  private typingTimer: ReturnType<typeof setTimeout> | undefined
  private readonly stops: Array<() => void> = []
  private readonly downloads: DownloadLinks
  private rendering: Promise<void> = Promise.resolve()

  constructor (private readonly deps: ConversationViewDeps, private readonly target: ConversationTarget) {
    const { client } = deps
    this.downloads = new DownloadLinks(client, (err) => { deps.notify(messageOf(err), 'error') })
    this.id = target.kind === 'user' ? target.userId : target.groupId
    const name = target.kind === 'user' ? deps.names.label(target.userId) : deps.names.label(target.groupId)
    this.log = h('ol', { class: 'messages', role: 'log', 'aria-label': 'Messages', 'aria-live': 'polite', tabindex: 0 })
    this.typing = h('p', { class: 'typing', role: 'status' })
    this.transfers = h('div', { class: 'transfers' })
    this.composer = new Composer({
      send: async (text) => { await this.send(text) },
      edit: async (id, text) => { await this.act(async () => { await client.editMessage(id, text) }) },
      sendFile: (file) => { void this.sendFile(file) },
      ...(target.kind === 'user' ? { typing: (state: 'started' | 'stopped') => { client.sendTyping(target.userId, state).catch(() => {}) } } : {})
    })
    this.element = h('section', { class: 'conversation-view', 'aria-labelledby': 'conversation-title' },
      h('header', { class: 'conversation-header' },
        h('button', { type: 'button', class: 'back', 'aria-label': 'Back to conversations', onclick: () => { deps.back() } }, '‹'),
        h('h2', { id: 'conversation-title' }, target.kind === 'group' ? `# ${name}` : name)),
      this.log, this.typing, this.transfers, this.composer.element)
    this.stops.push(client.onStatus((s) => { this.updateTick(s) }))
    if (target.kind === 'user') {
      this.stops.push(client.onTyping((e) => {
        if (e.peer !== target.userId || e.from !== target.userId) return
        clearTimeout(this.typingTimer)
        this.typing.textContent = e.state === 'started' ? `${deps.names.label(e.from)} is typing…` : ''
        if (e.state === 'started') this.typingTimer = setTimeout(() => { this.typing.textContent = '' }, TYPING_SHOWN_MS)
      }))
    }
  }

  focus (): void { this.composer.focus() }

  /** reload the history (after any incoming message or change) */
  async refresh (): Promise<void> {
    this.rendering = this.rendering.then(async () => { await this.render() }, async () => { await this.render() })
    await this.rendering
  }

  dispose (): void {
    for (const stop of this.stops) stop()
    this.composer.dispose()
    clearTimeout(this.typingTimer)
    if (this.readTimer !== undefined) { clearTimeout(this.readTimer); this.flushRead() }
    this.downloads.revoke()
  }

  private async render (): Promise<void> {
    const { client } = this.deps
    const messages = await client.history(this.id, { limit: HISTORY_LIMIT })
    // what waits in the outbox is not in history yet: shown after it, queued
    const known = new Set(messages.map((m) => m.id))
    for (const e of await client.outbox().catch(() => [])) {
      if ((e.to ?? e.group) !== this.id || known.has(e.id)) continue
      messages.push({ id: e.id, from: client.userId, conversation: this.id, group: e.group ?? null, text: e.text, sentAt: e.sentAt, receivedAt: e.sentAt, outgoing: true, state: 'queued' })
    }
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40
    const items = await Promise.all(messages.map(async (m) => await this.item(m)))
    replace(this.log, ...items)
    if (atBottom) this.log.scrollTop = this.log.scrollHeight
    this.markRead(messages.filter((m) => !m.outgoing && m.system !== true && !this.read.has(m.id)))
  }

  private async item (m: HistoryMessage): Promise<HTMLElement> {
    const { client, names } = this.deps
    const deleted = m.deletedAt !== undefined
    const body = deleted
      ? h('p', { class: 'text deleted' }, 'This message was deleted')
      : m.file !== undefined ? this.fileBody(m) : h('p', { class: 'text' }, m.text)
    const meta = h('p', { class: 'meta' },
      h('time', { datetime: new Date(m.sentAt).toISOString() }, hhmm(m.sentAt)),
      m.editedAt !== undefined && !deleted ? ' · edited' : '')
    if (m.outgoing) {
      const status = m.state !== undefined ? await client.messageStatus(m.id).catch(() => undefined) : undefined
      if (m.state !== undefined) meta.append(' ', h('span', { class: 'tick', 'data-tick': m.id, 'data-state': status?.state ?? m.state }, tickText(status?.state ?? m.state, status)))
    }
    // a message still in the outbox has reached nobody: nothing to edit or delete for everyone yet
    const actions = m.outgoing && !deleted && m.system !== true && m.file === undefined && m.state !== 'queued'
      ? h('div', { class: 'actions' },
        h('button', { type: 'button', 'aria-label': 'Edit message', onclick: () => { this.composer.startEdit(m.id, m.text) } }, 'Edit'),
        h('button', { type: 'button', 'aria-label': 'Delete message', onclick: () => { void this.remove(m.id) } }, 'Delete'))
      : null
    return h('li', { class: `message${m.outgoing ? ' outgoing' : ''}${m.system === true ? ' system' : ''}`, 'data-id': m.id },
      this.target.kind === 'group' && !m.outgoing ? h('p', { class: 'from' }, names.label(m.from)) : null,
      body, meta, actions)
  }

  private fileBody (m: HistoryMessage): HTMLElement {
    const f = m.file
    if (f === undefined) return h('p', {})
    const canDownload = !m.outgoing && f.expired !== true
    return h('p', { class: 'text file' }, h('span', { class: 'file-tag' }, 'File'), ' ',
      canDownload ? this.downloads.link(m, f.name) : h('span', {}, f.name),
      ` (${sizeText(f.size)})${f.expired === true ? ', expired' : ''}`)
  }

  private updateTick (s: MessageStatus): void {
    const el = this.log.querySelector<HTMLElement>(`[data-tick="${CSS.escape(s.id)}"]`)
    if (el === null) return
    el.dataset.state = s.state
    el.textContent = tickText(s.state, s)
  }

  private async send (text: string): Promise<void> {
    await this.act(async () => {
      const { client } = this.deps
      // straight to the outbox, no waiting: a node that is down keeps it queued (as chat does)
      if (this.target.kind === 'user') await client.send(this.target.userId, text, { timeoutMs: 0 })
      else await client.sendGroup(this.target.groupId, text, { timeoutMs: 0 })
    })
  }

  private async remove (id: string): Promise<void> {
    if (!window.confirm('Delete this message for everyone?')) return
    await this.act(async () => { await this.deps.client.deleteMessage(id) })
  }

  private async act (fn: () => Promise<void>): Promise<void> {
    try {
      await fn()
    } catch (err) {
      this.deps.notify(messageOf(err), 'error')
    }
    await this.refresh()
  }

  private async sendFile (file: File): Promise<void> {
    if (this.target.kind !== 'user') { this.deps.notify('Files go to one person at a time.', 'error'); return }
    const to = this.target.userId
    const bar = h('progress', { max: file.size, value: 0, 'aria-label': `Sending ${file.name}` })
    const label = h('span', {}, `Sending ${file.name}: 0%`)
    const row = h('div', { class: 'transfer', role: 'group', 'aria-label': `Transfer of ${file.name}` }, label, bar)
    this.transfers.append(row)
    const onProgress = (p: FileProgress): void => {
      bar.max = p.size
      bar.value = p.bytesStored
      label.textContent = `Sending ${file.name}: ${p.size === 0 ? 100 : Math.floor(p.bytesStored * 100 / p.size)}%`
    }
    try {
      await sendPickedFile(this.deps.client, to, file, onProgress)
      label.textContent = `Sent ${file.name}`
      bar.value = bar.max
      setTimeout(() => { row.remove() }, 3_000)
    } catch (err) {
      label.textContent = `${file.name} not sent: ${messageOf(err)}`
      row.setAttribute('role', 'alert')
    }
    await this.refresh()
  }

  /** receipts for what is on screen, gathered for READ_GATHER_MS */
  private markRead (shown: HistoryMessage[]): void {
    if (shown.length === 0) return
    for (const m of shown) this.read.add(m.id)
    this.pendingRead.push(...shown)
    this.readTimer ??= setTimeout(() => { this.flushRead() }, READ_GATHER_MS)
  }

  private flushRead (): void {
    this.readTimer = undefined
    const batch = this.pendingRead.map((m) => ({ id: m.id, from: m.from, group: m.group, system: m.system }))
    this.pendingRead = []
    const { client } = this.deps
    client.markShown(batch).then(() => { this.deps.shown() }, () => {})
    client.markRead(batch).catch((err: Error) => { this.deps.notify(`read receipts not sent: ${err.message}`, 'error') })
  }
}
