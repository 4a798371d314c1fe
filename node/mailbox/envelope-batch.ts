// One writer batch of the envelope store (node/mailbox/envelope-store.ts):
// the queued mutations (store, ack, handover drop and forget, expiry purge),
// the keys they read, and the plan that applies them in order against an
// overlay of what was read, giving the LevelDB batch, the new stored-bytes
// total and each op's answer, settled only after the batch is on disk.
import { ErrorCode } from '../../protocol/errors.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import { StoreOutcome } from '../../protocol/pb/node-replica.js'
import type { NodeLimits } from '../config.js'
import type { BatchOp } from '../store/db.js'
import type { StoredProof } from './ack-proof.js'
import { CLOCK_SKEW_MS } from './constants.js'
import {
  ackKey, decodeUsage, encodeUsage, envKey, expKey, KIND_ENVELOPE, KIND_PROOF, KIND_TOMBSTONE, proofKey, proofValue,
  readU64, storedExpiry, tombstoneValue, usageKey, type Usage
} from './envelope-layout.js'

export interface PutResult {
  outcome: StoreOutcome
  /** set when rejected */
  errorCode?: ErrorCode
  message?: string
}

/** an expiry index entry due for purging: its key, its time, the mailbox and id (hex) and what it indexes */
export interface ExpiryEntry { key: string, t: number, m: string, i: string, kind: number }

export type Op =
  | { kind: 'put', env: Envelope, bytes: Uint8Array, m: string, i: string, resolve: (r: PutResult) => void, reject: (e: Error) => void }
  | { kind: 'ack', m: string, ids: string[], proof: StoredProof, expires?: number[], resolve: (n: number) => void, reject: (e: Error) => void }
  | { kind: 'drop' | 'forget', m: string, ids: string[], resolve: (n: number) => void, reject: (e: Error) => void }
  | { kind: 'purge', entries: ExpiryEntry[], resolve: (n: number) => void, reject: (e: Error) => void }

export interface BatchContext {
  limits: NodeLimits
  envelopeTtlMs: number
  now: number
  /** the node's stored-bytes total before this batch */
  storedBytes: number
}

export interface BatchPlan {
  /** the LevelDB batch (without the stored-bytes total: the caller adds it when `stored` changed) */
  batch: BatchOp[]
  /** the stored-bytes total after the batch */
  stored: number
  /** mailboxes (hex) the batch changed */
  touched: Set<string>
  newlyStored: number
  acked: number
  expired: number
  /** each op's answer, in order: call once the batch is on disk */
  settle: Array<() => void>
}

/** Every key the ops read: the plan runs against these values. */
export function keysRead (ops: Op[]): string[] {
  const wanted = new Set<string>()
  for (const op of ops) {
    if (op.kind === 'put') {
      wanted.add(envKey(op.m, op.i)); wanted.add(ackKey(op.m, op.i)); wanted.add(usageKey(op.m))
    } else if (op.kind === 'purge') {
      for (const e of op.entries) {
        wanted.add(e.key); wanted.add(usageKey(e.m))
        wanted.add(e.kind === KIND_TOMBSTONE ? ackKey(e.m, e.i) : e.kind === KIND_PROOF ? proofKey(e.m, e.i) : envKey(e.m, e.i))
      }
    } else {
      if (op.kind === 'ack') wanted.add(proofKey(op.m, op.proof.hash))
      wanted.add(usageKey(op.m))
      for (const i of op.ids) { wanted.add(envKey(op.m, i)); wanted.add(ackKey(op.m, i)) }
    }
  }
  return [...wanted]
}

