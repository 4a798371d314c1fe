// The envelopes this node holds as a replica, in LevelDB. Every mutation
// (store, ack, handover drop, expiry purge) goes through one writer that
// groups whatever is queued into a single synced batch: a synced put costs
// ~0.3 ms (shared/NOTES.md), a batch amortises it, and one writer makes the
// per-mailbox usage counters and the node's stored-bytes total exact, since
// they change in the same batch as the envelopes they count.
//
// Layout: node/mailbox/envelope-layout.ts; one batch: node/mailbox/envelope-batch.ts.
import type { Logger } from 'pino'
import { sha256 } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import type { NodeLimits } from '../config.js'
import type { NodeMetrics } from '../metrics.js'
import type { NodeStore } from '../store/db.js'
import { fromHex, PREFIX, rangeEnd } from '../store/keys.js'
import type { StoredProof } from './ack-proof.js'
import { keysRead, planBatch, type ExpiryEntry, type Op, type PutResult } from './envelope-batch.js'
import {
  ackKey, decodeUsage, envKey, KIND_ENVELOPE, mailboxPrefix, proofKey, readU64, STORED_BYTES_KEY, storedExpiry, TOMBSTONE_BYTES, u64, usageKey, type Usage
} from './envelope-layout.js'

export type { PutResult }

export interface EnvelopeStoreInit {
  store: NodeStore
  limits: NodeLimits
  envelopeTtlMs: number
  metrics: NodeMetrics
  log: Logger
  now: () => number
  /** told of every acknowledgement as it is queued (delayed backup pushes of those ids are dropped) */
  onAcked?: (mailbox: string, ids: string[]) => void
}

export interface Listed {
  /** encoded envelopes in id order */
  envelopes: Uint8Array[]
  /** stopped at the limit or the byte budget with more left */
  more: boolean
}

export interface Digest {
  digest: Uint8Array
  count: number
}

/** ops handled by one synced batch, so one flush stays bounded in memory and time */
const MAX_OPS_PER_FLUSH = 1024

export class EnvelopeStore {
  private readonly queue: Op[] = []
  private flushing: Promise<void> | undefined
  private closed = false
  private storedBytes = 0
  private readonly digests = new Map<string, Digest>()
  private readonly ackDigests = new Map<string, Digest>()
  /** bumped by every batch that changed a mailbox */
  private epoch = 0

  constructor (private readonly init: EnvelopeStoreInit) {}

  async open (): Promise<void> {
    const v = await this.init.store.get(STORED_BYTES_KEY)
    this.storedBytes = v === undefined ? 0 : readU64(v)
    this.init.metrics.storedBytes.set(this.storedBytes)
  }

  /** stop taking writes; resolves once every queued write is on disk */
  async close (): Promise<void> {
    this.closed = true
    while (this.flushing !== undefined) await this.flushing
  }

  bytesStored (): number {
    return this.storedBytes
  }

  // --- writes (each resolves after its synced batch) ---

  /** Persist envelopes that the caller has validated; one result per envelope, in order. */
  async put (items: Array<{ env: Envelope, bytes: Uint8Array }>): Promise<PutResult[]> {
    return await Promise.all(items.map(async ({ env, bytes }) => await new Promise<PutResult>((resolve, reject) => {
      this.enqueue({ kind: 'put', env, bytes, m: hexOf(env.mailbox), i: hexOf(env.id), resolve, reject })
    })))
  }

  /**
   * Delete acknowledged envelopes and keep tombstones until their expiry;
   * resolves with how many were deleted. The caller has verified `proof`, the
   * device's signed acknowledgement of exactly `ids`: every tombstone refers
   * to it and it is kept as long as they are (handover passes it on). A
   * tombstone's expiry is the envelope's; for an id not held here it is
   * `expires[n]` when given (a hint: a tombstone handed over keeps its expiry,
   * so tombstones do not outlive each other forever), never later than
   * now + envelopeTtlMs + CLOCK_SKEW_MS.
   */
  async ack (mailbox: string, ids: string[], proof: StoredProof, expires?: number[]): Promise<number> {
    // the proof was checked by the caller: the device has these envelopes
    this.init.onAcked?.(mailbox, ids)
    return await new Promise((resolve, reject) => {
      this.enqueue({ kind: 'ack', m: mailbox, ids, proof, ...(expires !== undefined ? { expires } : {}), resolve, reject })
    })
  }

  /** Delete local copies without tombstones (handed over to the replicas now responsible). */
  async drop (mailbox: string, ids: string[]): Promise<number> {
    return await new Promise((resolve, reject) => { this.enqueue({ kind: 'drop', m: mailbox, ids, resolve, reject }) })
  }

