// The profile panel: set your display name and avatar (client.setProfile:
// sealed under your profile key, which contacts you message receive end to
// end; relays hold ciphertext), and look at a contact's profile with its
// avatar. An avatar larger than MAX_AVATAR_BYTES is refused before it is
// read; its type is checked by the library (PNG, JPEG, GIF or WebP by content),
// whose error is shown. Avatars are shown through Blob URLs of that checked
// type, revoked when replaced or when the panel unmounts.
import { MAX_AVATAR_BYTES, MAX_PROFILE_NAME_LENGTH } from '../../../protocol/constants.js'
import type { ProfileView } from '../../types.js'
import type { MountPanel } from './panel-context.js'
import { busy, contactPicker, h, labelled, panelFrame } from './dom.js'

export const mountProfile: MountPanel = (root, ctx) => {
  const frame = panelFrame(root, 'profile', 'Profile',
    'Your name and picture are encrypted; only contacts you message can open them; relays hold only ciphertext.')
  const urls = new Set<string>()
  let own: ProfileView | undefined
  let closed = false

  // ---- your profile
  const ownView = h('div', { class: 'rm-row', 'aria-live': 'polite' })
  const nameInput = h('input', { type: 'text', required: true, maxlength: MAX_PROFILE_NAME_LENGTH, autocomplete: 'nickname' })
  const avatarInput = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp' })
  const removeAvatar = h('input', { type: 'checkbox' })
  const removeRow = h('label', { class: 'rm-check', hidden: true }, removeAvatar, 'Remove my avatar')
  const saveButton = h('button', { type: 'submit' }, 'Save profile')
  const form = h('form', { 'aria-label': 'Your profile' },
    h('h3', {}, 'Your profile'),
    ownView,
    labelled('Display name', nameInput, `1 to ${MAX_PROFILE_NAME_LENGTH} characters`).wrap,
    labelled('Avatar', avatarInput, `a PNG, JPEG, GIF or WebP image of at most ${MAX_AVATAR_BYTES / 1024} KiB (${MAX_AVATAR_BYTES} bytes)`).wrap,
    removeRow,
    h('div', { class: 'rm-row' }, saveButton))
  // ---- a contact's profile
  const contactSelect = h('select', {})
  const showButton = h('button', { type: 'submit' }, 'Show profile')
  const contactView = h('div', { class: 'rm-row', 'aria-live': 'polite' })
  const lookForm = h('form', { 'aria-label': 'A contact\'s profile' },
    h('h3', {}, 'A contact\'s profile'),
    h('div', { class: 'rm-row' }, labelled('Contact', contactSelect).wrap, showButton),
    contactView)
  frame.section.append(form, lookForm)

  /** an avatar as an <img> from a Blob URL of its checked image type (revoked on unmount) */
  function avatarImg (p: ProfileView, alt: string): HTMLElement {
    if (p.avatar === undefined) return h('span', { class: 'rm-meta' }, 'No avatar')
    const url = URL.createObjectURL(new Blob([p.avatar.bytes as Uint8Array<ArrayBuffer>], { type: p.avatar.type }))
    urls.add(url)
    return h('img', { class: 'rm-avatar', src: url, alt, width: 64, height: 64 })
  }

  function release (container: HTMLElement): void {
    for (const img of container.querySelectorAll('img')) {
      if (urls.delete(img.src)) URL.revokeObjectURL(img.src)
    }
  }

  function showOwn (p: ProfileView | undefined): void {
    own = p
    release(ownView)
    ownView.replaceChildren(...(p === undefined
      ? [h('p', {}, 'You have not set a profile yet.')]
      : [avatarImg(p, 'Your avatar'), h('p', {}, 'Your name: ', h('strong', {}, p.name))]))
    removeRow.hidden = p?.avatar === undefined
    removeAvatar.checked = false
    if (p !== undefined && nameInput.value === '') nameInput.value = p.name
  }

  const save = busy(saveButton, async () => {
    const file = avatarInput.files?.[0]
    const view = await frame.guard(async () => {
      let avatar: Uint8Array | undefined
      if (file !== undefined) {
        // refused before reading, as the CLI does; the library checks the bytes
        if (file.size > MAX_AVATAR_BYTES) throw new Error(`avatar ${file.name} is ${file.size} bytes; at most ${MAX_AVATAR_BYTES} (a small thumbnail)`)
        avatar = new Uint8Array(await file.arrayBuffer())
      } else if (!removeAvatar.checked) {
        avatar = own?.avatar?.bytes // saving a new name keeps the avatar
      }
      return await ctx.client.setProfile({ name: nameInput.value, ...(avatar !== undefined ? { avatar } : {}) })
    })
    if (view === undefined || closed) return
    avatarInput.value = ''
    showOwn(view)
    ctx.notify('Profile saved: contacts you message can open it')
  })
  form.addEventListener('submit', (e) => { e.preventDefault(); save() })

  const look = busy(showButton, async () => {
    const userId = contactSelect.value
    if (userId === '') return
    const name = contactSelect.selectedOptions[0]?.textContent ?? userId
    const p = await frame.guard(async () => await ctx.client.profileOf(userId))
    if (closed) return
    release(contactView)
    contactView.replaceChildren(...(p === undefined
      ? [h('p', {}, `${name} has not shared a profile with you, or has set none.`)]
      : [avatarImg(p, `Avatar of ${p.name}`), h('p', {}, `${name}'s profile name: `, h('strong', {}, p.name))]))
  })
  lookForm.addEventListener('submit', (e) => { e.preventDefault(); look() })

  const fillContacts = contactPicker(contactSelect, showButton)
  async function loadContacts (): Promise<void> {
    const contacts = await frame.quiet(async () => await ctx.client.contacts())
    if (contacts === undefined || closed) return
    fillContacts(contacts)
  }

  void (async () => {
    const p = await frame.quiet(async () => await ctx.client.profileOf(ctx.userId))
    if (!closed) showOwn(p)
    await loadContacts()
  })()
  const unsubscribe = ctx.onChange(() => { void loadContacts() })
  return () => {
    closed = true
    unsubscribe()
    for (const url of urls) URL.revokeObjectURL(url)
    urls.clear()
    root.replaceChildren()
  }
}
