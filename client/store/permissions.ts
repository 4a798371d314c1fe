// Owner-only permissions for the client home: folders 0700, files 0600.
// LevelDB creates its files with the process umask, so the store calls this
// after opening and before closing (new table files in between sit inside
// the 0700 folder, which already keeps other users out).
import { chmod, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

export const DIR_MODE = 0o700
export const FILE_MODE = 0o600

/** chmod `dir` to 0700 and everything below it to 0700 (folders) / 0600 (files). */
export async function restrictTree (dir: string): Promise<void> {
  await chmod(dir, DIR_MODE)
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) await restrictTree(path)
    else if (entry.isFile()) await chmod(path, FILE_MODE).catch(() => {}) // a LevelDB file may vanish meanwhile (compaction)
  }
}

/** Paths under `dir` whose mode grants anything to group or others (for tests and `doctor`-style checks). */
export async function looseModes (dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (path: string): Promise<void> => {
    const s = await stat(path)
    if ((s.mode & 0o077) !== 0) out.push(`${path} ${(s.mode & 0o777).toString(8)}`)
    if (s.isDirectory()) for (const name of await readdir(path)) await walk(join(path, name))
  }
  await walk(dir)
  return out
}
