import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { codeOf } from '../../helpers/errors.js'
import { INFO, MLKEM768_CIPHERTEXT_BYTES, PEER_IDENTITY_CACHE_SIZE } from '../../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import {
  buildPreKeyBundle, generateIdentityKeyPair, generateKemPreKey, generateOneTimePreKeys, generateSignedPreKey,
  oneTimePreKeyPublic, type KemPreKeyRecord, type OneTimePreKeyRecord, type SignedPreKeyRecord
} from '../../../protocol/keys.js'
import type { PreKeyBundle } from '../../../protocol/pb/records.js'
import { encodeEC } from '../../../protocol/crypto/encoding.js'
import {
  pqxdhAssociatedData, pqxdhInitiate, pqxdhRespond, type PqxdhHeader, type PqxdhPreKeySource
} from '../../../protocol/crypto/pqxdh.js'
import {
  concat, ed25519PrivateToX25519, ed25519PublicToX25519, ed25519Sign, hkdfSha256, mlkemDecapsulate, x25519,
  x25519GenerateKeyPair
} from '../../../protocol/crypto/primitives.js'

const NOW = 1_790_000_000_000

function flip (bytes: Uint8Array, index: number, bit = 0): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes)
  out[index % out.length]! ^= 1 << bit
  return out
}

