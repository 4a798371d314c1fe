// `relaymesh blocked [--json]`: the users you blocked, oldest first.
// --json: one {"userId","name","at"} per line (name: null unless they shared a profile name).
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'
import { shortId } from '../output.js'

export function blockedCommand (): Command {
  return addClientOptions(new Command('blocked'), { node: false })
    .description('list the users you blocked')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const list = await client.blocked()
        const known = await names()
        if (list.length === 0) out.say('nobody is blocked')
        for (const b of list) {
          const who = known.alias(b.userId) ?? b.name ?? known.label(b.userId)
          out.emit({ userId: b.userId, name: b.name ?? null, at: b.at }, `${who.padEnd(16)} ${b.userId}  blocked ${new Date(b.at).toISOString()}`)
        }
      })
    })
}
