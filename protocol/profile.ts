// Profiles (docs/protocol.md, "Profiles"): a display name and an avatar,
// encrypted under the user's profile key, which only the user's devices and
// contacts hold, and published as a SignedRecord of RecordKind.Profile.
//
//   content key = HKDF-SHA256(ikm = profile key, salt = empty, info = INFO.profileContent, 32)
//   aad         = identity key (32) || u64be(seq)
//   ciphertext  = nonce (12, random) || AES-256-GCM(content key, nonce, padded ProfileContent, aad)
//
// The encoded ProfileContent is padded (its `padding` field, zeros) to
// roundUp(avatar bytes + PROFILE_NAME_RESERVE, PROFILE_PAD_BLOCK) bytes: the
// size a relay sees depends on the avatar's size (in 1 KiB steps) only, never
// on the name. The aad binds the ciphertext to its owner and record seq, so a
// ciphertext cannot be moved into another user's record or another version.
import {
  ED25519_PUBLIC_KEY_BYTES, INFO, MAX_AVATAR_BYTES, MAX_PROFILE_NAME_LENGTH, PROFILE_KEY_BYTES, PROFILE_NAME_RESERVE, PROFILE_PAD_BLOCK, RecordKind, WIRE_VERSION
} from './constants.js'
import { decode, encode } from './codec.js'
import { AES_GCM_NONCE_BYTES, aesGcmDecrypt, aesGcmEncrypt, concat, hkdfSha256, randomBytes, wipe, type Ed25519KeyPair } from './crypto/primitives.js'
import { ErrorCode, RelaymeshError } from './errors.js'
import { ProfileContent } from './pb/records.js'
import { signRecord, type VerifiedRecord } from './records.js'

export type AvatarType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp'

export interface Avatar {
  bytes: Uint8Array
  type: AvatarType
}

/** What a profile says, in the clear. */
export interface ProfileData {
  name: string
  avatar?: Avatar
}

/** the largest padded ProfileContent: what openProfileContent decodes at most */
export const MAX_PROFILE_CONTENT_BYTES = Math.ceil((MAX_AVATAR_BYTES + PROFILE_NAME_RESERVE) / PROFILE_PAD_BLOCK) * PROFILE_PAD_BLOCK

const te = new TextEncoder()

/** The image type of `bytes` from its magic bytes (PNG, JPEG, GIF, WebP), or undefined. */
export function sniffImageType (bytes: Uint8Array): AvatarType | undefined {
  const at = (offset: number, ...expected: number[]): boolean => expected.every((b, i) => bytes[offset + i] === b)
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (at(4, 0x37, 0x61) || at(4, 0x39, 0x61))) return 'image/gif' // GIF87a / GIF89a
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp' // RIFF....WEBP
  return undefined
}

// C0/C1 controls, line and paragraph separators, and the bidirectional
// embedding/override/isolate controls (a name must not reorder what follows it)
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u

/** The reason `name` is not a valid profile name, or undefined when it is. */
export function profileNameProblem (name: unknown): string | undefined {
  if (typeof name !== 'string') return 'name must be a string'
  const chars = [...name].length
  if (name.trim() === '') return 'name must not be empty'
  if (chars > MAX_PROFILE_NAME_LENGTH) return `name has ${chars} characters; at most ${MAX_PROFILE_NAME_LENGTH}`
  if (FORBIDDEN_IN_NAME.test(name)) return 'name must not contain control characters'
  if (/\p{Cs}/u.test(name)) return 'name is not well-formed Unicode (a lone surrogate)'
  return undefined
}

/** The avatar as published: bounded, and of a type its bytes show (`code` names the error). */
export function checkAvatar (bytes: Uint8Array, code: ErrorCode = ErrorCode.InvalidArgument): Avatar {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0) throw new RelaymeshError(code, 'avatar: no image bytes')
  if (bytes.byteLength > MAX_AVATAR_BYTES) throw new RelaymeshError(code, `avatar: ${bytes.byteLength} bytes; at most ${MAX_AVATAR_BYTES}`)
  const type = sniffImageType(bytes)
  if (type === undefined) throw new RelaymeshError(code, 'avatar: not a PNG, JPEG, GIF or WebP image')
  return { bytes, type }
}

function contentKey (profileKey: Uint8Array): Uint8Array {
  if (!(profileKey instanceof Uint8Array) || profileKey.byteLength !== PROFILE_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `profile key: expected ${PROFILE_KEY_BYTES} bytes`)
  }
  return hkdfSha256(profileKey, new Uint8Array(0), INFO.profileContent, 32)
}

function aadOf (identityKey: Uint8Array, seq: number): Uint8Array {
  if (!(identityKey instanceof Uint8Array) || identityKey.byteLength !== ED25519_PUBLIC_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `identity key: expected ${ED25519_PUBLIC_KEY_BYTES} bytes`)
  }
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RelaymeshError(ErrorCode.InvalidArgument, `seq ${seq} is not a safe unsigned integer`)
  const s = new Uint8Array(8)
  new DataView(s.buffer).setBigUint64(0, BigInt(seq))
  return concat(identityKey, s)
}

function varintLength (n: number): number {
  let len = 1
  while (n >= 0x80) { n = Math.floor(n / 0x80); len++ }
  return len
}

/** The padded size of a ProfileContent with `avatarBytes` bytes of avatar. */
export function paddedContentBytes (avatarBytes: number): number {
  return Math.ceil((avatarBytes + PROFILE_NAME_RESERVE) / PROFILE_PAD_BLOCK) * PROFILE_PAD_BLOCK
}

