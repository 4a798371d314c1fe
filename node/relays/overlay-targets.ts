// Which relays a node keeps a connection to: its overlay targets, computed
// locally from the node ids every node knows (the admitted node records), so
// that any node can also tell which relays target it. Kademlia's shape
// (Maymounkov and Mazières, §2.2): the `neighbours` relays closest to the node
// by XOR distance (those that share its mailboxes' replica sets), plus, for
// every distance bucket (the length of the common prefix of the two node ids),
// the `perBucket` relays of that bucket closest to it. That is
// neighbours + perBucket × log2(N) targets at most, and every relay is reached
// in O(log N) hops over them. Pure: no I/O. docs/protocol.md §9, "Overlay".
import { compareDistance, type Positioned } from './xor.js'

export interface OverlayShape {
  /** the closest relays by XOR distance, always targets */
  neighbours: number
  /** the closest relays of each distance bucket */
  perBucket: number
}

/** leading bits two node ids have in common (the distance bucket; 256 when equal) */
export function commonPrefixBits (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) {
    const x = (a[i] as number) ^ (b[i] as number)
    if (x !== 0) return i * 8 + Math.clz32(x) - 24
  }
  return n * 8
}

/** The overlay targets of the relay at `self` among `members` (self excluded by the caller), closest first. */
export function overlayTargets<T extends Positioned> (self: Uint8Array, members: Iterable<T>, shape: OverlayShape): T[] {
  const sorted = [...members].sort((a, b) => compareDistance(a.nodeId, b.nodeId, self))
  const out: T[] = sorted.slice(0, shape.neighbours)
  const perBucket = new Map<number, number>()
  for (const m of sorted) {
    const bucket = commonPrefixBits(self, m.nodeId)
    const taken = perBucket.get(bucket) ?? 0
    perBucket.set(bucket, taken + 1)
    if (taken < shape.perBucket && !out.includes(m)) out.push(m)
  }
  return out
}

/**
 * Whether the relay at `peer` has `self` among its overlay targets, `members`
 * being every relay but `peer` (self included): `self` is one of its
 * `neighbours` closest, or one of the `perBucket` closest in its bucket.
 * One pass over `members`.
 */
export function targetedBy (peer: Uint8Array, self: Uint8Array, members: Iterable<Positioned>, shape: OverlayShape): boolean {
  const bucket = commonPrefixBits(peer, self)
  let closer = 0
  let closerInBucket = 0
  for (const m of members) {
    if (compareDistance(m.nodeId, self, peer) >= 0) continue // self itself, and everyone farther
    closer++
    if (commonPrefixBits(peer, m.nodeId) === bucket) closerInBucket++
    if (closer >= shape.neighbours && closerInBucket >= shape.perBucket) return false
  }
  return closer < shape.neighbours || closerInBucket < shape.perBucket
}