/** Apply ops in order against `overlay` (every key of keysRead(ops) with its stored value); the overlay is updated in place. */
export function planBatch (ops: Op[], overlay: Map<string, Uint8Array | undefined>, ctx: BatchContext): BatchPlan {
  const { limits, envelopeTtlMs, now, storedBytes } = ctx
  const batch: BatchOp[] = []
  const put = (key: string, value: Uint8Array): void => { overlay.set(key, value); batch.push({ type: 'put', key, value }) }
  const del = (key: string): void => { overlay.set(key, undefined); batch.push({ type: 'del', key }) }
  const usage = (m: string): Usage => decodeUsage(overlay.get(usageKey(m)))
  const setUsage = (m: string, u: Usage): void => { if (u.count <= 0 && u.acks <= 0) del(usageKey(m)); else put(usageKey(m), encodeUsage(u)) }
  let stored = storedBytes
  const touched = new Set<string>()
  const settle: Array<() => void> = []
  let newlyStored = 0
  let acked = 0
  let expired = 0

  /** delete a held envelope and its index entry; returns false when not held */
  const remove = (m: string, i: string): boolean => {
    const bytes = overlay.get(envKey(m, i))
    if (bytes === undefined) return false
    const t = storedExpiry(bytes)
    del(envKey(m, i)); del(expKey(t, m, i))
    const u = usage(m)
    setUsage(m, { ...u, count: u.count - 1, bytes: u.bytes - bytes.byteLength })
    stored -= bytes.byteLength
    touched.add(m)
    return true
  }
  /** delete a tombstone and its index entry; returns false when there is none */
  const unmark = (m: string, i: string): boolean => {
    const a = overlay.get(ackKey(m, i))
    if (a === undefined) return false
    del(ackKey(m, i))
    if (a.byteLength >= 8) del(expKey(readU64(a), m, i))
    const u = usage(m)
    setUsage(m, { ...u, acks: u.acks - 1 })
    touched.add(m)
    return true
  }

  for (const op of ops) {
    if (op.kind === 'put') {
      const size = op.bytes.byteLength
      let r: PutResult
      if (overlay.get(ackKey(op.m, op.i)) !== undefined) {
        r = { outcome: StoreOutcome.STORE_ACKED }
      } else if (overlay.get(envKey(op.m, op.i)) !== undefined) {
        r = { outcome: StoreOutcome.STORE_DUPLICATE }
      } else if (op.env.expiresAt <= now) {
        r = { outcome: StoreOutcome.STORE_REJECTED, errorCode: ErrorCode.Expired, message: 'envelope expired' }
      } else {
        const u = usage(op.m)
        if (u.count + 1 > limits.mailboxQuotaEnvelopes || u.bytes + size > limits.mailboxQuotaBytes) {
          r = { outcome: StoreOutcome.STORE_REJECTED, errorCode: ErrorCode.QuotaExceeded, message: `mailbox quota (${limits.mailboxQuotaEnvelopes} envelopes, ${limits.mailboxQuotaBytes} bytes) is full` }
        } else if (stored + size > limits.maxStoredBytes) {
          r = { outcome: StoreOutcome.STORE_REJECTED, errorCode: ErrorCode.QuotaExceeded, message: `node storage (${limits.maxStoredBytes} bytes) is full` }
        } else {
          put(envKey(op.m, op.i), op.bytes)
          put(expKey(op.env.expiresAt, op.m, op.i), Uint8Array.of(KIND_ENVELOPE))
          setUsage(op.m, { ...u, count: u.count + 1, bytes: u.bytes + size })
          stored += size
          touched.add(op.m)
          newlyStored++
          r = { outcome: StoreOutcome.STORE_STORED }
        }
      }
      settle.push(() => { op.resolve(r) })
    } else if (op.kind === 'forget') {
      let n = 0
      for (const i of op.ids) if (unmark(op.m, i)) n++
      settle.push(() => { op.resolve(n) })
    } else if (op.kind === 'ack' || op.kind === 'drop') {
      let n = 0
      const latest = now + envelopeTtlMs + CLOCK_SKEW_MS
      const proofHash = op.kind === 'ack' ? Buffer.from(op.proof.hash, 'hex') : undefined
      let proofUntil = 0
      for (const [k, i] of op.ids.entries()) {
        const bytes = overlay.get(envKey(op.m, i))
        const t = bytes !== undefined ? storedExpiry(bytes) : Math.min(op.kind === 'ack' ? op.expires?.[k] ?? latest : latest, latest)
        if (remove(op.m, i)) n++
        if (proofHash !== undefined && t > now && overlay.get(ackKey(op.m, i)) === undefined) {
          // a tombstone lives as long as any copy of the envelope could: a late replica write is refused until then
          put(ackKey(op.m, i), tombstoneValue(t, proofHash))
          put(expKey(t, op.m, i), Uint8Array.of(KIND_TOMBSTONE))
          const u = usage(op.m)
          setUsage(op.m, { ...u, acks: u.acks + 1 })
          touched.add(op.m)
          proofUntil = Math.max(proofUntil, t)
        }
      }
      if (op.kind === 'ack' && proofUntil > 0) {
        // the proof stays as long as the longest-lived tombstone written with it
        const key = proofKey(op.m, op.proof.hash)
        const held = overlay.get(key)
        const heldUntil = held !== undefined && held.byteLength >= 8 ? readU64(held) : 0
        if (proofUntil > heldUntil) {
          put(key, proofValue(proofUntil, op.proof.bytes))
          put(expKey(proofUntil, op.m, op.proof.hash), Uint8Array.of(KIND_PROOF))
        }
      }
      if (op.kind === 'ack') acked += n
      settle.push(() => { op.resolve(n) })
    } else if (op.kind === 'purge') {
      let n = 0
      for (const e of op.entries) {
        if (overlay.get(e.key) === undefined) continue
        if (e.kind === KIND_TOMBSTONE) {
          const a = overlay.get(ackKey(e.m, e.i))
          if (a !== undefined && a.byteLength >= 8 && readU64(a) === e.t) unmark(e.m, e.i)
          del(e.key)
        } else if (e.kind === KIND_PROOF) {
          const p = overlay.get(proofKey(e.m, e.i))
          if (p !== undefined && p.byteLength >= 8 && readU64(p) === e.t) del(proofKey(e.m, e.i))
          del(e.key)
        } else {
          const bytes = overlay.get(envKey(e.m, e.i))
          if (bytes !== undefined && storedExpiry(bytes) === e.t) {
            remove(e.m, e.i)
            n++
          } else {
            del(e.key)
          }
        }
      }
      expired += n
      settle.push(() => { op.resolve(n) })
    }
  }

  return { batch, stored, touched, newlyStored, acked, expired, settle }
}
