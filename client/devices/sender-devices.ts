// Which devices a sender may write from: the sender's latest device list
// this client knows, per user. A message is accepted only from a device in
// that list. The list is fetched (GET_USER, verified by the caller) when the
// user is unknown, when what we know is older than maxAgeMs, and when the
// device is absent from it (it may be newer than our list: a device just
// linked), at most once per ABSENT_REFETCH_MS per user. A device absent
// from a list fetched for that very message is refused (its messages are
// dropped) when this client saw it listed in an older list of that user (it
// was removed), or when it has been absent for UNLISTED_GRACE_MS since its
// first message here (a device the mesh never listed). Otherwise its message
// waits in the mailbox for a later fetch: a device linked moments ago is
// listed as soon as the new list reaches the receiver's node.
// docs/protocol.md §"Receivers".
import type { Logger } from 'pino'

/** how long a known device list is trusted before a message from that user fetches it again @default 30 s */
export const DEVICE_LIST_MAX_AGE_MS = 30_000
/** a device absent from a list fetched this recently is not looked up again */
export const ABSENT_REFETCH_MS = 5_000
/** users whose lists are remembered (least recently used are forgotten) */
export const MAX_KNOWN_USERS = 1024
/** a device never seen listed is refused once it has stayed unlisted this long after its first message here */
export const UNLISTED_GRACE_MS = 10 * 60_000
/** unlisted devices tracked per user */
const MAX_UNLISTED_PER_USER = 64
/** devices remembered as once listed, per user (a device list holds at most a few dozen) */
const MAX_EVER_LISTED_PER_USER = 256

/** A user's latest device list as fetched: undefined when the mesh holds none for the user. */
export type FetchDeviceList = (userId: string) => Promise<{ seq: number, deviceIds: number[] } | undefined>

/** listed: accept; removed: refuse (drop); unknown: no list could be had now (leave the message for later) */
export type SenderVerdict = 'listed' | 'removed' | 'unknown'

interface Known {
  /** -1: the mesh had no device list for the user when fetched */
  seq: number
  deviceIds: Set<number>
  fetchedAt: number
  /** devices seen in any list of this user (removal evidence once a newer list lacks them) */
  everListed: Set<number>
  /** when a message from an unlisted device was first checked, by device */
  unlistedSince: Map<number, number>
}

export class SenderDevices {
  private readonly known = new Map<string, Known>()

  constructor (
    private readonly fetch: FetchDeviceList,
    private readonly now: () => number,
    private readonly maxAgeMs = DEVICE_LIST_MAX_AGE_MS
  ) {}

  /** A list verified elsewhere (a lookup made to send): kept when not older than what we know. */
  learn (userId: string, seq: number, deviceIds: number[], at = this.now()): void {
    const k = this.known.get(userId)
    if (k !== undefined && k.seq > seq) return
    this.remember(userId, this.merge(k, { seq, deviceIds, fetchedAt: at }))
  }

  /**
   * Whether `deviceId` of `userId` may send (see the header). 'removed' only
   * on a list fetched by this very call; a device absent from a list fetched
   * less than ABSENT_REFETCH_MS ago, or from an older list kept because the
   * fetch failed, is 'unknown' (the message waits for a later fetch).
   */
  async check (userId: string, deviceId: number): Promise<SenderVerdict> {
    const now = this.now()
    let k = this.known.get(userId)
    const age = k === undefined ? Infinity : now - k.fetchedAt
    let fetchedNow = false
    if (k === undefined || age >= this.maxAgeMs || (!k.deviceIds.has(deviceId) && age >= ABSENT_REFETCH_MS)) {
      try {
        const list = await this.fetch(userId)
        const fetched = list === undefined ? { seq: -1, deviceIds: [], fetchedAt: now } : { seq: list.seq, deviceIds: list.deviceIds, fetchedAt: now }
        // a list older than one we verified before does not replace it (a node that lags behind)
        k = k === undefined || fetched.seq >= k.seq ? this.merge(k, fetched) : { ...k, fetchedAt: now }
        this.remember(userId, k)
        fetchedNow = true
      } catch {
        // no answer now: an older list we hold still says who is listed
      }
    }
    if (k === undefined || k.seq < 0) return 'unknown'
    if (k.deviceIds.has(deviceId)) return 'listed'
    if (!fetchedNow) return 'unknown'
    if (k.everListed.has(deviceId)) return 'removed'
    const since = k.unlistedSince.get(deviceId)
    if (since === undefined) {
      if (k.unlistedSince.size < MAX_UNLISTED_PER_USER) k.unlistedSince.set(deviceId, now)
      return 'unknown'
    }
    return now - since >= UNLISTED_GRACE_MS ? 'removed' : 'unknown'
  }

  private merge (k: Known | undefined, list: { seq: number, deviceIds: number[], fetchedAt: number }): Known {
    const everListed = new Set(k?.everListed ?? [])
    for (const d of list.deviceIds) if (everListed.size < MAX_EVER_LISTED_PER_USER) everListed.add(d)
    const unlistedSince = new Map(k?.unlistedSince ?? [])
    for (const d of list.deviceIds) unlistedSince.delete(d)
    return { seq: list.seq, deviceIds: new Set(list.deviceIds), fetchedAt: list.fetchedAt, everListed, unlistedSince }
  }

  private remember (userId: string, k: Known): void {
    this.known.delete(userId)
    this.known.set(userId, k)
    if (this.known.size > MAX_KNOWN_USERS) {
      const oldest = this.known.keys().next().value
      if (oldest !== undefined) this.known.delete(oldest)
    }
  }
}

/** a receiver's answer for an envelope left in the mailbox (its sender's device list cannot be had now) */
export const DEFER = 'defer'

/**
 * The sender device must be in the sender's latest device list we know: a
 * removed device keeps the identity key, so only this check stops its
 * messages. true: go on; false: drop (logged); DEFER: leave it for a later fetch.
 * Without `senders` (not wired) every device passes.
 */
export async function senderAllowed (ctx: { senders?: SenderDevices, log: Logger }, from: string, deviceId: number, idHex: string): Promise<boolean | typeof DEFER> {
  if (ctx.senders === undefined) return true
  const verdict = await ctx.senders.check(from, deviceId)
  if (verdict === 'listed') return true
  if (verdict === 'unknown') {
    ctx.log.info({ envelope: idHex, from, device: deviceId }, 'sender\'s device list not available yet; message left for a later fetch')
    return DEFER
  }
  ctx.log.warn({ envelope: idHex, from, device: deviceId }, 'message from a device that is not in the sender\'s latest device list (removed); dropped')
  return false
}
