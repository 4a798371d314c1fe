// "You": your user id as text and as a QR code, for others to add you.
import type { Client } from '../../client.js'
import { h } from './dom.js'
import { qrCanvas } from './qr.js'

export function meView (client: Client, notify: (text: string) => void): HTMLElement {
  const id = h('output', { class: 'user-id', 'aria-label': 'Your user id' }, client.userId)
  const copy = h('button', {
    type: 'button',
    onclick: () => {
      navigator.clipboard.writeText(client.userId).then(() => { notify('Your user id was copied.') }, () => { notify('Select the id and copy it.') })
    }
  }, 'Copy user id')
  return h('section', { class: 'me', 'aria-labelledby': 'me-title' },
    h('h2', { id: 'me-title' }, client.name !== undefined ? `You (${client.name})` : 'You'),
    h('p', {}, 'Give others this id (or let them scan the code) so they can add you as a contact.'),
    id, copy, qrCanvas(client.userId, 'QR code of your user id'),
    h('p', { class: 'hint' }, `This browser is device ${client.deviceId} of your account.`))
}
