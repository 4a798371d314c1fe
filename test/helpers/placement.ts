// An independent, brute-force reference for replica placement: sort every
// relay by XOR distance between the key and sha256(peer id multihash bytes).
import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'

export function kadKey (peerId: string): Buffer {
  return createHash('sha256').update(peerIdFromString(peerId).toMultihash().bytes).digest()
}

export function closestReference (key: Uint8Array, peerIds: string[], k: number): string[] {
  const dist = (p: string): Buffer => {
    const a = kadKey(p)
    return Buffer.from(a.map((b, i) => b ^ (key[i] ?? 0)))
  }
  return [...peerIds].sort((x, y) => Buffer.compare(dist(x), dist(y))).slice(0, k)
}
