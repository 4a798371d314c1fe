// `relaymesh chat`: an interactive session. Incoming messages print live;
// lines are slash commands (the table in slash-commands.ts, filled by the
// *-commands.ts modules beside this one) or text for the open conversation.
// Lines are handled one at a time, in order, so a piped script of lines
// behaves like a person typing them.
import { Command } from 'commander'
import { createInterface, clearLine, cursorTo } from 'node:readline'
import type { Client, IncomingMessage, MessageRequest } from '../../types.js'
import type { Output } from '../output.js'
import { addClientOptions, withClient, type Session } from '../session.js'
import { printIncoming } from '../commands/file.js'
import { NamedPrinter } from '../named-printer.js'
import type { DisplayNames } from '../../profiles/display-name.js'
import { SlashCommands, type ChatState, type Conversation } from './slash-commands.js'
import { conversationCommands, sendLine } from './conversation-commands.js'
import { groupCommands } from './group-commands.js'
import { requestCommands } from './request-commands.js'
import { fileCommands } from './file-commands.js'
import { channelCommands } from './channel-commands.js'
import { ChannelWatch } from '../commands/channel.js'
import { editCommands, startTyping } from './edit-commands.js'
import { historyCommands } from './history-commands.js'
import { readMarker } from './ticks.js'
import { LISTEN_SLICE_MS } from '../../messaging/inbox-pump.js'

const RETRY_MS = 2_000

const QUIT_HELP = [
  '  /help               this list',
  '  /quit               leave (Ctrl-D works too)'
]

/** Every chat command, in the order /help lists them. */
export function chatCommands (): SlashCommands {
  return new SlashCommands().add(...conversationCommands, ...fileCommands, ...groupCommands, ...requestCommands)
    .add(...channelCommands)
    .add(...editCommands)
    .add(...historyCommands)
}

export function chatCommand (): Command {
  const help = chatCommands().help()
  return addClientOptions(new Command('chat'))
    .description('interactive chat: incoming messages appear live; /list, /open USER|GROUP, /history, /search, /tell USER TEXT, /file USER PATH, /group …, /requests, /accept, /decline, /block, /quit')
    .addHelpText('after', '\n' + [...help, ...QUIT_HELP].join('\n'))
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async (session) => { await chat(session) }, { connect: true })
    })
}

async function chat (session: Session): Promise<void> {
  const { client, out } = session
  const names = await session.names()
  const commands = chatCommands()
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true && !out.json
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal })
  let open: Conversation | undefined
  const setPrompt = (): void => { rl.setPrompt(open === undefined ? '> ' : `${open.label}> `) }
  setPrompt()
  if (terminal) {
    out.setGuard({
      before: () => { clearLine(process.stdout, 0); cursorTo(process.stdout, 0) },
      after: () => { rl.prompt(true) }
    })
  }
  out.say(`you are ${client.userId}${client.name !== undefined ? ` (${client.name})` : ''}; /help lists the commands`)

  const state: ChatState = {
    session,
    client,
    out,
    names,
    get open () { return open },
    setOpen: (c) => { open = c; setPrompt() },
    resolve: async (user) => {
      const userId = await client.resolveUser(user)
      return { userId, label: names.label(userId) }
    },
    label: (userId) => names.label(userId),
    latestRequester: undefined
  }

  let quitting = false
  let ended = false // input closed: no more prompts
  // requests are announced as they arrive; /accept and /decline default to the latest requester
  const onRequest = (r: MessageRequest): void => { state.latestRequester = r.userId; out.request(r, true) }
  const listening = listen(client, out, names, () => quitting, onRequest)
  // the public channel "all": new posts show as they come (polled)
  const channel = new ChannelWatch(client, out, names)
  void channel.start()
  const stopTyping = startTyping(state, rl, terminal)

  const handle = async (line: string): Promise<void> => {
    const text = line.trim()
    if (text === '') return
    if (!text.startsWith('/')) { await sendLine(state, line); return }
    const [name = '', ...args] = text.split(/\s+/)
    if (name === '/quit' || name === '/exit') { rl.close(); return }
    if (name === '/help') { out.say([...commands.help(), ...QUIT_HELP].join('\n')); return }
    const command = commands.get(name)
    if (command === undefined) { out.warn(`unknown command ${name}: /help lists them`); return }
    await command.run(state, args, text)
  }

  await new Promise<void>((done) => {
    let queue = Promise.resolve()
    rl.on('line', (line) => {
      queue = queue.then(async () => {
        if (quitting) return
        try {
          await handle(line)
        } catch (err) {
          // a failed command is reported and the chat goes on
          const code = (err as { code?: unknown }).code
          out.warn(`${(err as Error).message}${typeof code === 'string' && code.startsWith('ERR_') ? ` (${code})` : ''}`)
        }
        if (terminal && !ended) rl.prompt()
      })
    })
    rl.on('SIGINT', () => { rl.close() })
    // Ctrl-D, end of piped input or /quit: finish the lines already typed, then leave
    rl.on('close', () => { ended = true; void queue.then(() => { quitting = true; done() }) })
    if (terminal) rl.prompt()
  })
  await channel.stop()
  out.setGuard(undefined)
  stopTyping()
  // withClient closes the client next, which also ends the listening loop
  void listening
}

/** What chat printed live is seen: its conversation's unread count drops (local marks, client/history). */
function markShown (client: Client, out: Output, m: IncomingMessage): void {
  client.markShown([m]).catch((err: Error) => { out.warn(`unread mark not saved: ${err.message}`) })
}

/** Print incoming messages as they arrive, until quitting; a lost node is retried, not fatal. */
async function listen (client: Client, out: Output, names: DisplayNames, quitting: () => boolean, onRequest: (r: MessageRequest) => void): Promise<void> {
  const printer = new NamedPrinter(client, out, names, (m) => { printIncoming(out, m, names) })
  // what the chat shows is seen (unread counts drop) and read: receipts to the senders (chat/ticks.ts)
  const read = readMarker(client, out)
  const onMessage = (m: IncomingMessage): void => { printer.push(m); markShown(client, out, m); read(m) }
  while (!quitting()) {
    try {
      await client.receive({ waitMs: LISTEN_SLICE_MS, onMessage, onRequest })
    } catch (err) {
      if (quitting()) return
      out.warn(`receiving paused: ${(err as Error).message}`)
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
    }
  }
}
