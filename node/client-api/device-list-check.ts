// Devices act only under their user's latest device list (docs/protocol.md):
// an attach presenting an older list than the node holds is refused, and an
// attached device whose user published a newer list without it loses its
// session at its next request. Both compare with the newest list this node
// holds (record service: gossip and record sync).
import { RecordKind } from '../../protocol/constants.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import { compareRecords, recordKey, type VerifiedRecord } from '../../protocol/records.js'
import type { NodeComponents, RecordService } from '../components.js'
import type { AttachedDevice } from './attached-devices.js'

/** The newest unexpired device list of `userId` this node holds, verified; undefined when none (or unreadable). */
export async function heldList (components: NodeComponents, records: RecordService, userId: string): Promise<VerifiedRecord | undefined> {
  const bytes = await records.get(recordKey(RecordKind.DeviceList, userId))
  if (bytes === undefined) return undefined
  try {
    const rec = components.recordCache.open(bytes, Date.now())
    return rec.kind === RecordKind.DeviceList ? rec : undefined
  } catch {
    return undefined
  }
}

/** Stale when `list` (verified, naming the attaching device) is older than the newest list the node holds for its user. */
export async function checkAttachList (components: NodeComponents, records: RecordService, list: VerifiedRecord): Promise<void> {
  const held = await heldList(components, records, list.userId)
  if (held === undefined || compareRecords(list, held) !== 'older') return
  throw new RelaymeshError(ErrorCode.Stale, `device list seq ${list.seq} is older than the newest this node holds (seq ${held.seq}): attach with the user's latest device list`)
}

/**
 * Before a request of an attached device: when the node holds a newer list
 * than the one the device was checked against, the device must be in it
 * (same id, same key); otherwise its attach session ends and the request is
 * refused (Unauthorized). Costs one in-memory lookup while nothing changed.
 */
export async function checkStillListed (components: NodeComponents, records: RecordService, device: AttachedDevice): Promise<void> {
  const seq = records.latestSeq(recordKey(RecordKind.DeviceList, device.userId))
  if (seq === undefined || seq <= device.deviceListSeq) return
  const held = await heldList(components, records, device.userId)
  if (held === undefined) return
  const entry = (held.body as DeviceList).devices.find((d) => d.deviceId === device.deviceId)
  if (entry === undefined || !equalBytes(entry.deviceKey, device.deviceKey)) {
    device.close?.()
    throw new RelaymeshError(ErrorCode.Unauthorized, `device ${device.deviceId} is not in the user's latest device list (seq ${held.seq}): it was removed`)
  }
  device.deviceListSeq = Math.max(device.deviceListSeq, held.seq)
}
