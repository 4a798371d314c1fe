// A relay's place in the key space, and what it costs (S/Kademlia's static
// puzzle, bound to a nonce): node id = SHA-256(CONTEXT.nodeId || peer id
// multihash || nonce), valid only when SHA-256(node id) starts with at least
// `difficulty` zero bits. Placement uses this node id, never SHA-256(peer id):
// every candidate position costs 2^difficulty hashes whatever key or nonce an
// attacker varies, so grinding for positions near a victim's mailbox costs
// 2^difficulty per try. Checking one costs two hashes.
// docs/protocol.md
import { CONTEXT } from '../../protocol/constants.js'
import { concat, sha256 } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { leadingZeroBits } from '../../protocol/proof-of-work.js'
import { MAX_ID_DIFFICULTY, MAX_ID_NONCE_BYTES } from './constants.js'

/** The node id (placement position) of a peer id multihash with a nonce. */
export function nodeIdOf (peerIdBytes: Uint8Array, nonce: Uint8Array): Uint8Array {
  return sha256(concat(CONTEXT.nodeId, peerIdBytes, nonce))
}

/** The work a node id carries: leading zero bits of SHA-256(node id). */
export function nodeIdWork (nodeId: Uint8Array): number {
  return leadingZeroBits(sha256(nodeId))
}

export function checkDifficulty (difficulty: number): number {
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > MAX_ID_DIFFICULTY) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `id difficulty ${difficulty} is not an integer from 0 to ${MAX_ID_DIFFICULTY}`)
  }
  return difficulty
}

/**
 * Solve the puzzle for a peer id: the first nonce (empty, then 1, 2, ... as 8
 * bytes big-endian) whose node id carries `difficulty` bits of work; empty
 * always does at difficulty 0. Expected 2^difficulty tries (two hashes each).
 */
export function solveNodeId (peerIdBytes: Uint8Array, difficulty: number): { nonce: Uint8Array, nodeId: Uint8Array, tries: number } {
  checkDifficulty(difficulty)
  const empty = nodeIdOf(peerIdBytes, new Uint8Array(0))
  if (nodeIdWork(empty) >= difficulty) return { nonce: new Uint8Array(0), nodeId: empty, tries: 1 }
  // one buffer, the nonce rewritten in place: the hashing is the whole cost
  const input = concat(CONTEXT.nodeId, peerIdBytes, new Uint8Array(8))
  const view = new DataView(input.buffer, input.byteOffset + input.byteLength - 8, 8)
  for (let i = 1; ; i++) {
    view.setBigUint64(0, BigInt(i))
    const nodeId = sha256(input)
    if (nodeIdWork(nodeId) >= difficulty) return { nonce: input.slice(input.byteLength - 8), nodeId, tries: i + 1 }
  }
}

/** Check a record's nonce: returns the node id, or throws ErrorCode.Unauthorized (too little work) / Decode (nonce too long). */
export function verifyNodeId (peerIdBytes: Uint8Array, nonce: Uint8Array, difficulty: number): Uint8Array {
  if (nonce.byteLength > MAX_ID_NONCE_BYTES) throw new RelaymeshError(ErrorCode.Decode, `node record: id nonce longer than ${MAX_ID_NONCE_BYTES} bytes`)
  const nodeId = nodeIdOf(peerIdBytes, nonce)
  const work = nodeIdWork(nodeId)
  if (work < difficulty) {
    throw new RelaymeshError(ErrorCode.Unauthorized, `node record: node id carries ${work} bits of work, this mesh requires ${difficulty}`)
  }
  return nodeId
}
