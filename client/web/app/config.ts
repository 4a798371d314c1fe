// What the page is configured with: the relay nodes (/config.json, served by
// `relaymesh web`) and the name of its IndexedDB store.

/** the client library's `home` in the browser: the IndexedDB database the sealed store lives in */
export const HOME = 'relaymesh'
/** localStorage key remembering that this browser holds an identity (its public user id only) */
export const IDENTITY_KEY = 'relaymesh.identity'
const MAX_CONFIG_BYTES = 64 * 1024
const MAX_NODES = 16

export interface AppConfig { nodes: string[] }

export async function loadConfig (): Promise<AppConfig> {
  const res = await fetch('/config.json', { cache: 'no-store' })
  if (!res.ok) throw new Error(`/config.json: HTTP ${res.status}`)
  const text = await res.text()
  if (text.length > MAX_CONFIG_BYTES) throw new Error('/config.json is too large')
  const parsed = JSON.parse(text) as unknown
  const nodes = (typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { nodes?: unknown }).nodes))
    ? ((parsed as { nodes: unknown[] }).nodes).filter((n): n is string => typeof n === 'string' && n.length < 512).slice(0, MAX_NODES)
    : []
  return { nodes }
}

/** the user id of this browser's identity, if one was created or linked here */
export function storedIdentity (): string | undefined {
  try {
    return localStorage.getItem(IDENTITY_KEY) ?? undefined
  } catch {
    return undefined
  }
}

export function rememberIdentity (userId: string): void {
  try { localStorage.setItem(IDENTITY_KEY, userId) } catch { /* private mode: asked again next time */ }
}
