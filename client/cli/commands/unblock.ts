// `relaymesh unblock USER`: USER's messages are received again (as requests
// unless they are a contact or you wrote to them). --json: {"event":"unblocked","userId"}.
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'

export function unblockCommand (): Command {
  return addClientOptions(new Command('unblock'), { node: false })
    .description('unblock USER: their new messages arrive again (as a message request unless they are a contact or you wrote to them)')
    .argument('<user>', 'a user id (or the start of a blocked user\'s id) or a contact alias')
    .action(async (user: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const userId = await client.resolveRequester(user)
        await client.unblock(userId)
        out.emit({ event: 'unblocked', userId }, `unblocked ${userId}`)
      })
    })
}
