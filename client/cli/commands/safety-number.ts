// `relaymesh safety-number USER`: the number both sides compare out of band
// (in person, on a call); equal numbers mean no one sits in between.
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'

export function safetyNumberCommand (): Command {
  return addClientOptions(new Command('safety-number'))
    .description('show the safety number of your conversation with USER; compare it with theirs in person or on a call')
    .argument('<user>', 'a user id (rm1…) or a contact alias')
    .action(async (user: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const userId = await client.resolveUser(user)
        // asks the mesh for the identity key only when we have not met this user yet
        out.safetyNumber(userId, await client.safetyNumber(userId))
      })
    })
}