describe('protocol/crypto/pqxdh', () => {
  const alice = generateIdentityKeyPair()
  const bob = generateIdentityKeyPair()
  const spk = generateSignedPreKey(bob, 1, NOW)
  const kem = generateKemPreKey(bob, 2, NOW)
  const otks = generateOneTimePreKeys(10, 4)

  const source = (extra: Partial<PqxdhPreKeySource> = {}): PqxdhPreKeySource => ({
    signedPreKey: (id): SignedPreKeyRecord | undefined => (id === spk.id ? spk : undefined),
    kemPreKey: (id): KemPreKeyRecord | undefined => (id === kem.id ? kem : undefined),
    oneTimePreKey: (id): OneTimePreKeyRecord | undefined => otks.find((k) => k.id === id),
    ...extra
  })

  const bundle = (): PreKeyBundle => buildPreKeyBundle({ identity: bob, deviceId: 1, seq: 1, expiresAt: NOW + 1, signedPreKey: spk, kemPreKey: kem })

  for (const withOtk of [false, true]) {
    it(`both sides derive the same SK and AD ${withOtk ? 'with' : 'without'} a one-time prekey`, () => {
      const a = pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle(), oneTimePreKey: withOtk ? oneTimePreKeyPublic(otks[1]!) : undefined })
      assert.equal(a.sharedSecret.byteLength, 32)
      assert.equal(a.header.kemCiphertext.byteLength, MLKEM768_CIPHERTEXT_BYTES)
      assert.equal(a.header.oneTimePreKeyId, withOtk ? 11 : undefined)
      const b = pqxdhRespond({ identity: bob, header: a.header, preKeys: source() })
      assert.deepEqual(b.sharedSecret, a.sharedSecret)
      assert.deepEqual(b.associatedData, a.associatedData)
      assert.equal(b.signedPreKey, spk)
      assert.equal(b.oneTimePreKeyId, withOtk ? 11 : undefined)
    })
  }

  it('SK is KDF(DH1 || DH2 || DH3 || DH4 || SS) of PQXDH §2.2 / §3.3', () => {
    const ek = x25519GenerateKeyPair()
    const ekPriv = ek.privateKey.slice() // pqxdhInitiate wipes EK_A's private key
    const otk = otks[2]!
    const a = pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle(), oneTimePreKey: oneTimePreKeyPublic(otk), ephemeral: ek })
    assert.ok(ek.privateKey.every((x) => x === 0), 'EK_A private key is erased')
    const ikA = ed25519PrivateToX25519(alice.privateKey)
    const ikB = ed25519PublicToX25519(bob.publicKey)
    const km = concat(
      x25519(ikA, spk.keyPair.publicKey),
      x25519(ekPriv, ikB),
      x25519(ekPriv, spk.keyPair.publicKey),
      x25519(ekPriv, otk.keyPair.publicKey),
      mlkemDecapsulate(a.header.kemCiphertext, kem.keyPair.secretKey)
    )
    const expected = hkdfSha256(concat(new Uint8Array(32).fill(0xff), km), new Uint8Array(32), INFO.pqxdh, 32)
    assert.deepEqual(a.sharedSecret, expected)
    const ad = concat(encodeEC(ed25519PublicToX25519(alice.publicKey)), encodeEC(ikB), alice.publicKey, bob.publicKey, Uint8Array.of(0, 0, 0, 5))
    assert.deepEqual(a.associatedData, ad)
    assert.deepEqual(pqxdhAssociatedData(alice.publicKey, 5, bob.publicKey), ad)
  })

  it('Alice rejects a bad signature on the signed prekey or on the ML-KEM prekey (BadSignature)', () => {
    fc.assert(fc.property(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 7 }), (onSpk, i, bit) => {
      const b = bundle()
      if (onSpk) b.signedPrekey!.signature = flip(b.signedPrekey!.signature, i, bit)
      else b.kemPrekey!.signature = flip(b.kemPrekey!.signature, i, bit)
      assert.equal(codeOf(() => pqxdhInitiate({ identity: alice, deviceId: 5, bundle: b })), ErrorCode.BadSignature)
    }), { numRuns: 40 })
    // a prekey signed by someone else, or a swapped key under a valid signature
    const mallory = generateIdentityKeyPair()
    const forged = bundle()
    const evil = x25519GenerateKeyPair()
    forged.signedPrekey!.publicKey = evil.publicKey as Uint8Array<ArrayBuffer>
    forged.signedPrekey!.signature = ed25519Sign(mallory.privateKey, encodeEC(evil.publicKey)) as Uint8Array<ArrayBuffer>
    const ek = x25519GenerateKeyPair()
    assert.equal(codeOf(() => pqxdhInitiate({ identity: alice, deviceId: 5, bundle: forged, ephemeral: ek })), ErrorCode.BadSignature)
    assert.ok(ek.privateKey.every((x) => x === 0), 'a supplied EK_A is wiped on failure too')
  })

  it('Alice rejects a one-time prekey of the wrong size or not canonically encoded (Decode)', () => {
    for (const publicKey of [new Uint8Array(31), flip(otks[0]!.keyPair.publicKey, 31, 7)]) {
      const otk = { id: 1, publicKey }
      assert.equal(codeOf(() => pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle(), oneTimePreKey: otk })), ErrorCode.Decode)
    }
  })

  it('Bob rejects unknown prekey ids (UnknownPreKey)', () => {
    const a = pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle(), oneTimePreKey: oneTimePreKeyPublic(otks[0]!) })
    const cases: Array<Partial<PqxdhHeader>> = [{ signedPreKeyId: 99 }, { kemPreKeyId: 99 }, { oneTimePreKeyId: 99 }]
    for (const change of cases) {
      const header = { ...a.header, ...change }
      assert.equal(codeOf(() => pqxdhRespond({ identity: bob, header, preKeys: source() })), ErrorCode.UnknownPreKey)
    }
    // a used (removed) one-time prekey
    const noOtk = source({ oneTimePreKey: () => undefined })
    assert.equal(codeOf(() => pqxdhRespond({ identity: bob, header: a.header, preKeys: noOtk })), ErrorCode.UnknownPreKey)
  })

  it('Bob rejects malformed header fields (Decode)', () => {
    const a = pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle() })
    const cases: Array<Partial<PqxdhHeader>> = [
      { identityKey: a.header.identityKey.slice(1) },
      { ephemeralKey: new Uint8Array(33) },
      { ephemeralKey: new Uint8Array(32) }, // low order (zero point)
      { ephemeralKey: flip(a.header.ephemeralKey, 31, 7) }, // bit 255 set: X25519 would ignore it
      { ephemeralKey: Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]) }, // u = p
      { kemCiphertext: a.header.kemCiphertext.slice(1) }
    ]
    for (const change of cases) {
      const header = { ...a.header, ...change }
      assert.equal(codeOf(() => pqxdhRespond({ identity: bob, header, preKeys: source() })), ErrorCode.Decode)
    }
  })

  it('any change to the identity key, ephemeral key or KEM ciphertext changes SK or AD, or is refused', () => {
    const a = pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle(), oneTimePreKey: oneTimePreKeyPublic(otks[3]!) })
    fc.assert(fc.property(fc.constantFrom('identityKey', 'ephemeralKey', 'kemCiphertext'), fc.nat(), fc.integer({ min: 0, max: 7 }), (field, i, bit) => {
      const header = { ...a.header, [field]: flip(a.header[field as 'identityKey'], i, bit) }
      let b
      try {
        b = pqxdhRespond({ identity: bob, header, preKeys: source() })
      } catch (err) {
        assert.ok(RelaymeshError.is(err, ErrorCode.Decode), String(err))
        return
      }
      assert.ok(!(Buffer.from(b.sharedSecret).equals(a.sharedSecret) && Buffer.from(b.associatedData).equals(a.associatedData)))
    }), { numRuns: 60 })
  })

  it('a changed device id changes AD', () => {
    const a = pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle() })
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff_ffff }).filter((d) => d !== 5), (deviceId) => {
      const b = pqxdhRespond({ identity: bob, header: { ...a.header, deviceId }, preKeys: source() })
      assert.notDeepEqual(b.associatedData, a.associatedData)
    }), { numRuns: 20 })
  })

  it('AD stays right for more peer identities than the identity cache holds; invalid keys are never cached', () => {
    const expected = (a: Uint8Array, b: Uint8Array): Uint8Array =>
      concat(encodeEC(ed25519PublicToX25519(a)), encodeEC(ed25519PublicToX25519(b)), a, b, Uint8Array.of(0, 0, 0, 1))
    const peers = Array.from({ length: PEER_IDENTITY_CACHE_SIZE + 20 }, () => generateIdentityKeyPair().publicKey)
    for (const p of peers) assert.deepEqual(pqxdhAssociatedData(p, 1, bob.publicKey), expected(p, bob.publicKey))
    for (const p of [peers[0]!, peers[peers.length - 1]!]) {
      assert.deepEqual(pqxdhAssociatedData(p.slice(), 1, bob.publicKey), expected(p, bob.publicKey))
    }
    // y = 2 is not on the curve: refused every time, not remembered
    const invalid = new Uint8Array(32)
    invalid[0] = 2
    for (let i = 0; i < 2; i++) assert.equal(codeOf(() => pqxdhAssociatedData(invalid, 1, bob.publicKey)), ErrorCode.Decode)
  })

  it('a flipped sign bit of IK_A (same X25519 form) still changes AD', () => {
    const a = pqxdhInitiate({ identity: alice, deviceId: 5, bundle: bundle() })
    const negated = flip(alice.publicKey, 31, 7)
    assert.deepEqual(ed25519PublicToX25519(negated), ed25519PublicToX25519(alice.publicKey))
    const b = pqxdhRespond({ identity: bob, header: { ...a.header, identityKey: negated }, preKeys: source() })
    assert.deepEqual(b.sharedSecret, a.sharedSecret)
    assert.notDeepEqual(b.associatedData, a.associatedData)
  })
})
