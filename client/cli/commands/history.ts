// `relaymesh history [USER|GROUP] [--limit N] [--search TEXT]`: past
// messages both ways, oldest first, from the local sealed store (no network).
import { Command, InvalidArgumentError } from 'commander'
import { MAX_HISTORY_LIMIT, MAX_SEARCH_LENGTH } from '../../history/constants.js'
import { addClientOptions, withClient } from '../session.js'
import { printHistory } from '../history-output.js'

export function limitArg (value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > MAX_HISTORY_LIMIT) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_HISTORY_LIMIT}`)
  return n
}

function searchArg (value: string): string {
  if (value.length === 0 || value.length > MAX_SEARCH_LENGTH) throw new InvalidArgumentError(`expected 1-${MAX_SEARCH_LENGTH} characters`)
  return value
}

export function historyCommand (): Command {
  return addClientOptions(new Command('history')) // --node accepted like everywhere, unused: history is local
    .description('past messages both ways, oldest first, with time, sender, edits and the delivery state of yours (local store only, no network)')
    .argument('[conversation]', 'a user id, contact alias or profile name, or a group id or group name (default: every conversation)')
    .option('--limit <n>', 'only the last N messages', limitArg)
    .option('--search <text>', 'only messages whose text contains TEXT (case-insensitive)', searchArg)
    .action(async (conversation: string | undefined, opts: { limit?: number, search?: string }, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const ref = conversation === undefined ? undefined : await client.resolveConversation(conversation)
        const messages = await client.history(ref?.id, { ...(opts.limit !== undefined ? { limit: opts.limit } : {}), ...(opts.search !== undefined ? { search: opts.search } : {}) })
        if (messages.length === 0) out.warn(opts.search !== undefined ? `no messages contain "${opts.search}"` : 'no messages yet')
        printHistory(out, messages, await names(), client.userId, { showConversation: ref === undefined })
      })
    })
}
