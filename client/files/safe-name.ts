// Where a received file lands: <home>/downloads (0700), under a name made
// safe from the sender's (no folders, no control characters, no hidden or
// special names), never over an existing file (a suffix " (n)" is added).
import { link, mkdir, chmod, unlink } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { DIR_MODE } from '../store/permissions.js'
import { DOWNLOADS_FOLDER, MAX_FILE_NAME_BYTES } from './constants.js'

/** most " (n)" suffixes tried before giving up */
const MAX_SUFFIX = 10_000

/** The last path segment of `name`, without control characters or leading dots; "file" when nothing is left. */
export function safeFileName (name: string): string {
  const last = name.split(/[/\\]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  let s = last.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').replace(/^[.\s]+/, '').trim()
  while (Buffer.byteLength(s, 'utf8') > MAX_FILE_NAME_BYTES - 16) s = s.slice(0, -1) // room for a suffix
  return s === '' ? 'file' : s
}

export async function downloadsFolder (home: string): Promise<string> {
  const dir = join(home, DOWNLOADS_FOLDER)
  await mkdir(dir, { recursive: true, mode: DIR_MODE })
  await chmod(dir, DIR_MODE)
  return dir
}

/**
 * Give the finished temp file its final name in `dir` without replacing
 * anything: link() fails when the name exists (atomically), so try
 * "name", "name (1)", … then drop the temp name. Returns the path.
 */
export async function placeFile (tempPath: string, dir: string, name: string): Promise<string> {
  const ext = extname(name)
  const stem = ext === '' || ext === name ? name : name.slice(0, -ext.length)
  for (let i = 0; i < MAX_SUFFIX; i++) {
    const path = join(dir, i === 0 ? name : `${stem} (${i})${ext}`)
    try {
      await link(tempPath, path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw err
    }
    await unlink(tempPath)
    return path
  }
  throw new Error(`no free name for ${name} in ${dir}`)
}
