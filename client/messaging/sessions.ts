// 1:1 sessions per peer device: the current one plus up to MAX_KEPT_SESSIONS
// earlier ones (libsignal keeps archived states the same way). Both sides
// may start a session at the same time (or reset at the same time); each
// then holds the other's as "previous", and whichever decrypts is promoted,
// so the two converge. Sessions are only ever archived, never dropped for a
// failed decrypt (only an unreadable record or a removed device is dropped).
// Loaded lazily and cached; the cache is dropped when a batch fails, so
// memory never runs ahead of what is on disk.
import { deserializeSessionRecord, serializeSessionRecord, type Session } from '../../protocol/crypto/session.js'
import { PREFIX } from '../store/keys.js'
import { parseJson, type SealedStore, type StoreOp } from '../store/sealed-store.js'
import { b64, unb64 } from '../util/bytes.js'

/** earlier sessions kept per peer device (libsignal keeps 40; a CLI needs fewer) */
export const MAX_KEPT_SESSIONS = 5

export interface SessionSet {
  current: Session
  previous: Session[]
}

/**
 * `session` as current, every session of `set` kept as an earlier one (the
 * oldest beyond MAX_KEPT_SESSIONS forgotten). Nothing is discarded on a new
 * session (a reset or a peer's PqxdhInitial): messages the peer sent on an
 * older one may still be on their way, and a reset that dropped them would
 * break the session it was meant to repair.
 */
export function withCurrent (set: SessionSet | undefined, session: Session): SessionSet {
  return { current: session, previous: set === undefined ? [] : [set.current, ...set.previous].slice(0, MAX_KEPT_SESSIONS) }
}

export class SessionCache {
  private readonly cache = new Map<string, SessionSet | null>()

  constructor (private readonly store: SealedStore) {}

  private key (userId: string, deviceId: number): string {
    return PREFIX.session + this.store.name(`${userId}/${deviceId}`)
  }

  async get (userId: string, deviceId: number): Promise<SessionSet | undefined> {
    const key = this.key(userId, deviceId)
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached ?? undefined
    const raw = await this.store.get(key)
    let set: SessionSet | null = null
    if (raw !== undefined) {
      const j = parseJson<{ v: number, sessions: string[] }>(key, raw)
      const sessions = j.sessions.map((s) => deserializeSessionRecord(unb64(s)))
      const [current, ...previous] = sessions
      if (current !== undefined) set = { current, previous }
    }
    this.cache.set(key, set)
    return set ?? undefined
  }

  /** Make `session` current (the old current is kept as previous); returns the op. */
  install (userId: string, deviceId: number, set: SessionSet | undefined, session: Session): StoreOp {
    return this.put(userId, deviceId, withCurrent(set, session))
  }

  /** The op that stores `set` as it is now (after encrypt/decrypt mutated it). */
  put (userId: string, deviceId: number, set: SessionSet): StoreOp {
    const key = this.key(userId, deviceId)
    this.cache.set(key, set)
    return this.store.jsonOp(key, { v: 1, sessions: [set.current, ...set.previous].map((s) => b64(serializeSessionRecord(s))) })
  }

  /** Forget every session with a peer device (a broken session is reset). */
  drop (userId: string, deviceId: number): StoreOp {
    const key = this.key(userId, deviceId)
    this.cache.set(key, null)
    return { type: 'del', key }
  }

  /** After a failed write: reload from disk next time. */
  invalidate (): void {
    this.cache.clear()
  }
}