  /** Delete tombstones (handed over to the replicas now responsible); resolves with how many were deleted. */
  async forget (mailbox: string, ids: string[]): Promise<number> {
    return await new Promise((resolve, reject) => { this.enqueue({ kind: 'forget', m: mailbox, ids, resolve, reject }) })
  }

  /** Purge up to `max` expired envelopes and tombstones; resolves with how many envelopes were purged. */
  async purgeExpired (now: number, max: number): Promise<{ envelopes: number, entries: number }> {
    const entries: ExpiryEntry[] = []
    for await (const [key, value] of this.init.store.range({ gte: PREFIX.expiry, lt: `${PREFIX.expiry}${(now + 1).toString(16).padStart(16, '0')}`, limit: max })) {
      const parts = key.slice(PREFIX.expiry.length).split('!')
      if (parts.length !== 3) continue
      entries.push({ key, t: parseInt(parts[0] as string, 16), m: parts[1] as string, i: parts[2] as string, kind: value[0] ?? KIND_ENVELOPE })
    }
    if (entries.length === 0) return { envelopes: 0, entries: 0 }
    const n = await new Promise<number>((resolve, reject) => { this.enqueue({ kind: 'purge', entries, resolve, reject }) })
    return { envelopes: n, entries: entries.length }
  }

  private enqueue (op: Op): void {
    if (this.closed) {
      op.reject(new RelaymeshError(ErrorCode.Unavailable, 'the envelope store is closed'))
      return
    }
    this.queue.push(op)
    // start after the current I/O phase: requests decoded from the same socket reads (several
    // peers, several frames) then share one read and one synced batch, which cost the same for
    // one op or hundreds
    this.flushing ??= new Promise<void>((resolve) => { setImmediate(resolve) }).then(async () => { await this.drain() })
  }

