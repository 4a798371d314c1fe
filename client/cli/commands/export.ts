// `relaymesh export USER --out FILE`: the conversation with USER from local
// history, as a JSON transcript signed by your identity key (opt-in; a
// deliberate, non-deniable statement by you alone: it proves nothing about
// what USER sent beyond your word). `relaymesh verify FILE` checks one.
import { Command } from 'commander'
import { constants } from 'node:fs'
import { open, readFile, stat } from 'node:fs/promises'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { MAX_TRANSCRIPT_BYTES } from '../../../protocol/constants.js'
import { verifyTranscript } from '../../../protocol/transcript.js'
import { FILE_MODE } from '../../store/permissions.js'
import { Output } from '../output.js'
import { addClientOptions, globalOptions, withClient } from '../session.js'
import { expandHome } from '../expand-home.js'

export function exportCommand (): Command {
  return addClientOptions(new Command('export'))
    .description('write your conversation with USER (local history) as a transcript signed by your identity key; opt-in: unlike messages, a signed export is not deniable')
    .argument('<user>', 'a user id (rm1…) or a contact alias')
    .requiredOption('--out <file>', 'where to write the transcript (refuses to replace an existing file)')
    .action(async (user: string, opts: { out: string }, cmd: Command) => {
      const path = expandHome(opts.out)
      await withClient(cmd, async ({ client, out }) => {
        const userId = await client.resolveUser(user)
        const { transcript, bytes } = await client.exportTranscript(userId)
        await writeNew(path, bytes)
        out.emit({ event: 'exported', path, exporter: transcript.exporter, peer: transcript.peer, messages: transcript.messages.length, exportedAt: transcript.exportedAt },
          `wrote ${transcript.messages.length} messages with ${user} to ${path}, signed by you (${transcript.exporter})`)
      }, { connect: false })
    })
}

export function verifyCommand (): Command {
  return new Command('verify')
    .description('check a signed transcript: the signature and that its user id is the signing key\'s; exit 1 when it was changed')
    .argument('<file>', 'a transcript written by `relaymesh export`')
    .option('--json', 'one JSON object per line on stdout')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const out = new Output(globalOptions(cmd).json)
      const path = expandHome(file)
      const size = (await stat(path).catch((err: Error) => { throw new RelaymeshError(ErrorCode.NotFound, `cannot read ${path}: ${err.message}`) })).size
      if (size > MAX_TRANSCRIPT_BYTES) throw new RelaymeshError(ErrorCode.TooLarge, `${path} has ${size} bytes; a transcript has at most ${MAX_TRANSCRIPT_BYTES}`)
      let t
      try {
        t = verifyTranscript(new Uint8Array(await readFile(path)))
      } catch (err) {
        if (RelaymeshError.is(err)) throw new RelaymeshError(err.code, `${path}: NOT VERIFIED: ${err.message}`, { cause: err })
        throw err
      }
      const first = t.messages[0]?.sentAt
      const last = t.messages[t.messages.length - 1]?.sentAt
      out.emit({ event: 'verified', exporter: t.exporter, identityKey: t.identityKey, peer: t.peer, exportedAt: t.exportedAt, messages: t.messages.length },
        [`verified: signed by ${t.exporter} (identity key ${t.identityKey})`,
          `  their conversation with ${t.peer}: ${t.messages.length} messages${first !== undefined ? `, ${new Date(first).toISOString()} to ${new Date(last as number).toISOString()}` : ''}, exported ${new Date(t.exportedAt).toISOString()}`,
          '  this is the exporter\'s own statement: it proves nothing about what the peer sent beyond the exporter\'s word'])
    })
}

async function writeNew (path: string, bytes: Uint8Array): Promise<void> {
  let fh
  try {
    fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, FILE_MODE)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new RelaymeshError(code === 'EEXIST' ? ErrorCode.Invalid : ErrorCode.NotFound, code === 'EEXIST' ? `${path} exists; choose another --out` : `cannot write ${path}: ${(err as Error).message}`, { cause: err })
  }
  try {
    await fh.writeFile(bytes)
    await fh.sync()
  } finally {
    await fh.close()
  }
}
