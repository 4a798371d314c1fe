// The provisioning messages of device linking (docs/protocol.md §8c),
// composed from existing primitives only:
//   request key  = HKDF-SHA256(ikm = secret, salt = user id hash ‖ u16 device id, info = INFO.provisionRequest, 32)
//   response key = HKDF-SHA256(ikm = X25519(first ephemeral, new ephemeral), salt = secret, info = INFO.provisionResponse, 32)
// each used with AES-256-GCM, a random 12-byte nonce, and the envelope's
// fixed fields as associated data. The request proves knowledge of the
// secret; the response (which carries the identity key) needs the secret
// AND the new device's ephemeral private key, so a party that learns the
// code later, or the relay, cannot open it.
import { decode, encode } from '../../protocol/codec.js'
import { ED25519_PUBLIC_KEY_BYTES, INFO, PROFILE_KEY_BYTES, WIRE_VERSION, X25519_KEY_BYTES } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { aesGcmDecrypt, aesGcmEncrypt, concat, ed25519PublicFromPrivate, hkdfSha256, randomBytes, wipe, x25519, x25519GenerateKeyPair, type X25519KeyPair } from '../../protocol/crypto/primitives.js'
import { parseUserId, userIdFromIdentityKey } from '../../protocol/identity.js'
import { checkLinkedGroup, type LinkedGroup } from './linked-groups.js'
import { ProvisioningEnvelope, ProvisioningKind, ProvisioningRequest, ProvisioningResponse } from '../../protocol/pb/provisioning.js'
import type { PairingCode } from './pairing-code.js'

export { ProvisioningKind }
/** first byte of an encoded ProvisioningEnvelope: field 20, varint (0xa0 0x01) */
export const PROVISIONING_FIRST_BYTE = 0xa0
export const PROVISIONING_VERSION = 1
const NONCE_BYTES = 12
/** bound on a decoded envelope / response (a response carries up to 1,024 contacts) */
export const MAX_PROVISIONING_BYTES = 256 * 1024
const MAX_REQUEST_BYTES = 1024
const IDENTITY_SEED_BYTES = 32

export function isProvisioning (payload: Uint8Array): boolean {
  return payload[0] === PROVISIONING_FIRST_BYTE
}

export interface LinkRequest {
  deviceKey: Uint8Array
  replyIdentityKey: Uint8Array
  ephemeralKey: Uint8Array
  createdAt: number
}

export interface LinkResponse {
  identitySeed: Uint8Array
  deviceId: number
  deviceList: Uint8Array
  contacts: Array<{ alias: string, userId: string }>
  name: string
  /** the user's profile key (32 bytes; empty from a first device older than profiles) */
  profileKey: Uint8Array
  /** the groups the user is in (client/devices/linked-groups.ts); empty from an older first device */
  groups: LinkedGroup[]
}

function codeSalt (userId: string, deviceId: number): Uint8Array {
  return concat(parseUserId(userId), Uint8Array.of(deviceId >>> 8, deviceId & 0xff))
}

function envelopeAad (kind: ProvisioningKind, ephemeralKey: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(PROVISIONING_VERSION, kind === ProvisioningKind.REQUEST ? 1 : 2), ephemeralKey)
}

export function decodeProvisioning (payload: Uint8Array): ProvisioningEnvelope {
  const env = decode(ProvisioningEnvelope, payload, MAX_PROVISIONING_BYTES, 'ProvisioningEnvelope', null)
  if (env.provisioningVersion !== PROVISIONING_VERSION) throw new RelaymeshError(ErrorCode.Decode, `ProvisioningEnvelope: unsupported version ${env.provisioningVersion}`)
  if (env.nonce.byteLength !== NONCE_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'ProvisioningEnvelope: bad nonce')
  if (env.kind !== ProvisioningKind.REQUEST && env.kind !== ProvisioningKind.RESPONSE) throw new RelaymeshError(ErrorCode.Decode, 'ProvisioningEnvelope: unknown kind')
  return env
}

/** New device: the REQUEST for the first device named in `code`. */
export function sealLinkRequest (code: PairingCode, request: LinkRequest): Uint8Array {
  const key = hkdfSha256(code.secret, codeSalt(code.userId, code.deviceId), INFO.provisionRequest, 32)
  const nonce = randomBytes(NONCE_BYTES)
  const body = encode(ProvisioningRequest, { version: WIRE_VERSION, deviceKey: request.deviceKey, replyIdentityKey: request.replyIdentityKey, ephemeralKey: request.ephemeralKey, createdAt: request.createdAt } as ProvisioningRequest)
  const ciphertext = aesGcmEncrypt(key, nonce, body, envelopeAad(ProvisioningKind.REQUEST, new Uint8Array(0)))
  wipe(key)
  return encode(ProvisioningEnvelope, { provisioningVersion: PROVISIONING_VERSION, kind: ProvisioningKind.REQUEST, nonce, ciphertext, ephemeralKey: new Uint8Array(0) } as ProvisioningEnvelope)
}

