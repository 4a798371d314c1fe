// Prints received messages in order, naming groups by their names: a message
// from a group the names do not know yet (it was created in the same mailbox
// drain) first refreshes the group names from the local store.
import type { Client, IncomingMessage } from '../types.js'
import type { DisplayNames } from '../profiles/display-name.js'
import type { Output } from './output.js'

export class NamedPrinter {
  private chain: Promise<void> = Promise.resolve()

  constructor (
    private readonly client: Client,
    private readonly out: Output,
    private readonly names: DisplayNames,
    private readonly print: (m: IncomingMessage) => void
  ) {}

  /** print `m` after everything queued before it */
  push (m: IncomingMessage): void {
    this.chain = this.chain.then(async () => {
      if (m.group !== null && !this.names.knowsGroup(m.group)) {
        for (const g of await this.client.groups().catch(() => [])) this.names.setGroup(g.groupId, g.name)
      }
      this.print(m)
    }).catch((err: Error) => { this.out.warn(`could not print a message: ${err.message}`) })
  }

  /** resolves once everything queued is printed */
  async flush (): Promise<void> {
    await this.chain
  }
}
