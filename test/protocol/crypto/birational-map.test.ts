// ed25519PublicToX25519 (RFC 7748 §4.1, u = (1 + y) / (1 - y), computed from
// y with a Legendre-symbol point check) against @noble/curves' toMontgomery,
// which decompresses the point (RFC 8032 §5.1.3): same bytes for every valid
// key, and a throw exactly where noble throws.
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { ed25519 as nobleEd25519 } from '@noble/curves/ed25519.js'
import { BACKENDS } from '../../helpers/crypto-backends.js'
import { ed25519PublicToX25519 } from '../../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const invalid = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.InvalidArgument)

/** 32-byte little-endian encoding of y, with the sign bit of x on top. */
function encodeY (y: bigint, sign = false): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++) out[i] = Number((y >> BigInt(8 * i)) & 0xffn)
  if (sign) out[31]! |= 0x80
  return out
}

const P = (1n << 255n) - 19n

/** ours and noble's: both the same bytes, or both a throw */
function agree (pub: Uint8Array): void {
  let theirs: string
  try {
    theirs = toHex(nobleEd25519.utils.toMontgomery(pub))
  } catch {
    assert.throws(() => ed25519PublicToX25519(pub), invalid, `noble rejects ${toHex(pub)}`)
    return
  }
  assert.equal(toHex(ed25519PublicToX25519(pub)), theirs, toHex(pub))
}

for (const { name, p: { ed25519GenerateKeyPair, ed25519PrivateToX25519, x25519PublicFromPrivate } } of BACKENDS) {
describe(`protocol/crypto birational map (Ed25519 -> X25519 public) [${name}]`, () => {
  it('RFC 8032 §7.1 public keys: same u as noble, and X25519(converted private) = converted public', () => {
    const vectors = [
      ['9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'],
      ['4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'],
      ['c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025'],
      ['f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5', '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e'],
      ['833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42', 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf']
    ]
    for (const [secret, pub] of vectors) {
      agree(hex(pub!))
      assert.equal(toHex(ed25519PublicToX25519(hex(pub!))), toHex(x25519PublicFromPrivate(ed25519PrivateToX25519(hex(secret!)))))
    }
  })

  it('random key pairs: same u as noble', () => {
    fc.assert(fc.property(fc.integer(), () => {
      const kp = ed25519GenerateKeyPair()
      agree(kp.publicKey)
      // -A (sign bit flipped) maps to the same u
      const neg = kp.publicKey.slice()
      neg[31]! ^= 0x80
      assert.deepEqual(ed25519PublicToX25519(neg), ed25519PublicToX25519(kp.publicKey))
    }), { numRuns: 150 })
  })

  it('arbitrary 32-byte strings: a throw exactly where noble throws, else the same bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => { agree(b) }), { numRuns: 400 })
  })

  it('edge encodings: y >= p, the neutral element, the point of order 2, x = 0 with the sign bit', () => {
    const cases: Array<[string, Uint8Array, string | null]> = [
      ['y = p', encodeY(P), null],
      ['y = p + 1', encodeY(P + 1n), null],
      ['y = 2^255 - 1', encodeY((1n << 255n) - 1n), null],
      ['y = 1 (neutral element)', encodeY(1n), null],
      ['y = 1, sign bit set', encodeY(1n, true), null],
      ['y = p - 1 (order 2): u = 0', encodeY(P - 1n), '00'.repeat(32)],
      ['y = p - 1, sign bit set (x = 0)', encodeY(P - 1n, true), null],
      ['y = 0 (order 4): u = 1', encodeY(0n), '01' + '00'.repeat(31)]
    ]
    for (const [id, pub, expected] of cases) {
      agree(pub)
      if (expected === null) assert.throws(() => ed25519PublicToX25519(pub), invalid, id)
      else assert.equal(toHex(ed25519PublicToX25519(pub)), expected, id)
    }
  })
})
}
