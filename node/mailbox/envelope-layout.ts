// The LevelDB layout of the envelope store (node/mailbox/envelope-store.ts):
// its keys and how their values are encoded.
//
// Layout (node/store/keys.ts):
//   env!<mailbox hex>!<id hex>           -> Envelope bytes
//   exp!<expires_at 16 hex>!<mailbox>!<id> -> 0x00 (envelope) | 0x01 (tombstone)
//   ack!<mailbox hex>!<id hex>           -> expires_at (u64 BE) || proof hash (32 bytes): acknowledged, never stored again
//   akp!<mailbox hex>!<proof hash hex>   -> expires_at (u64 BE) || AckProof bytes: the device's signed acknowledgement
//                                           behind those tombstones (it travels with them at handover)
//   exp!… -> 0x02 for an AckProof (purged once every tombstone citing it may have expired)
//   mbx!<mailbox hex>                    -> count || bytes || tombstones (u64 BE each), absent when all are 0
//   meta!storedBytes                     -> u64 BE
import { Envelope } from '../../protocol/pb/envelope.js'
import { PREFIX } from '../store/keys.js'

export const STORED_BYTES_KEY = `${PREFIX.meta}storedBytes`
export const KIND_ENVELOPE = 0
export const KIND_TOMBSTONE = 1
export const KIND_PROOF = 2
/** bytes of a tombstone value: expires_at, then the SHA-256 of its AckProof */
export const TOMBSTONE_BYTES = 8 + 32

export const envKey = (m: string, i: string): string => `${PREFIX.envelope}${m}!${i}`
export const ackKey = (m: string, i: string): string => `${PREFIX.ack}${m}!${i}`
export const proofKey = (m: string, h: string): string => `${PREFIX.ackProof}${m}!${h}`
export const usageKey = (m: string): string => `${PREFIX.mailboxUsage}${m}`
export const expKey = (t: number, m: string, i: string): string => `${PREFIX.expiry}${t.toString(16).padStart(16, '0')}!${m}!${i}`
export const mailboxPrefix = (m: string): string => `${PREFIX.envelope}${m}!`

export function u64 (n: number): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(n))
  return b
}

export function readU64 (b: Uint8Array, offset = 0): number {
  return Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(offset))
}

/** per mailbox: envelopes held (count, bytes, what the quotas limit) and tombstones held */
export interface Usage { count: number, bytes: number, acks: number }

export function encodeUsage (u: Usage): Uint8Array {
  const b = new Uint8Array(24)
  const v = new DataView(b.buffer)
  v.setBigUint64(0, BigInt(u.count))
  v.setBigUint64(8, BigInt(u.bytes))
  v.setBigUint64(16, BigInt(u.acks))
  return b
}

export function decodeUsage (b: Uint8Array | undefined): Usage {
  if (b === undefined || b.byteLength !== 24) return { count: 0, bytes: 0, acks: 0 }
  return { count: readU64(b, 0), bytes: readU64(b, 8), acks: readU64(b, 16) }
}

/** expires_at of an envelope this node wrote itself */
export function storedExpiry (bytes: Uint8Array): number {
  return Envelope.decode(bytes).expiresAt
}

/** a tombstone's value: until when it is kept, then the SHA-256 of the AckProof behind it */
export function tombstoneValue (until: number, proofHash: Uint8Array): Uint8Array {
  const value = new Uint8Array(TOMBSTONE_BYTES)
  value.set(u64(until), 0)
  value.set(proofHash, 8)
  return value
}

/** a kept AckProof's value: until when it is kept, then its bytes */
export function proofValue (until: number, proof: Uint8Array): Uint8Array {
  const value = new Uint8Array(8 + proof.byteLength)
  value.set(u64(until), 0)
  value.set(proof, 8)
  return value
}
