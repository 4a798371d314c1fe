import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ContentType, MAX_SEALED_SENDER_BYTES, WIRE_VERSION } from '../../../protocol/constants.js'
import { aesGcmEncrypt, ed25519GenerateKeyPair, ed25519PrivateToX25519, ed25519PublicToX25519, randomBytes, x25519, x25519GenerateKeyPair } from '../../../protocol/crypto/primitives.js'
import type { Ed25519KeyPair } from '../../../protocol/crypto/primitives.js'
import { deriveEphemeralLayerKeys, deriveStaticLayerKeys, openSealedSender, sealSender } from '../../../protocol/crypto/sealed-sender.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { SealedContent, SealedSender } from '../../../protocol/pb/sealed-sender.js'

const isCode = (...codes: ErrorCode[]) => (err: unknown): boolean => RelaymeshError.is(err) && codes.includes(err.code)
const AAD = Uint8Array.of(WIRE_VERSION)

const alice = ed25519GenerateKeyPair()
const bob = ed25519GenerateKeyPair()
const mallory = ed25519GenerateKeyPair()

function seal (content: Uint8Array, from: Ed25519KeyPair = alice, to: Ed25519KeyPair = bob, contentType = ContentType.Ratchet): Uint8Array {
  return sealSender({ senderIdentity: from, senderDeviceId: 3, recipientIdentityKey: to.publicKey, contentType, content })
}

function indexOf (haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack).indexOf(Buffer.from(needle))
}

/**
 * What an attacker holding `staticKeyPair` can build: layer 1 names
 * `claimedSender`, layer 2 is keyed with `staticKeyPair`'s own DH, and the
 * inner content names `innerSender`.
 */
function craft (opts: { claimedSender: Uint8Array, staticKeyPair: Ed25519KeyPair, innerSender: Uint8Array, recipient: Uint8Array, contentType?: number }): Uint8Array {
  const recipientX = ed25519PublicToX25519(opts.recipient)
  const e = x25519GenerateKeyPair()
  const l1 = deriveEphemeralLayerKeys(x25519(e.privateKey, recipientX), recipientX, e.publicKey)
  const encryptedStatic = aesGcmEncrypt(l1.key, l1.nonce, opts.claimedSender, AAD)
  const l2 = deriveStaticLayerKeys(x25519(ed25519PrivateToX25519(opts.staticKeyPair.privateKey), recipientX), l1.chainKey, encryptedStatic)
  const inner = SealedContent.encode({ senderIdentityKey: opts.innerSender as Uint8Array<ArrayBuffer>, senderDeviceId: 1, contentType: opts.contentType ?? ContentType.Ratchet, content: new Uint8Array([1, 2, 3]) })
  const encryptedMessage = aesGcmEncrypt(l2.key, l2.nonce, inner, AAD)
  return SealedSender.encode({ version: WIRE_VERSION, ephemeralKey: e.publicKey as Uint8Array<ArrayBuffer>, encryptedStatic: encryptedStatic as Uint8Array<ArrayBuffer>, encryptedMessage: encryptedMessage as Uint8Array<ArrayBuffer> })
}

