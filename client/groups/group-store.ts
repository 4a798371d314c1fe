// Group state at rest, in the sealed client store: per group its state
// (name, members, epoch), our own sender key, the sender key records we
// received from each member device, and group messages waiting for a sender
// key or a membership update. Cached like SessionCache: an op updates the
// cache when it is made, so later envelopes of the same batch see it; the
// cache is dropped when a batch fails, so memory never runs ahead of disk.
import {
  deserializeSenderKeyRecord, deserializeSenderKeyState, serializeSenderKeyRecord, serializeSenderKeyState,
  type SenderKeyRecord, type SenderKeyState
} from '../../protocol/crypto/sender-keys.js'
import { PREFIX } from '../store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from '../store/sealed-store.js'
import { b64, unb64 } from '../util/bytes.js'

/** group messages kept while their sender key or membership has not arrived yet (oldest dropped beyond) */
export const MAX_PENDING_GROUP_MESSAGES = 512
/** a pending group message is dropped after this long (its sender key never came) */
export const PENDING_GROUP_MESSAGE_MS = 7 * 24 * 3600_000

export interface GroupState {
  /** 32 hex digits (16 random bytes) */
  groupId: string
  name: string
  /** user ids, ours included while we are a member */
  members: string[]
  /** +1 per operation; (epoch, actor) orders concurrent operations */
  epoch: number
  /** who made the operation that produced this state */
  actor: string
  /** we are a member (false after we left or were removed) */
  active: boolean
  /** our sender key must be rotated and sent to the current members before our next group message */
  rotate: boolean
  /** local counter, +1 on every membership change: a distribution finished for an older one does not clear `rotate` */
  changes: number
}

export interface PendingGroupMessage {
  key: string
  groupId: string
  from: string
  deviceId: number
  /** the GroupMessage bytes (outer layer already opened) */
  message: string
  at: number
}

export class GroupStore {
  private readonly states = new Map<string, GroupState | null>()
  private readonly own = new Map<string, SenderKeyState | null>()
  private readonly records = new Map<string, SenderKeyRecord | null>()
  private pending: Map<string, PendingGroupMessage> | undefined

  constructor (private readonly store: SealedStore) {}

  // ---------------------------------------------------------------- group state

  private stateKey (groupId: string): string { return PREFIX.group + this.store.name(groupId) }

  async get (groupId: string): Promise<GroupState | undefined> {
    const key = this.stateKey(groupId)
    const cached = this.states.get(key)
    if (cached !== undefined) return cached === null ? undefined : { ...cached, members: [...cached.members] }
    const state = (await this.store.getJson<GroupState & { v: number }>(key)) ?? null
    if (state !== null) delete (state as { v?: number }).v
    this.states.set(key, state)
    return state === null ? undefined : { ...state, members: [...state.members] }
  }

  put (state: GroupState): StoreOp {
    const key = this.stateKey(state.groupId)
    this.states.set(key, { ...state, members: [...state.members] })
    return this.store.jsonOp(key, { v: 1, ...state })
  }

  /** Every group we hold a state for (active or not), from disk. */
  async list (): Promise<GroupState[]> {
    const out: GroupState[] = []
    for await (const [key, raw] of this.store.range(PREFIX.group)) {
      const cached = this.states.get(key)
      const s = cached !== undefined ? cached : parseJson<GroupState>(key, raw)
      if (s !== null) out.push({ ...s, members: [...s.members] })
    }
    return out
  }

  // ---------------------------------------------------------------- our own sender key

  private ownKey (groupId: string): string { return PREFIX.groupOwnKey + this.store.name(groupId) }

  async ownSenderKey (groupId: string): Promise<SenderKeyState | undefined> {
    const key = this.ownKey(groupId)
    const cached = this.own.get(key)
    if (cached !== undefined) return cached ?? undefined
    const raw = await this.store.get(key)
    const state = raw === undefined ? null : deserializeSenderKeyState(raw)
    this.own.set(key, state)
    return state ?? undefined
  }

  putOwnSenderKey (groupId: string, state: SenderKeyState): StoreOp {
    const key = this.ownKey(groupId)
    this.own.set(key, state)
    return this.store.putOp(key, serializeSenderKeyState(state))
  }

  dropOwnSenderKey (groupId: string): StoreOp {
    const key = this.ownKey(groupId)
    this.own.set(key, null)
    return { type: 'del', key }
  }

  // ---------------------------------------------------------------- received sender keys

  private recordKey (groupId: string, userId: string, deviceId: number): string {
    return PREFIX.groupSenderKey + this.store.name(`${groupId}/${userId}/${deviceId}`)
  }

  async record (groupId: string, userId: string, deviceId: number): Promise<SenderKeyRecord | undefined> {
    const key = this.recordKey(groupId, userId, deviceId)
    const cached = this.records.get(key)
    if (cached !== undefined) return cached ?? undefined
    const raw = await this.store.get(key)
    const rec = raw === undefined ? null : deserializeSenderKeyRecord(raw)
    this.records.set(key, rec)
    return rec ?? undefined
  }

  putRecord (groupId: string, userId: string, deviceId: number, record: SenderKeyRecord): StoreOp {
    const key = this.recordKey(groupId, userId, deviceId)
    this.records.set(key, record)
    return this.store.putOp(key, serializeSenderKeyRecord(record))
  }

  dropRecord (groupId: string, userId: string, deviceId: number): StoreOp {
    const key = this.recordKey(groupId, userId, deviceId)
    this.records.set(key, null)
    return { type: 'del', key }
  }

  // ---------------------------------------------------------------- pending group messages

  private async pendingMap (): Promise<Map<string, PendingGroupMessage>> {
    if (this.pending !== undefined) return this.pending
    const map = new Map<string, PendingGroupMessage>()
    for await (const [key, raw] of this.store.range(PREFIX.groupPending)) map.set(key, parseJson<PendingGroupMessage>(key, raw))
    this.pending = map
    return map
  }

  /** Keep a group message for later; evicts expired and the oldest beyond MAX_PENDING_GROUP_MESSAGES. */
  async addPending (envelopeIdHex: string, p: Omit<PendingGroupMessage, 'key'>, ops: StoreOp[]): Promise<void> {
    const map = await this.pendingMap()
    const key = PREFIX.groupPending + this.store.name(envelopeIdHex)
    const entry = { ...p, key }
    map.set(key, entry)
    ops.push(this.store.jsonOp(key, entry))
    const sorted = [...map.values()].sort((a, b) => a.at - b.at)
    for (const old of sorted) {
      if (map.size <= MAX_PENDING_GROUP_MESSAGES && p.at - old.at < PENDING_GROUP_MESSAGE_MS) break
      this.removePending(old.key, ops)
    }
  }

  async pendingFor (groupId: string): Promise<PendingGroupMessage[]> {
    return [...(await this.pendingMap()).values()].filter((p) => p.groupId === groupId).sort((a, b) => a.at - b.at)
  }

  removePending (key: string, ops: StoreOp[]): void {
    this.pending?.delete(key)
    ops.push({ type: 'del', key })
  }

  static messageBytes (p: PendingGroupMessage): Uint8Array { return unb64(p.message) }
  static encodeMessage (bytes: Uint8Array): string { return b64(bytes) }

  /** After a failed write: reload from disk next time. */
  invalidate (): void {
    this.states.clear()
    this.own.clear()
    this.records.clear()
    this.pending = undefined
  }
}
