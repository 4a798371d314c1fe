// Chat commands for history and conversations: /history [N], /search TEXT,
// /list (conversations with unread counts). `/open` shows the last messages
// of the conversation it opens through showRecent().
import { DEFAULT_SHOWN, MAX_HISTORY_LIMIT } from '../../history/constants.js'
import { printConversation, printHistory } from '../history-output.js'
import type { ChatState, SlashCommand } from './slash-commands.js'

/** Print the last `n` messages of `conversation` and mark it seen (unread drops to 0). */
export async function showRecent (state: ChatState, conversation: string, n = DEFAULT_SHOWN): Promise<void> {
  const { client, out, names } = state
  const messages = await client.history(conversation, { limit: n })
  printHistory(out, messages, names, client.userId, { showConversation: false })
  await client.markSeen(conversation)
}

export const historyCommands: SlashCommand[] = [
  {
    names: ['/list'],
    help: ['  /list               your conversations, newest first, with unread counts'],
    run: async ({ client, out, names }) => {
      const list = await client.conversations()
      if (list.length === 0) out.say('no conversations yet: /open USER, or add a contact with `relaymesh contacts add ALIAS USERID`')
      for (const c of list) {
        if (c.kind === 'group') names.setGroup(c.id, c.name)
        printConversation(out, c, names)
      }
    }
  },
  {
    names: ['/history'],
    help: [`  /history [N]        the last N messages (default ${DEFAULT_SHOWN}) of the open conversation, or of all`],
    run: async (state, args) => {
      const { client, out, open } = state
      const n = args.length === 0 ? DEFAULT_SHOWN : Number(args[0])
      if (args.length > 1 || !Number.isInteger(n) || n < 1 || n > MAX_HISTORY_LIMIT) { out.warn(`usage: /history [N] (N from 1 to ${MAX_HISTORY_LIMIT})`); return }
      if (open !== undefined) { await showRecent(state, open.userId, n); return }
      printHistory(out, await client.history(undefined, { limit: n }), state.names, client.userId, { showConversation: true })
    }
  },
  {
    names: ['/search'],
    help: ['  /search TEXT        messages containing TEXT (any case) in the open conversation, or in all'],
    run: async (state, _args, line) => {
      const { client, out, open } = state
      const m = /^\/search\s+(.+)$/s.exec(line)
      if (m === null) { out.warn('usage: /search TEXT'); return }
      const text = (m[1] as string).trim()
      const found = await client.history(open?.userId, { search: text })
      if (found.length === 0) out.say(`no messages contain "${text}"`)
      printHistory(out, found, state.names, client.userId, { showConversation: open === undefined })
    }
  }
]
