import { strict as assert } from 'node:assert'
import { hkdfSync, createPublicKey, createPrivateKey } from 'node:crypto'
import fc from 'fast-check'
import { INFO, MAX_PRESENCE_BLOB_BYTES, MAX_PRESENCE_LIFETIME_MS, PROFILE_KEY_BYTES } from '../../protocol/constants.js'
import { ed25519Verify, randomBytes, sha256 } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { PresenceBlob } from '../../protocol/pb/records.js'
import { dayOf, DAY_MS, openPresenceBlob, presenceId, presenceKey, presenceKeyPair, sealPresence, verifyPresenceBlob } from '../../protocol/presence.js'

const NOW = 1_780_000_000_000
const profileKeys = fc.uint8Array({ minLength: PROFILE_KEY_BYTES, maxLength: PROFILE_KEY_BYTES })

function isCode (code: ErrorCode) {
  return (err: unknown): boolean => RelaymeshError.is(err, code) || assert.fail(`expected ${code}, got ${String(err)}`)
}

function blobOf (key: Uint8Array, online = true, at = NOW, seq = 7, expiresAt = NOW + 60_000, deviceId = 1): Uint8Array {
  return sealPresence(key, deviceId, { online, at, seq, expiresAt })
}

describe('protocol/presence: contacts-only presence blobs', () => {
  it('derives the presence key and the per-device, per-day seed with HKDF-SHA256 as specified', () => {
    fc.assert(fc.property(profileKeys, fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 100_000 }), (profileKey, deviceId, day) => {
      const key = presenceKey(profileKey)
      assert.deepEqual(Buffer.from(key), Buffer.from(hkdfSync('sha256', profileKey, new Uint8Array(0), INFO.presenceKey, 32)))
      const info = Buffer.alloc(INFO.presenceSeed.byteLength + 8)
      info.set(INFO.presenceSeed)
      info.writeUInt32BE(deviceId, INFO.presenceSeed.byteLength)
      info.writeUInt32BE(day, INFO.presenceSeed.byteLength + 4)
      const seed = Buffer.from(hkdfSync('sha256', key, new Uint8Array(0), info, 32))
      const pair = presenceKeyPair(key, deviceId, day)
      assert.deepEqual(Buffer.from(pair.privateKey), seed)
      // the public key is the Ed25519 key of that seed: a node:crypto signature with it verifies
      const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' })
      const der = createPublicKey(priv).export({ format: 'der', type: 'spki' })
      assert.deepEqual(Buffer.from(pair.publicKey), der.subarray(der.byteLength - 32))
      assert.deepEqual(Buffer.from(presenceId(key, deviceId, day)), Buffer.from(sha256(pair.publicKey)))
    }), { numRuns: 30 })
  })

  it('seals, verifies and opens: the id is the one a contact computes for that device and day', () => {
    fc.assert(fc.property(profileKeys, fc.boolean(), fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 3 * DAY_MS }), fc.integer({ min: 1, max: MAX_PRESENCE_LIFETIME_MS }),
      (profileKey, online, deviceId, offset, life) => {
        const key = presenceKey(profileKey)
        const at = NOW + offset
        const bytes = sealPresence(key, deviceId, { online, at, seq: at * 2, expiresAt: at + life })
        assert.ok(bytes.byteLength <= MAX_PRESENCE_BLOB_BYTES)
        const v = verifyPresenceBlob(bytes, at)
        assert.deepEqual(Buffer.from(v.id), Buffer.from(presenceId(key, deviceId, dayOf(at))))
        assert.deepEqual(openPresenceBlob(key, v), { online, at, seq: at * 2, expiresAt: at + life })
        // another day or device: another id
        assert.notDeepEqual(Buffer.from(v.id), Buffer.from(presenceId(key, deviceId, dayOf(at) + 1)))
        assert.notDeepEqual(Buffer.from(v.id), Buffer.from(presenceId(key, deviceId + 1, dayOf(at))))
      }), { numRuns: 40 })
  })

  it('online and offline blobs have the same size, and nothing in them is the profile or presence key', () => {
    const profileKey = randomBytes(32)
    const key = presenceKey(profileKey)
    const on = blobOf(key, true)
    const off = blobOf(key, false, NOW, 8)
    assert.equal(on.byteLength, off.byteLength)
    for (const b of [on, off]) {
      assert.ok(!Buffer.from(b).includes(Buffer.from(profileKey)))
      assert.ok(!Buffer.from(b).includes(Buffer.from(key)))
    }
  })

  it('the signature covers CONTEXT.presence || u64 seq || u64 expires_at || ciphertext', () => {
    const key = presenceKey(randomBytes(32))
    const blob = PresenceBlob.decode(blobOf(key))
    const head = Buffer.alloc(16)
    head.writeBigUInt64BE(BigInt(blob.seq), 0)
    head.writeBigUInt64BE(BigInt(blob.expiresAt), 8)
    const signed = Buffer.concat([Buffer.from('relaymesh/presence/v1'), head, blob.ciphertext])
    assert.equal(ed25519Verify(blob.publicKey, signed, blob.signature), true)
  })

  it('any changed byte is refused (decode, canonical form, signature or expiry); nothing tampered opens', () => {
    const key = presenceKey(randomBytes(32))
    const bytes = blobOf(key)
    fc.assert(fc.property(fc.integer({ min: 0, max: bytes.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
      const bad = bytes.slice()
      bad[at] = (bad[at] as number) ^ flip
      let v
      try {
        v = verifyPresenceBlob(bad, NOW)
      } catch (err) {
        assert.ok(RelaymeshError.is(err) && [ErrorCode.Decode, ErrorCode.BadSignature, ErrorCode.Expired].includes(err.code), String(err))
        return
      }
      // a flip that still decodes to a valid, correctly signed blob would be a forgery
      assert.fail(`tampered byte ${at} accepted (seq ${v.seq})`)
    }), { numRuns: 300 })
  })

  it('a re-signed blob under another key does not open under the contact\'s key; a wrong key does not open', () => {
    const key = presenceKey(randomBytes(32))
    const other = presenceKey(randomBytes(32))
    const v = verifyPresenceBlob(blobOf(key), NOW)
    assert.throws(() => openPresenceBlob(other, v), isCode(ErrorCode.DecryptFailed))
    // the ciphertext moved under another (valid) public key: aad differs, so it does not open
    const theirs = PresenceBlob.decode(blobOf(key))
    const pair = presenceKeyPair(other, 1, dayOf(NOW))
    const moved = sealPresence(other, 1, { online: true, at: NOW, seq: 9, expiresAt: NOW + 60_000 })
    const m = PresenceBlob.decode(moved)
    assert.deepEqual(Buffer.from(m.publicKey), Buffer.from(pair.publicKey))
    const spliced = verifyPresenceBlob(moved, NOW)
    assert.throws(() => openPresenceBlob(other, { ...spliced, ciphertext: theirs.ciphertext }), isCode(ErrorCode.DecryptFailed))
  })

  it('refuses oversize, non-canonical, expired and too-far-ahead blobs', () => {
    const key = presenceKey(randomBytes(32))
    assert.throws(() => verifyPresenceBlob(new Uint8Array(MAX_PRESENCE_BLOB_BYTES + 1), NOW), isCode(ErrorCode.Decode))
    const bytes = blobOf(key)
    // an unknown field appended: decodes, but not canonical (a new gossip id for the same blob)
    assert.throws(() => verifyPresenceBlob(Buffer.concat([bytes, Buffer.from([0x78, 0x01])]), NOW), isCode(ErrorCode.Decode))
    assert.throws(() => verifyPresenceBlob(bytes, NOW + 60_000), isCode(ErrorCode.Expired))
    const far = blobOf(key, true, NOW, 1, NOW + MAX_PRESENCE_LIFETIME_MS + 1)
    assert.throws(() => verifyPresenceBlob(far, NOW), isCode(ErrorCode.Decode))
    assert.doesNotThrow(() => verifyPresenceBlob(far, NOW + 1))
    assert.throws(() => presenceKey(randomBytes(16)), isCode(ErrorCode.InvalidArgument))
  })
})
