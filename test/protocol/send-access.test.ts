import { strict as assert } from 'node:assert'
import ProfileKey from '@signalapp/libsignal-client/dist/zkgroup/profiles/ProfileKey.js'
import fc from 'fast-check'
import { ACCESS_KEY_BYTES, PROFILE_KEY_BYTES } from '../../protocol/constants.js'
import { randomBytes, sha256, concat } from '../../protocol/crypto/primitives.js'
import { leadingZeroBits } from '../../protocol/proof-of-work.js'
import { accessKeyMatches, accessVerifier, deriveAccessKey, makeStamp, stampBitsFor, stampChallenge, stampWork, type StampedRequest } from '../../protocol/send-access.js'

function request (): StampedRequest {
  return { envelopeId: randomBytes(16), payload: randomBytes(300), mailboxes: [randomBytes(32), randomBytes(32)], minute: 29_000_000 }
}

describe('protocol/send-access: unidentified access keys and stamps', () => {
  it('derives the access key exactly as libsignal\'s ProfileKey.deriveAccessKey', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: PROFILE_KEY_BYTES, maxLength: PROFILE_KEY_BYTES }), (profileKey) => {
      const ours = deriveAccessKey(profileKey)
      assert.equal(ours.byteLength, ACCESS_KEY_BYTES)
      assert.deepEqual(Buffer.from(ours), Buffer.from(new ProfileKey(Buffer.from(profileKey)).deriveAccessKey()))
    }), { numRuns: 50 })
  })

  it('a verifier opens for its key only, and an empty verifier for none', () => {
    const key = deriveAccessKey(randomBytes(32))
    const verifier = accessVerifier(key)
    assert.equal(accessKeyMatches(verifier, key), true)
    assert.equal(accessKeyMatches(verifier, deriveAccessKey(randomBytes(32))), false)
    assert.equal(accessKeyMatches(verifier, key.slice(0, 15)), false)
    assert.equal(accessKeyMatches(new Uint8Array(0), key), false)
  })

  it('a stamp carries the work it was made for, bound to every field of the request', () => {
    const req = request()
    const stamp = makeStamp(req, 10)
    assert.ok(stampWork(req, stamp) >= 10)
    assert.equal(leadingZeroBits(sha256(concat(stampChallenge(req), stamp))), stampWork(req, stamp))
    // any change to what it covers loses the work (all but by chance: 2^-10 each)
    const changed: StampedRequest[] = [
      { ...req, envelopeId: randomBytes(16) },
      { ...req, payload: randomBytes(300) },
      { ...req, mailboxes: [req.mailboxes[1] as Uint8Array, req.mailboxes[0] as Uint8Array] },
      { ...req, mailboxes: [req.mailboxes[0] as Uint8Array] },
      { ...req, minute: req.minute + 1 }
    ]
    const kept = changed.filter((c) => stampWork(c, stamp) >= 10).length
    assert.ok(kept <= 1, `${kept} changed requests kept the stamp's work`)
    assert.equal(stampWork(req, stamp.slice(0, 7)), 0)
  })

  it('costs one more bit each time the uncovered mailboxes double', () => {
    assert.equal(stampBitsFor(18, 0), 0)
    assert.equal(stampBitsFor(18, 1), 18)
    assert.equal(stampBitsFor(18, 2), 19)
    assert.equal(stampBitsFor(18, 3), 20)
    assert.equal(stampBitsFor(18, 4), 20)
    assert.equal(stampBitsFor(18, 256), 26)
  })
})
