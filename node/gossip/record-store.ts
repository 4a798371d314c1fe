// Signed records held by this node: LevelDB (PREFIX.record) for the bytes, an
// in-memory index (seq, expiry, digest per record key) for fast "is it newer"
// checks and per-bucket digests for sync. Retired presence records
// (RecordKind.Presence) found on disk are dropped at load.
// Latest seq wins per record key (protocol/records.ts compareRecords).
//
// Store key: rec!<bucket, 2 hex>!<record key>, where bucket is the first byte
// of SHA-256(user id): all records of a user share a bucket, so a user's
// records are one range scan and sync can compare buckets.
import { decode, encode } from '../../protocol/codec.js'
import { MAX_SIGNED_RECORD_BYTES, RecordKind, WIRE_VERSION } from '../../protocol/constants.js'
import { equalBytes, sha256 } from '../../protocol/crypto/primitives.js'
import { StoredRecord } from '../../protocol/pb/node-gossip.js'
import { compareRecords, MAX_ANY_RECORD_BYTES, openRecord, type VerifiedRecord } from '../../protocol/records.js'
import type { BatchOp, NodeStore } from '../store/db.js'
import { PREFIX, rangeEnd } from '../store/keys.js'
import { MAX_RECORDS, SYNC_BUCKETS, SYNC_DIGEST_BYTES } from './constants.js'

/** a StoredRecord: the largest record of any kind (a profile, protocol/records.ts maxRecordBytes) and its index fields */
const MAX_STORED_RECORD_BYTES = MAX_ANY_RECORD_BYTES + 128
/** bundles returned by userRecords at most (a device list names at most MAX_DEVICES = 16 devices) */
const MAX_USER_BUNDLES = 64

export interface IndexEntry {
  seq: number
  expiresAt: number
  digest: Uint8Array
  /** when this node first held this version (ms since epoch) */
  receivedAt: number
  bucket: number
  storeKey: string
}

export type Outcome = 'newer' | 'same' | 'older' | 'full'

interface ApplyJob {
  records: VerifiedRecord[]
  now: number
  sync: boolean
  resolve: (outcomes: Outcome[]) => void
  reject: (err: unknown) => void
}

/** records committed in one LevelDB batch at most (group commit) */
const MAX_GROUP_RECORDS = 1024

const te = new TextEncoder()

/** The sync bucket of a user id: the first byte of SHA-256(user id). */
export function bucketOf (userId: string): number {
  return sha256(te.encode(userId))[0] as number
}

/** The user id inside a record key (`kind/userId[/deviceId]`), or undefined. */
export function userIdOfKey (recordKey: string): string | undefined {
  const parts = recordKey.split('/')
  return parts.length >= 2 && parts.length <= 3 && parts[1] !== '' ? parts[1] : undefined
}

function bucketPrefix (bucket: number): string {
  return `${PREFIX.record}${bucket.toString(16).padStart(2, '0')}!`
}

function storeKeyOf (recordKey: string): string | undefined {
  const userId = userIdOfKey(recordKey)
  return userId === undefined ? undefined : bucketPrefix(bucketOf(userId)) + recordKey
}

export class RecordStore {
  private readonly store: NodeStore
  private readonly maxRecords: number
  private readonly index = new Map<string, IndexEntry>()
  private readonly digests = new Uint8Array(SYNC_BUCKETS * SYNC_DIGEST_BYTES)
  private lock: Promise<unknown> = Promise.resolve()
  private readonly jobs: ApplyJob[] = []
  private draining = false

  constructor (store: NodeStore, options: { maxRecords?: number } = {}) {
    this.store = store
    this.maxRecords = options.maxRecords ?? MAX_RECORDS
  }

  get size (): number {
    return this.index.size
  }

