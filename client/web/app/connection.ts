// The client's link to the mesh: connect, then receive in a loop the way
// `relaymesh chat` does (client/cli/chat/chat-command.ts: receive() with a
// listening slice, retried after a pause when the node is lost). Tells its
// listener when the mesh is reachable or not, and hands out each message.
import type { Client, IncomingMessage, MessageRequest } from '../../client.js'
import { LISTEN_SLICE_MS } from '../../messaging/inbox-pump.js'

/** a lost or unreachable node is tried again after this long */
export const RETRY_MS = 2_000

export type ConnectionState = 'connecting' | 'online' | 'offline'

export interface ConnectionEvents {
  onState: (state: ConnectionState, reason?: string) => void
  onMessage: (m: IncomingMessage) => void
  onRequest: (r: MessageRequest) => void
}

export class Connection {
  private stopped = false
  private attached = false
  private running: Promise<void> | undefined

  constructor (private readonly client: Client, private readonly events: ConnectionEvents) {}

  start (): void {
    this.running ??= this.loop()
  }

  async stop (): Promise<void> {
    this.stopped = true
  }

  private async loop (): Promise<void> {
    this.events.onState('connecting')
    while (!this.stopped) {
      try {
        if (!this.attached) {
          await this.client.connect()
          this.attached = true
        }
        this.events.onState('online')
        await this.client.receive({ waitMs: LISTEN_SLICE_MS, onMessage: this.events.onMessage, onRequest: this.events.onRequest })
      } catch (err) {
        if (this.stopped) return
        this.attached = false
        this.events.onState('offline', err instanceof Error ? err.message : String(err))
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    }
  }
}
