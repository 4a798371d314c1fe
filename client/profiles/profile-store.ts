// What the client keeps about profiles, sealed like everything else in the
// local store (client/store/keys.ts):
// - our own profile as last set (name, avatar, the seq of its record) and
//   when our profile key last changed (a PROFILE_KEY from another of our
//   devices older than that is ignored);
// - per peer: its profile key, the sent-at time of the message that carried
//   it (an older message never brings back an older key), and the name of
//   its profile as last opened (what the CLI shows when we gave no alias).
import { PROFILE_KEY_BYTES } from '../../protocol/constants.js'
import type { AvatarType } from '../../protocol/profile.js'
import { PREFIX } from '../store/keys.js'
import type { SealedStore, StoreOp } from '../store/sealed-store.js'
import { b64, unb64 } from '../util/bytes.js'

export interface OwnProfile {
  name?: string
  avatar?: { bytes: Uint8Array, type: AvatarType }
  /** seq of the last Profile record we signed (0: none yet) */
  seq: number
  /** when our profile key last changed here (rotated or adopted), ms since epoch */
  keyAt: number
  /** expiry of the last Profile record we signed */
  expiresAt?: number
}

export interface PeerProfile {
  key: Uint8Array
  /** the carrying message's sent-at (sender's clock) */
  at: number
  /** the profile name as last opened */
  name?: string
}

interface OwnJson { v: 1, name?: string, avatar?: string, avatarType?: AvatarType, seq: number, keyAt: number, expiresAt?: number }
interface PeerJson { v: 1, userId: string, key: string, at: number, name?: string }

export async function loadOwnProfile (store: SealedStore): Promise<OwnProfile> {
  const j = await store.getJson<OwnJson>(PREFIX.ownProfile)
  if (j === undefined || j.v !== 1) return { seq: 0, keyAt: 0 }
  const out: OwnProfile = { seq: Number(j.seq) || 0, keyAt: Number(j.keyAt) || 0 }
  if (typeof j.name === 'string') out.name = j.name
  if (typeof j.expiresAt === 'number') out.expiresAt = j.expiresAt
  if (typeof j.avatar === 'string' && j.avatarType !== undefined) out.avatar = { bytes: unb64(j.avatar), type: j.avatarType }
  return out
}

export function ownProfileOp (store: SealedStore, p: OwnProfile): StoreOp {
  const j: OwnJson = { v: 1, seq: p.seq, keyAt: p.keyAt }
  if (p.name !== undefined) j.name = p.name
  if (p.expiresAt !== undefined) j.expiresAt = p.expiresAt
  if (p.avatar !== undefined) { j.avatar = b64(p.avatar.bytes); j.avatarType = p.avatar.type }
  return store.jsonOp(PREFIX.ownProfile, j)
}

export async function loadPeerProfile (store: SealedStore, userId: string): Promise<PeerProfile | undefined> {
  const j = await store.getJson<PeerJson>(PREFIX.peerProfile + store.name(userId))
  if (j === undefined || j.v !== 1 || typeof j.key !== 'string') return undefined
  const key = unb64(j.key)
  if (key.byteLength !== PROFILE_KEY_BYTES) return undefined
  return { key, at: Number(j.at) || 0, ...(typeof j.name === 'string' ? { name: j.name } : {}) }
}

export function peerProfileOp (store: SealedStore, userId: string, p: PeerProfile): StoreOp {
  const j: PeerJson = { v: 1, userId, key: b64(p.key), at: p.at }
  if (p.name !== undefined) j.name = p.name
  return store.jsonOp(PREFIX.peerProfile + store.name(userId), j)
}

/** Profile names last opened, by user id (no network: what the CLI labels people with). */
export async function peerProfileNames (store: SealedStore): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for await (const [, raw] of store.range(PREFIX.peerProfile)) {
    try {
      const j = JSON.parse(new TextDecoder().decode(raw)) as PeerJson
      if (typeof j.userId === 'string' && typeof j.name === 'string') out.set(j.userId, j.name)
    } catch {}
  }
  return out
}