  /** Run `fn` after every earlier exclusive section (writes and purges never interleave). */
  private async exclusive<T> (fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn)
    this.lock = run.catch(() => {})
    return await run
  }

  private xorDigest (bucket: number, digest: Uint8Array): void {
    const off = bucket * SYNC_DIGEST_BYTES
    for (let i = 0; i < SYNC_DIGEST_BYTES; i++) {
      this.digests[off + i] = (this.digests[off + i] as number) ^ (digest[i] as number)
    }
  }

  /** Index what LevelDB holds (records were checked before they were stored); drop expired and unreadable entries. */
  async load (now: number): Promise<number> {
    const drop: BatchOp[] = []
    for await (const [key, value] of this.store.range({ gte: PREFIX.record, lt: rangeEnd(PREFIX.record) })) {
      try {
        const stored = decode(StoredRecord, value, MAX_STORED_RECORD_BYTES, 'StoredRecord')
        const recordKey = key.slice(bucketPrefix(0).length)
        if (storeKeyOf(recordKey) !== key) throw new Error('misplaced record')
        if (stored.expiresAt <= now) throw new Error('expired')
        if (recordKey.startsWith(`${RecordKind.Presence}/`)) throw new Error('retired record kind')
        const bucket = bucketOf(userIdOfKey(recordKey) as string)
        // copy the digest: a subarray would keep the whole stored value in memory
        this.index.set(recordKey, { seq: stored.seq, expiresAt: stored.expiresAt, digest: stored.digest.slice(), receivedAt: stored.receivedAt, bucket, storeKey: key })
        this.xorDigest(bucket, stored.digest)
      } catch {
        drop.push({ type: 'del', key })
      }
    }
    await this.store.batch(drop)
    return this.index.size
  }

  /** the held version of a record key, unless expired */
  entry (recordKey: string, now: number): IndexEntry | undefined {
    const e = this.index.get(recordKey)
    return e !== undefined && e.expiresAt > now ? e : undefined
  }

  private async readRecord (e: IndexEntry): Promise<Uint8Array | undefined> {
    const value = await this.store.get(e.storeKey)
    if (value === undefined) return undefined
    try {
      // a plain copy: the decoded field is a view into LevelDB's buffer
      return new Uint8Array(decode(StoredRecord, value, MAX_STORED_RECORD_BYTES, 'StoredRecord').record)
    } catch {
      return undefined
    }
  }

  /** How `v` compares with what is held; equal seqs are settled by compareRecords on the held record. */
  async compare (v: VerifiedRecord, now: number, pending?: Map<string, VerifiedRecord>): Promise<Outcome> {
    const p = pending?.get(v.key)
    if (p !== undefined) return compareRecords(v, p)
    const held = this.entry(v.key, now)
    if (held === undefined) {
      return this.index.has(v.key) || this.index.size < this.maxRecords ? 'newer' : 'full'
    }
    if (v.seq !== held.seq) return v.seq > held.seq ? 'newer' : 'older'
    if (equalBytes(v.digest, held.digest)) return 'same'
    const bytes = await this.readRecord(held)
    if (bytes === undefined) return 'newer'
    let heldRecord: VerifiedRecord
    try {
      heldRecord = openRecord(bytes, now)
    } catch {
      return 'newer'
    }
    return compareRecords(v, heldRecord)
  }

  /**
   * Store the records that are newer than what is held, and index them.
   * Returns each record's outcome. Calls that arrive while a write is in
   * progress are committed together in the next LevelDB batch (group commit:
   * one synced write costs about as much as 30 unsynced ones, shared/NOTES.md),
   * synced when any of them asked for `sync`.
   */
  async apply (records: VerifiedRecord[], now: number, options: { sync?: boolean } = {}): Promise<Outcome[]> {
    return await new Promise<Outcome[]>((resolve, reject) => {
      this.jobs.push({ records, now, sync: options.sync === true, resolve, reject })
      if (!this.draining) {
        this.draining = true
        void this.exclusive(async () => { await this.drain() })
      }
    })
  }

  private async drain (): Promise<void> {
    while (this.jobs.length > 0) {
      const jobs: ApplyJob[] = []
      let count = 0
      while (this.jobs.length > 0 && count < MAX_GROUP_RECORDS) {
        const job = this.jobs.shift() as ApplyJob
        jobs.push(job)
        count += job.records.length
      }
      try {
        const results = await this.commit(jobs)
        jobs.forEach((job, i) => { job.resolve(results[i] as Outcome[]) })
      } catch (err) {
        for (const job of jobs) job.reject(err)
      }
    }
    this.draining = false
  }

  private async commit (jobs: ApplyJob[]): Promise<Outcome[][]> {
    const pending = new Map<string, VerifiedRecord>()
    const receivedAt = new Map<string, number>()
    const results: Outcome[][] = []
    for (const job of jobs) {
      const outcomes: Outcome[] = []
      for (const v of job.records) {
        const outcome = await this.compare(v, job.now, pending)
        outcomes.push(outcome)
        if (outcome === 'newer') {
          pending.set(v.key, v)
          receivedAt.set(v.key, job.now)
        }
      }
      results.push(outcomes)
    }
    if (pending.size === 0) return results
    const ops: BatchOp[] = []
    const entries: Array<[VerifiedRecord, IndexEntry]> = []
    for (const v of pending.values()) {
      const storeKey = storeKeyOf(v.key)
      if (storeKey === undefined) throw new Error(`unreachable: record key ${v.key}`)
      const at = receivedAt.get(v.key) as number
      const entry: IndexEntry = { seq: v.seq, expiresAt: v.expiresAt, digest: v.digest, receivedAt: at, bucket: bucketOf(v.userId), storeKey }
      const value = encode(StoredRecord, {
        version: WIRE_VERSION, seq: v.seq, expiresAt: v.expiresAt, digest: v.digest as Uint8Array<ArrayBuffer>, receivedAt: at, record: v.bytes as Uint8Array<ArrayBuffer>
      })
      ops.push({ type: 'put', key: storeKey, value })
      entries.push([v, entry])
    }
    await this.store.batch(ops, { sync: jobs.some((j) => j.sync) })
    for (const [v, entry] of entries) {
      const old = this.index.get(v.key)
      if (old !== undefined) this.xorDigest(old.bucket, old.digest)
      this.index.set(v.key, entry)
      this.xorDigest(entry.bucket, entry.digest)
    }
    return results
  }

  /** Delete every record expired at `now`; returns how many. */
  async purge (now: number): Promise<number> {
    return await this.exclusive(async () => {
      const expired: Array<[string, IndexEntry]> = []
      for (const [key, e] of this.index) if (e.expiresAt <= now) expired.push([key, e])
      for (let i = 0; i < expired.length; i += 1000) {
        const chunk = expired.slice(i, i + 1000)
        await this.store.batch(chunk.map(([, e]) => ({ type: 'del' as const, key: e.storeKey })))
        for (const [key, e] of chunk) {
          this.index.delete(key)
          this.xorDigest(e.bucket, e.digest)
        }
      }
      return expired.length
    })
  }

  /** the latest unexpired SignedRecord bytes of a record key */
  async get (recordKey: string, now: number): Promise<Uint8Array | undefined> {
    const e = this.entry(recordKey, now)
    return e === undefined ? undefined : await this.readRecord(e)
  }

  /** seq of the unexpired record held for a record key, from the in-memory index (no I/O) */
  latestSeq (recordKey: string, now: number): number | undefined {
    return this.entry(recordKey, now)?.seq
  }

  /** a user's unexpired device list, profile and prekey bundles, in that order */
  async userRecords (userId: string, now: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = []
    const list = await this.get(`${RecordKind.DeviceList}/${userId}`, now)
    if (list !== undefined) out.push(list)
    // second, so that no cut of the answer (GET_USER keeps 64 records) drops it
    const profile = await this.get(`${RecordKind.Profile}/${userId}`, now)
    if (profile !== undefined) out.push(profile)
    const prefix = bucketPrefix(bucketOf(userId)) + `${RecordKind.PreKeyBundle}/${userId}/`
    for await (const [key, value] of this.store.range({ gte: prefix, lt: rangeEnd(prefix), limit: MAX_USER_BUNDLES })) {
      const e = this.entry(key.slice(bucketPrefix(0).length), now)
      if (e === undefined) continue
      try {
        out.push(new Uint8Array(decode(StoredRecord, value, MAX_STORED_RECORD_BYTES, 'StoredRecord').record))
      } catch {}
    }
    return out
  }

  /** a copy of the bucket digests (SYNC_BUCKETS × SYNC_DIGEST_BYTES) */
  bucketDigests (): Uint8Array {
    return this.digests.slice()
  }

  /** buckets whose digest differs from `remote` (every bucket when `remote` is empty) */
  differingBuckets (remote: Uint8Array): number[] {
    const out: number[] = []
    for (let b = 0; b < SYNC_BUCKETS; b++) {
      if (remote.byteLength === 0) { out.push(b); continue }
      const off = b * SYNC_DIGEST_BYTES
      if (!equalBytes(this.digests.subarray(off, off + SYNC_DIGEST_BYTES), remote.subarray(off, off + SYNC_DIGEST_BYTES))) out.push(b)
    }
    return out
  }

  /** unexpired SignedRecord bytes of one bucket, in key order (a LevelDB snapshot) */
  async * bucketRecords (bucket: number, now: number): AsyncGenerator<Uint8Array> {
    const prefix = bucketPrefix(bucket)
    for await (const [, value] of this.store.range({ gte: prefix, lt: rangeEnd(prefix) })) {
      let stored: StoredRecord
      try {
        stored = decode(StoredRecord, value, MAX_STORED_RECORD_BYTES, 'StoredRecord')
      } catch {
        continue
      }
      if (stored.expiresAt > now) yield new Uint8Array(stored.record)
    }
  }
}
