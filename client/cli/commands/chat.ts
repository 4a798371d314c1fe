// `relaymesh chat`: an interactive session. Incoming messages print live;
// lines are commands (/list, /tell, /open, /quit…) or text for the open
// conversation. Lines are handled one at a time, in order, so a piped script
// of lines behaves like a person typing them.
import { Command } from 'commander'
import { createInterface, clearLine, cursorTo, type Interface } from 'node:readline'
import type { Client, IncomingMessage, MessageRequest } from '../../client.js'
import type { Output } from '../output.js'
import { addClientOptions, withClient, type Session } from '../session.js'
import { printIncoming, progressPrinter } from './file.js'
import type { DisplayNames } from '../../profiles/display-name.js'

/** one receive() call listens this long, then drains again (cheap) and listens anew */
export const LISTEN_SLICE_MS = 30_000
const RETRY_MS = 2_000

export const CHAT_HELP = [
  'commands:',
  '  /list               your contacts, online or offline',
  '  /open USER          talk to USER (a user id or contact alias): plain lines go to them',
  '  /tell USER TEXT     send TEXT to USER without changing the open conversation',
  '  /help               this list',
  '  /quit               leave (Ctrl-D works too)',
  '  /file USER PATH     send a file (up to 100 MiB), progress on stderr',
  '  /group list         your groups',
  '  /group create NAME USER,USER…   a new group with those members',
  '  /group open GROUPID talk to a group: plain lines go to it',
  '  /group send GROUPID TEXT        send TEXT to a group',
  '  /requests           message requests from people who are not your contacts',
  '  /accept [USER [ALIAS]]  accept a request (default: the latest requester) and show its messages',
  '  /decline [USER]     decline a request (default: the latest requester)',
  '  /block USER         drop everything USER sends from now on; /unblock USER undoes it'
]

export function chatCommand (): Command {
  return addClientOptions(new Command('chat'))
    .description('interactive chat: incoming messages appear live; /list, /open USER, /tell USER TEXT, /file USER PATH, /group …, /requests, /accept, /decline, /block, /quit')
    .addHelpText('after', '\n' + CHAT_HELP.join('\n'))
    .action(async (_opts: unknown, cmd: Command) => {
      await withClient(cmd, async (session) => { await chat(session) }, { connect: true })
    })
}

/** the open conversation: a user, or a group (then userId holds the group id) */
interface Conversation { userId: string, label: string, group?: true }

