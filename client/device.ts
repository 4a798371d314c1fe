// A device's credentials as the mesh sees them: the user's identity key, the
// device's own key (proves the device to nodes), and the signed device list.
import type { DeviceList } from '../protocol/pb/records.js'
import { MAX_PRESENCE_LIFETIME_MS, PROFILE_KEY_BYTES, RecordKind, WIRE_VERSION } from '../protocol/constants.js'
import { ed25519GenerateKeyPair, randomBytes, type Ed25519KeyPair } from '../protocol/crypto/primitives.js'
import { accessVerifier, deriveAccessKey } from '../protocol/send-access.js'
import { mailboxAddress, userIdFromIdentityKey } from '../protocol/identity.js'
import { signRecord } from '../protocol/records.js'
import { presenceKey, sealPresence } from '../protocol/presence.js'

export const DAY_MS = 24 * 60 * 60 * 1000
/** an online presence blob lives this long; an attached client refreshes it well before */
export const PRESENCE_TTL_MS = 10 * 60 * 1000
/** the offline blob (published by the node when the device detaches) lives this long, within MAX_PRESENCE_LIFETIME_MS */
export const PRESENCE_OFFLINE_TTL_MS = MAX_PRESENCE_LIFETIME_MS - 5 * 60 * 1000

export interface DeviceCredentials {
  identity: Ed25519KeyPair
  userId: string
  deviceId: number
  deviceKey: Ed25519KeyPair
  mailbox: Uint8Array
  /** SignedRecord(DeviceList) naming this device */
  deviceList: Uint8Array
  /** the user's profile key (32 bytes): its access key opens the user's mailboxes to sealed sends */
  profileKey: Uint8Array
}

/** A fresh profile key. */
export function newProfileKey (): Uint8Array {
  return randomBytes(PROFILE_KEY_BYTES)
}

/** A new identity with one device (tests, the simulator, `relaymesh init`). */
export function createDeviceCredentials (deviceId = 1, now = Date.now()): DeviceCredentials {
  const identity = ed25519GenerateKeyPair()
  const deviceKey = ed25519GenerateKeyPair()
  const profileKey = newProfileKey()
  return {
    identity,
    userId: userIdFromIdentityKey(identity.publicKey),
    deviceId,
    deviceKey,
    mailbox: mailboxAddress(identity.publicKey, deviceId),
    deviceList: signDeviceList(identity, [{ deviceId, deviceKey: deviceKey.publicKey }], now, now, { profileKey }),
    profileKey
  }
}

/**
 * `ttlMs`: lifetime of the record (30 days; the throwaway identity of a device
 * being linked uses far less). `profileKey`: the list publishes the verifier of
 * its access key (without one, every sealed send to the user needs a stamp).
 */
export function signDeviceList (identity: Ed25519KeyPair, devices: Array<{ deviceId: number, deviceKey: Uint8Array }>, seq: number, now = Date.now(), options: { ttlMs?: number, profileKey?: Uint8Array } = {}): Uint8Array {
  const body: DeviceList = {
    version: WIRE_VERSION,
    identityKey: identity.publicKey as Uint8Array<ArrayBuffer>,
    seq,
    expiresAt: now + (options.ttlMs ?? 30 * DAY_MS),
    devices: devices.map((d) => ({ deviceId: d.deviceId, deviceKey: d.deviceKey as Uint8Array<ArrayBuffer> }))
  }
  if (options.profileKey !== undefined) body.accessVerifier = accessVerifier(deriveAccessKey(options.profileKey)) as Uint8Array<ArrayBuffer>
  return signRecord(identity, { kind: RecordKind.DeviceList, body })
}

/**
 * Contacts-only presence blobs for an attach (protocol/presence.ts): online
 * now, and offline (seq + 1, same id) for the node to publish on detach. Only
 * holders of the profile key can find or read them; they name no node.
 */
export function signPresenceBlobs (creds: DeviceCredentials, seq: number, now = Date.now()): { online: Uint8Array, offline: Uint8Array } {
  const key = presenceKey(creds.profileKey)
  return {
    online: sealPresence(key, creds.deviceId, { online: true, at: now, seq, expiresAt: now + PRESENCE_TTL_MS }),
    offline: sealPresence(key, creds.deviceId, { online: false, at: now, seq: seq + 1, expiresAt: now + PRESENCE_OFFLINE_TTL_MS })
  }
}
