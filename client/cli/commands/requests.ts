// `relaymesh requests [--json]`, `requests accept USER [--alias NAME]`,
// `requests decline USER`: messages from people who are not your contacts
// wait here (client/requests) until you accept or decline them.
// --json: a listing prints one {"userId","name","firstMessage","at","count"}
// per request; accept prints the held messages as `recv` does, then
// {"event":"accepted","userId","alias"}; decline prints {"event":"declined","userId"}.
import { Command } from 'commander'
import type { Client } from '../../client.js'
import type { Output } from '../output.js'
import { addClientOptions, withClient } from '../session.js'
import { printIncoming } from './file.js'

/** Fetch what waits in the mesh when a node is configured (requests land locally); offline otherwise. */
export async function syncIfOnline (client: Client, out: Output, nodes: string[]): Promise<void> {
  if (nodes.length === 0) return
  try {
    await client.connect()
    await client.sync()
  } catch (err) {
    out.warn(`showing what is stored here; the mesh was not asked: ${(err as Error).message}`)
  }
}

export function requestsCommand (): Command {
  const requests = addClientOptions(new Command('requests'))
    .description('message requests: first messages from people who are not your contacts (list; accept USER; decline USER)')
    .addHelpText('after', '\nA message or group invitation from someone who is neither your contact nor someone you wrote to waits here:\nthey get no delivered or read receipts until you accept. Sending to someone accepts them.\n--json: one {"userId","name","firstMessage","at","count"} per line (name: null unless they shared a profile name).')
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out, nodes }) => {
        await syncIfOnline(client, out, nodes)
        const list = await client.requests()
        if (list.length === 0) out.say('no message requests')
        for (const r of list) out.request(r, false)
      })
    })
  addClientOptions(requests.command('accept'))
    .description('accept USER\'s request: they become a contact and their messages are shown (as recv shows them)')
    .argument('<user>', 'a user id (or its start, e.g. the short id listed) or a contact alias')
    .option('--alias <name>', 'the contact alias to give them [default: user-<short id>]')
    .action(async (user: string, opts: { alias?: string }, cmd: Command) => {
      await withClient(cmd, async ({ client, out, nodes, names }) => {
        // what waits in the mesh first: the request may have arrived since the last recv
        await syncIfOnline(client, out, nodes)
        const userId = await client.resolveRequester(user)
        const messages = await client.acceptRequest(userId, opts.alias)
        const known = await names()
        for (const m of messages) printIncoming(out, m, known)
        const alias = known.alias(userId) ?? null
        out.emit({ event: 'accepted', userId, alias }, `accepted ${userId}${alias !== null ? ` as contact "${alias}"` : ''}: ${messages.length} message${messages.length === 1 ? '' : 's'}`)
      })
    })
  addClientOptions(requests.command('decline'), { node: false })
    .description('decline USER\'s request: their messages are dropped; they are not blocked (a new message makes a new request)')
    .argument('<user>', 'a user id (or its start) or a contact alias')
    .action(async (user: string, _opts: unknown, cmd: Command) => {
      await withClient(cmd, async ({ client, out }) => {
        const userId = await client.resolveRequester(user)
        await client.declineRequest(userId)
        out.emit({ event: 'declined', userId }, `declined the request from ${userId}`)
      })
    })
  return requests
}