/** The encoded ProfileContent of `data`, padded to paddedContentBytes(avatar size). */
export function encodeProfileContent (data: ProfileData): Uint8Array {
  const problem = profileNameProblem(data.name)
  if (problem !== undefined) throw new RelaymeshError(ErrorCode.InvalidArgument, `profile ${problem}`)
  const avatar = data.avatar === undefined ? undefined : checkAvatar(data.avatar.bytes)
  if (avatar !== undefined && data.avatar?.type !== avatar.type) throw new RelaymeshError(ErrorCode.InvalidArgument, `avatar: the bytes are ${avatar.type}, not ${String(data.avatar?.type)}`)
  const body = { version: WIRE_VERSION, name: data.name, avatar: avatar?.bytes ?? new Uint8Array(0), avatarType: avatar?.type ?? '' }
  const bare = encode(ProfileContent, body).byteLength
  const target = paddedContentBytes(avatar?.bytes.byteLength ?? 0)
  // the padding field: 1 tag byte, a varint length, the zeros; find the length that lands on `target` exactly
  const need = target - bare
  for (let lenBytes = 1; lenBytes <= 3; lenBytes++) {
    const pad = need - 1 - lenBytes
    if (pad >= 0 && varintLength(pad) === lenBytes) {
      const out = encode(ProfileContent, { ...body, padding: new Uint8Array(pad) })
      if (out.byteLength !== target) break
      return out
    }
  }
  // PROFILE_NAME_RESERVE leaves at least ~200 bytes of padding, far from a varint boundary
  throw new RelaymeshError(ErrorCode.InvalidState, `unreachable: ProfileContent of ${bare} bytes cannot be padded to ${target}`)
}

/** Decode a ProfileContent and check it as openProfileContent does (Decode on any fault). */
export function decodeProfileContent (bytes: Uint8Array): ProfileData {
  const c = decode(ProfileContent, bytes, MAX_PROFILE_CONTENT_BYTES, 'ProfileContent')
  const problem = profileNameProblem(c.name)
  if (problem !== undefined) throw new RelaymeshError(ErrorCode.Decode, `ProfileContent: ${problem}`)
  if (bytes.byteLength !== paddedContentBytes(c.avatar.byteLength)) throw new RelaymeshError(ErrorCode.Decode, 'ProfileContent: not padded to its bucket')
  if (c.padding.some((b) => b !== 0)) throw new RelaymeshError(ErrorCode.Decode, 'ProfileContent: padding is not zeros')
  if (c.avatar.byteLength === 0) {
    if (c.avatarType !== '') throw new RelaymeshError(ErrorCode.Decode, 'ProfileContent: an avatar type without an avatar')
    return { name: c.name }
  }
  const avatar = checkAvatar(c.avatar, ErrorCode.Decode)
  if (avatar.type !== c.avatarType) throw new RelaymeshError(ErrorCode.Decode, `ProfileContent: avatar says ${c.avatarType}, its bytes are ${avatar.type}`)
  return { name: c.name, avatar: { bytes: c.avatar.slice(), type: avatar.type } }
}

/** Profile.ciphertext for `data`: nonce || AES-256-GCM under the profile key's content key, bound to owner and seq. */
export function sealProfileContent (profileKey: Uint8Array, identityKey: Uint8Array, seq: number, data: ProfileData): Uint8Array {
  const aad = aadOf(identityKey, seq)
  const plaintext = encodeProfileContent(data)
  const key = contentKey(profileKey)
  const nonce = randomBytes(AES_GCM_NONCE_BYTES)
  try {
    return concat(nonce, aesGcmEncrypt(key, nonce, plaintext, aad))
  } finally {
    wipe(key, plaintext)
  }
}

/** Open Profile.ciphertext: DecryptFailed for a wrong key, another owner or seq, or tampering; Decode for bad content. */
export function openProfileContent (profileKey: Uint8Array, identityKey: Uint8Array, seq: number, ciphertext: Uint8Array): ProfileData {
  const aad = aadOf(identityKey, seq)
  if (!(ciphertext instanceof Uint8Array) || ciphertext.byteLength < AES_GCM_NONCE_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'profile ciphertext too short')
  const key = contentKey(profileKey)
  let plaintext: Uint8Array
  try {
    plaintext = aesGcmDecrypt(key, ciphertext.subarray(0, AES_GCM_NONCE_BYTES), ciphertext.subarray(AES_GCM_NONCE_BYTES), aad)
  } finally {
    wipe(key)
  }
  return decodeProfileContent(plaintext)
}

/** A signed Profile record of `identity`'s user: `data` sealed under `profileKey`. */
export function signProfile (identity: Ed25519KeyPair, profileKey: Uint8Array, record: { seq: number, expiresAt: number }, data: ProfileData): Uint8Array {
  const ciphertext = sealProfileContent(profileKey, identity.publicKey, record.seq, data)
  return signRecord(identity, {
    kind: RecordKind.Profile,
    body: { version: WIRE_VERSION, identityKey: identity.publicKey as Uint8Array<ArrayBuffer>, seq: record.seq, expiresAt: record.expiresAt, ciphertext: ciphertext as Uint8Array<ArrayBuffer> }
  })
}

/** The profile inside a verified Profile record (protocol/records.ts openRecord), opened with `profileKey`. */
export function openProfile (record: VerifiedRecord, profileKey: Uint8Array): ProfileData {
  if (record.kind !== RecordKind.Profile) throw new RelaymeshError(ErrorCode.InvalidArgument, `not a profile record: ${RecordKind[record.kind]}`)
  return openProfileContent(profileKey, record.identityKey, record.seq, record.body.ciphertext)
}

/** UTF-8 bytes of the longest name: what PROFILE_NAME_RESERVE must leave room for (checked by the tests). */
export const MAX_PROFILE_NAME_BYTES = te.encode('\u{10FFFF}').byteLength * MAX_PROFILE_NAME_LENGTH
