import { strict as assert } from 'node:assert'
import { MAX_AVATAR_BYTES, MAX_PROFILE_NAME_LENGTH, MAX_PROFILE_RECORD_BYTES, PROFILE_NAME_RESERVE, RecordKind } from '../../protocol/constants.js'
import { ed25519GenerateKeyPair, randomBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode } from '../../protocol/errors.js'
import { decode, encode } from '../../protocol/codec.js'
import { Profile, SignedRecord } from '../../protocol/pb/records.js'
import {
  MAX_PROFILE_NAME_BYTES, decodeProfileContent, encodeProfileContent, openProfile, openProfileContent, paddedContentBytes, sealProfileContent, signProfile, sniffImageType
} from '../../protocol/profile.js'
import { openRecord, signRecord } from '../../protocol/records.js'
import { codeOf } from '../helpers/errors.js'

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
const JPEG = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0)
const GIF = new TextEncoder().encode('GIF89a')
const WEBP = Uint8Array.of(0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50)

function image (magic: Uint8Array, size: number): Uint8Array {
  const out = randomBytes(size)
  out.set(magic)
  return out
}

describe('protocol/profile: profiles sealed under the profile key', () => {
  const identity = ed25519GenerateKeyPair()
  const key = randomBytes(32)
  const now = Date.now()

  it('round trip: a signed record opens (signature) and its content opens with the profile key', () => {
    const avatar = { bytes: image(PNG, 5000), type: 'image/png' as const }
    const bytes = signProfile(identity, key, { seq: 7, expiresAt: now + 60_000 }, { name: 'Alice ✨', avatar })
    const record = openRecord(bytes, now)
    assert.equal(record.kind, RecordKind.Profile)
    assert.equal(record.seq, 7)
    const data = openProfile(record, key)
    assert.equal(data.name, 'Alice ✨')
    assert.equal(data.avatar?.type, 'image/png')
    assert.deepEqual(Buffer.from(data.avatar?.bytes ?? []), Buffer.from(avatar.bytes))
    // no avatar
    assert.deepEqual(openProfile(openRecord(signProfile(identity, key, { seq: 8, expiresAt: now + 60_000 }, { name: 'A' }), now), key), { name: 'A' })
  })

  it('the largest profile (longest name in 4-byte characters, largest avatar) fits MAX_PROFILE_RECORD_BYTES', () => {
    assert.ok(MAX_PROFILE_NAME_BYTES + 64 < PROFILE_NAME_RESERVE)
    const name = '😀'.repeat(MAX_PROFILE_NAME_LENGTH)
    const bytes = signProfile(identity, key, { seq: Number.MAX_SAFE_INTEGER, expiresAt: now + 60_000 }, { name, avatar: { bytes: image(GIF, MAX_AVATAR_BYTES), type: 'image/gif' } })
    assert.ok(bytes.byteLength <= MAX_PROFILE_RECORD_BYTES, `${bytes.byteLength}`)
    assert.ok(bytes.byteLength > 16 * 1024)
    assert.equal(openProfile(openRecord(bytes, now), key).name, name)
  })

  it('the ciphertext size depends on the avatar bucket only, never on the name', () => {
    const avatar = { bytes: image(JPEG, 3000), type: 'image/jpeg' as const }
    const sizes = new Set<number>()
    for (const name of ['A', 'Bob', 'x'.repeat(MAX_PROFILE_NAME_LENGTH), '😀'.repeat(MAX_PROFILE_NAME_LENGTH), 'Zoë Ångström']) {
      sizes.add(sealProfileContent(key, identity.publicKey, 1, { name, avatar }).byteLength)
      assert.equal(encodeProfileContent({ name, avatar }).byteLength, paddedContentBytes(3000))
    }
    assert.equal(sizes.size, 1)
    const noAvatar = new Set(['A', '😀'.repeat(MAX_PROFILE_NAME_LENGTH)].map((name) => sealProfileContent(key, identity.publicKey, 1, { name }).byteLength))
    assert.equal(noAvatar.size, 1)
    // every avatar size pads exactly (no varint boundary misses the target)
    for (let n = 1; n <= MAX_AVATAR_BYTES; n += 97) {
      assert.equal(encodeProfileContent({ name: 'n', avatar: { bytes: image(PNG, Math.max(n, 8)), type: 'image/png' } }).byteLength, paddedContentBytes(Math.max(n, 8)))
    }
  })

  it('tampering, a wrong key, another owner or another seq fail to open (DecryptFailed)', () => {
    const sealed = sealProfileContent(key, identity.publicKey, 3, { name: 'Alice' })
    assert.equal(openProfileContent(key, identity.publicKey, 3, sealed).name, 'Alice')
    for (let i = 0; i < sealed.byteLength; i += 37) {
      const bad = sealed.slice()
      bad[i] = (bad[i] as number) ^ 1
      assert.equal(codeOf(() => openProfileContent(key, identity.publicKey, 3, bad)), ErrorCode.DecryptFailed, `byte ${i}`)
    }
    assert.equal(codeOf(() => openProfileContent(randomBytes(32), identity.publicKey, 3, sealed)), ErrorCode.DecryptFailed)
    assert.equal(codeOf(() => openProfileContent(key, ed25519GenerateKeyPair().publicKey, 3, sealed)), ErrorCode.DecryptFailed)
    assert.equal(codeOf(() => openProfileContent(key, identity.publicKey, 4, sealed)), ErrorCode.DecryptFailed)
    assert.equal(codeOf(() => openProfileContent(key, identity.publicKey, 3, sealed.subarray(0, 20))), ErrorCode.DecryptFailed)
    // a ciphertext moved into a record of another seq (re-signed by its owner) does not open either
    const record = openRecord(signProfile(identity, key, { seq: 5, expiresAt: now + 60_000 }, { name: 'Alice' }), now)
    const moved = signRecord(identity, { kind: RecordKind.Profile, body: { ...(record.body as Profile), seq: 6 } })
    assert.equal(codeOf(() => openProfile(openRecord(moved, now), key)), ErrorCode.DecryptFailed)
  })

  it('a tampered signed record is refused by openRecord (BadSignature)', () => {
    const bytes = signProfile(identity, key, { seq: 1, expiresAt: now + 60_000 }, { name: 'Alice' })
    const outer = decode(SignedRecord, bytes, MAX_PROFILE_RECORD_BYTES, 'SignedRecord')
    const body = decode(Profile, outer.body, MAX_PROFILE_RECORD_BYTES, 'Profile')
    body.ciphertext[40] = (body.ciphertext[40] as number) ^ 1
    const forged = encode(SignedRecord, { ...outer, body: encode(Profile, body) })
    assert.equal(codeOf(() => openRecord(forged, now)), ErrorCode.BadSignature)
  })

  it('names: 1..MAX_PROFILE_NAME_LENGTH characters, no control characters', () => {
    const seal = (name: string): Uint8Array => sealProfileContent(key, identity.publicKey, 1, { name })
    assert.equal(codeOf(() => seal('')), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => seal('   ')), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => seal('x'.repeat(MAX_PROFILE_NAME_LENGTH + 1))), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => seal('😀'.repeat(MAX_PROFILE_NAME_LENGTH))), undefined)
    for (const bad of ['a\nb', 'a\u0000', 'tab\there', 'a\u007f', 'evil\u202Etxt.exe', 'a\u2028b', 'lone\uD800']) {
      assert.equal(codeOf(() => seal(bad)), ErrorCode.InvalidArgument, JSON.stringify(bad))
    }
  })

  it('avatars: at most MAX_AVATAR_BYTES, PNG/JPEG/GIF/WebP by their magic bytes only', () => {
    assert.equal(sniffImageType(image(PNG, 100)), 'image/png')
    assert.equal(sniffImageType(image(JPEG, 100)), 'image/jpeg')
    assert.equal(sniffImageType(image(GIF, 100)), 'image/gif')
    assert.equal(sniffImageType(image(WEBP, 100)), 'image/webp')
    assert.equal(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined)
    assert.equal(sniffImageType(Uint8Array.of(0x89, 0x50)), undefined)
    const seal = (bytes: Uint8Array, type: string): unknown => sealProfileContent(key, identity.publicKey, 1, { name: 'A', avatar: { bytes, type: type as 'image/png' } })
    assert.equal(codeOf(() => seal(image(PNG, MAX_AVATAR_BYTES + 1), 'image/png')), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => seal(randomBytes(100).fill(0x41), 'image/png')), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => seal(image(JPEG, 100), 'image/png')), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => seal(new Uint8Array(0), 'image/png')), ErrorCode.InvalidArgument)
  })

  it('decoding refuses content a sealer would not produce (Decode)', () => {
    const good = encodeProfileContent({ name: 'A', avatar: { bytes: image(PNG, 100), type: 'image/png' } })
    assert.equal(decodeProfileContent(good).name, 'A')
    // unpadded
    assert.equal(codeOf(() => decodeProfileContent(good.subarray(0, 200))), ErrorCode.Decode)
    // nonzero padding
    const bad = good.slice()
    bad[bad.byteLength - 1] = 1
    assert.equal(codeOf(() => decodeProfileContent(bad)), ErrorCode.Decode)
    // oversized
    assert.equal(codeOf(() => decodeProfileContent(new Uint8Array(64 * 1024))), ErrorCode.Decode)
  })
})
