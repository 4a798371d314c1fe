// `relaymesh block USER`: nothing from USER is stored or answered from now on
// (1:1 and group messages, files, invitations; no receipts); a pending request
// of theirs is dropped. --json: {"event":"blocked","userId"}.
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'

export function blockCommand (): Command {
  return addClientOptions(new Command('block'), { node: false })
    .description('block USER: drop everything they send from now on (messages, files, group messages and invitations), send them no receipts')
    .argument('<user>', 'a user id (or the start of a requester\'s id) or a contact alias')
    .action(async (user: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const userId = await client.resolveRequester(user)
        await client.block(userId)
        out.emit({ event: 'blocked', userId }, `blocked ${userId}: nothing they send is kept; \`relaymesh unblock ${user}\` undoes it`)
      })
    })
}
