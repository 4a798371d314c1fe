// Devices: this account's devices, and linking a new one (another browser,
// or `relaymesh devices join CODE` on a computer) with a one-time pairing code.
import type { Client } from '../../client.js'
import { h, messageOf, replace } from './dom.js'

/** how long the view waits for the new device */
const LINK_WAIT_MS = 5 * 60 * 1000

export class DevicesView {
  readonly element: HTMLElement
  private readonly list: HTMLUListElement
  private readonly linkBox: HTMLElement

  constructor (private readonly client: Client, private readonly notify: (text: string, kind?: 'info' | 'error') => void) {
    this.list = h('ul', { role: 'list', 'aria-label': 'Devices', class: 'devices' })
    this.linkBox = h('div', { class: 'link-box', 'aria-live': 'polite' })
    this.element = h('section', { class: 'devices-view', 'aria-labelledby': 'devices-title' },
      h('h2', { id: 'devices-title' }, 'Devices'), this.list,
      h('button', { type: 'button', class: 'primary', onclick: () => { void this.link() } }, 'Link a new device'),
      this.linkBox)
  }

  async refresh (): Promise<void> {
    const { devices, removed } = await this.client.devices()
    replace(this.list, ...devices.map((d) => h('li', { role: 'listitem' },
      `Device ${d.deviceId}${d.current ? ' (this browser)' : ''}${d.online === null ? '' : d.online ? ' · online' : ' · offline'}`)))
    if (removed) this.notify('This device was removed from your account by another of your devices: it receives nothing new.', 'error')
  }

  private async link (): Promise<void> {
    try {
      const { code, linkId, expiresAt } = await this.client.startLink()
      replace(this.linkBox,
        h('p', {}, `On the new device choose "Link to an existing account" (or run \`relaymesh devices join CODE\`) and type this code. It works once, until ${new Date(expiresAt).toLocaleTimeString()}.`),
        h('output', { class: 'pairing-code', 'aria-label': 'Pairing code' }, code),
        h('p', { role: 'status' }, 'Waiting for the new device…'))
      const { deviceId } = await this.client.awaitLink(linkId, {
        timeoutMs: LINK_WAIT_MS,
        onRejected: () => { this.notify('A link request with a wrong or expired code was ignored.', 'error') }
      })
      replace(this.linkBox, h('p', { role: 'status' }, `Device ${deviceId} linked: it now receives your messages.`))
      await this.refresh()
    } catch (err) {
      replace(this.linkBox, h('p', { role: 'alert' }, messageOf(err)))
    }
  }
}
