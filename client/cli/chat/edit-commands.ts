// Chat commands for edits and deletes (/edit, /delete), and typing
// indicators: on a terminal, the first keystroke of a line to an open 1:1
// conversation sends "typing" (at most once per TYPING_INTERVAL_MS per
// conversation, online-only); the other side's typing shows on stderr, or
// as {"event":"typing",...} with --json (docs/protocol.md §8g-8h).
import type { Interface } from 'node:readline'
import { TYPING_INTERVAL_MS } from '../../edits/constants.js'
import type { ChatState, SlashCommand } from './slash-commands.js'

const ID = /^[0-9a-f]{32}$/

/** Our latest message in the open conversation that is not deleted (what /edit and /delete without an id mean). */
async function lastOwn (state: ChatState): Promise<string | undefined> {
  const open = state.open
  if (open === undefined) return undefined
  const all = open.group === true ? (await state.client.history()).filter((m) => m.group === open.userId) : await state.client.history(open.userId)
  for (let i = all.length - 1; i >= 0; i--) {
    const m = all[i]!
    if (m.from === state.client.userId && m.system !== true && m.file === undefined && m.text !== '') return m.id
  }
  return undefined
}

async function target (state: ChatState, first: string | undefined): Promise<{ id: string, rest: boolean } | undefined> {
  if (first !== undefined && ID.test(first)) return { id: first, rest: true }
  const id = await lastOwn(state)
  if (id === undefined) { state.out.warn('no message of yours here to change: give its id (`relaymesh history` shows ids)'); return undefined }
  return { id, rest: false }
}

export const editCommands: SlashCommand[] = [
  {
    names: ['/edit'],
    help: ['  /edit [ID] TEXT     replace the text of your message ID (default: your last one here) for everyone'],
    run: async (state, args) => {
      const t = await target(state, args[0])
      if (t === undefined) return
      const text = (t.rest ? args.slice(1) : args).join(' ')
      if (text === '') { state.out.warn('usage: /edit [ID] TEXT'); return }
      const sent = await state.client.editMessage(t.id, text)
      state.out.emit({ event: 'edited', id: sent.id, target: t.id, text }, `edited ${t.id}`)
    }
  },
  {
    names: ['/delete'],
    help: ['  /delete [ID]        delete your message ID (default: your last one here) for everyone'],
    run: async (state, args) => {
      const t = await target(state, args[0])
      if (t === undefined) return
      const sent = await state.client.deleteMessage(t.id)
      state.out.emit({ event: 'deleted', id: sent.id, target: t.id }, `deleted ${t.id}`)
    }
  }
]

/** Show the other side's typing; on a terminal, send ours. Returns the function that stops both. */
export function startTyping (state: ChatState, rl: Interface, terminal: boolean): () => void {
  const stopShowing = state.client.onTyping((e) => { state.out.typing(e, state.names) })
  if (!terminal) return stopShowing
  const lastSent = new Map<string, number>()
  const onKey = (): void => {
    const open = state.open
    if (open === undefined || open.group === true || rl.line.startsWith('/')) return
    const now = Date.now()
    if (now - (lastSent.get(open.userId) ?? -Infinity) < TYPING_INTERVAL_MS) return
    lastSent.set(open.userId, now)
    state.client.sendTyping(open.userId, 'started').catch(() => { /* best effort: typing is never worth an error line */ })
  }
  process.stdin.on('keypress', onKey)
  return () => { stopShowing(); process.stdin.off('keypress', onKey) }
}
