// This device's identity as kept in the local store: the user's identity key
// pair, the device id and device key, the display name and the signed device
// list (re-signed before it comes near its expiry), and the profile key every
// device of the user shares (its access key's verifier is in the device list).
import { ErrorCode, RelaymeshError } from '../protocol/errors.js'
import { ed25519GenerateKeyPair, equalBytes, type Ed25519KeyPair } from '../protocol/crypto/primitives.js'
import { mailboxAddress, userIdFromIdentityKey } from '../protocol/identity.js'
import { DAY_MS, newProfileKey, signDeviceList, type DeviceCredentials } from './device.js'
import { PREFIX } from './store/keys.js'
import type { SealedStore, StoreOp } from './store/sealed-store.js'
import { b64, unb64 } from './util/bytes.js'

/** re-sign the device list when less than this is left of its 30 days */
export const DEVICE_LIST_REFRESH_MS = 15 * DAY_MS

interface IdentityJson {
  v: 1
  identityPublic: string
  identityPrivate: string
  deviceId: number
  devicePublic: string
  devicePrivate: string
  name?: string
  /** SignedRecord(DeviceList) */
  deviceList: string
  deviceListSeq: number
  deviceListSignedAt: number
  /** the other devices of this user (deviceId -> device key), for the device list */
  otherDevices: Array<{ deviceId: number, deviceKey: string }>
  /** set when a newer device list signed by our identity no longer names this device (docs/protocol.md §8c) */
  removed?: boolean
  /** the user's profile key (base64, 32 bytes); absent in stores from before issue 10 until first loaded */
  profileKey?: string
}

export class LocalIdentity {
  private constructor (private json: IdentityJson, readonly identity: Ed25519KeyPair, readonly deviceKey: Ed25519KeyPair) {}

  static create (now: number, name?: string): LocalIdentity {
    const identity = ed25519GenerateKeyPair()
    const deviceKey = ed25519GenerateKeyPair()
    const deviceId = 1
    const profileKey = newProfileKey()
    const json: IdentityJson = {
      v: 1,
      identityPublic: b64(identity.publicKey),
      identityPrivate: b64(identity.privateKey),
      deviceId,
      devicePublic: b64(deviceKey.publicKey),
      devicePrivate: b64(deviceKey.privateKey),
      deviceList: b64(signDeviceList(identity, [{ deviceId, deviceKey: deviceKey.publicKey }], now, now, { profileKey })),
      deviceListSeq: now,
      deviceListSignedAt: now,
      otherDevices: [],
      profileKey: b64(profileKey)
    }
    if (name !== undefined) json.name = name
    return new LocalIdentity(json, identity, deviceKey)
  }

  /** A device linked to an existing identity: the identity key pair and device list came from the first device (client/devices). */
  static fromLink (identity: Ed25519KeyPair, deviceKey: Ed25519KeyPair, deviceId: number, list: { bytes: Uint8Array, seq: number, expiresAt: number, devices: Array<{ deviceId: number, deviceKey: Uint8Array }> }, name?: string, profileKey?: Uint8Array): LocalIdentity {
    const json: IdentityJson = {
      v: 1,
      identityPublic: b64(identity.publicKey),
      identityPrivate: b64(identity.privateKey),
      deviceId,
      devicePublic: b64(deviceKey.publicKey),
      devicePrivate: b64(deviceKey.privateKey),
      deviceList: b64(list.bytes),
      deviceListSeq: list.seq,
      deviceListSignedAt: list.expiresAt - 30 * DAY_MS,
      otherDevices: list.devices.filter((d) => d.deviceId !== deviceId).map((d) => ({ deviceId: d.deviceId, deviceKey: b64(d.deviceKey) }))
    }
    if (profileKey !== undefined && profileKey.byteLength > 0) json.profileKey = b64(profileKey)
    if (name !== undefined && name !== '') json.name = name
    return new LocalIdentity(json, identity, deviceKey)
  }

  static async load (store: SealedStore): Promise<LocalIdentity> {
    const json = await store.getJson<IdentityJson>(PREFIX.identity)
    if (json === undefined) throw new RelaymeshError(ErrorCode.InvalidState, 'local store corrupted: the identity record is missing (restore the home folder from a backup)')
    if (json.v !== 1 || typeof json.identityPrivate !== 'string' || typeof json.devicePrivate !== 'string' || !Array.isArray(json.otherDevices)) {
      throw new RelaymeshError(ErrorCode.InvalidState, 'local store corrupted: the identity record is malformed')
    }
    // a store from before profile keys: one now (saved with the next saveOp; the device list takes its verifier when next signed)
    json.profileKey ??= b64(newProfileKey())
    return new LocalIdentity(json,
      { publicKey: unb64(json.identityPublic), privateKey: unb64(json.identityPrivate) },
      { publicKey: unb64(json.devicePublic), privateKey: unb64(json.devicePrivate) })
  }

  saveOp (store: SealedStore): StoreOp {
    return store.jsonOp(PREFIX.identity, this.json)
  }

