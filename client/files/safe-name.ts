// A received file's name made safe from the sender's (no folders, no
// control characters, no hidden or special names). Where the file lands
// (on Node <home>/downloads, never over an existing file) is
// client/platform/file-io.ts.
import { MAX_FILE_NAME_BYTES } from './constants.js'

/** The last path segment of `name`, without control characters or leading dots; "file" when nothing is left. */
export function safeFileName (name: string): string {
  const last = name.split(/[/\\]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  let s = last.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').replace(/^[.\s]+/, '').trim()
  while (Buffer.byteLength(s, 'utf8') > MAX_FILE_NAME_BYTES - 16) s = s.slice(0, -1) // room for a suffix
  return s === '' ? 'file' : s
}
