// Chat commands about people and the open conversation: /contacts, /open, /tell,
// and what a plain line does (send it to the open conversation).
import type { ChatState, SlashCommand } from './slash-commands.js'
import { showRecent } from './history-commands.js'
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
    names: ['/contacts'],
    help: ['  /contacts           your contacts, online or offline'],
    run: async ({ client, out, names }) => {
      const list = await client.contacts()
      for (const c of list) names.setAlias(c.userId, c.alias)
      if (list.length === 0) out.say('no contacts yet: add one with `relaymesh contacts add ALIAS USERID`')
      for (const c of list) out.contact(c)
    }
  },
  {
    names: ['/open'],
    help: ['  /open USER|GROUP    talk to USER (a user id, alias or profile name) or a group (id or name): shows the last messages; plain lines go there'],
    run: async (state, args, line) => {
      const m = /^\/open\s+(.+)$/s.exec(line)
      if (m === null) { state.out.warn('usage: /open USER|GROUP'); return }
      const ref = await state.client.resolveConversation((m[1] as string).trim())
      if (ref.kind === 'group') {
        const g = (await state.client.groups()).find((x) => x.groupId === ref.id)
        if (g === undefined) { state.out.warn(`not a member of group ${ref.id}: /group list shows yours`); return }
        state.names.setGroup(g.groupId, g.name)
        state.setOpen({ userId: g.groupId, label: g.name, group: true })
        state.out.emit({ event: 'open', group: g.groupId }, `talking to group ${g.name}`)
      } else {
        const open = { userId: ref.id, label: state.label(ref.id) }
        state.setOpen(open)
        state.out.emit({ event: 'open', userId: open.userId }, `talking to ${open.label}${open.label !== open.userId ? ` (${open.userId})` : ''}`)
      }
      await showRecent(state, ref.id)
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
