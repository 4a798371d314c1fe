// An independent, brute-force reference for replica placement: sort every
// relay by XOR distance between the key and its node id,
// SHA-256("relaymesh/node-id/v1" || peer id multihash bytes || nonce)
// (node/relays/node-id.ts). The nonce of a node started through
// test/helpers/mesh.ts is registered here; any other peer is taken with the
// empty nonce, which is its nonce at difficulty 0.
import { createHash } from 'node:crypto'
import { peerIdFromString } from '@libp2p/peer-id'

const NODE_ID_CONTEXT = Buffer.from('relaymesh/node-id/v1', 'utf8')
const nonces = new Map<string, Uint8Array>()

/** the puzzle nonce of a node (mesh.ts startNode registers every node it starts) */
export function registerNonce (peerId: string, nonce: Uint8Array): void {
  nonces.set(peerId, nonce)
}

/** a peer's placement position, computed here from scratch */
export function nodeIdReference (peerId: string, nonce: Uint8Array = nonces.get(peerId) ?? new Uint8Array(0)): Buffer {
  return createHash('sha256').update(NODE_ID_CONTEXT).update(peerIdFromString(peerId).toMultihash().bytes).update(nonce).digest()
}

/** kad-dht's position of a peer (discovery only; never placement) */
export function kadKey (peerId: string): Buffer {
  return createHash('sha256').update(peerIdFromString(peerId).toMultihash().bytes).digest()
}

export function closestReference (key: Uint8Array, peerIds: string[], k: number): string[] {
  const dist = (p: string): Buffer => {
    const a = nodeIdReference(p)
    return Buffer.from(a.map((b, i) => b ^ (key[i] ?? 0)))
  }
  return [...peerIds].sort((x, y) => Buffer.compare(dist(x), dist(y))).slice(0, k)
}
