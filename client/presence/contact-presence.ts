// Contacts-only presence as a client sees it (docs/protocol.md §8e):
// with a contact's profile key, compute the ids of its devices' presence
// blobs for today and yesterday (UTC: a blob signed before midnight is still
// the latest just after), ask a node for them (PRESENCE_GET, no attach
// needed), verify and open what comes back. Without the profile key (a
// stranger) nothing can be asked: "unknown". A node can withhold or replay
// an older blob of an id, never forge or read one.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { MAX_DEVICES } from '../../protocol/constants.js'
import { dayOf, openPresenceBlob, presenceId, presenceKey, verifyPresenceBlob } from '../../protocol/presence.js'
import { hex } from '../util/bytes.js'

export type PresenceView = 'online' | 'offline' | 'unknown'

/** What asks a node for presence blobs: NodeConnection.presence. */
export interface PresenceSource {
  presence: (ids: Uint8Array[]) => Promise<Uint8Array[]>
}

export interface ContactPresence {
  /** online when any device is, else offline when any says so, else unknown */
  state: PresenceView
  devices: Map<number, PresenceView>
}

/** The latest word of each device of a user whose profile key is `profileKey`, from `source`. */
export async function devicesPresence (source: PresenceSource, profileKey: Uint8Array, deviceIds: number[], now: number): Promise<ContactPresence> {
  if (deviceIds.length > MAX_DEVICES) throw new RelaymeshError(ErrorCode.InvalidArgument, `more than ${MAX_DEVICES} devices`)
  const key = presenceKey(profileKey)
  const today = dayOf(now)
  const deviceOf = new Map<string, number>()
  const ids: Uint8Array[] = []
  for (const deviceId of deviceIds) {
    for (const day of [today, today - 1]) {
      const id = presenceId(key, deviceId, day)
      deviceOf.set(hex(id), deviceId)
      ids.push(id)
    }
  }
  const latest = new Map<number, { online: boolean, at: number, seq: number }>()
  if (ids.length > 0) {
    for (const bytes of await source.presence(ids)) {
      try {
        const blob = verifyPresenceBlob(bytes, now)
        const deviceId = deviceOf.get(blob.idHex)
        if (deviceId === undefined) continue // not asked for: ignored
        const state = openPresenceBlob(key, blob)
        const prev = latest.get(deviceId)
        if (prev === undefined || state.at > prev.at || (state.at === prev.at && state.seq > prev.seq)) latest.set(deviceId, state)
      } catch {
        // a blob that does not verify or open is no word from the contact
      }
    }
  }
  const devices = new Map<number, PresenceView>()
  for (const deviceId of deviceIds) {
    const s = latest.get(deviceId)
    devices.set(deviceId, s === undefined ? 'unknown' : s.online ? 'online' : 'offline')
  }
  const views = [...devices.values()]
  const state: PresenceView = views.includes('online') ? 'online' : views.includes('offline') ? 'offline' : 'unknown'
  return { state, devices }
}

/**
 * A user's presence as this client may know it: 'unknown' without the user's
 * profile key (`profileKeyOf`: where contacts' keys are kept), else from the
 * node (`deviceIds`: the devices of the user's device list).
 */
export async function contactPresence (source: PresenceSource, userId: string, deviceIds: number[], profileKeyOf: (userId: string) => Uint8Array | undefined, now: number): Promise<PresenceView> {
  const profileKey = profileKeyOf(userId)
  if (profileKey === undefined) return 'unknown'
  return (await devicesPresence(source, profileKey, deviceIds, now)).state
}