  get userId (): string { return userIdFromIdentityKey(this.identity.publicKey) }
  get deviceId (): number { return this.json.deviceId }
  get name (): string | undefined { return this.json.name }
  get deviceList (): Uint8Array { return unb64(this.json.deviceList) }
  get otherDeviceIds (): number[] { return this.json.otherDevices.map((d) => d.deviceId) }
  /** the user's profile key: contacts get it end to end; its access key lets them send sealed without a stamp */
  get profileKey (): Uint8Array {
    this.json.profileKey ??= b64(newProfileKey())
    return unb64(this.json.profileKey)
  }

  /**
   * A new profile key (after a contact is removed), and the device list re-signed
   * with its access key's verifier: returns the new list to publish (persist with saveOp first).
   */
  rotateProfileKey (now: number): Uint8Array {
    if (this.removed) throw new RelaymeshError(ErrorCode.InvalidState, 'this device was removed from the device list; it cannot rotate the profile key')
    this.json.profileKey = b64(newProfileKey())
    return this.setOtherDevices(this.devices.slice(1), now)
  }

  /** Take the profile key another of our devices rotated to (it came with its newer device list). */
  adoptProfileKey (profileKey: Uint8Array): void {
    this.json.profileKey = b64(profileKey)
  }

  /** Re-sign the device list if it expires within DEVICE_LIST_REFRESH_MS; true if it changed (persist with saveOp). */
  refreshDeviceList (now: number): boolean {
    if (this.json.removed === true) return false // a removed device must not sign itself back in
    if (now - this.json.deviceListSignedAt < 30 * DAY_MS - DEVICE_LIST_REFRESH_MS) return false
    const seq = Math.max(this.json.deviceListSeq + 1, now)
    const devices = [{ deviceId: this.deviceId, deviceKey: this.deviceKey.publicKey }, ...this.json.otherDevices.map((d) => ({ deviceId: d.deviceId, deviceKey: unb64(d.deviceKey) }))]
    this.json.deviceList = b64(signDeviceList(this.identity, devices, seq, now, { profileKey: this.profileKey }))
    this.json.deviceListSeq = seq
    this.json.deviceListSignedAt = now
    return true
  }

  /** every device of the list we hold, this one first */
  get devices (): Array<{ deviceId: number, deviceKey: Uint8Array }> {
    return [{ deviceId: this.deviceId, deviceKey: this.deviceKey.publicKey }, ...this.json.otherDevices.map((d) => ({ deviceId: d.deviceId, deviceKey: unb64(d.deviceKey) }))]
  }

  get deviceListSeq (): number { return this.json.deviceListSeq }
  /** true once a newer device list without this device was seen: nothing new reaches this device */
  get removed (): boolean { return this.json.removed === true }

  /** Re-sign the device list with `others` besides this device (seq increases); persist with saveOp, then publish. */
  setOtherDevices (others: Array<{ deviceId: number, deviceKey: Uint8Array }>, now: number): Uint8Array {
    if (this.removed) throw new RelaymeshError(ErrorCode.InvalidState, 'this device was removed from the device list; it cannot change the list')
    const seq = Math.max(this.json.deviceListSeq + 1, now)
    const list = signDeviceList(this.identity, [{ deviceId: this.deviceId, deviceKey: this.deviceKey.publicKey }, ...others], seq, now, { profileKey: this.profileKey })
    this.json.deviceList = b64(list)
    this.json.deviceListSeq = seq
    this.json.deviceListSignedAt = now
    this.json.otherDevices = others.map((d) => ({ deviceId: d.deviceId, deviceKey: b64(d.deviceKey) }))
    return list
  }

  /**
   * Take a device list another of our devices signed (verified by the caller,
   * signed by our identity key) when its seq is higher; true if it changed.
   * A list without this device marks it removed.
   */
  adoptDeviceList (list: { bytes: Uint8Array, seq: number, expiresAt: number, devices: Array<{ deviceId: number, deviceKey: Uint8Array }> }): boolean {
    if (list.seq <= this.json.deviceListSeq) return false
    const self = list.devices.find((d) => d.deviceId === this.deviceId)
    if (self === undefined || !equalBytes(self.deviceKey, this.deviceKey.publicKey)) {
      this.json.removed = true
      this.json.deviceListSeq = list.seq
      return true
    }
    this.json.deviceList = b64(list.bytes)
    this.json.deviceListSeq = list.seq
    this.json.deviceListSignedAt = list.expiresAt - 30 * DAY_MS
    this.json.otherDevices = list.devices.filter((d) => d.deviceId !== this.deviceId).map((d) => ({ deviceId: d.deviceId, deviceKey: b64(d.deviceKey) }))
    return true
  }

  credentials (): DeviceCredentials {
    return {
      identity: this.identity,
      userId: this.userId,
      deviceId: this.deviceId,
      deviceKey: this.deviceKey,
      mailbox: mailboxAddress(this.identity.publicKey, this.deviceId),
      deviceList: this.deviceList,
      profileKey: this.profileKey
    }
  }
}
