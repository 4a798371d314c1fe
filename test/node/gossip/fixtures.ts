// Signed records for the gossip tests, made the way clients make them
// (protocol/keys.ts for bundles, protocol/records.ts signRecord).
import { RecordKind, WIRE_VERSION } from '../../../protocol/constants.js'
import { ed25519GenerateKeyPair, type Ed25519KeyPair } from '../../../protocol/crypto/primitives.js'
import { userIdFromIdentityKey, mailboxAddress } from '../../../protocol/identity.js'
import { buildPreKeyBundle, generateKemPreKey, generateSignedPreKey, type KemPreKeyRecord, type SignedPreKeyRecord } from '../../../protocol/keys.js'
import { recordKey, signRecord } from '../../../protocol/records.js'

type AB = Uint8Array<ArrayBuffer>

export const HOUR = 60 * 60 * 1000

export interface TestUser {
  identity: Ed25519KeyPair
  userId: string
  spk: SignedPreKeyRecord
  kem: KemPreKeyRecord
}

export function newUser (): TestUser {
  const identity = ed25519GenerateKeyPair()
  const now = Date.now()
  return { identity, userId: userIdFromIdentityKey(identity.publicKey), spk: generateSignedPreKey(identity, 1, now), kem: generateKemPreKey(identity, 1, now) }
}

export function bundleRecord (user: TestUser, seq: number, options: { deviceId?: number, expiresAt?: number } = {}): Uint8Array {
  const body = buildPreKeyBundle({
    identity: user.identity,
    deviceId: options.deviceId ?? 1,
    seq,
    expiresAt: options.expiresAt ?? Date.now() + HOUR,
    signedPreKey: user.spk,
    kemPreKey: user.kem
  })
  return signRecord(user.identity, { kind: RecordKind.PreKeyBundle, body })
}

export function presenceRecord (user: TestUser, seq: number, nodeId: Uint8Array, options: { deviceId?: number, online?: boolean, expiresAt?: number } = {}): Uint8Array {
  return signRecord(user.identity, {
    kind: RecordKind.Presence,
    body: {
      version: WIRE_VERSION,
      identityKey: user.identity.publicKey as AB,
      deviceId: options.deviceId ?? 1,
      nodeId: nodeId as AB,
      online: options.online ?? true,
      seq,
      expiresAt: options.expiresAt ?? Date.now() + HOUR
    }
  })
}

export function deviceListRecord (user: TestUser, seq: number, deviceIds: number[] = [1], options: { expiresAt?: number } = {}): Uint8Array {
  return signRecord(user.identity, {
    kind: RecordKind.DeviceList,
    body: {
      version: WIRE_VERSION,
      identityKey: user.identity.publicKey as AB,
      seq,
      expiresAt: options.expiresAt ?? Date.now() + HOUR,
      devices: deviceIds.map((deviceId) => ({ deviceId, deviceKey: ed25519GenerateKeyPair().publicKey as AB }))
    }
  })
}

export function bundleKey (user: TestUser, deviceId = 1): string {
  return recordKey(RecordKind.PreKeyBundle, user.userId, deviceId)
}

export function presenceKey (user: TestUser, deviceId = 1): string {
  return recordKey(RecordKind.Presence, user.userId, deviceId)
}

export function mailboxOf (user: TestUser, deviceId = 1): Uint8Array {
  return mailboxAddress(user.identity.publicKey, deviceId)
}

/** the same record with one bit of its signature flipped (the signature is the last field) */
export function forged (record: Uint8Array): Uint8Array {
  const out = record.slice()
  out[out.length - 1] = (out[out.length - 1] as number) ^ 0x01
  return out
}
