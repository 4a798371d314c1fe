// Shared by the mailbox tests: random bytes, envelopes, and what a node's
// LevelDB holds for a mailbox (read directly, not through the service).
import { randomBytes } from 'node:crypto'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import type { Envelope } from '../../../protocol/pb/envelope.js'
import type { MailboxServiceNode } from '../../../node/mailbox/mailbox-service.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { PREFIX, rangeEnd } from '../../../node/store/keys.js'
import { closestReference } from '../../helpers/placement.js'
import { waitFor } from '../../helpers/wait.js'

export function rand (n: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(randomBytes(n))
}

export function hex (b: Uint8Array): string {
  return Buffer.from(b).toString('hex')
}

export function envelope (mailbox: Uint8Array<ArrayBuffer>, size = 200, expiresAt = 0): Envelope {
  return { version: WIRE_VERSION, id: rand(16), mailbox, expiresAt, payload: rand(size) }
}

export function mailboxOf (node: RelayNode): MailboxServiceNode {
  return node.mailbox as MailboxServiceNode
}

/** envelope ids (hex) a node holds for a mailbox, read straight from its LevelDB */
export async function heldIds (node: RelayNode, mailbox: Uint8Array): Promise<string[]> {
  const prefix = `${PREFIX.envelope}${hex(mailbox)}!`
  const ids: string[] = []
  for await (const key of node.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) ids.push(key.slice(prefix.length))
  return ids
}

export function replicasOf (nodes: RelayNode[], mailbox: Uint8Array, k = 3): RelayNode[] {
  const ids = closestReference(mailbox, nodes.map((n) => n.peerId.toString()), k)
  return nodes.filter((n) => ids.includes(n.peerId.toString()))
}


/** until every node's relay directory lists every other node (placement agrees everywhere) */
export async function waitForEachOther (nodes: RelayNode[], timeout = 30_000): Promise<void> {
  await waitFor(() => nodes.every((n) => {
    const known = new Set(n.relays.peers().map(String))
    return nodes.every((m) => m === n || known.has(m.peerId.toString()))
  }), { timeout, what: `${nodes.length} nodes to list each other` })
}
