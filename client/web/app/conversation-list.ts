// The conversation list: one entry per person or group, newest first, with
// its unread count and last message (client.conversations(), local store).
import type { Client, ConversationInfo } from '../../client.js'
import type { ConversationTarget } from '../panels/panel-context.js'
import { h, hhmm, replace } from './dom.js'

export class ConversationList {
  readonly element: HTMLElement
  private readonly list: HTMLUListElement
  private selected: string | undefined

  constructor (private readonly client: Client, private readonly open: (target: ConversationTarget) => void) {
    this.list = h('ul', { role: 'list', 'aria-label': 'Conversations', class: 'conversations' })
    this.element = h('section', { class: 'conversation-list', 'aria-labelledby': 'conversations-title' },
      h('h2', { id: 'conversations-title' }, 'Chats'),
      this.list)
  }

  select (id: string | undefined): void {
    this.selected = id
    for (const b of this.list.querySelectorAll<HTMLElement>('[data-id]')) {
      if (b.dataset.id === id) b.setAttribute('aria-current', 'true')
      else b.removeAttribute('aria-current')
    }
  }

  async refresh (): Promise<void> {
    const items = await this.client.conversations()
    if (items.length === 0) {
      replace(this.list, h('li', { role: 'listitem', class: 'empty' }, 'No conversations yet: add a contact, then write to them.'))
      return
    }
    replace(this.list, ...items.map((c) => this.item(c)))
  }

  private item (c: ConversationInfo): HTMLElement {
    const last = c.last === null ? '' : `${c.last.outgoing ? 'You: ' : ''}${c.last.text}`
    const unread = c.unread > 0 ? h('span', { class: 'unread', 'aria-label': `${c.unread} unread` }, String(c.unread)) : null
    const button = h('button', {
      type: 'button',
      class: 'conversation',
      'data-id': c.id,
      'aria-current': c.id === this.selected ? 'true' : undefined,
      'aria-label': `${c.name}${c.kind === 'group' ? ' (group)' : ''}${c.unread > 0 ? `, ${c.unread} unread` : ''}`,
      onclick: () => { this.open(c.kind === 'group' ? { kind: 'group', groupId: c.id } : { kind: 'user', userId: c.id }) }
    },
    h('span', { class: 'name' }, c.kind === 'group' ? `# ${c.name}` : c.name),
    h('span', { class: 'time' }, c.last !== null ? hhmm(c.last.sentAt) : ''),
    h('span', { class: 'preview' }, last),
    unread)
    return h('li', { role: 'listitem' }, button)
  }
}
