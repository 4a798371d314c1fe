// Ed25519 against RFC 8032 §7.1 (https://www.rfc-editor.org/rfc/rfc8032#section-7.1):
// each vector's public key and signature must match byte for byte and verify;
// tampered and malformed inputs must fail to verify (false, never a throw).
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js'
import { BACKENDS } from '../../helpers/crypto-backends.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

interface Vector { id: string, secret: string, public: string, message: string, signature: string }

// Typed in from RFC 8032 §7.1, 16 bytes a line as the RFC prints them.
const VECTORS: Vector[] = [
  {
    id: 'TEST 1',
    secret: '9d61b19deffd5a60ba844af492ec2cc4 4449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a 0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: `e5564300c360ac729086e2cc806e828a 84877f1eb8e5d974d873e06522490155
                5fb8821590a33bacc61e39701cf9b46b d25bf5f0595bbe24655141438e7a100b`
  },
  {
    id: 'TEST 2',
    secret: '4ccd089b28ff96da9db6c346ec114e0f 5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc 9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: `92a009a9f0d4cab8720e820b5f642540 a2b27b5416503f8fb3762223ebdb69da
                085ac1e43e15996e458f3613d0f11d8c 387b2eaeb4302aeeb00d291612bb0c00`
  },
  {
    id: 'TEST 3',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b1 66d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f058 0816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: `6291d657deec24024827e69c3abe01a3 0ce548a284743a445e3680d7db5ac3ac
                18ff9b538d16f290ae67f760984dc659 4a7c15e9716ed28dc027beceea1ec40a`
  },
  {
    id: 'TEST 1024',
    secret: 'f5e5767cf153319517630f226876b86c 8160cc583bc013744c6bf255f5cc0ee5',
    public: '278117fc144c72340f67d0f2316e8386 ceffbf2b2428c9c51fef7c597f1d426e',
    message: `08b8b2b733424243760fe426a4b54908 632110a66c2f6591eabd3345e3e4eb98
              fa6e264bf09efe12ee50f8f54e9f77b1 e355f6c50544e23fb1433ddf73be84d8
              79de7c0046dc4996d9e773f4bc9efe57 38829adb26c81b37c93a1b270b20329d
              658675fc6ea534e0810a4432826bf58c 941efb65d57a338bbd2e26640f89ffbc
              1a858efcb8550ee3a5e1998bd177e93a 7363c344fe6b199ee5d02e82d522c4fe
              ba15452f80288a821a579116ec6dad2b 3b310da903401aa62100ab5d1a36553e
              06203b33890cc9b832f79ef80560ccb9 a39ce767967ed628c6ad573cb116dbef
              efd75499da96bd68a8a97b928a8bbc10 3b6621fcde2beca1231d206be6cd9ec7
              aff6f6c94fcd7204ed3455c68c83f4a4 1da4af2b74ef5c53f1d8ac70bdcb7ed1
              85ce81bd84359d44254d95629e9855a9 4a7c1958d1f8ada5d0532ed8a5aa3fb2
              d17ba70eb6248e594e1a2297acbbb39d 502f1a8c6eb6f1ce22b3de1a1f40cc24
              554119a831a9aad6079cad88425de6bd e1a9187ebb6092cf67bf2b13fd65f270
              88d78b7e883c8759d2c4f5c65adb7553 878ad575f9fad878e80a0c9ba63bcbcc
              2732e69485bbc9c90bfbd62481d9089b eccf80cfe2df16a2cf65bd92dd597b07
              07e0917af48bbb75fed413d238f5555a 7a569d80c3414a8d0859dc65a46128ba
              b27af87a71314f318c782b23ebfe808b 82b0ce26401d2e22f04d83d1255dc51a
              ddd3b75a2b1ae0784504df543af8969b e3ea7082ff7fc9888c144da2af58429e
              c96031dbcad3dad9af0dcbaaaf268cb8 fcffead94f3c7ca495e056a9b47acdb7
              51fb73e666c6c655ade8297297d07ad1 ba5e43f1bca32301651339e22904cc8c
              42f58c30c04aafdb038dda0847dd988d cda6f3bfd15c4b4c4525004aa06eeff8
              ca61783aacec57fb3d1f92b0fe2fd1a8 5f6724517b65e614ad6808d6f6ee34df
              f7310fdc82aebfd904b01e1dc54b2927 094b2db68d6f903b68401adebf5a7e08
              d78ff4ef5d63653a65040cf9bfd4aca7 984a74d37145986780fc0b16ac451649
              de6188a7dbdf191f64b5fc5e2ab47b57 f7f7276cd419c17a3ca8e1b939ae49e4
              88acba6b965610b5480109c8b17b80e1 b7b750dfc7598d5d5011fd2dcc5600a3
              2ef5b52a1ecc820e308aa342721aac09 43bf6686b64b2579376504ccc493d97e
              6aed3fb0f9cd71a43dd497f01f17c0e2 cb3797aa2a2f256656168e6c496afc5f
              b93246f6b1116398a346f1a641f3b041 e989f7914f90cc2c7fff357876e506b5
              0d334ba77c225bc307ba537152f3f161 0e4eafe595f6d9d90d11faa933a15ef1
              369546868a7f3a45a96768d40fd9d034 12c091c6315cf4fde7cb68606937380d
              b2eaaa707b4c4185c32eddcdd306705e 4dc1ffc872eeee475a64dfac86aba41c
              0618983f8741c5ef68d3a101e8a3b8ca c60c905c15fc910840b94c00a0b9d0`,
    signature: `0aab4c900501b3e24d7cdf4663326a3a 87df5e4843b2cbdb67cbf6e460fec350
                aa5371b1508f9f4528ecea23c436d94b 5e8fcd4f681e30a6ac00a9704a188a03`
  },
  {
    id: 'TEST SHA(abc)',
    secret: '833fe62409237b9d62ec77587520911e 9a759cec1d19755b7da901b96dca3d42',
    public: 'ec172b93ad5e563bf4932c70e1245034 c35467ef2efd4d64ebf819683467e2bf',
    // the message is SHA-512("abc"), checked below
    message: `ddaf35a193617abacc417349ae204131 12e6fa4e89a97ea20a9eeee64b55d39a
              2192992a274fc1a836ba3c23a3feebbd 454d4423643ce80e2a9ac94fa54ca49f`,
    signature: `dc2a4459e7369633a52b1bf277839a00 201009a3efbf3ecb69bea2186c26b589
                09351fc9ac90b3ecfdfbc7c66431e030 3dca179c138ac17ad9bef1177331a704`
  }
]

// Group order L (RFC 8032 §5.1), little-endian, for the malleability case.
const L = (1n << 252n) + 27742317777372353535851937790883648493n

// S < L < 2^253, so S + L still fits the 32-byte field
function addLtoS (sig: Uint8Array): Uint8Array {
  let s = 0n
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!)
  s += L
  const out = sig.slice()
  for (let i = 32; i < 64; i++) { out[i] = Number(s & 0xffn); s >>= 8n }
  return out
}

for (const { name, p: { ed25519GenerateKeyPair, ed25519PrivateToX25519, ed25519PublicFromPrivate, ed25519PublicToX25519, ed25519Sign, ed25519Verify, sha512, x25519PublicFromPrivate } } of BACKENDS) {
describe(`RFC 8032 Ed25519 [${name}]`, () => {
  it('the SHA(abc) message is SHA-512("abc")', () => {
    assert.equal(toHex(sha512(new TextEncoder().encode('abc'))), toHex(hex(VECTORS[4]!.message)))
  })

  for (const v of VECTORS) {
    describe(v.id, () => {
      const secret = hex(v.secret)
      const pub = hex(v.public)
      const message = hex(v.message)
      const signature = hex(v.signature)

      it('public key matches', () => {
        assert.equal(toHex(ed25519PublicFromPrivate(secret)), toHex(pub))
      })

      it('signature matches byte for byte and verifies', () => {
        assert.equal(toHex(ed25519Sign(secret, message)), toHex(signature))
        assert.equal(ed25519Verify(pub, message, signature), true)
      })

      it('a flipped bit in the signature, message or key fails to verify', () => {
        for (const bit of [0, 7, 255, 256, 511]) {
          const bad = signature.slice()
          bad[bit >> 3]! ^= 1 << (bit & 7)
          assert.equal(ed25519Verify(pub, message, bad), false, `signature bit ${bit}`)
        }
        if (message.byteLength > 0) {
          const bad = message.slice()
          bad[message.byteLength - 1]! ^= 0x01
          assert.equal(ed25519Verify(pub, bad, signature), false, 'message')
        }
        assert.equal(ed25519Verify(pub, concatByte(message, 0), signature), false, 'message with a byte appended')
        const badPub = pub.slice()
        badPub[0]! ^= 0x01
        assert.equal(ed25519Verify(badPub, message, signature), false, 'public key')
      })

      it('a non-canonical S (S + L) is rejected (RFC 8032 §5.1.7 step 1)', () => {
        assert.equal(ed25519Verify(pub, message, addLtoS(signature)), false)
      })

      it('X25519 public of the converted private equals the converted public', () => {
        assert.equal(toHex(x25519PublicFromPrivate(ed25519PrivateToX25519(secret))), toHex(ed25519PublicToX25519(pub)))
      })

      it('the converted private key is the clamped SHA-512(seed)[0..32], as @noble/curves computes it', () => {
        const k = ed25519PrivateToX25519(secret)
        assert.equal(k.byteLength, 32)
        assert.equal(k.buffer.byteLength, 32, 'no view into the 64-byte digest')
        assert.equal(toHex(k), toHex(nobleEd25519.utils.toMontgomerySecret(secret)))
        const h = sha512(secret)
        h[0]! &= 248
        h[31]! = (h[31]! & 127) | 64
        assert.equal(toHex(k), toHex(h.subarray(0, 32)))
      })
    })
  }

  describe('malformed inputs', () => {
    const kp = ed25519GenerateKeyPair()
    const message = new TextEncoder().encode('relaymesh')
    const signature = ed25519Sign(kp.privateKey, message)

    it('verify returns false for wrong lengths and garbage, never throws', () => {
      assert.equal(ed25519Verify(kp.publicKey, message, signature), true)
      for (const n of [0, 31, 33]) assert.equal(ed25519Verify(new Uint8Array(n), message, signature), false, `key ${n} bytes`)
      for (const n of [0, 63, 65, 128]) assert.equal(ed25519Verify(kp.publicKey, message, new Uint8Array(n)), false, `signature ${n} bytes`)
      // a public key that is not a curve point (y = 2 has no x on edwards25519)
      const notAPoint = new Uint8Array(32)
      notAPoint[0] = 2
      assert.equal(ed25519Verify(notAPoint, message, signature), false, 'not a point')
      fc.assert(fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ maxLength: 64 }),
        (pub, sig, msg) => ed25519Verify(pub, msg, sig) === false
      ), { numRuns: 200 })
    })

    it('verify returns false for non-Uint8Array arguments', () => {
      const notBytes = 'x'.repeat(32) as unknown as Uint8Array
      assert.equal(ed25519Verify(notBytes, message, signature), false)
      assert.equal(ed25519Verify(kp.publicKey, message, notBytes), false)
      assert.equal(ed25519Verify(kp.publicKey, 'relaymesh' as unknown as Uint8Array, signature), false)
    })

    it('sign and the conversions reject wrong lengths with InvalidArgument', () => {
      const invalid = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.InvalidArgument)
      for (const n of [0, 31, 33, 64]) {
        assert.throws(() => ed25519Sign(new Uint8Array(n), message), invalid, `sign, seed ${n} bytes`)
        assert.throws(() => ed25519PublicFromPrivate(new Uint8Array(n)), invalid, `public-from-private ${n} bytes`)
        assert.throws(() => ed25519PrivateToX25519(new Uint8Array(n)), invalid, `private to X25519 ${n} bytes`)
        assert.throws(() => ed25519PublicToX25519(new Uint8Array(n)), invalid, `public to X25519 ${n} bytes`)
      }
      assert.throws(() => ed25519Sign(kp.privateKey, 'relaymesh' as unknown as Uint8Array), invalid, 'sign, string message')
    })

    it('the public-to-X25519 map rejects a key that is not a curve point', () => {
      const notAPoint = new Uint8Array(32)
      notAPoint[0] = 2
      assert.throws(() => ed25519PublicToX25519(notAPoint), (err: unknown) => RelaymeshError.is(err, ErrorCode.InvalidArgument))
    })
  })

  describe('random keys', () => {
    it('sign/verify round-trips and the conversions stay consistent', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (message) => {
        const kp = ed25519GenerateKeyPair()
        const sig = ed25519Sign(kp.privateKey, message)
        // a fresh copy of the seed takes the import path, not the cache
        assert.deepEqual(ed25519Sign(kp.privateKey.slice(), message), sig)
        assert.deepEqual(ed25519PublicFromPrivate(kp.privateKey.slice()), kp.publicKey)
        assert.equal(ed25519Verify(kp.publicKey.slice(), message, sig), true)
        assert.deepEqual(x25519PublicFromPrivate(ed25519PrivateToX25519(kp.privateKey)), ed25519PublicToX25519(kp.publicKey))
      }), { numRuns: 50 })
    })
  })
})

function concatByte (a: Uint8Array, b: number): Uint8Array {
  const out = new Uint8Array(a.byteLength + 1)
  out.set(a)
  out[a.byteLength] = b
  return out
}
}
