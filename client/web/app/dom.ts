// A tiny DOM helper: elements with attributes, listeners and children, no framework.

type Child = Node | string | null | undefined | false
type Attrs = Record<string, string | number | boolean | EventListener | undefined>

/** `h('button', { type: 'button', onclick: fn }, 'Send')` */
export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v)
    else if (k === 'text') el.textContent = String(v)
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, ...children)
  return el
}

export function append (el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    el.append(typeof c === 'string' ? document.createTextNode(c) : c)
  }
}

/** replace everything inside `el` */
export function replace (el: Element, ...children: Child[]): void {
  el.replaceChildren()
  append(el, ...children)
}

/** an error as one line a person reads */
export function messageOf (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function hhmm (ms: number): string {
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return '--:--'
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`
}

export function shortId (userId: string): string {
  return userId.length > 14 ? `${userId.slice(0, 10)}…` : userId
}
