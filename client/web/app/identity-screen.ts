// The first screen: unlock this browser's identity with its passphrase, create
// one, or link this browser as a new device of an existing account (pairing
// code from `relaymesh devices link` or another browser's Devices view).
// Resolves with the open client.
import { initIdentity, joinDevice, openClient, type Client } from '../../client.js'
import { h, messageOf, replace } from './dom.js'
import { HOME, rememberIdentity, storedIdentity, type AppConfig } from './config.js'

type Mode = 'unlock' | 'create' | 'link'

/** how long linking waits for the other device's answer */
const JOIN_WAIT_MS = 120_000

export async function identityScreen (root: HTMLElement, config: AppConfig): Promise<Client> {
  return await new Promise<Client>((resolve) => {
    const status = h('p', { role: 'status', class: 'status' })
    const alert = h('p', { role: 'alert', class: 'error' })
    const box = h('div', { class: 'identity-form' })
    const open = async (passphrase: string): Promise<Client> => await openClient({ home: HOME, passphrase, nodes: config.nodes, messageRequests: true })

    const show = (mode: Mode): void => {
      alert.textContent = ''
      status.textContent = ''
      if (mode === 'unlock') replace(box, unlockForm())
      else if (mode === 'create') replace(box, createForm())
      else replace(box, linkForm())
      box.querySelector<HTMLInputElement>('input')?.focus()
    }

    const busy = async (form: HTMLFormElement, what: string, fn: () => Promise<void>): Promise<void> => {
      const button = form.querySelector<HTMLButtonElement>('button[type=submit]')
      if (button !== null) button.disabled = true
      alert.textContent = ''
      status.textContent = what
      try {
        await fn()
      } catch (err) {
        status.textContent = ''
        alert.textContent = messageOf(err)
      } finally {
        if (button !== null) button.disabled = false
      }
    }

    const passField = (label: string, id: string, autocomplete: string): HTMLElement => h('div', { class: 'field' },
      h('label', { for: id }, label),
      h('input', { id, name: id, type: 'password', required: true, autocomplete, minlength: 1 }))

    function unlockForm (): HTMLElement {
      const form = h('form', { 'aria-labelledby': 'unlock-title' },
        h('h2', { id: 'unlock-title' }, 'Unlock'),
        h('p', {}, `This browser holds the identity ${storedIdentity() ?? ''}. Its keys are sealed under your passphrase.`),
        passField('Passphrase', 'pass', 'current-password'),
        h('button', { type: 'submit', class: 'primary' }, 'Unlock'),
        h('button', { type: 'button', class: 'link', onclick: () => { show('create') } }, 'Create a new identity instead'))
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        const passphrase = (form.querySelector('#pass') as HTMLInputElement).value
        void busy(form, 'Unlocking…', async () => { resolve(await open(passphrase)) })
      })
      return form
    }

    function createForm (): HTMLElement {
      const form = h('form', { 'aria-labelledby': 'create-title' },
        h('h2', { id: 'create-title' }, 'Create your identity'),
        h('p', {}, 'Your keys are made and kept in this browser, sealed under a passphrase. Nobody else, not even the relay nodes, can read your messages.'),
        h('div', { class: 'field' }, h('label', { for: 'name' }, 'Your name (optional)'), h('input', { id: 'name', name: 'name', type: 'text', maxlength: 64, autocomplete: 'nickname' })),
        passField('Passphrase', 'pass', 'new-password'),
        passField('Repeat passphrase', 'pass2', 'new-password'),
        h('button', { type: 'submit', class: 'primary' }, 'Create identity'),
        h('button', { type: 'button', class: 'link', onclick: () => { show('link') } }, 'Link to an existing account'),
        storedIdentity() !== undefined ? h('button', { type: 'button', class: 'link', onclick: () => { show('unlock') } }, 'Unlock the existing identity') : null)
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        const passphrase = (form.querySelector('#pass') as HTMLInputElement).value
        const again = (form.querySelector('#pass2') as HTMLInputElement).value
        const name = (form.querySelector('#name') as HTMLInputElement).value.trim()
        if (passphrase !== again) { alert.textContent = 'The passphrases differ.'; return }
        void busy(form, 'Creating your keys…', async () => {
          const { userId } = await initIdentity(HOME, passphrase, name !== '' ? { name } : {})
          rememberIdentity(userId)
          resolve(await open(passphrase))
        })
      })
      return form
    }

    function linkForm (): HTMLElement {
      const form = h('form', { 'aria-labelledby': 'link-title' },
        h('h2', { id: 'link-title' }, 'Link this browser'),
        h('p', {}, 'On a device you already use, open Devices and choose "Link a new device" (or run `relaymesh devices link`), then type the pairing code here.'),
        h('div', { class: 'field' }, h('label', { for: 'code' }, 'Pairing code'), h('input', { id: 'code', name: 'code', type: 'text', required: true, autocomplete: 'off', spellcheck: 'false' })),
        passField('New passphrase for this browser', 'pass', 'new-password'),
        h('button', { type: 'submit', class: 'primary' }, 'Link this browser'),
        h('button', { type: 'button', class: 'link', onclick: () => { show(storedIdentity() !== undefined ? 'unlock' : 'create') } }, 'Back'))
      form.addEventListener('submit', (e) => {
        e.preventDefault()
        const code = (form.querySelector('#code') as HTMLInputElement).value.trim()
        const passphrase = (form.querySelector('#pass') as HTMLInputElement).value
        void busy(form, 'Asking your other device…', async () => {
          const { userId } = await joinDevice({
            home: HOME,
            passphrase,
            nodes: config.nodes,
            code,
            timeoutMs: JOIN_WAIT_MS,
            onProgress: () => { status.textContent = 'Request sent: waiting for your other device to answer…' }
          })
          rememberIdentity(userId)
          resolve(await open(passphrase))
        })
      })
      return form
    }

    replace(root, h('main', { class: 'identity', 'aria-label': 'Identity' }, h('h1', {}, 'relaymesh'), box, status, alert))
    show(storedIdentity() !== undefined ? 'unlock' : 'create')
  })
}
