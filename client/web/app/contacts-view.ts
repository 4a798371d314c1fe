// Contacts: add one by name and user id, see who is online, open a chat.
import type { Client } from '../../client.js'
import type { ConversationTarget } from '../panels/panel-context.js'
import { h, messageOf, replace, shortId } from './dom.js'

export class ContactsView {
  readonly element: HTMLElement
  private readonly list: HTMLUListElement

  constructor (private readonly client: Client, private readonly deps: { open: (t: ConversationTarget) => void, notify: (text: string, kind?: 'info' | 'error') => void, changed: () => void }) {
    this.list = h('ul', { role: 'list', 'aria-label': 'Contacts', class: 'contacts' })
    const form = h('form', { class: 'add-contact', 'aria-labelledby': 'add-contact-title' },
      h('h3', { id: 'add-contact-title' }, 'Add a contact'),
      h('div', { class: 'field' }, h('label', { for: 'contact-alias' }, 'Name'), h('input', { id: 'contact-alias', required: true, maxlength: 64, autocomplete: 'off' })),
      h('div', { class: 'field' }, h('label', { for: 'contact-id' }, 'User id'), h('input', { id: 'contact-id', required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'rm1…' })),
      h('button', { type: 'submit', class: 'primary' }, 'Add contact'))
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const alias = (form.querySelector('#contact-alias') as HTMLInputElement).value.trim()
      const userId = (form.querySelector('#contact-id') as HTMLInputElement).value.trim()
      void (async () => {
        try {
          await this.client.addContact(alias, userId)
          form.reset()
          this.deps.notify(`${alias} was added.`)
          this.deps.changed()
          await this.refresh()
        } catch (err) {
          this.deps.notify(messageOf(err), 'error')
        }
      })()
    })
    this.element = h('section', { class: 'contacts-view', 'aria-labelledby': 'contacts-title' },
      h('h2', { id: 'contacts-title' }, 'Contacts'), form, this.list)
  }

  async refresh (): Promise<void> {
    const contacts = await this.client.contacts()
    if (contacts.length === 0) { replace(this.list, h('li', { role: 'listitem', class: 'empty' }, 'No contacts yet.')); return }
    replace(this.list, ...contacts.map((c) => h('li', { role: 'listitem' },
      h('span', { class: 'name' }, c.alias),
      h('span', { class: 'presence', 'data-online': String(c.online) }, c.online === null ? '' : c.online ? ' · online' : ' · offline'),
      h('code', { class: 'id', title: c.userId }, shortId(c.userId)),
      h('button', { type: 'button', onclick: () => { this.deps.open({ kind: 'user', userId: c.userId }) } }, `Chat with ${c.alias}`))))
  }
}
