// `relaymesh id`: print this home's user id and device id (to give to others).
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'

export function idCommand (): Command {
  return addClientOptions(new Command('id'), { node: false })
    .description('print your user id (give it to the people you chat with) and this device id')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        out.identity({ userId: client.userId, deviceId: client.deviceId, name: client.name })
      })
    })
}