/** First device: open a REQUEST with one pending link's secret; DecryptFailed when the secret is not the one it was sealed with. */
export function openLinkRequest (env: ProvisioningEnvelope, userId: string, deviceId: number, secret: Uint8Array): LinkRequest {
  if (env.kind !== ProvisioningKind.REQUEST) throw new RelaymeshError(ErrorCode.Decode, 'not a provisioning request')
  const key = hkdfSha256(secret, codeSalt(userId, deviceId), INFO.provisionRequest, 32)
  let body: Uint8Array
  try {
    body = aesGcmDecrypt(key, env.nonce, env.ciphertext, envelopeAad(ProvisioningKind.REQUEST, new Uint8Array(0)))
  } finally {
    wipe(key)
  }
  const r = decode(ProvisioningRequest, body, MAX_REQUEST_BYTES, 'ProvisioningRequest')
  if (r.deviceKey.byteLength !== ED25519_PUBLIC_KEY_BYTES || r.replyIdentityKey.byteLength !== ED25519_PUBLIC_KEY_BYTES || r.ephemeralKey.byteLength !== X25519_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, 'ProvisioningRequest: bad key length')
  }
  return { deviceKey: r.deviceKey, replyIdentityKey: r.replyIdentityKey, ephemeralKey: r.ephemeralKey, createdAt: r.createdAt }
}

/** First device: the RESPONSE carrying the identity key, sealed to the request's ephemeral key and the secret. */
export function sealLinkResponse (request: LinkRequest, secret: Uint8Array, response: LinkResponse): Uint8Array {
  const eph = x25519GenerateKeyPair()
  const shared = x25519(eph.privateKey, request.ephemeralKey)
  const key = hkdfSha256(shared, secret, INFO.provisionResponse, 32)
  const nonce = randomBytes(NONCE_BYTES)
  const body = encode(ProvisioningResponse, {
    version: WIRE_VERSION,
    identitySeed: response.identitySeed,
    deviceId: response.deviceId,
    deviceList: response.deviceList,
    contacts: response.contacts.map((c) => ({ alias: c.alias, userId: c.userId })),
    name: response.name,
    profileKey: response.profileKey,
    groups: response.groups
  } as ProvisioningResponse)
  const ciphertext = aesGcmEncrypt(key, nonce, body, envelopeAad(ProvisioningKind.RESPONSE, eph.publicKey))
  wipe(key, shared, eph.privateKey, body)
  return encode(ProvisioningEnvelope, { provisioningVersion: PROVISIONING_VERSION, kind: ProvisioningKind.RESPONSE, nonce, ciphertext, ephemeralKey: eph.publicKey } as ProvisioningEnvelope)
}

/** New device: open the RESPONSE with its ephemeral key pair and the code's secret. */
export function openLinkResponse (env: ProvisioningEnvelope, ephemeral: X25519KeyPair, secret: Uint8Array): LinkResponse {
  if (env.kind !== ProvisioningKind.RESPONSE || env.ephemeralKey.byteLength !== X25519_KEY_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'not a provisioning response')
  const shared = x25519(ephemeral.privateKey, env.ephemeralKey)
  const key = hkdfSha256(shared, secret, INFO.provisionResponse, 32)
  let body: Uint8Array
  try {
    body = aesGcmDecrypt(key, env.nonce, env.ciphertext, envelopeAad(ProvisioningKind.RESPONSE, env.ephemeralKey))
  } finally {
    wipe(key, shared)
  }
  const r = decode(ProvisioningResponse, body, MAX_PROVISIONING_BYTES, 'ProvisioningResponse')
  if (r.identitySeed.byteLength !== IDENTITY_SEED_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'ProvisioningResponse: bad identity key')
  if (!Number.isInteger(r.deviceId) || r.deviceId < 1) throw new RelaymeshError(ErrorCode.Decode, 'ProvisioningResponse: bad device id')
  if (r.profileKey.byteLength !== 0 && r.profileKey.byteLength !== PROFILE_KEY_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'ProvisioningResponse: bad profile key')
  const userId = userIdFromIdentityKey(ed25519PublicFromPrivate(r.identitySeed))
  const groups = r.groups.map((g) => checkLinkedGroup({ groupId: g.groupId, name: g.name, members: g.members, epoch: g.epoch, actor: g.actor, senderKey: g.senderKey }, userId))
  return { identitySeed: r.identitySeed, deviceId: r.deviceId, deviceList: r.deviceList, contacts: r.contacts.map((c) => ({ alias: c.alias, userId: c.userId })), name: r.name, profileKey: r.profileKey, groups }
}
