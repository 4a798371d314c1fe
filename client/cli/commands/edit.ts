// `relaymesh edit MESSAGE_ID TEXT` and `relaymesh delete MESSAGE_ID`: change
// one of your own messages (1:1 or group) for everyone who got it; their
// history then shows the new text, or an empty "deleted" row
// (docs/protocol.md §8g-8h).
import { Command } from 'commander'
import { addClientOptions, withClient } from '../session.js'

export function editCommand (): Command {
  return addClientOptions(new Command('edit'))
    .description('replace the text of one of your messages for everyone (its id is in `send`\'s output and in history)')
    .argument('<message-id>', 'the message id (32 hex digits)')
    .argument('<text...>', 'the new text (several words are joined with spaces)')
    .action(async (id: string, words: string[], _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const text = words.join(' ')
        const sent = await client.editMessage(id, text)
        out.emit({ event: 'edited', id: sent.id, target: id, text }, `edited message ${id} for everyone (edit ${sent.id})`)
      })
    })
}

export function deleteCommand (): Command {
  return addClientOptions(new Command('delete'))
    .description('delete one of your messages for everyone (recipients keep an empty "deleted" row)')
    .argument('<message-id>', 'the message id (32 hex digits)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const sent = await client.deleteMessage(id)
        out.emit({ event: 'deleted', id: sent.id, target: id }, `deleted message ${id} for everyone (delete ${sent.id})`)
      })
    })
}
