// HMAC-SHA256 against RFC 4231 §4.2-4.8, test cases 1-7
// (https://www.rfc-editor.org/rfc/rfc4231#section-4). Case 5 is specified
// truncated to 128 bits, so only that prefix is compared.
import { strict as assert } from 'node:assert'
import { BACKENDS } from '../../helpers/crypto-backends.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s)
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

const CASES = [
  {
    id: 'test case 1 (§4.2)',
    key: hex('0b'.repeat(20)),
    data: ascii('Hi There'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b 881dc200c9833da726e9376c2e32cff7'
  },
  {
    id: 'test case 2 (§4.3, key shorter than the output)',
    key: ascii('Jefe'),
    data: ascii('what do ya want for nothing?'),
    mac: '5bdcc146bf60754e6a042426089575c7 5a003f089d2739839dec58b964ec3843'
  },
  {
    id: 'test case 3 (§4.4, combined length of key and data > 64 bytes)',
    key: hex('aa'.repeat(20)),
    data: hex('dd'.repeat(50)),
    mac: '773ea91e36800e46854db8ebd09181a7 2959098b3ef8c122d9635514ced565fe'
  },
  {
    id: 'test case 4 (§4.5)',
    key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: hex('cd'.repeat(50)),
    mac: '82558a389a443c0ea4cc819899f2083a 85f0faa3e578f8077a2e3ff46729665b'
  },
  {
    id: 'test case 5 (§4.6, truncated to 128 bits)',
    key: hex('0c'.repeat(20)),
    data: ascii('Test With Truncation'),
    mac: 'a3b6167473100ee06e0c796c2955552b'
  },
  {
    id: 'test case 6 (§4.7, key larger than the block size)',
    key: hex('aa'.repeat(131)),
    data: ascii('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f 8e0bc6213728c5140546040f0ee37f54'
  },
  {
    id: 'test case 7 (§4.8, key and data larger than the block size)',
    key: hex('aa'.repeat(131)),
    data: ascii('This is a test using a larger than block-size key and a larger than block-size data. ' +
      'The key needs to be hashed before being used by the HMAC algorithm.'),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944 bfdc63644f0713938a7f51535c3a35e2'
  }
]

for (const { name, p: { hmacSha256 } } of BACKENDS) {
describe(`RFC 4231 HMAC-SHA256 [${name}]`, () => {
  for (const c of CASES) {
    it(c.id, () => {
      const want = hex(c.mac)
      const mac = hmacSha256(c.key, c.data)
      assert.equal(mac.byteLength, 32)
      assert.equal(toHex(mac.subarray(0, want.byteLength)), toHex(want))
    })
  }

  it('a changed key or message changes the MAC', () => {
    const c = CASES[0]!
    const mac = toHex(hmacSha256(c.key, c.data))
    const key = c.key.slice()
    key[0]! ^= 1
    const data = c.data.slice()
    data[0]! ^= 1
    assert.notEqual(toHex(hmacSha256(key, c.data)), mac)
    assert.notEqual(toHex(hmacSha256(c.key, data)), mac)
  })
})
}
