// Chat commands for public channels: /all TEXT posts to the channel "all"
// (public by design: anyone on the mesh reads it); new posts show as they
// come (ChannelWatch in chat-command.ts).
import { DEFAULT_CHANNEL } from '../../../protocol/constants.js'
import type { SlashCommand } from './slash-commands.js'

export const channelCommands: SlashCommand[] = [
  {
    names: ['/all'],
    help: ['  /all TEXT           post TEXT to the public channel "all" (anyone on the mesh can read it)'],
    run: async ({ client, out }, _args, line) => {
      const m = /^\/all\s+(.+)$/s.exec(line)
      if (m === null) { out.warn('usage: /all TEXT'); return }
      const p = await client.postToChannel((m[1] as string).trim(), { channel: DEFAULT_CHANNEL })
      out.emit({ event: 'posted', channel: p.channel, id: p.id, sentAt: p.sentAt }, `posted to #${p.channel}`)
    }
  }
]
