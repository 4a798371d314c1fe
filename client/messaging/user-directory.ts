// Who a user is, from the mesh: GET_USER returns the user's signed device
// list and per-device prekey bundles (presence is contacts-only: client/presence). Every record is
// verified here (protocol/records.ts openRecord: signature, prekey
// signatures, expiry) and must belong to the user id asked for (the id is a
// hash of the identity key, so a node cannot substitute another key).
// Records that fail are ignored; a user with no valid device list is unknown.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RecordKind } from '../../protocol/constants.js'
import { mailboxAddress, parseUserId, userIdMatches } from '../../protocol/identity.js'
import { compareRecords, openRecord, type RecordCache, type VerifiedRecord } from '../../protocol/records.js'
import type { DeviceList, PreKeyBundle } from '../../protocol/pb/records.js'
import type { NodeConnection } from '../transport/node-connection.js'

export interface PeerDevice {
  deviceId: number
  mailbox: Uint8Array
  bundle: PreKeyBundle | undefined
}

export interface PeerUser {
  userId: string
  identityKey: Uint8Array
  /** seq of the device list the devices come from */
  deviceListSeq: number
  devices: PeerDevice[]
}

/** ErrorCode.Invalid unless `userId` is a well-formed user id. */
export function checkUserId (userId: string): void {
  try {
    parseUserId(userId)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Invalid, `not a user id: ${String(userId)} (${(err as Error).message})`, { cause: err })
  }
}

export async function lookupUser (conn: { getUser: (userId: string) => Promise<Uint8Array[]> }, userId: string, now: number, records?: RecordCache): Promise<PeerUser> {
  checkUserId(userId)
  let raw: Uint8Array[]
  try {
    raw = await conn.getUser(userId)
  } catch (err) {
    if (RelaymeshError.is(err, ErrorCode.NotFound)) throw new RelaymeshError(ErrorCode.NotFound, `unknown user ${userId}: the mesh has no record of it`, { cause: err })
    throw err
  }
  return verifyUserRecords(userId, raw, now, records)
}

/** The newest valid record per key among `raw`, all of `userId` (opened through `records` when given). */
export function verifyUserRecords (userId: string, raw: Uint8Array[], now: number, records?: RecordCache): PeerUser {
  const latest = new Map<string, VerifiedRecord>()
  for (const bytes of raw) {
    let rec: VerifiedRecord
    try {
      rec = records !== undefined ? records.open(bytes, now) : openRecord(bytes, now)
    } catch {
      continue
    }
    if (!userIdMatches(userId, rec.identityKey)) continue
    const prev = latest.get(rec.key)
    if (prev === undefined || compareRecords(rec, prev) === 'newer') latest.set(rec.key, rec)
  }
  const list = [...latest.values()].find((r) => r.kind === RecordKind.DeviceList)
  if (list === undefined) throw new RelaymeshError(ErrorCode.NotFound, `unknown user ${userId}: no valid device list`)
  const identityKey = list.identityKey
  const devices: PeerDevice[] = (list.body as DeviceList).devices.map((d) => {
    const bundle = latest.get(`${RecordKind.PreKeyBundle}/${userId}/${d.deviceId}`)
    return {
      deviceId: d.deviceId,
      mailbox: mailboxAddress(identityKey, d.deviceId),
      bundle: bundle?.body as PreKeyBundle | undefined
    }
  })
  return { userId, identityKey, deviceListSeq: list.seq, devices }
}
