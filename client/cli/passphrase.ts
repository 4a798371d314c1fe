// The passphrase that unlocks the local store: $RELAYMESH_PASSPHRASE when set
// (scripts, tests), else typed on the terminal without echo. Never from a
// pipe: a passphrase read from a non-terminal stdin would be too easy to leak
// into shell history or logs, and chat uses stdin for messages.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'

export const PASSPHRASE_ENV = 'RELAYMESH_PASSPHRASE'
/** longer input is not a passphrase someone typed */
export const MAX_PASSPHRASE_LENGTH = 1024

export async function getPassphrase (options: { confirm?: boolean, env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const fromEnv = (options.env ?? process.env)[PASSPHRASE_ENV]
  if (fromEnv !== undefined) {
    if (fromEnv.length === 0) throw new RelaymeshError(ErrorCode.Invalid, `${PASSPHRASE_ENV} is set but empty`)
    return fromEnv
  }
  if (process.stdin.isTTY !== true) {
    throw new RelaymeshError(ErrorCode.Invalid, `no passphrase: set ${PASSPHRASE_ENV} or run in a terminal to type it`)
  }
  const first = await promptHidden('passphrase: ')
  if (first.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'the passphrase must not be empty')
  if (options.confirm === true) {
    const again = await promptHidden('passphrase again: ')
    if (again !== first) throw new RelaymeshError(ErrorCode.Invalid, 'the two passphrases differ')
  }
  return first
}

/** exit status of a process ended by Ctrl-C (128 + SIGINT), as shells report it */
export const INTERRUPTED_EXIT_CODE = 130

/** Ctrl-C at the prompt: the terminal back to normal, then exit 130 (nothing is open yet: the passphrase comes first). */
function interrupted (): never {
  if (process.stdin.isTTY === true) process.stdin.setRawMode(false)
  process.stderr.write('\n')
  return process.exit(INTERRUPTED_EXIT_CODE)
}

/** Read one line from the terminal in raw mode, echoing nothing. */
async function promptHidden (prompt: string): Promise<string> {
  const stdin = process.stdin
  process.stderr.write(prompt)
  stdin.setRawMode(true)
  stdin.resume()
  stdin.setEncoding('utf8')
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = ''
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData)
            resolve(value)
            return
          }
          if (ch === '\u0003') { // Ctrl-C: raw mode turned it into a byte; leave as a SIGINT would
            stdin.off('data', onData)
            interrupted()
            return
          }
          if (ch === '\u0004') { // Ctrl-D
            stdin.off('data', onData)
            reject(new RelaymeshError(ErrorCode.Invalid, 'no passphrase given'))
            return
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
          else if (value.length < MAX_PASSPHRASE_LENGTH) value += ch
        }
      }
      stdin.on('data', onData)
    })
  } finally {
    stdin.setRawMode(false)
    stdin.pause()
    process.stderr.write('\n')
  }
}
