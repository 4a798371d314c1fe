import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { codeOf } from '../helpers/errors.js'
import { ED25519_SIGNATURE_BYTES, MLKEM768_PUBLIC_KEY_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode } from '../../protocol/errors.js'
import {
  buildPreKeyBundle, generateIdentityKeyPair, generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey,
  oneTimePreKeyPublic, verifyKemPreKeySignature, verifyPreKeyBundle, verifySignedPreKeySignature
} from '../../protocol/keys.js'
import { PreKeyBundle } from '../../protocol/pb/records.js'
import { ed25519PrivateToX25519, ed25519PublicToX25519, x25519PublicFromPrivate } from '../../protocol/crypto/primitives.js'

const NOW = 1_790_000_000_000

function flip (bytes: Uint8Array, index: number, bit = 0): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes)
  out[index % out.length]! ^= 1 << bit
  return out
}

describe('protocol/keys', () => {
  const identity = generateIdentityKeyPair()
  const spk = generateSignedPreKey(identity, 7, NOW)
  const kem = generateKemPreKey(identity, 9, NOW)

  function bundle (): PreKeyBundle {
    // a decoded copy, as a sender would hold it
    return PreKeyBundle.decode(PreKeyBundle.encode(buildPreKeyBundle({ identity, deviceId: 3, seq: 1, expiresAt: NOW + 1000, signedPreKey: spk, kemPreKey: kem })))
  }

  it('the identity key has an X25519 form whose private and public halves match', () => {
    const xPriv = ed25519PrivateToX25519(identity.privateKey)
    assert.deepEqual(x25519PublicFromPrivate(xPriv), ed25519PublicToX25519(identity.publicKey))
  })

  it('records carry their ids and creation time', () => {
    assert.equal(spk.id, 7)
    assert.equal(spk.createdAt, NOW)
    assert.equal(kem.id, 9)
    assert.equal(kem.keyPair.publicKey.byteLength, MLKEM768_PUBLIC_KEY_BYTES)
    assert.equal(spk.signature.byteLength, ED25519_SIGNATURE_BYTES)
    const otks = generateOneTimePreKeys(100, 3)
    assert.deepEqual(otks.map((k) => k.id), [100, 101, 102])
    assert.deepEqual(oneTimePreKeyPublic(otks[0]!).publicKey, otks[0]!.keyPair.publicKey)
  })

  it('rejects ids outside uint32 and one-time ranges that would wrap', () => {
    assert.equal(codeOf(() => generateSignedPreKey(identity, -1, NOW)), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => generateSignedPreKey(identity, 2 ** 32, NOW)), ErrorCode.InvalidArgument)
    assert.equal(codeOf(() => generateOneTimePreKeys(0xffff_fffe, 3)), ErrorCode.InvalidArgument)
    assert.equal(generateOneTimePreKeys(0xffff_fffe, 2).length, 2)
  })

  it('signed prekey signature verifies and fails when key, signature or signer change', () => {
    assert.ok(verifySignedPreKeySignature(identity.publicKey, spk.keyPair.publicKey, spk.signature))
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 0, max: 7 }), (i, bit) => {
      assert.equal(verifySignedPreKeySignature(identity.publicKey, flip(spk.keyPair.publicKey, i, bit), spk.signature), false)
      assert.equal(verifySignedPreKeySignature(identity.publicKey, spk.keyPair.publicKey, flip(spk.signature, i, bit)), false)
    }), { numRuns: 100 })
    const other = generateIdentityKeyPair()
    assert.equal(verifySignedPreKeySignature(other.publicKey, spk.keyPair.publicKey, spk.signature), false)
    // the signature covers EncodeEC(key), so it is no KEM prekey signature
    assert.equal(verifyKemPreKeySignature(identity.publicKey, spk.keyPair.publicKey, spk.signature), false)
  })

  it('KEM prekey signature verifies and fails when key, signature or signer change', () => {
    assert.ok(verifyKemPreKeySignature(identity.publicKey, kem.keyPair.publicKey, kem.signature))
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 0, max: 7 }), (i, bit) => {
      assert.equal(verifyKemPreKeySignature(identity.publicKey, flip(kem.keyPair.publicKey, i, bit), kem.signature), false)
      assert.equal(verifyKemPreKeySignature(identity.publicKey, kem.keyPair.publicKey, flip(kem.signature, i, bit)), false)
    }), { numRuns: 100 })
    assert.equal(verifyKemPreKeySignature(generateIdentityKeyPair().publicKey, kem.keyPair.publicKey, kem.signature), false)
  })

  it('builds a bundle that verifies', () => {
    const b = bundle()
    assert.equal(b.version, WIRE_VERSION)
    assert.equal(b.deviceId, 3)
    assert.equal(b.signedPrekey?.id, 7)
    assert.equal(b.kemPrekey?.id, 9)
    verifyPreKeyBundle(b)
  })

  it('verifyPreKeyBundle: BadSignature for any flipped bit of a prekey, signature or identity key', () => {
    fc.assert(fc.property(fc.constantFrom('spk', 'spkSig', 'kem', 'kemSig', 'identity'), fc.nat(), fc.integer({ min: 0, max: 7 }), (field, i, bit) => {
      const b = bundle()
      const s = b.signedPrekey!
      const k = b.kemPrekey!
      if (field === 'spk') s.publicKey = flip(s.publicKey, i, bit)
      if (field === 'spkSig') s.signature = flip(s.signature, i, bit)
      if (field === 'kem') k.publicKey = flip(k.publicKey, i, bit)
      if (field === 'kemSig') k.signature = flip(k.signature, i, bit)
      if (field === 'identity') b.identityKey = flip(b.identityKey, i, bit)
      assert.equal(codeOf(() => verifyPreKeyBundle(b)), ErrorCode.BadSignature)
    }), { numRuns: 150 })
  })

  it('verifyPreKeyBundle: Decode for missing prekeys or wrong sizes', () => {
    const cases: Array<(b: PreKeyBundle) => void> = [
      (b) => { delete b.signedPrekey },
      (b) => { delete b.kemPrekey },
      (b) => { b.identityKey = b.identityKey.slice(1) },
      (b) => { b.signedPrekey!.publicKey = new Uint8Array(33) },
      (b) => { b.signedPrekey!.signature = new Uint8Array(0) },
      (b) => { b.kemPrekey!.publicKey = b.kemPrekey!.publicKey.slice(0, 1183) },
      (b) => { b.kemPrekey!.signature = new Uint8Array(65) },
      (b) => { b.version = 2 }
    ]
    for (const mutate of cases) {
      const b = bundle()
      mutate(b)
      assert.equal(codeOf(() => verifyPreKeyBundle(b)), ErrorCode.Decode)
    }
  })
})
