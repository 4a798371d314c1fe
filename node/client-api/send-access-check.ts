// Who may write to a mailbox over a sealed SEND (docs/protocol.md §5a):
// the request names no sender, so the node checks the request, never who
// makes it. A mailbox is open to the SEND when
// - an access key in the request opens the device list of a user that lists
//   the mailbox's device (protocol/send-access.ts accessKeyMatches against
//   DeviceList.access_verifier): only that user's contacts hold the key;
// - or else the request carries a stamp (proof of work over this very request
//   and a minute near the node's) of stampBitsFor(stampBits, mailboxes no key
//   covers) bits: what a stranger pays.
// A wrong access key is not an error: it covers nothing, so a stranger and a
// removed contact look the same to the node. Nothing here keeps state.
import { ACCESS_KEY_BYTES, RecordKind, STAMP_MINUTE_SKEW } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { mailboxAddress, parseUserId } from '../../protocol/identity.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import { accessKeyMatches, minuteOf, stampBitsFor, stampWork } from '../../protocol/send-access.js'
import { recordKey } from '../../protocol/records.js'
import type { NodeComponents, RecordService } from '../components.js'
import { heldList } from './device-list-check.js'

function hexOf (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** One SendAccess entry of the request (client-api.proto). */
export interface SendAccessEntry {
  userId: string
  accessKey: Uint8Array
}

export interface SealedSendRequest {
  envelopeId: Uint8Array
  payload: Uint8Array
  /** every mailbox of the request, in its order (already checked to be 32 bytes each) */
  mailboxes: Uint8Array[]
  access: SendAccessEntry[]
  stamp: Uint8Array
  stampMinute: number
}

export type SendVerdict =
  /** accepted; `uncovered` > 0 means a stamped (stranger) send */
  | { ok: true, uncovered: number }
  /** refused: answer ERR_STAMP_REQUIRED with `bits` in stamp_bits */
  | { ok: false, uncovered: number, bits: number, message: string }

/** The stamp bits a node asks for `uncovered` mailboxes; a node configured with 0 asks for none. */
export function requiredStampBits (stampBits: number, uncovered: number): number {
  return stampBits === 0 ? 0 : stampBitsFor(stampBits, uncovered)
}

/** Checks the shape of the access entries (bad shapes are errors; wrong keys are not). */
export function checkAccessShape (access: SendAccessEntry[], mailboxes: number): void {
  if (access.length > mailboxes) throw new RelaymeshError(ErrorCode.Invalid, `send: ${access.length} access keys for ${mailboxes} mailboxes (at most one per recipient user)`)
  for (const a of access) {
    parseUserId(a.userId)
    if (a.accessKey.byteLength !== ACCESS_KEY_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `send: access key: expected ${ACCESS_KEY_BYTES} bytes, got ${a.accessKey.byteLength}`)
  }
}

/** The mailboxes (hex) that the request's access keys open: every device of each user whose latest device list the key opens. */
export async function coveredMailboxes (access: SendAccessEntry[], deviceList: (userId: string) => Promise<DeviceList | undefined>): Promise<Set<string>> {
  const covered = new Set<string>()
  const lists = new Map<string, Promise<DeviceList | undefined>>()
  for (const a of access) {
    let list = lists.get(a.userId)
    if (list === undefined) {
      list = deviceList(a.userId)
      lists.set(a.userId, list)
    }
    const held = await list
    if (held === undefined || !accessKeyMatches(held.accessVerifier ?? new Uint8Array(0), a.accessKey)) continue
    for (const d of held.devices) covered.add(hexOf(mailboxAddress(held.identityKey, d.deviceId)))
  }
  return covered
}

/** Whether the request may be stored: its access keys and, for what they do not cover, its stamp. */
export async function checkSendAccess (req: SealedSendRequest, deps: { stampBits: number, now: number, deviceList: (userId: string) => Promise<DeviceList | undefined> }): Promise<SendVerdict> {
  checkAccessShape(req.access, req.mailboxes.length)
  const covered = req.access.length > 0 ? await coveredMailboxes(req.access, deps.deviceList) : new Set<string>()
  const uncovered = req.mailboxes.filter((m) => !covered.has(hexOf(m))).length
  if (uncovered === 0) return { ok: true, uncovered }
  const bits = requiredStampBits(deps.stampBits, uncovered)
  if (bits === 0) return { ok: true, uncovered }
  const need = `${uncovered} mailbox${uncovered === 1 ? ' needs' : 'es need'} a stamp of ${bits} bits (no access key covers ${uncovered === 1 ? 'it' : 'them'})`
  if (req.stamp.byteLength === 0) return { ok: false, uncovered, bits, message: need }
  const minute = minuteOf(deps.now)
  if (Math.abs(req.stampMinute - minute) > STAMP_MINUTE_SKEW) {
    return { ok: false, uncovered, bits, message: `${need}; the stamp is for minute ${req.stampMinute}, this node's is ${minute} (±${STAMP_MINUTE_SKEW})` }
  }
  const work = stampWork({ envelopeId: req.envelopeId, payload: req.payload, mailboxes: req.mailboxes, minute: req.stampMinute }, req.stamp)
  if (work < bits) return { ok: false, uncovered, bits, message: `${need}; the stamp carries ${work} bits for this request` }
  return { ok: true, uncovered }
}

/** device lists a node keeps decoded for sealed sends, least recently used evicted */
export const DEVICE_LIST_CACHE_ENTRIES = 4096

/** per record service (one per node): user id -> the verified device list of the seq the store holds now */
const decoded = new WeakMap<RecordService, Map<string, { seq: number, list: DeviceList }>>()

/**
 * The latest device list of `userId` this node holds (verified), or undefined.
 * A list is read from LevelDB and verified once per seq: later sends find it
 * in memory, checked against the store's in-memory index (no I/O).
 */
export function deviceListLookup (components: NodeComponents, records: RecordService): (userId: string) => Promise<DeviceList | undefined> {
  let cache = decoded.get(records)
  if (cache === undefined) {
    cache = new Map()
    decoded.set(records, cache)
  }
  const lists = cache
  return async (userId) => {
    const seq = records.latestSeq(recordKey(RecordKind.DeviceList, userId))
    if (seq === undefined) return undefined
    const hit = lists.get(userId)
    if (hit !== undefined && hit.seq === seq && hit.list.expiresAt > Date.now()) {
      lists.delete(userId)
      lists.set(userId, hit)
      return hit.list
    }
    const rec = await heldList(components, records, userId)
    if (rec?.kind !== RecordKind.DeviceList) return undefined
    lists.delete(userId)
    lists.set(userId, { seq: rec.seq, list: rec.body })
    if (lists.size > DEVICE_LIST_CACHE_ENTRIES) lists.delete(lists.keys().next().value as string)
    return rec.body
  }
}
