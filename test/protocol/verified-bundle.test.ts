// verifyPreKeyBundle returns the bundle branded VerifiedPreKeyBundle, and
// pqxdhInitiate / startSession then skip their own verification, but only
// for that object as it was verified: a replaced key or signature field makes
// it unverified again, and an unverified bundle is always checked.
import { strict as assert } from 'node:assert'
import { buildPreKeyBundle, generateIdentityKeyPair, generateKemPreKey, generateSignedPreKey, isVerifiedPreKeyBundle, verifyPreKeyBundle } from '../../protocol/keys.js'
import { startSession } from '../../protocol/crypto/session.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { PreKeyBundle } from '../../protocol/pb/records.js'

const NOW = 1_700_000_000_000

function bundle (): PreKeyBundle {
  const identity = generateIdentityKeyPair()
  return buildPreKeyBundle({
    identity, deviceId: 1, seq: 1, expiresAt: NOW + 1000,
    signedPreKey: generateSignedPreKey(identity, 1, NOW), kemPreKey: generateKemPreKey(identity, 2, NOW)
  })
}

const badSignature = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.BadSignature)

describe('protocol/keys VerifiedPreKeyBundle', () => {
  it('verifyPreKeyBundle returns the same object, now verified; a fresh bundle is not', () => {
    const b = bundle()
    assert.equal(isVerifiedPreKeyBundle(b), false)
    const v = verifyPreKeyBundle(b)
    assert.equal(v, b)
    assert.equal(isVerifiedPreKeyBundle(b), true)
    assert.equal(isVerifiedPreKeyBundle({ ...b }), false, 'a copy is not verified')
    startSession({ identity: generateIdentityKeyPair(), deviceId: 3, bundle: v })
  })

  it('replacing a key or signature field after verification makes the bundle unverified, and startSession checks it', () => {
    const other = bundle()
    const edits: Array<[string, (b: PreKeyBundle) => void]> = [
      ['signed prekey object', (b) => { b.signedPrekey = { ...b.signedPrekey!, signature: other.signedPrekey!.signature } }],
      ['signed prekey key', (b) => { b.signedPrekey!.publicKey = other.signedPrekey!.publicKey }],
      ['signed prekey signature', (b) => { b.signedPrekey!.signature = other.signedPrekey!.signature }],
      ['kem prekey key', (b) => { b.kemPrekey!.publicKey = other.kemPrekey!.publicKey }],
      ['kem prekey signature', (b) => { b.kemPrekey!.signature = other.kemPrekey!.signature }],
      ['kem prekey object', (b) => { b.kemPrekey = other.kemPrekey }],
      ['identity key', (b) => { b.identityKey = other.identityKey }]
    ]
    for (const [id, edit] of edits) {
      const b = bundle()
      verifyPreKeyBundle(b)
      edit(b)
      assert.equal(isVerifiedPreKeyBundle(b), false, id)
      assert.throws(() => startSession({ identity: generateIdentityKeyPair(), deviceId: 3, bundle: b }), badSignature, id)
    }
  })

  it('a bundle that failed verification is not verified', () => {
    const b = bundle()
    b.kemPrekey!.signature = bundle().kemPrekey!.signature
    assert.throws(() => verifyPreKeyBundle(b), badSignature)
    assert.equal(isVerifiedPreKeyBundle(b), false)
  })
})
