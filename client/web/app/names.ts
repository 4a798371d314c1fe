// How a person is shown: your alias for them, else their profile name, else a short id.
import type { Client } from '../../client.js'
import { shortId } from './dom.js'

export class Names {
  private aliases = new Map<string, string>()
  private profiles = new Map<string, string>()

  constructor (private readonly client: Client) {}

  async reload (): Promise<void> {
    this.aliases = new Map((await this.client.contacts()).map((c) => [c.userId, c.alias]))
    this.profiles = await this.client.profileNames()
  }

  label (userId: string): string {
    if (userId === this.client.userId) return 'you'
    return this.aliases.get(userId) ?? this.profiles.get(userId) ?? shortId(userId)
  }
}
