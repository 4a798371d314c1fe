// `relaymesh file send --to USER PATH`: send a file (at most 100 MiB) in
// encrypted chunks, then its manifest in an end-to-end encrypted message;
// exit 0 once the mesh stored everything. Running it again for the same file
// and user resumes: only the chunks the mesh does not hold yet are sent.
// Progress goes to stderr (a bar on a terminal, a line per 10% otherwise), so
// stdout keeps only the result.
import { Command, InvalidArgumentError, Option } from 'commander'
import cliProgress from 'cli-progress'
import type { FileProgress, IncomingMessage } from '../../client.js'
import type { Output } from '../output.js'
import { DisplayNames } from '../../profiles/display-name.js'
import { addClientOptions, withClient } from '../session.js'
import { expandHome } from '../expand-home.js'
import { MAX_FILE_EXPIRY_MS } from '../../files/constants.js'

export function fileCommand (): Command {
  const file = new Command('file').description('encrypted file transfer (files up to 100 MiB)')
  file.addCommand(addClientOptions(new Command('send'))
    .description('send a file end to end encrypted; exits 0 once the mesh has stored it for every device of the recipient; run it again to resume an interrupted transfer')
    .requiredOption('--to <user>', 'recipient: a user id (rm1…) or a contact alias')
    .argument('<path>', 'the file to send')
    .addOption(new Option('--expires <when>', 'the recipient\'s copy (and the chunks the relays hold) go this long after sending: 24h, 7d, 90m, … (at most 30d) or never').argParser(parseExpiry).default(0, 'never'))
    .action(async (path: string, opts: { to: string, expires: number }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const to = await client.resolveUser(opts.to)
        const result = await sendWithProgress(path, async (onProgress) => await client.sendFile(to, expandHome(path), { onProgress, ...(opts.expires > 0 ? { expiresInMs: opts.expires } : {}) }))
        const expiry = result.expiresAt !== undefined ? `, expires ${new Date(result.expiresAt).toISOString()}` : ''
        out.stored(result.id, to, `${opts.to !== to ? `${opts.to} (${to})` : to}: ${result.name}, ${result.size} bytes${result.resumed > 0 ? `, resumed after ${result.resumed} of ${result.chunks} chunks` : ''}${expiry}`)
      })
    }))
  return file
}

/** Print an incoming message, or the contract's file event for a received file. */
export function printIncoming (out: Output, m: IncomingMessage, names: DisplayNames = new DisplayNames()): void {
  if (m.file === undefined) {
    out.message(m, names)
    return
  }
  const f = m.file
  const expiry = f.expiresAt !== undefined ? (f.expired === true ? ', expired' : `, saved as ${f.path} until ${new Date(f.expiresAt).toISOString()}`) : `, saved as ${f.path}`
  out.emit(
    { event: 'file', id: m.id, from: m.from, name: f.name, size: f.size, path: f.path, sentAt: m.sentAt, ...(f.expiresAt !== undefined ? { expiresAt: f.expiresAt } : {}), ...(f.expired === true ? { expired: true } : {}) },
    `[${clockOf(m.sentAt)}] ${names.label(m.from)} sent a file: ${f.name} (${f.size} bytes)${expiry}`
  )
}

/** `24h`, `7d`, `90m`, `never` → ms (0: never); at most MAX_FILE_EXPIRY_MS. */
export function parseExpiry (value: string): number {
  if (value === 'never') return 0
  const m = /^([1-9][0-9]{0,6})(m|h|d)$/.exec(value)
  if (m === null) throw new InvalidArgumentError('expected a duration such as 24h, 7d or 90m, or never')
  const ms = Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd']
  if (ms > MAX_FILE_EXPIRY_MS) throw new InvalidArgumentError(`at most ${MAX_FILE_EXPIRY_MS / 86_400_000}d (the relays keep nothing longer)`)
  return ms
}

/**
 * Run a transfer with a progress printer; the progress line is gone (cleared
 * or finished) before this returns or throws, so the final line printed
 * after it is never hidden or overwritten.
 */
export async function sendWithProgress<T> (label: string, send: (onProgress: (p: FileProgress) => void) => Promise<T>, stream: NodeJS.WriteStream = process.stderr): Promise<T> {
  const bar = progressPrinter(label, stream)
  try {
    return await send(bar.update)
  } finally {
    bar.stop()
  }
}

function clockOf (ms: number): string {
  const d = new Date(ms)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return Number.isNaN(d.getTime()) ? '--:--' : `${pad(d.getHours())}:${pad(d.getMinutes())}`
}

interface ProgressPrinter { update: (p: FileProgress) => void, stop: () => void }

/** Progress on stderr in both output modes: a bar on a terminal, else one line per 10 %. */
export function progressPrinter (label: string, stream: NodeJS.WriteStream = process.stderr): ProgressPrinter {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ stream, format: `${label} [{bar}] {percentage}% | {value}/{total} chunks | {mib} MiB`, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    let started = false
    return {
      update: (p) => {
        const mib = (p.bytesStored / 1048576).toFixed(1)
        if (!started) { bar.start(Math.max(1, p.chunks), p.chunksStored, { mib }); started = true } else bar.update(p.chunksStored, { mib })
      },
      stop: () => {
        if (!started) return
        started = false
        bar.stop()
        // the bar is cleared on stop; clear the line again in case a redraw was pending, and leave the cursor at its start
        stream.write('\r\x1b[2K')
      }
    }
  }
  let lastTenth = -1
  return {
    update: (p) => {
      const tenth = p.chunks === 0 ? 10 : Math.floor((p.chunksStored / p.chunks) * 10)
      if (tenth === lastTenth) return
      lastTenth = tenth
      stream.write(`relaymesh: ${label}: ${tenth * 10}% (${p.chunksStored}/${p.chunks} chunks, ${p.bytesStored} of ${p.size} bytes)\n`)
    },
    stop: () => {}
  }
}
