// `relaymesh send --to USER TEXT`: encrypt for every device of USER (and our
// own other devices), exit 0 only once the mesh answered "stored" for all,
// and say on how many relays (the fewest of any of its envelopes). When the
// mesh cannot store it, the error says why ("1 relay reachable, 2 needed").
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'

export function sendCommand (): Command {
  return addClientOptions(new Command('send'))
    .description('send an end-to-end encrypted message; exits 0 once the mesh has stored it for every device of the recipient')
    .requiredOption('--to <user>', 'recipient: a user id (rm1…) or a contact alias')
    .argument('<text...>', 'the message (several words are joined with spaces; quote it to keep spacing)')
    .action(async (words: string[], opts: { to: string }, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const to = await client.resolveUser(opts.to)
        const { id, replicas } = await client.send(to, words.join(' '))
        out.stored(id, to, opts.to !== to ? `${opts.to} (${to})` : undefined, replicas)
      })
    })
}
