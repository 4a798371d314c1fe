// The primitives' contract apart from the vector sets (rfcNNNN-*.test.ts,
// aes-256-gcm, fips203-ml-kem-768): argument checking, the byte helpers, the
// hashes and scrypt.
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { BACKENDS } from '../../helpers/crypto-backends.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)
const invalid = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.InvalidArgument)
const bytes = (n: number): Uint8Array => new Uint8Array(n)
const notBytes = 'not bytes' as unknown as Uint8Array

for (const { name, p } of BACKENDS) {
describe(`primitives [${name}]`, () => {
  describe('argument checking: wrong lengths and types are InvalidArgument', () => {
    const x = p.x25519GenerateKeyPair()
    const ed = p.ed25519GenerateKeyPair()
    const kem = p.mlkemGenerateKeyPair()
    const { cipherText } = p.mlkemEncapsulate(kem.publicKey)
    const cases: Array<[string, () => unknown]> = [
      ['aesGcmEncrypt key 31', () => p.aesGcmEncrypt(bytes(31), bytes(12), bytes(1))],
      ['aesGcmEncrypt nonce 16', () => p.aesGcmEncrypt(bytes(32), bytes(16), bytes(1))],
      ['aesGcmEncrypt plaintext string', () => p.aesGcmEncrypt(bytes(32), bytes(12), notBytes)],
      ['aesGcmDecrypt key 33', () => p.aesGcmDecrypt(bytes(33), bytes(12), bytes(32))],
      ['aesGcmDecrypt nonce 8', () => p.aesGcmDecrypt(bytes(32), bytes(8), bytes(32))],
      ['aesGcmDecrypt aad string', () => p.aesGcmDecrypt(bytes(32), bytes(12), bytes(32), notBytes)],
      ['x25519 private 31', () => p.x25519(bytes(31), x.publicKey)],
      ['x25519 public 33', () => p.x25519(x.privateKey, bytes(33))],
      ['x25519 public string', () => p.x25519(x.privateKey, notBytes)],
      ['x25519PublicFromPrivate 0', () => p.x25519PublicFromPrivate(bytes(0))],
      ['ed25519Sign seed 64 (a libsodium-style secret key)', () => p.ed25519Sign(bytes(64), bytes(1))],
      ['ed25519Sign message string', () => p.ed25519Sign(ed.privateKey, notBytes)],
      ['ed25519PublicFromPrivate 31', () => p.ed25519PublicFromPrivate(bytes(31))],
      ['ed25519PublicToX25519 33', () => p.ed25519PublicToX25519(bytes(33))],
      ['ed25519PrivateToX25519 31', () => p.ed25519PrivateToX25519(bytes(31))],
      ['mlkemGenerateKeyPair seed 32', () => p.mlkemGenerateKeyPair(bytes(32))],
      ['mlkemEncapsulate public 1183', () => p.mlkemEncapsulate(kem.publicKey.subarray(1))],
      ['mlkemDecapsulate ciphertext 1087', () => p.mlkemDecapsulate(cipherText.subarray(1), kem.secretKey)],
      ['mlkemDecapsulate secret 2399', () => p.mlkemDecapsulate(cipherText, kem.secretKey.subarray(1))],
      ['hkdfSha256 length 0', () => p.hkdfSha256(bytes(32), bytes(0), bytes(0), 0)],
      ['hkdfSha256 length 8161', () => p.hkdfSha256(bytes(32), bytes(0), bytes(0), 255 * 32 + 1)],
      ['hkdfSha256 ikm string', () => p.hkdfSha256(notBytes, bytes(0), bytes(0), 32)],
      ['hmacSha256 key string', () => p.hmacSha256(notBytes, bytes(1))],
      ['sha256 string', () => p.sha256(notBytes)],
      ['sha512 string', () => p.sha512(notBytes)],
      ['equalBytes string', () => p.equalBytes(notBytes, bytes(9))],
      ['randomBytes -1', () => p.randomBytes(-1)],
      ['randomBytes 1.5', () => p.randomBytes(1.5)],
      ['scrypt N not a power of two', () => p.scrypt(bytes(1), bytes(1), 32, { N: 1000, r: 1, p: 1, maxmem: 32 * 1024 * 1024 })]
    ]
    for (const [name, call] of cases) {
      it(name, () => { assert.throws(call, invalid) })
    }
  })

  describe('ed25519Verify never throws', () => {
    it('returns false for garbage of any shape', () => {
      const kp = p.ed25519GenerateKeyPair()
      const sig = p.ed25519Sign(kp.privateKey, ascii('m'))
      const garbage: unknown[] = [undefined, null, 0, 'x', {}, [], bytes(0), bytes(31), bytes(33), bytes(63), bytes(65), new Uint16Array(16)]
      for (const g of garbage) {
        const v = g as Uint8Array
        assert.equal(p.ed25519Verify(v, ascii('m'), sig), false, `public key ${String(g)}`)
        assert.equal(p.ed25519Verify(kp.publicKey, ascii('m'), v), false, `signature ${String(g)}`)
        assert.equal(p.ed25519Verify(kp.publicKey, v, sig), false, `message ${String(g)}`)
      }
      fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }),
        (pub, msg, s) => p.ed25519Verify(pub, msg, s) === false), { numRuns: 300 })
    })
  })

  describe('byte helpers', () => {
    it('concat joins in order and copies', () => {
      assert.deepEqual(p.concat(), bytes(0))
      const a = Uint8Array.of(1, 2)
      const out = p.concat(a, bytes(0), Uint8Array.of(3), new Uint8Array([9, 4, 5]).subarray(1))
      assert.deepEqual(out, Uint8Array.of(1, 2, 3, 4, 5))
      a[0] = 7
      assert.equal(out[0], 1, 'the result does not alias its inputs')
      fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }), (parts) => {
        assert.deepEqual(Buffer.from(p.concat(...parts)), Buffer.concat(parts))
      }))
    })

    it('equalBytes compares contents, including views at an offset', () => {
      assert.equal(p.equalBytes(bytes(0), bytes(0)), true)
      assert.equal(p.equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true)
      assert.equal(p.equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false)
      assert.equal(p.equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0)), false, 'length mismatch')
      const big = Uint8Array.of(0, 1, 2, 3)
      assert.equal(p.equalBytes(big.subarray(1, 3), Uint8Array.of(1, 2)), true)
      fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        assert.equal(p.equalBytes(a, b), Buffer.from(a).equals(Buffer.from(b)))
        assert.equal(p.equalBytes(a, a.slice()), true)
      }))
    })

    it('wipe zeroes every buffer and skips undefined', () => {
      const a = Uint8Array.of(1, 2, 3)
      const b = Uint8Array.of(4)
      p.wipe(a, undefined, b)
      assert.deepEqual(a, bytes(3))
      assert.deepEqual(b, bytes(1))
    })

    it('randomBytes gives the asked length and differs between calls', () => {
      assert.equal(p.randomBytes(0).byteLength, 0)
      assert.equal(p.randomBytes(33).byteLength, 33)
      assert.notDeepEqual(p.randomBytes(32), p.randomBytes(32))
    })
  })

  describe('hashes (FIPS 180-4 "abc" examples)', () => {
    it('sha256', () => {
      assert.equal(toHex(p.sha256(ascii('abc'))), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
      assert.equal(toHex(p.sha256(bytes(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    })
    it('sha512', () => {
      assert.equal(toHex(p.sha512(ascii('abc'))),
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f')
    })
  })

  describe('scrypt (RFC 7914 §12)', () => {
    it('vector 1: empty passphrase and salt, N=16, r=1, p=1', () => {
      assert.equal(toHex(p.scrypt(bytes(0), bytes(0), 64, { N: 16, r: 1, p: 1, maxmem: 32 * 1024 * 1024 })), toHex(hex(`
        77d6576238657b203b19ca42c18a0497 f16b4844e3074ae8dfdffa3fede21442
        fcd0069ded0948f8326a753a0fc81f17 e8d3e0fb2e0d3628cf35e20c38d18906`)))
    })
    it('vector 2: "password" / "NaCl", N=1024, r=8, p=16', () => {
      assert.equal(toHex(p.scrypt(ascii('password'), ascii('NaCl'), 64, { N: 1024, r: 8, p: 16, maxmem: 32 * 1024 * 1024 })), toHex(hex(`
        fdbabe1c9d3472007856e7190d01e9fe 7c6ad7cbc8237830e77376634b373162
        2eaf30d92e22a3886ff109279d9830da c727afb94a83ee6d8360cbdfa2cc0640`)))
    })
  })
})
}