  private async drain (): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const ops = this.queue.splice(0, MAX_OPS_PER_FLUSH)
        try {
          await this.apply(ops)
        } catch (err) {
          this.init.log.error({ err: (err as Error).message }, 'envelope batch write failed')
          const e = new RelaymeshError(ErrorCode.Unavailable, `storage write failed: ${(err as Error).message}`, { cause: err })
          for (const op of ops) op.reject(e)
        }
      }
    } finally {
      this.flushing = undefined
    }
  }

  /** Apply ops in order against an overlay of what they read (node/mailbox/envelope-batch.ts), then write one synced batch. */
  private async apply (ops: Op[]): Promise<void> {
    const { limits, now, envelopeTtlMs, store, metrics } = this.init
    const keys = keysRead(ops)
    const values = await store.getMany(keys)
    const overlay = new Map<string, Uint8Array | undefined>()
    keys.forEach((k, n) => overlay.set(k, values[n]))
    const plan = planBatch(ops, overlay, { limits, envelopeTtlMs, now: now(), storedBytes: this.storedBytes })
    const { batch, stored, touched } = plan
    if (batch.length > 0) {
      if (stored !== this.storedBytes) batch.push({ type: 'put', key: STORED_BYTES_KEY, value: u64(stored) })
      await store.batch(batch, { sync: true })
    }
    this.storedBytes = stored
    if (touched.size > 0) this.epoch++
    for (const m of touched) { this.digests.delete(m); this.ackDigests.delete(m) }
    metrics.storedBytes.set(stored)
    if (plan.newlyStored > 0) metrics.envelopesStored.inc(plan.newlyStored)
    if (plan.acked > 0) metrics.envelopesAcked.inc(plan.acked)
    if (plan.expired > 0) metrics.envelopesExpired.inc(plan.expired)
    for (const s of plan.settle) s()
  }

  // --- reads ---

  /** Envelopes of a mailbox after `after` (exclusive, hex id), unexpired, bounded by count and bytes (at least one). */
  async list (mailbox: string, options: { after?: string, limit: number, maxBytes: number }): Promise<Listed> {
    const prefix = mailboxPrefix(mailbox)
    const gte = options.after !== undefined ? `${prefix}${options.after}\x00` : prefix
    const now = this.init.now()
    const envelopes: Uint8Array[] = []
    let bytes = 0
    for await (const [, value] of this.init.store.range({ gte, lt: rangeEnd(prefix) })) {
      if (storedExpiry(value) <= now) continue
      if (envelopes.length >= options.limit || (envelopes.length > 0 && bytes + value.byteLength > options.maxBytes)) {
        return { envelopes, more: true }
      }
      envelopes.push(value)
      bytes += value.byteLength
    }
    return { envelopes, more: false }
  }

  /** Ids (hex) of every envelope held for a mailbox, sorted. */
  async ids (mailbox: string): Promise<string[]> {
    const prefix = mailboxPrefix(mailbox)
    const out: string[] = []
    for await (const key of this.init.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) out.push(key.slice(prefix.length))
    return out
  }

  /** SHA-256 of the sorted ids held for a mailbox, cached until the mailbox changes. */
  async digest (mailbox: string): Promise<Digest> {
    const cached = this.digests.get(mailbox)
    if (cached !== undefined) return cached
    const epoch = this.epoch
    const ids = await this.ids(mailbox)
    const d = digestOf(ids)
    // a batch that committed during the scan may have changed this mailbox: cache only a quiet scan
    // (and only mailboxes held here: peers ask about any mailbox, that must not grow the cache)
    if (epoch === this.epoch && d.count > 0) this.digests.set(mailbox, d)
    return d
  }

  /** Ids (hex) of every tombstone held for a mailbox, sorted. */
  async ackedIds (mailbox: string): Promise<string[]> {
    const prefix = `${PREFIX.ack}${mailbox}!`
    const out: string[] = []
    for await (const key of this.init.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) out.push(key.slice(prefix.length))
    return out
  }

  /** Expiry of each tombstone (0 where there is none). */
  async ackExpiries (mailbox: string, ids: string[]): Promise<number[]> {
    const values = await this.init.store.getMany(ids.map((i) => ackKey(mailbox, i)))
    return values.map((v) => v !== undefined && v.byteLength >= 8 ? readU64(v) : 0)
  }

  /**
   * The device acknowledgements behind these tombstones: each distinct kept
   * AckProof once, with the ids (of those asked) it covers. Tombstones kept
   * without a proof (written before proofs were kept) have none: they are
   * never passed on.
   */
  async proofs (mailbox: string, ids: string[]): Promise<Array<{ hash: string, proof: Uint8Array, ids: string[] }>> {
    const values = await this.init.store.getMany(ids.map((i) => ackKey(mailbox, i)))
    const byHash = new Map<string, string[]>()
    values.forEach((v, n) => {
      if (v === undefined || v.byteLength !== TOMBSTONE_BYTES) return
      const h = Buffer.from(v.buffer, v.byteOffset + 8, 32).toString('hex')
      let list = byHash.get(h)
      if (list === undefined) { list = []; byHash.set(h, list) }
      list.push(ids[n] as string)
    })
    const hashes = [...byHash.keys()]
    const proofs = await this.init.store.getMany(hashes.map((h) => proofKey(mailbox, h)))
    const out: Array<{ hash: string, proof: Uint8Array, ids: string[] }> = []
    proofs.forEach((p, n) => {
      const hash = hashes[n] as string
      if (p !== undefined && p.byteLength > 8) out.push({ hash, proof: p.subarray(8), ids: byHash.get(hash) as string[] })
    })
    return out
  }

  /** SHA-256 of the sorted tombstone ids of a mailbox, cached like digest(). */
  async ackDigest (mailbox: string): Promise<Digest> {
    const cached = this.ackDigests.get(mailbox)
    if (cached !== undefined) return cached
    const epoch = this.epoch
    const d = digestOf(await this.ackedIds(mailbox))
    if (epoch === this.epoch && d.count > 0) this.ackDigests.set(mailbox, d)
    return d
  }

  /** For each id: held here, acknowledged here (tombstone). */
  async check (mailbox: string, ids: string[]): Promise<{ held: boolean[], acked: boolean[] }> {
    const values = await this.init.store.getMany([...ids.map((i) => envKey(mailbox, i)), ...ids.map((i) => ackKey(mailbox, i))])
    return {
      held: ids.map((_, n) => values[n] !== undefined),
      acked: ids.map((_, n) => values[ids.length + n] !== undefined)
    }
  }

  /** Encoded envelopes for these ids (undefined where not held). */
  async get (mailbox: string, ids: string[]): Promise<Array<Uint8Array | undefined>> {
    return await this.init.store.getMany(ids.map((i) => envKey(mailbox, i)))
  }

  /** Every mailbox (hex) with at least one envelope or tombstone held here. */
  async * mailboxes (): AsyncGenerator<string> {
    for await (const key of this.init.store.keys({ gte: PREFIX.mailboxUsage, lt: rangeEnd(PREFIX.mailboxUsage) })) {
      yield key.slice(PREFIX.mailboxUsage.length)
    }
  }

  async usage (mailbox: string): Promise<Usage> {
    return decodeUsage(await this.init.store.get(usageKey(mailbox)))
  }
}

export function digestOf (ids: string[]): Digest {
  const all = new Uint8Array(ids.length * 16)
  ids.forEach((i, n) => all.set(fromHex(i), n * 16))
  return { digest: sha256(all), count: ids.length }
}

export function hexOf (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}
