// A device's acknowledgement, checkable by every replica on its own
// (docs/protocol.md §10, "Acknowledging"): the device's signature
// over ackSignaturePayload(mailbox, ids) (protocol/client-protocol.ts), and
// the user's signed DeviceList record as evidence of the device key. A
// replica deletes nothing for a relay unless this checks out, so a relay in
// the directory cannot make replicas drop envelopes a device never received.
import { ackSignaturePayload } from '../../protocol/client-protocol.js'
import { ED25519_SIGNATURE_BYTES, RecordKind } from '../../protocol/constants.js'
import { ed25519Verify, equalBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { mailboxAddress } from '../../protocol/identity.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import type { RecordCache } from '../../protocol/records.js'

export interface AckEvidence {
  /** Ed25519 signature over ackSignaturePayload(mailbox, ids) */
  signature: Uint8Array
  /** SignedRecord bytes of the user's DeviceList */
  deviceList: Uint8Array
  /** the device's entry in the list */
  deviceId: number
}

/**
 * Throws unless `evidence` proves that the device owning `mailbox` signed
 * the acknowledgement of exactly `ids`: the device list opens (bounded
 * decode, canonical form, identity signature, not expired: openRecord), is a
 * DeviceList, lists `deviceId`, mailboxAddress(identity key, deviceId) equals
 * `mailbox`, and the signature verifies with that entry's device key.
 * Codes: Unauthorized (no or mismatched evidence), BadSignature, and
 * openRecord's (Decode, BadSignature, Expired). The device list is opened
 * through the node's RecordCache: the same list comes with every ack of the
 * user, and its expiry is still checked against `now` each time; the ack
 * signature itself is checked every time.
 */
export function verifyAckEvidence (mailbox: Uint8Array, ids: Uint8Array[], evidence: AckEvidence, now: number, records: RecordCache): void {
  if (evidence.signature.byteLength === 0 || evidence.deviceList.byteLength === 0) {
    throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: the device signature and device list are required')
  }
  if (evidence.signature.byteLength !== ED25519_SIGNATURE_BYTES) {
    throw new RelaymeshError(ErrorCode.BadSignature, `ack: signature must be ${ED25519_SIGNATURE_BYTES} bytes`)
  }
  const list = records.open(evidence.deviceList, now)
  if (list.kind !== RecordKind.DeviceList) throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: device_list is not a device list record')
  const entry = (list.body as DeviceList).devices.find((d) => d.deviceId === evidence.deviceId)
  if (entry === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, `ack: device ${evidence.deviceId} is not in the signed device list`)
  if (!equalBytes(mailboxAddress(list.identityKey, evidence.deviceId), mailbox)) {
    throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: the mailbox does not belong to this device')
  }
  if (!ed25519Verify(entry.deviceKey, ackSignaturePayload(mailbox, ids), evidence.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'ack: signature does not verify with the device key')
  }
}

/** The entry in a device list whose mailbox is `mailbox`, found by trying each listed device. */
export function deviceIdFor (deviceList: Uint8Array, mailbox: Uint8Array, now: number, records: RecordCache): number {
  const list = records.open(deviceList, now)
  if (list.kind !== RecordKind.DeviceList) throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: not a device list record')
  for (const d of (list.body as DeviceList).devices) {
    if (equalBytes(mailboxAddress(list.identityKey, d.deviceId), mailbox)) return d.deviceId
  }
  throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: no device in the signed device list owns this mailbox')
}
