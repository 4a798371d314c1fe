// AES-256-GCM against the AES-256 test cases 13-18 of McGrew & Viega, "The
// Galois/Counter Mode of Operation (GCM)", Appendix B, the vectors NIST
// SP 800-38D's GCM validation started from. Cases 17 and 18 use 64- and
// 480-bit IVs, which our API (a 12-byte nonce, the SP 800-38D §8.2.1
// construction) cannot take, so only 13-16 are run. Any change to the
// ciphertext, tag or AAD must fail with DecryptFailed.
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { BACKENDS } from '../../helpers/crypto-backends.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const decryptFailed = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.DecryptFailed)
const invalid = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.InvalidArgument)

const K = 'feffe9928665731c6d6a8f9467308308 feffe9928665731c6d6a8f9467308308'
const P = `d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72
           1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b391aafd255`
const C = `522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa
           8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662898015ad`

const CASES = [
  { id: 'test case 13 (zero key, empty plaintext)', key: '00'.repeat(32), iv: '00'.repeat(12), pt: '', aad: '', ct: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  { id: 'test case 14 (zero key, one zero block)', key: '00'.repeat(32), iv: '00'.repeat(12), pt: '00'.repeat(16), aad: '', ct: 'cea7403d4d606b6e074ec5d3baf39d18', tag: 'd0d1c8a799996bf0265b98b5d48ab919' },
  { id: 'test case 15 (four blocks, no AAD)', key: K, iv: 'cafebabefacedbaddecaf888', pt: P, aad: '', ct: C, tag: 'b094dac5d93471bdec1a502270e3cc6c' },
  {
    // 60-byte plaintext (a partial last block) with 20 bytes of AAD
    id: 'test case 16 (partial block, AAD)',
    key: K,
    iv: 'cafebabefacedbaddecaf888',
    pt: toHex(hex(P).subarray(0, 60)),
    aad: 'feedfacedeadbeeffeedfacedeadbeef abaddad2',
    ct: toHex(hex(C).subarray(0, 60)),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b'
  }
]

for (const { name, p: { aesGcmDecrypt, aesGcmEncrypt } } of BACKENDS) {
describe(`AES-256-GCM (McGrew & Viega test cases 13-16) [${name}]`, () => {
  for (const c of CASES) {
    describe(c.id, () => {
      const key = hex(c.key)
      const iv = hex(c.iv)
      const pt = hex(c.pt)
      const aad = hex(c.aad)
      const sealed = hex(c.ct + c.tag)

      it('encrypts to ciphertext || tag', () => {
        assert.equal(toHex(aesGcmEncrypt(key, iv, pt, aad)), toHex(sealed))
      })

      it('decrypts', () => {
        assert.equal(toHex(aesGcmDecrypt(key, iv, sealed, aad)), toHex(pt))
      })

      it('rejects a flipped bit in the ciphertext, the tag or the AAD', () => {
        for (let i = 0; i < sealed.byteLength; i += Math.max(1, sealed.byteLength >> 3)) {
          const bad = sealed.slice()
          bad[i]! ^= 0x80
          assert.throws(() => aesGcmDecrypt(key, iv, bad, aad), decryptFailed, `byte ${i}`)
        }
        const badTag = sealed.slice()
        badTag[sealed.byteLength - 1]! ^= 0x01
        assert.throws(() => aesGcmDecrypt(key, iv, badTag, aad), decryptFailed, 'last tag byte')
        if (aad.byteLength > 0) {
          const badAad = aad.slice()
          badAad[0]! ^= 0x01
          assert.throws(() => aesGcmDecrypt(key, iv, sealed, badAad), decryptFailed, 'aad')
          assert.throws(() => aesGcmDecrypt(key, iv, sealed), decryptFailed, 'aad missing')
        } else {
          assert.throws(() => aesGcmDecrypt(key, iv, sealed, new Uint8Array(1)), decryptFailed, 'aad added')
        }
      })

      it('rejects the wrong key, the wrong nonce and a truncated message', () => {
        const badKey = key.slice()
        badKey[31]! ^= 0x01
        assert.throws(() => aesGcmDecrypt(badKey, iv, sealed, aad), decryptFailed, 'key')
        const badIv = iv.slice()
        badIv[0]! ^= 0x01
        assert.throws(() => aesGcmDecrypt(key, badIv, sealed, aad), decryptFailed, 'nonce')
        assert.throws(() => aesGcmDecrypt(key, iv, sealed.subarray(0, sealed.byteLength - 1), aad), decryptFailed, 'truncated')
        assert.throws(() => aesGcmDecrypt(key, iv, sealed.subarray(1), aad), decryptFailed, 'first byte dropped')
      })
    })
  }

  describe('arguments', () => {
    const key = new Uint8Array(32)
    const iv = new Uint8Array(12)

    it('a message shorter than the tag is DecryptFailed', () => {
      for (const n of [0, 1, 15]) assert.throws(() => aesGcmDecrypt(key, iv, new Uint8Array(n)), decryptFailed, `${n} bytes`)
    })

    it('wrong key and nonce lengths are InvalidArgument', () => {
      for (const n of [0, 16, 24, 31, 33]) {
        assert.throws(() => aesGcmEncrypt(new Uint8Array(n), iv, new Uint8Array(1)), invalid, `encrypt, key ${n} bytes`)
        assert.throws(() => aesGcmDecrypt(new Uint8Array(n), iv, new Uint8Array(32)), invalid, `decrypt, key ${n} bytes`)
      }
      for (const n of [0, 8, 11, 13, 16]) {
        assert.throws(() => aesGcmEncrypt(key, new Uint8Array(n), new Uint8Array(1)), invalid, `encrypt, nonce ${n} bytes`)
        assert.throws(() => aesGcmDecrypt(key, new Uint8Array(n), new Uint8Array(32)), invalid, `decrypt, nonce ${n} bytes`)
      }
      const notBytes = 'text' as unknown as Uint8Array
      assert.throws(() => aesGcmEncrypt(key, iv, notBytes), invalid, 'string plaintext')
      assert.throws(() => aesGcmEncrypt(key, iv, new Uint8Array(1), notBytes), invalid, 'string aad')
      assert.throws(() => aesGcmDecrypt(key, iv, notBytes), invalid, 'string ciphertext')
    })

    it('round-trips any plaintext and AAD', () => {
      fc.assert(fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 12, maxLength: 12 }),
        fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }),
        (k, n, pt, aad) => {
          const sealed = aesGcmEncrypt(k, n, pt, aad)
          assert.equal(sealed.byteLength, pt.byteLength + 16)
          assert.deepEqual(aesGcmDecrypt(k, n, sealed, aad), pt)
        }
      ), { numRuns: 200 })
    })
  })
})
}