async function chat (session: Session): Promise<void> {
  const { client, out } = session
  const names = await session.names()
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

  let quitting = false
  let ended = false // input closed: no more prompts
  // requests are announced as they arrive; /accept and /decline default to the latest requester
  let latestRequester: string | undefined
  const onRequest = (r: MessageRequest): void => { latestRequester = r.userId; out.request(r, true) }
  const listening = listen(client, out, names, () => quitting, onRequest)
  /** USER given (id, its start, or alias), else the latest requester still waiting */
  const requester = async (user: string | undefined): Promise<string> => {
    if (user !== undefined) return await client.resolveRequester(user)
    const pending = await client.requests()
    const latest = pending.find((r) => r.userId === latestRequester) ?? pending[pending.length - 1]
    if (latest === undefined) throw new Error('no message requests')
    return latest.userId
  }
  const label = (userId: string): string => names.label(userId)
  const resolve = async (user: string): Promise<Conversation> => {
    const userId = await client.resolveUser(user)
    return { userId, label: label(userId) }
  }

  const handle = async (line: string): Promise<void> => {
    const text = line.trim()
    if (text === '') return
    if (!text.startsWith('/')) {
      if (open === undefined) { out.warn('no open conversation: /open USER first, or /tell USER TEXT'); return }
      const sent = open.group === true ? await client.sendGroup(open.userId, line) : await client.send(open.userId, line)
      out.stored(sent.id, open.userId, open.label)
      return
    }
    const [command = '', ...rest] = text.split(/\s+/)
    switch (command) {
      case '/quit':
      case '/exit':
        rl.close()
        return
      case '/help':
        out.say(CHAT_HELP.join('\n'))
        return
      case '/list': {
        const list = await client.contacts()
        for (const c of list) names.setAlias(c.userId, c.alias)
        if (list.length === 0) out.say('no contacts yet: add one with `relaymesh contacts add ALIAS USERID`')
        for (const c of list) out.contact(c)
        return
      }
      case '/open': {
        if (rest.length !== 1) { out.warn('usage: /open USER'); return }
        open = await resolve(rest[0] as string)
        setPrompt()
        out.emit({ event: 'open', userId: open.userId }, `talking to ${open.label}${open.label !== open.userId ? ` (${open.userId})` : ''}`)
        return
      }
      case '/tell': {
        const m = /^\/tell\s+(\S+)\s+(.+)$/s.exec(text)
        if (m === null) { out.warn('usage: /tell USER TEXT'); return }
        const to = await resolve(m[1] as string)
        const sent = await client.send(to.userId, m[2] as string)
        out.stored(sent.id, to.userId, to.label, sent.replicas)
        return
      }
      case '/file': {
        const m = /^\/file\s+(\S+)\s+(.+)$/s.exec(text)
        if (m === null) { out.warn('usage: /file USER PATH'); return }
        const to = await resolve(m[1] as string)
        const bar = progressPrinter(m[2] as string)
        try {
          const r = await client.sendFile(to.userId, (m[2] as string).trim(), { onProgress: bar.update })
          out.stored(r.id, to.userId, `${to.label}: ${r.name}, ${r.size} bytes`)
        } finally {
          bar.stop()
        }
        return
      }
      case '/group': {
        const [sub = '', ...args] = rest
        const groups = await client.groups()
        if (sub === 'list') {
          if (groups.length === 0) out.say('no groups yet: /group create NAME USER,USER')
          for (const g of groups) out.emit({ groupId: g.groupId, name: g.name, members: g.members }, `${g.groupId}  ${g.name}  (${g.members.map(label).join(', ')})`)
        } else if (sub === 'create' && args.length === 2) {
          const members = await Promise.all((args[1] as string).split(',').filter((x) => x !== '').map(async (u) => await client.resolveUser(u)))
          const { groupId } = await client.createGroup(args[0] as string, members)
          out.emit({ groupId }, `created group "${args[0] as string}": ${groupId}`)
        } else if (sub === 'open' && args.length === 1) {
          const g = groups.find((x) => x.groupId === args[0])
          if (g === undefined) { out.warn(`not a member of group ${args[0] as string}: /group list shows yours`); return }
          open = { userId: g.groupId, label: g.name, group: true }
          setPrompt()
          out.emit({ event: 'open', group: g.groupId }, `talking to group ${g.name}`)
        } else if (sub === 'send' && args.length >= 2) {
          const m = /^\/group\s+send\s+(\S+)\s+(.+)$/s.exec(text)
          const groupId = m?.[1] as string
          out.stored((await client.sendGroup(groupId, m?.[2] as string)).id, groupId, groups.find((g) => g.groupId === groupId)?.name)
        } else {
          out.warn('usage: /group list | /group create NAME USER,USER | /group open GROUPID | /group send GROUPID TEXT')
        }
        return
      }
      case '/requests': {
        const list = await client.requests()
        if (list.length === 0) out.say('no message requests')
        for (const r of list) out.request(r, false)
        return
      }
      case '/accept': {
        if (rest.length > 2) { out.warn('usage: /accept [USER [ALIAS]]'); return }
        const userId = await requester(rest[0])
        const messages = await client.acceptRequest(userId, rest[1])
        for (const c of await client.contacts()) names.setAlias(c.userId, c.alias)
        for (const m of messages) printIncoming(out, m, names)
        out.emit({ event: 'accepted', userId, alias: names.alias(userId) ?? null }, `accepted ${label(userId)}: /open ${label(userId)} to answer`)
        return
      }
      case '/decline': {
        if (rest.length > 1) { out.warn('usage: /decline [USER]'); return }
        const userId = await requester(rest[0])
        await client.declineRequest(userId)
        out.emit({ event: 'declined', userId }, `declined the request from ${label(userId)}`)
        return
      }
      case '/block':
      case '/unblock': {
        if (rest.length !== 1) { out.warn(`usage: ${command} USER`); return }
        const userId = await client.resolveRequester(rest[0] as string)
        if (command === '/block') await client.block(userId)
        else await client.unblock(userId)
        out.emit({ event: command.slice(1) + 'ed', userId }, `${command.slice(1)}ed ${label(userId)}`)
        return
      }
      default:
        out.warn(`unknown command ${command}: /help lists them`)
    }
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
  out.setGuard(undefined)
  // withClient closes the client next, which also ends the listening loop
  void listening
}

/** Print incoming messages as they arrive, until quitting; a lost node is retried, not fatal. */
async function listen (client: Client, out: Output, names: DisplayNames, quitting: () => boolean, onRequest: (r: MessageRequest) => void): Promise<void> {
  const onMessage = (m: IncomingMessage): void => { printIncoming(out, m, names) }
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
