// The banner that says, plainly, when no relay node is reachable, and how
// many messages wait in the outbox meanwhile (they go out on the next attach).
import type { Client } from '../../client.js'
import { h } from './dom.js'
import type { ConnectionState } from './connection.js'

export class ConnectionBanner {
  readonly element: HTMLElement
  private state: ConnectionState = 'connecting'
  private reason: string | undefined

  constructor (private readonly client: Client, private readonly nodes: number) {
    this.element = h('div', { class: 'banner', role: 'alert', hidden: true })
  }

  set (state: ConnectionState, reason?: string): void {
    this.state = state
    this.reason = reason
    void this.render()
  }

  /** the outbox may have changed (a send queued, a queued one stored) */
  refresh (): void {
    if (this.state === 'offline') void this.render()
  }

  private async render (): Promise<void> {
    document.body.dataset.connection = this.state
    if (this.state !== 'offline') {
      this.element.hidden = true
      this.element.textContent = ''
      return
    }
    const waiting = await this.client.outbox().then((o) => o.length).catch(() => 0)
    if (this.state !== 'offline') return
    const why = this.nodes === 0 ? ' (this page was given no relay node: start `relaymesh web` with --node)' : ''
    const waits = waiting === 0 ? 'Messages you send wait in the outbox and go' : waiting === 1 ? '1 message waits in the outbox: it goes' : `${waiting} messages wait in the outbox: they go`
    this.element.textContent = `No relay node is reachable${why}. ${waits} out as soon as a node answers. Trying again…`
    if (this.reason !== undefined) this.element.title = this.reason
    this.element.hidden = false
  }
}
