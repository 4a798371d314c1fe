// The app once unlocked: the top bar with navigation, the connection banner,
// and one view at a time (chats = conversation list + open conversation;
// contacts; devices; you; and every panel of the registry). On a phone-sized
// screen the list and the open conversation take turns.
import type { Client } from '../../client.js'
import type { ConversationTarget, PanelContext } from '../panels/panel-context.js'
import { ConnectionBanner } from './connection-banner.js'
import { Connection } from './connection.js'
import { ContactsView } from './contacts-view.js'
import { ConversationList } from './conversation-list.js'
import { ConversationView } from './conversation-view.js'
import { DevicesView } from './devices-view.js'
import { h, replace } from './dom.js'
import { meView } from './me-view.js'
import { Names } from './names.js'
import { panels } from './panels.js'

/** changes coming close together are shown in one refresh */
const REFRESH_GATHER_MS = 80
const NOTICE_MS = 6_000

export class Shell {
  private readonly main: HTMLElement
  private readonly nav: HTMLElement
  private readonly notice: HTMLElement
  private readonly alertBox: HTMLElement
  private readonly banner: ConnectionBanner
  private readonly names: Names
  private readonly list: ConversationList
  private readonly listeners = new Set<() => void>()
  private conversation: ConversationView | undefined
  private view = 'chats'
  private unmount: (() => void) | undefined
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private readonly connection: Connection

  constructor (private readonly root: HTMLElement, private readonly client: Client, nodes: number) {
    this.names = new Names(client)
    this.banner = new ConnectionBanner(client, nodes)
    this.notice = h('div', { class: 'notice', role: 'status' })
    this.alertBox = h('div', { class: 'notice error', role: 'alert' })
    this.main = h('main', { id: 'main', class: 'view', tabindex: -1 })
    this.nav = h('nav', { 'aria-label': 'Main' })
    this.list = new ConversationList(client, (t) => { this.openConversation(t) })
    this.connection = new Connection(client, {
      onState: (state, reason) => { this.banner.set(state, reason) },
      onMessage: () => { this.changed() },
      onRequest: (r) => { this.notify(`Message request from ${r.name ?? this.names.label(r.userId)}`); this.changed() }
    })
    client.onStatus(() => { this.banner.refresh(); this.changed(false) })
  }

  async start (): Promise<void> {
    await this.names.reload()
    const entries: Array<{ id: string, label: string }> = [
      { id: 'chats', label: 'Chats' }, { id: 'contacts', label: 'Contacts' },
      ...panels().map((p) => ({ id: p.id, label: p.label })),
      { id: 'devices', label: 'Devices' }, { id: 'me', label: 'You' }
    ]
    replace(this.nav, ...entries.map((e) => h('button', { type: 'button', 'data-view': e.id, onclick: () => { void this.show(e.id) } }, e.label)))
    replace(this.root, h('div', { class: 'app' },
      h('header', { class: 'topbar' }, h('h1', {}, 'relaymesh'), this.nav),
      this.banner.element, this.main, this.notice, this.alertBox))
    document.body.dataset.ready = 'app'
    await this.show('chats')
    this.connection.start()
  }

  context (): PanelContext {
    return {
      client: this.client,
      userId: this.client.userId,
      nameOf: async (userId) => { return this.names.label(userId) },
      openConversation: (t) => { this.openConversation(t) },
      notify: (text, kind) => { this.notify(text, kind) },
      onChange: (listener) => { this.listeners.add(listener); return () => { this.listeners.delete(listener) } }
    }
  }

  notify (text: string, kind: 'info' | 'error' = 'info'): void {
    const box = kind === 'error' ? this.alertBox : this.notice
    box.textContent = text
    setTimeout(() => { if (box.textContent === text) box.textContent = '' }, NOTICE_MS)
  }

  /** something arrived or changed: refresh what is shown (gathered briefly) */
  private changed (reloadNames = true): void {
    if (this.refreshTimer !== undefined) return
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined
      void (async () => {
        if (reloadNames) await this.names.reload().catch(() => {})
        if (this.view === 'chats') {
          await this.list.refresh().catch(() => {})
          await this.conversation?.refresh().catch(() => {})
        }
        for (const l of this.listeners) l()
      })()
    }, REFRESH_GATHER_MS)
  }

  private async show (view: string): Promise<void> {
    this.unmount?.()
    this.unmount = undefined
    if (view !== 'chats') { this.conversation?.dispose(); this.conversation = undefined }
    this.view = view
    for (const b of this.nav.querySelectorAll<HTMLElement>('[data-view]')) {
      if (b.dataset.view === view) b.setAttribute('aria-current', 'page')
      else b.removeAttribute('aria-current')
    }
    const notify = (text: string, kind?: 'info' | 'error'): void => { this.notify(text, kind) }
    if (view === 'chats') {
      await this.renderChats()
    } else if (view === 'contacts') {
      const contacts = new ContactsView(this.client, { open: (t) => { this.openConversation(t) }, notify, changed: () => { this.changed() } })
      replace(this.main, contacts.element)
      await contacts.refresh()
    } else if (view === 'devices') {
      const devices = new DevicesView(this.client, notify)
      replace(this.main, devices.element)
      await devices.refresh().catch((err: Error) => { notify(err.message, 'error') })
    } else if (view === 'me') {
      replace(this.main, meView(this.client, notify))
    } else {
      const panel = panels().find((p) => p.id === view)
      if (panel === undefined) return
      const box = h('section', { class: 'panel', 'aria-label': panel.label })
      replace(this.main, box)
      this.unmount = panel.mount(box, this.context())
    }
  }

  private async renderChats (): Promise<void> {
    const open = this.conversation
    const wrap = h('div', { class: `chats${open !== undefined ? ' has-open' : ''}` }, this.list.element,
      open?.element ?? h('section', { class: 'conversation-placeholder' }, h('p', {}, 'Choose a conversation, or add a contact to start one.')))
    replace(this.main, wrap)
    this.list.select(open?.id)
    await this.list.refresh()
    await open?.refresh()
  }

  openConversation (target: ConversationTarget): void {
    this.conversation?.dispose()
    this.conversation = new ConversationView({
      client: this.client,
      names: this.names,
      notify: (text, kind) => { this.notify(text, kind) },
      back: () => { this.closeConversation() },
      shown: () => { if (this.view === 'chats') void this.list.refresh().catch(() => {}) }
    }, target)
    void this.show('chats').then(() => { this.conversation?.focus() })
  }

  private closeConversation (): void {
    this.conversation?.dispose()
    this.conversation = undefined
    void this.show('chats').then(() => { this.main.querySelector<HTMLElement>('.conversation')?.focus() })
  }
}
