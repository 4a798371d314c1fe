// `relaymesh send --to USER TEXT [--timeout S]`: the message goes into the
// outbox (on disk) first, then to every device of USER (and our own other
// devices). Exit 0 once the mesh answered "stored" for all, saying on how many
// relays (the fewest of any of its envelopes). When no node can store it
// within --timeout seconds it stays in the outbox, the line says so
// ({"event":"queued","id",…}) and the exit code is 75 (EX_TEMPFAIL): the next
// command that attaches (recv, chat, send…) sends it.
import { Command, InvalidArgumentError } from 'commander'
import { addClientOptions, withClient } from '../session.js'
import { queuedLine } from './outbox.js'

/** seconds `send` waits for "stored" by default */
export const SEND_TIMEOUT_SECONDS = 30
/** waits longer than an hour are a mistake, not a plan */
const MAX_TIMEOUT_SECONDS = 3_600
/** sysexits.h EX_TEMPFAIL: queued, try again later (it goes out on the next attach) */
export const EXIT_QUEUED = 75

function seconds (value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > MAX_TIMEOUT_SECONDS) throw new InvalidArgumentError(`expected seconds from 0 to ${MAX_TIMEOUT_SECONDS}`)
  return n
}

export function sendCommand (): Command {
  return addClientOptions(new Command('send'))
    .description('send an end-to-end encrypted message; exits 0 once the mesh has stored it for every device of the recipient, 75 when it waits in the outbox')
    .requiredOption('--to <user>', 'recipient: a user id (rm1…) or a contact alias')
    .option('--timeout <seconds>', 'wait this long for "stored"; then it stays in the outbox (exit 75) and goes out on the next attach', seconds, SEND_TIMEOUT_SECONDS)
    .argument('<text...>', 'the message (several words are joined with spaces; quote it to keep spacing)')
    .action(async (words: string[], opts: { to: string, timeout: number }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const to = await client.resolveUser(opts.to)
        const label = opts.to !== to ? `${opts.to} (${to})` : undefined
        const sent = await client.send(to, words.join(' '), { timeoutMs: opts.timeout * 1000 })
        if (sent.state !== 'queued' && sent.state !== 'sending') {
          out.stored(sent.id, to, label, sent.replicas)
          return
        }
        // why: this message's last attempt, else that of the earlier message it waits behind
        const waiting = await client.outbox()
        const reason = waiting.find((e) => e.id === sent.id)?.lastError ?? waiting.filter((e) => e.lastError !== undefined).pop()?.lastError
        if (reason !== undefined) out.warn(`not stored yet: ${reason}`)
        out.emit({ event: 'queued', id: sent.id, to }, queuedLine(sent.id, label ?? to))
        process.exitCode = EXIT_QUEUED
      })
    })
}
