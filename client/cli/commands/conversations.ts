// `relaymesh conversations`: one line per 1:1 conversation or group, newest
// activity first, with its name, unread count and last message (the mailbox
// is fetched into the local store first, unless --offline).
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'
import { printConversation } from '../history-output.js'

export function conversationsCommand (): Command {
  return addClientOptions(new Command('conversations'))
    .description('your conversations, newest first: name, unread count, last message; fetches the mailbox first when a node is set (nothing is marked read: `recv` and `chat` mark what they show)')
    .option('--offline', 'do not fetch the mailbox: only what is stored here')
    .action(async (opts: { offline?: boolean }, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names, nodes }) => {
        // new messages land in the local store (and wait there for recv) so they count as unread
        if (opts.offline !== true && nodes.length > 0) {
          await client.sync().catch((err: Error) => { out.warn(`mailbox not fetched, showing what is stored here: ${err.message}`) })
        }
        const list = await client.conversations()
        if (list.length === 0) out.warn('no conversations yet')
        const people = await names()
        for (const c of list) printConversation(out, c, people)
      })
    })
}
