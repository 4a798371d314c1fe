// `~` and `~/…` at the start of a path typed where no shell expands it (chat lines, quoted arguments).
import { homedir } from 'node:os'
import { join } from 'node:path'

export function expandHome (path: string, home: string = homedir()): string {
  if (path === '~') return home
  if (path.startsWith('~/')) return join(home, path.slice(2))
  return path
}
