// Distances in the key space: closeness is the XOR distance (Kademlia §2.1)
// compared as a big-endian unsigned integer. A relay's placement position is
// its puzzle node id (node-id.ts); kad-dht itself still places peers at
// SHA-256(peer id multihash bytes) (kadId), which relaymesh uses only for
// discovery, never for placement.
import type { PeerId } from '@libp2p/interface'
import { MAILBOX_ADDRESS_BYTES } from '../../protocol/constants.js'
import { sha256 } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'

export const KAD_ID_BYTES = 32

/** A peer's kad-dht id: SHA-256 of its peer id's multihash bytes. */
export function kadId (peerId: PeerId): Uint8Array {
  return sha256(peerId.toMultihash().bytes)
}

/** < 0 when `a` is closer to `key` than `b`, > 0 when farther, 0 when a == b. */
export function compareDistance (a: Uint8Array, b: Uint8Array, key: Uint8Array): number {
  for (let i = 0; i < KAD_ID_BYTES; i++) {
    const k = key[i] as number
    const d = ((a[i] as number) ^ k) - ((b[i] as number) ^ k)
    if (d !== 0) return d
  }
  return 0
}

export interface Positioned {
  peerId: PeerId
  /** the placement position: the node id of its admitted record (node-id.ts) */
  nodeId: Uint8Array
}

/** The `count` entries closest to `key`, closest first. */
export function closestTo<T extends Positioned> (key: Uint8Array, entries: Iterable<T>, count: number): T[] {
  if (!(key instanceof Uint8Array) || key.byteLength !== MAILBOX_ADDRESS_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `closest: key must be ${MAILBOX_ADDRESS_BYTES} bytes (a mailbox address or other kad-dht key)`)
  }
  if (!Number.isInteger(count) || count < 0) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `closest: count ${count} is not a non-negative integer`)
  }
  if (count === 0) return []
  // keep a small sorted list: count is k (3) in practice, so insertion beats sorting everything
  const best: T[] = []
  for (const e of entries) {
    if (best.length === count && compareDistance(e.nodeId, (best[count - 1] as T).nodeId, key) >= 0) continue
    let i = best.length
    while (i > 0 && compareDistance(e.nodeId, (best[i - 1] as T).nodeId, key) < 0) i--
    best.splice(i, 0, e)
    if (best.length > count) best.pop()
  }
  return best
}
