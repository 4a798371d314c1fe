// `relaymesh recv`: attach, drain the mailbox (every message exactly once, in
// arrival order), then wait for live messages up to --wait seconds.
import { Command, InvalidArgumentError } from 'commander'
import type { IncomingMessage, MessageRequest } from '../../client.js'
import { addClientOptions, withClient } from '../session.js'
import { printIncoming } from './file.js'
import { ChannelWatch } from './channel.js'
import { NamedPrinter } from '../named-printer.js'

/** waits longer than a day are a mistake, not a plan */
export const MAX_WAIT_SECONDS = 86_400
/** show drain progress once it takes longer than this */
const PROGRESS_AFTER_MS = 1_000

function seconds (value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > MAX_WAIT_SECONDS) throw new InvalidArgumentError(`expected seconds from 0 to ${MAX_WAIT_SECONDS}`)
  return n
}

export function recvCommand (): Command {
  return addClientOptions(new Command('recv'))
    .description('receive your messages: fetch everything waiting in the mesh, then wait for live messages up to --wait seconds')
    .option('--wait <seconds>', 'keep listening this long after the mailbox is empty', seconds, 0)
    .option('--no-channel', 'leave out the posts of the public channel "all" (shown by default: those not shown before)')
    .action(async (opts: { wait: number, channel: boolean }, cmd: Command) => {
      await withClient(cmd, async ({ client, out, names }) => {
        const people = await names() // before attaching: no presence lookups
        let count = 0
        const onMessage = (m: IncomingMessage): void => {
          if (m.system !== true) count++
          printer.push(m) // a message, or a received file's event
          shown.push(m)
          seen.push(m)
        }
        // what was printed is seen: unread counts drop (local marks, client/history)
        const seen: IncomingMessage[] = []
        const markSeen = async (): Promise<void> => {
          await client.markShown(seen.splice(0)).catch((err: Error) => { out.warn(`unread marks not saved: ${err.message}`) })
        }
        // in order, groups named even when created in this same drain
        const printer = new NamedPrinter(client, out, people, (m) => { printIncoming(out, m, people) })
        // a stranger's message is held as a request: an event line, not the message (client/requests)
        const onRequest = (r: MessageRequest): void => { out.request(r, true) }
        // what was printed has been read: read receipts to the senders (client/receipts), best effort
        const shown: IncomingMessage[] = []
        const markRead = async (): Promise<void> => {
          await client.markRead(shown.splice(0)).catch((err: Error) => { out.warn(`read receipts not sent: ${err.message}`) })
        }
        await client.connect()
        // 1. the mailbox, with progress on stderr when it takes a while
        const started = Date.now()
        const ticker = setInterval(() => {
          out.progress(`receiving mailbox… ${count} message${count === 1 ? '' : 's'} (${Math.round((Date.now() - started) / 1000)} s)`)
        }, PROGRESS_AFTER_MS)
        try {
          await client.receive({ waitMs: 0, onMessage, onRequest })
        } finally {
          clearInterval(ticker)
          out.endProgress()
          await printer.flush() // everything handed out is printed, also when receiving failed
        }
        await markRead()
        await markSeen()
        // the public channel's posts not shown before (then, while waiting, every few seconds)
        const channel = opts.channel ? new ChannelWatch(client, out, people) : undefined
        if (channel !== undefined && opts.wait === 0) await channel.poll()
        // 2. live messages
        if (opts.wait > 0) {
          if (!out.json) out.warn(`waiting ${opts.wait} s for new messages…`)
          try {
            void channel?.start() // beside the live messages, not before them (stop() waits for a look under way)
            await client.receive({ waitMs: opts.wait * 1000, onMessage, onRequest })
          } finally {
            await printer.flush()
            await channel?.stop()
          }
          await markRead()
          await markSeen()
        }
        if (!out.json) out.warn(count === 0 ? 'no new messages' : `${count} new message${count === 1 ? '' : 's'}`)
      })
    })
}
