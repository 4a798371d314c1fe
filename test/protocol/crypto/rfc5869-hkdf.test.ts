// HKDF-SHA256 against RFC 5869 Appendix A, test cases 1-3
// (https://www.rfc-editor.org/rfc/rfc5869#appendix-A). The PRK is checked too,
// as HMAC-SHA256(salt, IKM) (§2.2), with an empty salt meaning 32 zero bytes.
import { strict as assert } from 'node:assert'
import { BACKENDS } from '../../helpers/crypto-backends.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const range = (from: number, to: number): string => Buffer.from(Array.from({ length: to - from + 1 }, (_, i) => from + i)).toString('hex')

const CASES = [
  {
    id: 'A.1 (basic)',
    ikm: '0b'.repeat(22),
    salt: '000102030405060708090a0b0c',
    info: 'f0f1f2f3f4f5f6f7f8f9',
    length: 42,
    prk: '077709362c2e32df0ddc3f0dc47bba63 90b6c73bb50f9c3122ec844ad7c2b3e5',
    okm: `3cb25f25faacd57a90434f64d0362f2a 2d2d0a90cf1a5a4c5db02d56ecc4c5bf
          34007208d5b887185865`
  },
  {
    // the RFC lists these 80-byte inputs as 0x00..0x4f, 0x60..0xaf and 0xb0..0xff
    id: 'A.2 (longer inputs and outputs)',
    ikm: range(0x00, 0x4f),
    salt: range(0x60, 0xaf),
    info: range(0xb0, 0xff),
    length: 82,
    prk: '06a6b88c5853361a06104c9ceb35b45c ef760014904671014a193f40c15fc244',
    okm: `b11e398dc80327a1c8e7f78c596a4934 4f012eda2d4efad8a050cc4c19afa97c
          59045a99cac7827271cb41c65e590e09 da3275600c2f09b8367793a9aca3db71
          cc30c58179ec3e87c14c01d5c1f3434f 1d87`
  },
  {
    id: 'A.3 (zero-length salt and info)',
    ikm: '0b'.repeat(22),
    salt: '',
    info: '',
    length: 42,
    prk: '19ef24a32c717b167f33a91d6f648bdf 96596776afdb6377ac434c1c293ccb04',
    okm: `8da4e775a563c18f715f802a063c5a31 b8a11f5c5ee1879ec3454e5f3c738d2d
          9d201395faa4b61a96c8`
  }
]

for (const { name, p: { hkdfSha256, hmacSha256 } } of BACKENDS) {
describe(`RFC 5869 HKDF-SHA256 [${name}]`, () => {
  for (const c of CASES) {
    it(`${c.id}: OKM`, () => {
      const okm = hkdfSha256(hex(c.ikm), hex(c.salt), hex(c.info), c.length)
      assert.equal(okm.byteLength, c.length)
      assert.equal(toHex(okm), toHex(hex(c.okm)))
    })

    it(`${c.id}: PRK = HMAC-SHA256(salt, IKM)`, () => {
      const salt = c.salt === '' ? new Uint8Array(32) : hex(c.salt)
      assert.equal(toHex(hmacSha256(salt, hex(c.ikm))), toHex(hex(c.prk)))
    })
  }

  it('an output prefix is the shorter output (T(1) || T(2) … is a stream)', () => {
    const c = CASES[1]!
    const full = hkdfSha256(hex(c.ikm), hex(c.salt), hex(c.info), c.length)
    assert.deepEqual(hkdfSha256(hex(c.ikm), hex(c.salt), hex(c.info), 32), full.subarray(0, 32))
  })

  it('rejects lengths outside 1..255*HashLen (§2.3) with InvalidArgument', () => {
    const invalid = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.InvalidArgument)
    const ikm = new Uint8Array(32)
    for (const n of [0, -1, 255 * 32 + 1, 1.5, Number.NaN]) {
      assert.throws(() => hkdfSha256(ikm, ikm, ikm, n), invalid, `length ${n}`)
    }
    assert.equal(hkdfSha256(ikm, ikm, ikm, 255 * 32).byteLength, 255 * 32)
  })
})
}
