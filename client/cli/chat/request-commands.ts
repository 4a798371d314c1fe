// Chat commands for message requests and blocking: /requests, /accept,
// /decline, /block, /unblock.
import { printIncoming } from '../commands/file.js'
import type { ChatState, SlashCommand } from './slash-commands.js'

/** USER given (id, its start, or alias), else the latest requester still waiting */
async function requester (state: ChatState, user: string | undefined): Promise<string> {
  const { client } = state
  if (user !== undefined) return await client.resolveRequester(user)
  const pending = await client.requests()
  const latest = pending.find((r) => r.userId === state.latestRequester) ?? pending[pending.length - 1]
  if (latest === undefined) throw new Error('no message requests')
  return latest.userId
}

export const requestCommands: SlashCommand[] = [
  {
    names: ['/requests'],
    help: ['  /requests           message requests from people who are not your contacts'],
    run: async ({ client, out }) => {
      const list = await client.requests()
      if (list.length === 0) out.say('no message requests')
      for (const r of list) out.request(r, false)
    }
  },
  {
    names: ['/accept'],
    help: ['  /accept [USER [ALIAS]]  accept a request (default: the latest requester) and show its messages'],
    run: async (state, args) => {
      const { client, out, names, label } = state
      if (args.length > 2) { out.warn('usage: /accept [USER [ALIAS]]'); return }
      const userId = await requester(state, args[0])
      const messages = await client.acceptRequest(userId, args[1])
      for (const c of await client.contacts()) names.setAlias(c.userId, c.alias)
      for (const m of messages) printIncoming(out, m, names)
      out.emit({ event: 'accepted', userId, alias: names.alias(userId) ?? null }, `accepted ${label(userId)}: /open ${label(userId)} to answer`)
    }
  },
  {
    names: ['/decline'],
    help: ['  /decline [USER]     decline a request (default: the latest requester)'],
    run: async (state, args) => {
      if (args.length > 1) { state.out.warn('usage: /decline [USER]'); return }
      const userId = await requester(state, args[0])
      await state.client.declineRequest(userId)
      state.out.emit({ event: 'declined', userId }, `declined the request from ${state.label(userId)}`)
    }
  },
  {
    names: ['/block', '/unblock'],
    help: ['  /block USER         drop everything USER sends from now on; /unblock USER undoes it'],
    run: async (state, args, line) => {
      const command = line.trim().split(/\s+/)[0] as string
      if (args.length !== 1) { state.out.warn(`usage: ${command} USER`); return }
      const userId = await state.client.resolveRequester(args[0] as string)
      if (command === '/block') await state.client.block(userId)
      else await state.client.unblock(userId)
      state.out.emit({ event: command.slice(1) + 'ed', userId }, `${command.slice(1)}ed ${state.label(userId)}`)
    }
  }
]
