// Hashcash-style work: SHA-256(challenge || nonce) must start with `bits`
// zero bits. Used by the node-id puzzle (node/relays/node-id.ts) and by
// sealed-send stamps (protocol/send-access.ts). Checking costs one hash;
// finding a nonce costs 2^bits hashes on average.
import { concat, sha256 } from './crypto/primitives.js'

export const WORK_NONCE_BYTES = 8

/** Leading zero bits of `bytes` (big-endian). */
export function leadingZeroBits (bytes: Uint8Array): number {
  let n = 0
  for (const b of bytes) {
    if (b === 0) { n += 8; continue }
    return n + Math.clz32(b) - 24
  }
  return n
}

/** The work `nonce` carries for `challenge`. */
export function workOf (challenge: Uint8Array, nonce: Uint8Array): number {
  return leadingZeroBits(sha256(concat(challenge, nonce)))
}

/**
 * The first 8-byte big-endian nonce (from `start`) that gives `challenge` at
 * least `bits` of work. One buffer, rewritten in place: the hashing is the whole cost.
 */
export function solveWork (challenge: Uint8Array, bits: number, start = 0): Uint8Array {
  const input = concat(challenge, new Uint8Array(WORK_NONCE_BYTES))
  const view = new DataView(input.buffer, input.byteOffset + challenge.byteLength, WORK_NONCE_BYTES)
  for (let i = start; ; i++) {
    view.setBigUint64(0, BigInt(i))
    if (leadingZeroBits(sha256(input)) >= bits) return input.slice(challenge.byteLength)
  }
}
