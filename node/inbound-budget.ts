// How many bytes of inbound frames (partial frames and whole frames not yet
// read) this node holds, bounded per connection and in all: every frame
// reader of a protocol that takes frames up to limits.maxFrameBytes from
// peers (client API, attach, replica, prekey) draws from the budget of the
// connection its stream belongs to, which draws from the node's. A reader
// that finds no room fails with ERR_QUOTA_EXCEEDED and its stream is reset,
// so no peer, and no set of peers, can make the node hold more than these
// bounds in frame buffers (README, "Limits").
import type { Connection } from '@libp2p/interface'
import { ByteBudget } from '../protocol/frame-reader.js'

export class InboundBudgets {
  private readonly node: ByteBudget
  private readonly connections = new WeakMap<Connection, ByteBudget>()

  constructor (private readonly perConnectionBytes: number, totalBytes: number) {
    this.node = new ByteBudget(totalBytes)
  }

  /** the budget of `connection`'s streams (made on first use, dropped with the connection) */
  for (connection: Connection): ByteBudget {
    let b = this.connections.get(connection)
    if (b === undefined) {
      b = new ByteBudget(this.perConnectionBytes, this.node)
      this.connections.set(connection, b)
    }
    return b
  }

  /** bytes held by every reader of this node right now */
  get inUse (): number {
    return this.node.inUse
  }
}
