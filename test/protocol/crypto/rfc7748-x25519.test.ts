// X25519 against RFC 7748 (https://www.rfc-editor.org/rfc/rfc7748), plus the
// low-order inputs relaymesh must refuse (§6.1 all-zero check).
import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { BACKENDS } from '../../helpers/crypto-backends.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const invalid = (err: unknown): boolean => RelaymeshError.is(err, ErrorCode.InvalidArgument)

const BASE = hex('0900000000000000000000000000000000000000000000000000000000000000')

for (const { name, p: { ed25519GenerateKeyPair, ed25519PrivateToX25519, ed25519PublicToX25519, x25519, x25519GenerateKeyPair, x25519PublicFromPrivate } } of BACKENDS) {
describe(`RFC 7748 X25519 [${name}]`, () => {
  describe('§5.2 scalar multiplication', () => {
    const vectors = [
      {
        id: '§5.2 vector 1',
        scalar: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
        u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
        out: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552'
      },
      {
        // u has its top bit set: implementations must mask it (§5)
        id: '§5.2 vector 2',
        scalar: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
        u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
        out: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957'
      }
    ]
    for (const v of vectors) {
      it(v.id, () => {
        assert.equal(toHex(x25519(hex(v.scalar), hex(v.u))), v.out)
      })
    }

    // k = u = 9; each round: k, u = X25519(k, u), k. The 1,000,000-round value
    // (7c3911e0…f665424) is left out: ~1 minute even with node:crypto.
    it('§5.2 iterated, 1 and 1,000 rounds', function () {
      this.timeout(30_000)
      let k = BASE
      let u = BASE
      for (let i = 1; i <= 1000; i++) {
        const next = x25519(k, u)
        u = k
        k = next
        if (i === 1) assert.equal(toHex(k), '422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079', 'after 1 round')
      }
      assert.equal(toHex(k), '684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51', 'after 1,000 rounds')
    })
  })

  describe('§6.1 Diffie-Hellman', () => {
    const alicePriv = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    const alicePub = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'
    const bobPriv = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
    const bobPub = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f'
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'

    it('§6.1 Alice public key', () => {
      assert.equal(toHex(x25519PublicFromPrivate(alicePriv)), alicePub)
      assert.equal(toHex(x25519(alicePriv, BASE)), alicePub)
    })
    it('§6.1 Bob public key', () => {
      assert.equal(toHex(x25519PublicFromPrivate(bobPriv)), bobPub)
    })
    it('§6.1 shared secret, both directions', () => {
      assert.equal(toHex(x25519(alicePriv, hex(bobPub))), shared)
      assert.equal(toHex(x25519(bobPriv, hex(alicePub))), shared)
    })
  })

  describe('invalid inputs are rejected', () => {
    // Points of order 1, 2, 4 and 8 and their non-canonical encodings (the set
    // libsodium and Signal refuse): X25519 of any clamped scalar with them is
    // all zeros, which §6.1 lets us (and Signal requires us to) reject.
    const lowOrder = [
      { id: 'u = 0', u: '0000000000000000000000000000000000000000000000000000000000000000' },
      { id: 'u = 1', u: '0100000000000000000000000000000000000000000000000000000000000000' },
      { id: 'order 8 (a)', u: 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800' },
      { id: 'order 8 (b)', u: '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157' },
      { id: 'u = p - 1', u: 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f' },
      { id: 'u = p (0, non-canonical)', u: 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f' },
      { id: 'u = p + 1 (1, non-canonical)', u: 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f' },
      { id: 'u = 0 with the top bit set', u: '0000000000000000000000000000000000000000000000000000000000000080' },
      { id: 'order 8 (a) with the top bit set', u: 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880' }
    ]
    const priv = x25519GenerateKeyPair().privateKey
    for (const v of lowOrder) {
      it(`low-order public key: ${v.id}`, () => {
        assert.throws(() => x25519(priv, hex(v.u)), invalid)
      })
    }

    it('wrong key lengths', () => {
      const ok = x25519GenerateKeyPair()
      for (const n of [0, 31, 33, 64]) {
        assert.throws(() => x25519(new Uint8Array(n), ok.publicKey), invalid, `private ${n} bytes`)
        assert.throws(() => x25519(ok.privateKey, new Uint8Array(n)), invalid, `public ${n} bytes`)
        assert.throws(() => x25519PublicFromPrivate(new Uint8Array(n)), invalid, `public-from-private ${n} bytes`)
      }
    })
  })

  describe('key generation', () => {
    it('generated pairs agree (DH is symmetric) and match the public-from-private derivation', () => {
      fc.assert(fc.property(fc.constant(null), () => {
        const a = x25519GenerateKeyPair()
        const b = x25519GenerateKeyPair()
        assert.deepEqual(x25519(a.privateKey, b.publicKey), x25519(b.privateKey, a.publicKey))
        // a fresh copy of the private key takes the import path, not the cache
        assert.deepEqual(x25519PublicFromPrivate(a.privateKey.slice()), a.publicKey)
      }), { numRuns: 50 })
    })
  })

  // Ed25519 -> X25519 (RFC 7748 §4.1 birational map; RFC 8032 §5.1.5 scalar):
  // the converted private key's public key is the converted public key.
  describe('Ed25519 to X25519 conversion', () => {
    it('X25519 public of the converted private equals the converted public', () => {
      fc.assert(fc.property(fc.constant(null), () => {
        const ed = ed25519GenerateKeyPair()
        const xPriv = ed25519PrivateToX25519(ed.privateKey)
        assert.deepEqual(x25519PublicFromPrivate(xPriv), ed25519PublicToX25519(ed.publicKey))
      }), { numRuns: 50 })
    })

    it('converted keys agree in a DH with a plain X25519 key', () => {
      const ed = ed25519GenerateKeyPair()
      const other = x25519GenerateKeyPair()
      assert.deepEqual(
        x25519(ed25519PrivateToX25519(ed.privateKey), other.publicKey),
        x25519(other.privateKey, ed25519PublicToX25519(ed.publicKey))
      )
    })
  })
})
}
