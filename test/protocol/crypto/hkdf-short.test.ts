// hkdfSha256 computes outputs of up to 64 bytes with two createHmac calls
// (RFC 5869 §2.2-2.3) and longer ones with node's hkdfSync; both paths must
// give node's hkdfSync bytes (the RFC 5869 vectors cover both lengths too).
import { strict as assert } from 'node:assert'
import { hkdfSync } from 'node:crypto'
import fc from 'fast-check'
import { BACKENDS } from '../../helpers/crypto-backends.js'

for (const { name, p: { hkdfSha256 } } of BACKENDS) {
describe(`protocol/crypto hkdfSha256 short outputs [${name}]`, () => {
  it('equals hkdfSync for every length 1..100 and random inputs, including an empty salt and info', () => {
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 1, max: 100 }),
      (ikm, salt, info, length) => {
        const expected = new Uint8Array(hkdfSync('sha256', ikm, salt, info, length))
        assert.deepEqual(hkdfSha256(ikm, salt, info, length), expected)
      }), { numRuns: 600 })
  })

  it('an empty salt equals 32 zero bytes (RFC 5869 §2.2)', () => {
    const ikm = Uint8Array.of(1, 2, 3)
    for (const length of [32, 44, 64, 65]) {
      assert.deepEqual(hkdfSha256(ikm, new Uint8Array(0), new Uint8Array(0), length), hkdfSha256(ikm, new Uint8Array(32), new Uint8Array(0), length))
    }
  })
})
}
