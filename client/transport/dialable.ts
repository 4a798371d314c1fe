// Which node addresses this platform's client host can dial (twin:
// dialable.browser.ts). On Node every transport the host has is there, so
// every address is kept; a bad one fails when dialled, as before.

/** The addresses of `nodes` this platform can dial, in order. */
export function dialableNodes (nodes: string[]): string[] {
  return [...nodes]
}

/** Why none of `nodes` is dialable here ('' on Node: never filtered). */
export function undialableReason (_nodes: string[]): string {
  return ''
}
