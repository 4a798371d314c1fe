// A device's acknowledgement, checkable by every replica on its own
// (docs/protocol.md §10, "Acknowledging"): the device's signature
// over ackSignaturePayload(mailbox, ids) (protocol/client-protocol.ts), and
// the user's signed DeviceList record as evidence of the device key. A
// replica deletes nothing for a relay unless this checks out, so a relay in
// the directory cannot make replicas drop envelopes a device never received.
// The same evidence is kept with every tombstone (storedProof) and travels
// with it when handover passes the tombstone on (docs/protocol.md).
import { ackSignaturePayload, attachSignaturePayload } from '../../protocol/client-protocol.js'
import { decode, encode } from '../../protocol/codec.js'
import { ED25519_SIGNATURE_BYTES, ENVELOPE_ID_BYTES, RecordKind } from '../../protocol/constants.js'
import { ed25519Verify, equalBytes, sha256 } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { mailboxAddress } from '../../protocol/identity.js'
import { AckProof } from '../../protocol/pb/node-replica.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import type { RecordCache } from '../../protocol/records.js'
import { MAX_ACK_IDS } from './constants.js'

function hexOf (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

export interface AckEvidence {
  /** Ed25519 signature over ackSignaturePayload(mailbox, ids) */
  signature: Uint8Array
  /** SignedRecord bytes of the user's DeviceList */
  deviceList: Uint8Array
  /** the device's entry in the list */
  deviceId: number
}

/**
 * The key of the device that owns `mailbox`, from the user's signed device
 * list: the list opens (bounded decode, canonical form, identity signature,
 * not expired: openRecord, through the node's RecordCache), is a DeviceList,
 * lists `deviceId`, and mailboxAddress(identity key, deviceId) is `mailbox`.
 * Unauthorized otherwise (`what` names the evidence in the message).
 */
function mailboxDeviceKey (mailbox: Uint8Array, deviceList: Uint8Array, deviceId: number, now: number, records: RecordCache, what: string): Uint8Array {
  const list = records.open(deviceList, now)
  if (list.kind !== RecordKind.DeviceList) throw new RelaymeshError(ErrorCode.Unauthorized, `${what}: device_list is not a device list record`)
  const entry = (list.body as DeviceList).devices.find((d) => d.deviceId === deviceId)
  if (entry === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, `${what}: device ${deviceId} is not in the signed device list`)
  if (!equalBytes(mailboxAddress(list.identityKey, deviceId), mailbox)) {
    throw new RelaymeshError(ErrorCode.Unauthorized, `${what}: the mailbox does not belong to this device`)
  }
  return entry.deviceKey
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
  const deviceKey = mailboxDeviceKey(mailbox, evidence.deviceList, evidence.deviceId, now, records, 'ack')
  if (!ed25519Verify(deviceKey, ackSignaturePayload(mailbox, ids), evidence.signature)) {
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

/** A device's acknowledgement as a tombstone keeps it: the AckProof bytes and their SHA-256 (hex), its key. */
export interface StoredProof {
  hash: string
  bytes: Uint8Array
}

/** The AckProof a tombstone keeps for `ids` (exactly the ids the device signed, in order). */
export function storedProof (ids: Uint8Array[], evidence: AckEvidence): StoredProof {
  const bytes = encode(AckProof, {
    ids: ids as Array<Uint8Array<ArrayBuffer>>,
    signature: evidence.signature as Uint8Array<ArrayBuffer>,
    deviceList: evidence.deviceList as Uint8Array<ArrayBuffer>,
    deviceId: evidence.deviceId
  })
  return { hash: hexOf(sha256(bytes)), bytes }
}

/** Decode a kept or received AckProof (bounded) and check it against `mailbox`; returns its ids and evidence. */
export function openProof (mailbox: Uint8Array, bytes: Uint8Array, maxBytes: number, now: number, records: RecordCache): { ids: Uint8Array[], evidence: AckEvidence } {
  const p = decode(AckProof, bytes, maxBytes, 'AckProof', null)
  checkProofIds(p.ids)
  const evidence = { signature: p.signature, deviceList: p.deviceList, deviceId: p.deviceId }
  verifyAckEvidence(mailbox, p.ids, evidence, now, records)
  return { ids: p.ids, evidence }
}

export function checkProofIds (ids: Uint8Array[]): void {
  if (ids.length === 0 || ids.length > MAX_ACK_IDS) throw new RelaymeshError(ErrorCode.Invalid, `ack proof: 1 to ${MAX_ACK_IDS} ids`)
  for (const id of ids) {
    if (id.byteLength !== ENVELOPE_ID_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `ack proof: ids must be ${ENVELOPE_ID_BYTES} bytes`)
  }
}

/** What a device's attach gave the relay it attached to: lets that relay (and no other) list the mailbox on its replicas. */
export interface FetchGrantInit {
  nonce: Uint8Array
  signature: Uint8Array
  /** multihash bytes of the client's peer id */
  clientPeerId: Uint8Array
  deviceList: Uint8Array
  deviceId: number
}

/**
 * Throws unless `grant` is the attach signature of the device owning
 * `mailbox`, made for the relay `askerId` (its peer id multihash bytes):
 * the device list opens and lists the device, the mailbox is that device's,
 * and the signature over attachSignaturePayload(nonce, askerId, clientPeerId)
 * verifies with its key. Codes: Unauthorized, BadSignature, openRecord's.
 */
export function verifyFetchGrant (mailbox: Uint8Array, askerId: Uint8Array, grant: FetchGrantInit, now: number, records: RecordCache): void {
  if (grant.signature.byteLength !== ED25519_SIGNATURE_BYTES || grant.deviceList.byteLength === 0 || grant.nonce.byteLength === 0 ||
    grant.nonce.byteLength > 64 || grant.clientPeerId.byteLength === 0 || grant.clientPeerId.byteLength > 128) {
    throw new RelaymeshError(ErrorCode.Unauthorized, 'fetch: not a replica of this mailbox, and no valid device grant')
  }
  const deviceKey = mailboxDeviceKey(mailbox, grant.deviceList, grant.deviceId, now, records, 'fetch grant')
  if (!ed25519Verify(deviceKey, attachSignaturePayload(grant.nonce, askerId, grant.clientPeerId), grant.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'fetch grant: signature does not verify for the asking relay')
  }
}
