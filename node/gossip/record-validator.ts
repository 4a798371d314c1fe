// What a node decides about gossiped records (docs/protocol.md §9,
// "Validation"): every record is opened (protocol/records.ts: bounded decode,
// canonical form, fields, signature, a bundle's prekey signatures, expiry);
// public presence records (RecordKind.Presence) are retired and refused.
// Any invalid record rejects the whole batch;
// a batch with nothing newer is ignored; otherwise the newer records are kept.
import { decode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RecordBatch } from '../../protocol/pb/node-gossip.js'
import { RecordKind } from '../../protocol/constants.js'
import { openRecord, type VerifiedRecord } from '../../protocol/records.js'
import { EXPIRED_GRACE_MS, MAX_BATCH_BYTES } from './constants.js'
import type { RecordStore } from './record-store.js'

export type RejectReason = 'decode' | 'bad-signature' | 'expired' | 'replay' | 'retired'
export type IgnoreReason = 'stale' | 'full'

export type Verdict =
  | { result: 'accept', fresh: VerifiedRecord[] }
  | { result: 'ignore', reason: IgnoreReason }
  | { result: 'reject', reason: RejectReason, error: string }

/** The metrics/log label of an error from openRecord. */
export function rejectReason (err: unknown): RejectReason {
  if (isRetired(err)) return 'retired'
  if (RelaymeshError.is(err, ErrorCode.BadSignature)) return 'bad-signature'
  if (RelaymeshError.is(err, ErrorCode.Expired)) return 'expired'
  return 'decode'
}

const RETIRED = 'presence records are retired: contacts-only presence blobs replace them (docs/protocol.md §8e)'

/** Whether `err` is the refusal of a retired record kind. */
export function isRetired (err: unknown): boolean {
  return RelaymeshError.is(err, ErrorCode.Invalid) && err.message === RETIRED
}

/** Throws ErrorCode.Invalid for a record of a retired kind (RecordKind.Presence: it named a user's node and online state to everyone). */
export function refuseRetired (v: VerifiedRecord): VerifiedRecord {
  if (v.kind === RecordKind.Presence) throw new RelaymeshError(ErrorCode.Invalid, RETIRED)
  return v
}

/**
 * Open one record from the network. Throws the RelaymeshError of the first
 * failed check; a record that expired less than EXPIRED_GRACE_MS ago (clock
 * skew, propagation) returns 'recent' instead: not kept, not held against
 * whoever sent it.
 */
export function checkRecord (bytes: Uint8Array, now: number): VerifiedRecord | 'recent' {
  const v = refuseRetired(openRecord(bytes, now - EXPIRED_GRACE_MS))
  return v.expiresAt <= now ? 'recent' : v
}

/** A gossiped RecordBatch's records (bounded decode; an empty batch is malformed). */
export function decodeBatch (bytes: Uint8Array): Uint8Array[] {
  const batch = decode(RecordBatch, bytes, MAX_BATCH_BYTES, 'RecordBatch')
  if (batch.records.length === 0) throw new RelaymeshError(ErrorCode.Decode, 'RecordBatch: no records')
  return batch.records
}

/**
 * Judge a batch against what `store` holds. A record older than the held one
 * is a replay (reject) when the held one has a higher seq and has been held
 * for more than `replayGraceMs`; within that window it is a propagation race
 * (ignore).
 */
export async function judgeBatch (records: Uint8Array[], store: RecordStore, now: number, replayGraceMs: number): Promise<Verdict> {
  const checked: VerifiedRecord[] = []
  for (const bytes of records) {
    try {
      const v = checkRecord(bytes, now)
      if (v !== 'recent') checked.push(v)
    } catch (err) {
      return { result: 'reject', reason: rejectReason(err), error: err instanceof Error ? err.message : String(err) }
    }
  }
  const fresh: VerifiedRecord[] = []
  let full = false
  for (const v of checked) {
    const outcome = await store.compare(v, now)
    if (outcome === 'newer') {
      fresh.push(v)
    } else if (outcome === 'full') {
      full = true
    } else if (outcome === 'older') {
      const held = store.entry(v.key, now)
      if (held !== undefined && held.seq > v.seq && now - held.receivedAt > replayGraceMs) {
        return { result: 'reject', reason: 'replay', error: `${v.key}: seq ${v.seq} replayed (seq ${held.seq} held since ${now - held.receivedAt} ms)` }
      }
    }
  }
  if (fresh.length === 0) return { result: 'ignore', reason: full ? 'full' : 'stale' }
  return { result: 'accept', fresh }
}
