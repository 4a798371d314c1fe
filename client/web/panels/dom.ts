// Small DOM helpers shared by the web panels (client/web/panels), beside the
// app's element helper `h` (client/web/app/dom.ts, re-exported): unique ids
// for label/control pairs, one-line error text, the panel frame (a labelled
// section with its own alert line) and the panels' stylesheet (a constructed
// sheet: no inline <style>, nothing external).
import { h } from '../app/dom.js'
import { PANEL_CSS } from './panel-style.js'
export { h }

type Child = Node | string | null | undefined | false

let counter = 0
/** a page-unique id for pairing a <label for> with its control */
export function uid (prefix: string): string {
  counter += 1
  return `rm-${prefix}-${counter}`
}

/** A labelled control: `<label for=id>text</label>` followed by the control (given the id). */
export function labelled<E extends HTMLElement> (text: string, control: E, hint?: string): { wrap: HTMLElement, control: E } {
  const id = control.id !== '' ? control.id : uid('c')
  control.id = id
  const children: Child[] = [h('label', { for: id }, text), control]
  if (hint !== undefined) {
    const hintId = `${id}-hint`
    control.setAttribute('aria-describedby', hintId)
    children.push(h('small', { id: hintId, class: 'rm-hint' }, hint))
  }
  return { wrap: h('div', { class: 'rm-field' }, ...children), control }
}

/** The message of an error in one line (a RelaymeshError's message; never a stack), at most 300 characters. */
export function errorLine (err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err)
  const line = raw.split('\n')[0]?.trim() ?? ''
  const text = line === '' ? 'something went wrong' : line
  return text.length > 300 ? text.slice(0, 297) + '…' : text
}

/** A short id as the CLI shows one: "rm1" and the next 9 characters. */
export function shortId (userId: string): string {
  return userId.slice(0, 12)
}

/** Local date and time, minutes precision (as the CLI prints). */
export function clock (ms: number): string {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return '--:--'
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** `<time datetime=…>` for a moment in ms since the epoch */
export function timeEl (ms: number): HTMLTimeElement {
  const valid = Number.isFinite(ms) && !Number.isNaN(new Date(ms).getTime())
  return h('time', { datetime: valid ? new Date(ms).toISOString() : undefined }, clock(ms))
}

export interface PanelFrame {
  section: HTMLElement
  /** the panel's own error line (role="alert"); empty when all is well */
  alert: HTMLElement
  /** show a library error in one line (or clear it with undefined) */
  showError: (err: unknown) => void
  /** run `action`, showing its error (and returning undefined) when it fails; clears an earlier error on success */
  guard: <T>(action: () => Promise<T>) => Promise<T | undefined>
  /** for background reloads: like guard, but success leaves an earlier error (of a person's action) shown */
  quiet: <T>(action: () => Promise<T>) => Promise<T | undefined>
}

/** A panel's frame: `<section aria-labelledby>` with a heading, an optional intro and an alert line. */
export function panelFrame (root: HTMLElement, id: string, title: string, intro?: string): PanelFrame {
  adoptStyle()
  const headingId = uid(`${id}-h`)
  const alert = h('p', { role: 'alert', class: 'rm-alert' })
  const section = h('section', { class: 'rm-panel', 'aria-labelledby': headingId, 'data-panel': id },
    h('h2', { id: headingId }, title),
    intro !== undefined ? h('p', { class: 'rm-intro' }, intro) : null,
    alert)
  root.replaceChildren(section)
  const showError = (err: unknown): void => {
    alert.textContent = err === undefined ? '' : `Error: ${errorLine(err)}`
  }
  const guard = async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    try {
      const r = await action()
      showError(undefined)
      return r
    } catch (err) {
      showError(err)
      return undefined
    }
  }
  const quiet = async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await action()
    } catch (err) {
      showError(err)
      return undefined
    }
  }
  return { section, alert, showError, guard, quiet }
}

/**
 * A button's click handler that runs `action` once at a time: while it runs the
 * button is aria-disabled and aria-busy (not `disabled`, so keyboard focus
 * stays on it) and further clicks are ignored, so a double click acts once.
 */
export function busy (button: HTMLButtonElement, action: () => Promise<void>): () => void {
  let running = false
  return () => {
    if (running || button.disabled) return
    running = true
    button.setAttribute('aria-disabled', 'true')
    button.setAttribute('aria-busy', 'true')
    void action().finally(() => {
      running = false
      button.removeAttribute('aria-disabled')
      button.removeAttribute('aria-busy')
    })
  }
}

let adopted = false
function adoptStyle (): void {
  if (adopted || typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in document)) return
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(PANEL_CSS)
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]
  adopted = true
}

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement

/**
 * Replace `container`'s children with `next`, keeping what the person was
 * doing: controls carry a `data-key`; the focused one gets the focus back and
 * typed values and checkboxes keep their state across the refresh.
 */
export function swapKeeping (container: HTMLElement, next: Node[]): void {
  const active = document.activeElement
  const focusKey = active instanceof HTMLElement && container.contains(active) ? active.dataset.key : undefined
  const values = new Map<string, string | boolean>()
  for (const el of container.querySelectorAll<Field>('input[data-key], select[data-key], textarea[data-key]')) {
    const key = el.dataset.key as string
    values.set(key, el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value)
  }
  container.replaceChildren(...next)
  for (const el of container.querySelectorAll<Field>('input[data-key], select[data-key], textarea[data-key]')) {
    const v = values.get(el.dataset.key as string)
    if (v === undefined) continue
    if (typeof v === 'boolean' && el instanceof HTMLInputElement) el.checked = v
    else if (typeof v === 'string' && (!(el instanceof HTMLSelectElement) || [...el.options].some((o) => o.value === v))) el.value = v
  }
  if (focusKey !== undefined) container.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus()
}

/** display names of several users at once (ctx.nameOf: alias, else profile name, else short id); our own id is "you" */
export async function namesOf (nameOf: (userId: string) => Promise<string>, self: string, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)]
  const names = await Promise.all(unique.map(async (id) => id === self ? 'you' : await nameOf(id).catch(() => shortId(id))))
  return new Map(unique.map((id, i) => [id, names[i] as string]))
}

/**
 * Fills a <select> with your contacts (one option per user, named by alias) and
 * enables `button` when there is one; refills only when the list changed, and
 * keeps the chosen contact (else `preferred`) selected.
 */
export function contactPicker (select: HTMLSelectElement, button: HTMLButtonElement): (contacts: Array<{ userId: string, alias: string }>, preferred?: string) => void {
  let key = ''
  return (contacts, preferred) => {
    const seen = new Set<string>()
    const unique = contacts.filter((c) => !seen.has(c.userId) && seen.add(c.userId) !== undefined)
    const next = JSON.stringify(unique.map((c) => [c.userId, c.alias]))
    if (next === key) return
    key = next
    const chosen = select.value !== '' ? select.value : preferred
    select.replaceChildren(...(unique.length === 0
      ? [h('option', { value: '' }, 'No contacts yet')]
      : unique.map((c) => h('option', { value: c.userId, selected: c.userId === chosen }, c.alias))))
    button.disabled = unique.length === 0
  }
}
