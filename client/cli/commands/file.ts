// `relaymesh file send --to USER PATH`: send a file (at most 100 MiB) in
// encrypted chunks, then its manifest in an end-to-end encrypted message;
// exit 0 once the mesh stored everything. Running it again for the same file
// and user resumes: only the chunks the mesh does not hold yet are sent.
// Progress goes to stderr (a bar on a terminal, a line per 10% otherwise), so
// stdout keeps only the result.
import { Command } from 'commander'
import cliProgress from 'cli-progress'
import type { FileProgress, IncomingMessage } from '../../client.js'
import type { Output } from '../output.js'
import { DisplayNames } from '../../profiles/display-name.js'
import { addClientOptions, withClient } from '../session.js'

export function fileCommand (): Command {
  const file = new Command('file').description('encrypted file transfer (files up to 100 MiB)')
  file.addCommand(addClientOptions(new Command('send'))
    .description('send a file end to end encrypted; exits 0 once the mesh has stored it for every device of the recipient; run it again to resume an interrupted transfer')
    .requiredOption('--to <user>', 'recipient: a user id (rm1…) or a contact alias')
    .argument('<path>', 'the file to send')
    .action(async (path: string, opts: { to: string }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const to = await client.resolveUser(opts.to)
        const bar = progressPrinter(path)
        let result
        try {
          result = await client.sendFile(to, path, { onProgress: bar.update })
        } finally {
          bar.stop()
        }
        out.stored(result.id, to, `${opts.to !== to ? `${opts.to} (${to})` : to}: ${result.name}, ${result.size} bytes${result.resumed > 0 ? `, resumed after ${result.resumed} of ${result.chunks} chunks` : ''}`)
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
  out.emit(
    { event: 'file', id: m.id, from: m.from, name: m.file.name, size: m.file.size, path: m.file.path },
    `${names.label(m.from)} sent a file: ${m.file.name} (${m.file.size} bytes), saved as ${m.file.path}`
  )
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
      stop: () => { if (started) bar.stop() }
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
