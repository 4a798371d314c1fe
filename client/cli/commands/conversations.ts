// `relaymesh conversations`: one line per 1:1 conversation or group, newest
// activity first, with its name, unread count and last message (local store only).
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'
import { printConversation } from '../history-output.js'

export function conversationsCommand (): Command {
  return addClientOptions(new Command('conversations'), { node: false })
    .description('your conversations, newest first: name, unread count, last message (local store only; `recv` and `chat` mark what they show as read)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const list = await client.conversations()
        if (list.length === 0) out.warn('no conversations yet')
        const people = await names()
        for (const c of list) printConversation(out, c, people)
      })
    })
}