describe('protocol/crypto/sealed-sender', () => {
  it('round trips every content type, device id and content size', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 512 }),
      fc.constantFrom(ContentType.PreKey, ContentType.Ratchet, ContentType.Group, ContentType.SenderKeyDistribution),
      fc.integer({ min: 0, max: 0xffffffff }),
      (content, contentType, senderDeviceId) => {
        const bytes = sealSender({ senderIdentity: alice, senderDeviceId, recipientIdentityKey: bob.publicKey, contentType, content })
        const opened = openSealedSender({ recipientIdentity: bob, bytes })
        assert.deepEqual(opened.senderIdentityKey, alice.publicKey)
        assert.equal(opened.senderDeviceId, senderDeviceId)
        assert.equal(opened.contentType, contentType)
        assert.deepEqual(opened.content, content)
      }), { numRuns: 40 })
  })

  it('is randomised: the same message seals to different bytes', () => {
    const content = randomBytes(64)
    assert.notDeepEqual(seal(content), seal(content))
  })

  it('the outer bytes contain neither the sender identity key, its X25519 form, nor the plaintext', () => {
    const content = new TextEncoder().encode('meet me at the usual place at nine; bring the documents')
    const bytes = seal(content)
    assert.equal(indexOf(bytes, alice.publicKey), -1)
    assert.equal(indexOf(bytes, ed25519PublicToX25519(alice.publicKey)), -1)
    assert.equal(indexOf(bytes, content), -1)
    assert.equal(indexOf(bytes, content.subarray(0, 8)), -1)
    const outer = SealedSender.decode(bytes)
    assert.equal(outer.ephemeralKey.byteLength, 32)
    assert.equal(outer.encryptedStatic.byteLength, 32 + 16)
  })

  it('any flipped bit is rejected (DecryptFailed or Decode)', () => {
    const bytes = seal(randomBytes(100))
    fc.assert(fc.property(fc.nat({ max: bytes.byteLength - 1 }), fc.nat({ max: 7 }), (at, bit) => {
      const flipped = bytes.slice()
      flipped[at]! ^= 1 << bit
      assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: flipped }), isCode(ErrorCode.DecryptFailed, ErrorCode.Decode))
    }), { numRuns: 200 })
  })

  it('a different recipient cannot open it', () => {
    const bytes = seal(randomBytes(10))
    assert.throws(() => openSealedSender({ recipientIdentity: mallory, bytes }), isCode(ErrorCode.DecryptFailed))
    assert.throws(() => openSealedSender({ recipientIdentity: alice, bytes }), isCode(ErrorCode.DecryptFailed))
  })

  it('sender impersonation: naming another identity in layer 1 without its private key fails layer 2', () => {
    // Mallory claims to be Alice but can only compute DH(Mallory, Bob)
    const forged = craft({ claimedSender: alice.publicKey, staticKeyPair: mallory, innerSender: alice.publicKey, recipient: bob.publicKey })
    assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: forged }), isCode(ErrorCode.DecryptFailed))
    // the same construction with the genuine key opens: the test builds real messages
    const genuine = craft({ claimedSender: mallory.publicKey, staticKeyPair: mallory, innerSender: mallory.publicKey, recipient: bob.publicKey })
    assert.deepEqual(openSealedSender({ recipientIdentity: bob, bytes: genuine }).senderIdentityKey, mallory.publicKey)
  })

  it('sender impersonation: an inner sender key other than the authenticated one is UntrustedIdentity', () => {
    const forged = craft({ claimedSender: mallory.publicKey, staticKeyPair: mallory, innerSender: alice.publicKey, recipient: bob.publicKey })
    assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: forged }), isCode(ErrorCode.UntrustedIdentity))
  })

  it('swapping in the encrypted_static of another message (another sender) fails', () => {
    const fromAlice = SealedSender.decode(seal(randomBytes(10), alice))
    const fromMallory = SealedSender.decode(seal(randomBytes(10), mallory))
    const spliced = SealedSender.encode({ ...fromMallory, encryptedStatic: fromAlice.encryptedStatic })
    assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: spliced }), isCode(ErrorCode.DecryptFailed))
    const spliced2 = SealedSender.encode({ ...fromAlice, ephemeralKey: fromMallory.ephemeralKey, encryptedStatic: fromMallory.encryptedStatic })
    assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: spliced2 }), isCode(ErrorCode.DecryptFailed))
  })

  describe('hostile bytes', () => {
    it('random bytes: Decode or DecryptFailed', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes }), isCode(ErrorCode.Decode, ErrorCode.DecryptFailed))
      }), { numRuns: 200 })
    })

    it('every truncation: Decode or DecryptFailed', () => {
      const bytes = seal(randomBytes(20))
      for (let n = 0; n < bytes.byteLength; n++) {
        assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: bytes.subarray(0, n) }), isCode(ErrorCode.Decode, ErrorCode.DecryptFailed), `length ${n}`)
      }
    })

    it('oversized, wrong version, wrong key sizes, low-order ephemeral: Decode', () => {
      assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: new Uint8Array(MAX_SEALED_SENDER_BYTES + 1) }), isCode(ErrorCode.Decode))
      const outer = SealedSender.decode(seal(randomBytes(20)))
      const cases = [
        { ...outer, version: 2 },
        { ...outer, ephemeralKey: outer.ephemeralKey.subarray(1) },
        { ...outer, encryptedStatic: outer.encryptedStatic.subarray(1) },
        { ...outer, encryptedMessage: outer.encryptedMessage.subarray(0, 15) },
        { ...outer, ephemeralKey: new Uint8Array(32) } // the all-zero point has low order
      ]
      for (const c of cases) {
        assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes: SealedSender.encode(c) }), isCode(ErrorCode.Decode))
      }
    })

    it('a layer-1 sender key that is not a curve point: Decode', () => {
      let notPoint: Uint8Array | undefined
      for (let y = 2; notPoint === undefined; y++) {
        const bytes = new Uint8Array(32)
        bytes[0] = y
        try { ed25519PublicToX25519(bytes) } catch { notPoint = bytes }
      }
      const bytes = craft({ claimedSender: notPoint, staticKeyPair: alice, innerSender: notPoint, recipient: bob.publicKey })
      assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes }), isCode(ErrorCode.Decode))
    })

    it('an unknown content type inside an authentic message: Decode', () => {
      const bytes = craft({ claimedSender: alice.publicKey, staticKeyPair: alice, innerSender: alice.publicKey, recipient: bob.publicKey, contentType: 99 })
      assert.throws(() => openSealedSender({ recipientIdentity: bob, bytes }), isCode(ErrorCode.Decode))
    })
  })

  describe('seal refuses bad input', () => {
    it('unknown content types, bad device ids, bad keys, content too large', () => {
      const base = { senderIdentity: alice, senderDeviceId: 1, recipientIdentityKey: bob.publicKey, contentType: ContentType.Ratchet, content: new Uint8Array(1) }
      assert.throws(() => sealSender({ ...base, contentType: 99 as ContentType }), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => sealSender({ ...base, senderDeviceId: -1 }), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => sealSender({ ...base, senderDeviceId: 2 ** 32 }), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => sealSender({ ...base, recipientIdentityKey: new Uint8Array(31) }), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => sealSender({ ...base, content: new Uint8Array(MAX_SEALED_SENDER_BYTES) }), isCode(ErrorCode.InvalidArgument))
      const max = sealSender({ ...base, content: new Uint8Array(MAX_SEALED_SENDER_BYTES - 200) })
      assert.ok(max.byteLength <= MAX_SEALED_SENDER_BYTES)
      assert.equal(openSealedSender({ recipientIdentity: bob, bytes: max }).content.byteLength, MAX_SEALED_SENDER_BYTES - 200)
    })
  })
})
