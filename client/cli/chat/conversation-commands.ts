// Chat commands about people and the open conversation: /list, /open, /tell,
// and what a plain line does (send it to the open conversation).
import type { ChatState, SlashCommand } from './slash-commands.js'
import { sendAndEcho } from './ticks.js'

/** A plain line: to the open conversation. */
export async function sendLine (state: ChatState, line: string): Promise<void> {
  const { out, open } = state
  if (open === undefined) { out.warn('no open conversation: /open USER first, or /tell USER TEXT'); return }
  // echoed with its time and a tick that follows its state; a node that is down keeps it in the outbox (chat/ticks.ts)
  await sendAndEcho(state, open, line)
}

export const conversationCommands: SlashCommand[] = [
  {
    names: ['/list'],
    help: ['  /list               your contacts, online or offline'],
    run: async ({ client, out, names }) => {
      const list = await client.contacts()
      for (const c of list) names.setAlias(c.userId, c.alias)
      if (list.length === 0) out.say('no contacts yet: add one with `relaymesh contacts add ALIAS USERID`')
      for (const c of list) out.contact(c)
    }
  },
  {
    names: ['/open'],
    help: ['  /open USER          talk to USER (a user id or contact alias): plain lines go to them'],
    run: async (state, args) => {
      if (args.length !== 1) { state.out.warn('usage: /open USER'); return }
      const open = await state.resolve(args[0] as string)
      state.setOpen(open)
      state.out.emit({ event: 'open', userId: open.userId }, `talking to ${open.label}${open.label !== open.userId ? ` (${open.userId})` : ''}`)
    }
  },
  {
    names: ['/tell'],
    help: ['  /tell USER TEXT     send TEXT to USER without changing the open conversation'],
    run: async (state, _args, line) => {
      const m = /^\/tell\s+(\S+)\s+(.+)$/s.exec(line)
      if (m === null) { state.out.warn('usage: /tell USER TEXT'); return }
      const to = await state.resolve(m[1] as string)
      await sendAndEcho(state, to, m[2] as string)
    }
  }
]
