// The node records this node holds: in memory for the live set, and in
// LevelDB (PREFIX.node) so that a restarted node knows the relay set at once.
// Latest seq wins per peer id; expired records are dropped.
import type { NodeStore } from '../store/db.js'
import { PREFIX, rangeEnd } from '../store/keys.js'
import { MAX_NODE_RECORDS } from './constants.js'
import { openNodeRecord, type VerifiedNodeRecord } from './node-record.js'

export type AddResult = 'newer' | 'same' | 'older' | 'full'

export interface NodeRecordEntry extends VerifiedNodeRecord {
  /** when this node first held this seq (ms since epoch) */
  receivedAt: number
  /** admitted until then: its expiry, or its admission certificate's if sooner (admission.ts) */
  admittedUntil: number
}

/** admission.ts AdmissionPolicy.check: throws when a record may not be admitted, else returns until when it is */
export type AdmissionCheck = (r: VerifiedNodeRecord, now: number) => number

export class NodeRecordBook {
  private readonly records = new Map<string, NodeRecordEntry>()
  private readonly store: NodeStore

  constructor (store: NodeStore) {
    this.store = store
  }

  /**
   * Load stored records (signatures checked when they were stored), dropping expired and
   * unreadable ones and those `admit` refuses now (the mesh's difficulty or key may have changed).
   */
  async load (now: number, admit: AdmissionCheck): Promise<number> {
    const drop: string[] = []
    for await (const [key, value] of this.store.range({ gte: PREFIX.node, lt: rangeEnd(PREFIX.node) })) {
      try {
        const r = await openNodeRecord(value, now, { verify: false })
        if (PREFIX.node + r.id !== key) throw new Error('record stored under another peer id')
        const admittedUntil = admit(r, now)
        if (this.records.size < MAX_NODE_RECORDS) this.records.set(r.id, { ...r, receivedAt: now, admittedUntil })
      } catch {
        drop.push(key)
      }
    }
    await this.store.batch(drop.map((key) => ({ type: 'del' as const, key })))
    return this.records.size
  }

  get (id: string): NodeRecordEntry | undefined {
    return this.records.get(id)
  }

  /** whether `r` would replace what is held (without storing it); `own` records are never refused for room */
  compare (r: VerifiedNodeRecord, options: { own?: boolean } = {}): AddResult {
    const held = this.records.get(r.id)
    if (held === undefined) return this.records.size >= MAX_NODE_RECORDS && options.own !== true ? 'full' : 'newer'
    if (r.seq > held.seq) return 'newer'
    if (r.seq < held.seq) return 'older'
    return 'same'
  }

  /** Store `r` (admitted until `admittedUntil`) if it is newer than what is held; persisted before this resolves. */
  async add (r: VerifiedNodeRecord, now: number, admittedUntil: number, options: { own?: boolean } = {}): Promise<AddResult> {
    const result = this.compare(r, options)
    if (result !== 'newer') return result
    this.records.set(r.id, { ...r, receivedAt: now, admittedUntil })
    await this.store.put(PREFIX.node + r.id, r.bytes)
    return 'newer'
  }

  /** Drop records expired at `now`; returns their peer ids. */
  async expire (now: number): Promise<string[]> {
    const gone: string[] = []
    for (const [id, r] of this.records) {
      if (r.expiresAt <= now || r.admittedUntil <= now) gone.push(id)
    }
    for (const id of gone) this.records.delete(id)
    await this.store.batch(gone.map((id) => ({ type: 'del' as const, key: PREFIX.node + id })))
    return gone
  }

  /** unexpired, still admitted records */
  all (now: number): NodeRecordEntry[] {
    return [...this.records.values()].filter((r) => r.expiresAt > now && r.admittedUntil > now)
  }

  /** the record of `id` when it is unexpired and still admitted at `now` */
  admitted (id: string, now: number): NodeRecordEntry | undefined {
    const r = this.records.get(id)
    return r !== undefined && r.expiresAt > now && r.admittedUntil > now ? r : undefined
  }
}
