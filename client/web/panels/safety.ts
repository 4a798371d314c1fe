// The safety numbers panel: the 60-digit number of your conversation with a
// contact (client.safetyNumber, Signal's numeric fingerprint; the same digits
// `relaymesh safety-number USER` prints), shown as 12 groups of 5 beside a box
// for the number their device shows, with a plain "matches" / "does not
// match" verdict in words and a symbol (never colour alone). Equal numbers
// mean no one sits in between. The library keeps no "verified" mark, so the
// panel offers none: it says so.
import type { MountPanel } from './panel-context.js'
import { busy, contactPicker, h, labelled, panelFrame } from './dom.js'

export const SAFETY_DIGITS = 60

/** 60 digits as Signal and the CLI show them: 12 groups of 5, 4 groups a row */
export function digitRows (digits: string): string[] {
  const groups = digits.match(/.{1,5}/g) ?? []
  const rows: string[] = []
  for (let i = 0; i < groups.length; i += 4) rows.push(groups.slice(i, i + 4).join(' '))
  return rows
}

/** the digits of what a person pasted or typed (spaces, line breaks and dashes ignored) */
export function onlyDigits (text: string): string {
  return text.replace(/[^0-9]/g, '')
}

export const mountSafety: MountPanel = (root, ctx) => {
  const frame = panelFrame(root, 'safety', 'Safety numbers',
    'Compare the number below with the one your contact\'s device shows, in person or on a call. Equal numbers mean no one sits in between.')
  let closed = false
  let shown: { userId: string, name: string, digits: string } | undefined

  const contactSelect = h('select', {})
  const showButton = h('button', { type: 'submit' }, 'Show safety number')
  const pick = h('form', { 'aria-label': 'Choose a contact' },
    h('div', { class: 'rm-row' }, labelled('Contact', contactSelect).wrap, showButton))
  const result = h('div', { class: 'rm-sides' })
  frame.section.append(pick, result,
    h('p', { class: 'rm-hint' }, 'This app keeps no "verified" mark: compare again when you meet a contact on a new device.'))

  function showNumber (userId: string, name: string, digits: string): void {
    shown = { userId, name, digits }
    const ours = h('pre', { class: 'rm-digits', 'aria-label': `Safety number with ${name}`, 'data-digits': digits }, digitRows(digits).join('\n'))
    const theirs = h('textarea', { rows: 3, inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false' })
    const verdict = h('p', { class: 'rm-verdict', role: 'status' })
    const check = (): void => {
      const got = onlyDigits(theirs.value)
      if (got.length === 0) verdict.textContent = ''
      else if (got.length !== SAFETY_DIGITS) verdict.textContent = `… ${got.length} of ${SAFETY_DIGITS} digits entered`
      else if (got === digits) verdict.textContent = `✓ Matches: the numbers are equal, no one sits between you and ${name}.`
      else verdict.textContent = `✗ Does not match: the numbers differ. Do not trust this conversation with ${name} until you find out why.`
    }
    theirs.addEventListener('input', check)
    result.replaceChildren(
      h('figure', { class: 'rm-item' }, h('figcaption', {}, h('strong', {}, 'This device shows')), ours),
      h('div', { class: 'rm-item' },
        labelled(`Number ${name}'s device shows`, theirs, 'paste or type their 60 digits; spaces do not matter').wrap,
        verdict))
  }

  const show = busy(showButton, async () => {
    const userId = contactSelect.value
    if (userId === '') return
    const name = contactSelect.selectedOptions[0]?.textContent ?? userId
    const digits = await frame.guard(async () => await ctx.client.safetyNumber(userId))
    if (digits === undefined || closed) return
    showNumber(userId, name, digits)
  })
  pick.addEventListener('submit', (e) => { e.preventDefault(); show() })

  const fillContacts = contactPicker(contactSelect, showButton)
  async function loadContacts (): Promise<void> {
    const contacts = await frame.quiet(async () => await ctx.client.contacts())
    if (contacts === undefined || closed) return
    fillContacts(contacts, shown?.userId)
  }

  void loadContacts()
  const unsubscribe = ctx.onChange(() => { void loadContacts() })
  return () => {
    closed = true
    unsubscribe()
    root.replaceChildren()
  }
}
