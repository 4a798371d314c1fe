// The chat's slash commands as a table: each area of the chat (conversations,
// groups, requests, files…) lives in its own module and adds its commands
// here, so `chat` grows by modules, not by one long switch. A command gets the
// chat's state, its words after the command name, and the whole line.
import type { Client } from '../../types.js'
import type { Output } from '../output.js'
import type { DisplayNames } from '../../profiles/display-name.js'
import type { Session } from '../session.js'

/** the open conversation: a user, or a group (then `userId` holds the group id) */
export interface Conversation { userId: string, label: string, group?: true }

/** What every chat command may read and change. */
export interface ChatState {
  readonly session: Session
  readonly client: Client
  readonly out: Output
  readonly names: DisplayNames
  /** where plain lines go */
  readonly open: Conversation | undefined
  /** switch the open conversation (undefined: none); updates the prompt */
  setOpen: (c: Conversation | undefined) => void
  /** a user id, its alias or profile name → the conversation with them */
  resolve: (user: string) => Promise<Conversation>
  /** the name shown for a user */
  label: (userId: string) => string
  /** the requester announced last (/accept and /decline default to them) */
  latestRequester: string | undefined
}

export interface SlashCommand {
  /** `/name` and its aliases */
  names: string[]
  /** one or more lines for /help, each `  /name ARGS   what it does` */
  help: string[]
  run: (state: ChatState, args: string[], line: string) => Promise<void>
}

export class SlashCommands {
  private readonly byName = new Map<string, SlashCommand>()
  private readonly order: SlashCommand[] = []

  add (...commands: SlashCommand[]): this {
    for (const c of commands) {
      for (const n of c.names) {
        if (this.byName.has(n)) throw new Error(`chat command ${n} defined twice`)
        this.byName.set(n, c)
      }
      this.order.push(c)
    }
    return this
  }

  get (name: string): SlashCommand | undefined {
    return this.byName.get(name)
  }

  help (): string[] {
    return ['commands:', ...this.order.flatMap((c) => c.help)]
  }
}
