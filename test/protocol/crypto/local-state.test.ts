import { strict as assert } from 'node:assert'
import { hkdfSync, scryptSync } from 'node:crypto'
import fc from 'fast-check'
import { INFO, LOCAL_STATE_MAGIC, LOCAL_STATE_VERSION, MAX_LOCAL_STATE_BYTES, SCRYPT_PARAMS } from '../../../protocol/constants.js'
import { aesGcmDecrypt, randomBytes } from '../../../protocol/crypto/primitives.js'
import {
  deriveLocalStateKey, newLocalStateKdf, openLocalState, openWithKey, readLocalStateHeader, sealLocalState, sealWithKey, wipeLocalStateKey
} from '../../../protocol/crypto/local-state.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { LocalStateHeader, SealedLocalState } from '../../../protocol/pb/local-state.js'

const isCode = (...codes: ErrorCode[]) => (err: unknown): boolean => RelaymeshError.is(err) && codes.includes(err.code)
/** cheap parameters for tests (2 KiB of memory); one test below uses SCRYPT_PARAMS */
const FAST = { N: 16, r: 1, p: 1 }
const PASS = 'correct horse battery staple'

/** Re-encode a sealed blob with a changed header (the attacker's view: no key needed). */
function withHeader (sealed: Uint8Array, change: Partial<LocalStateHeader>): Uint8Array {
  const outer = SealedLocalState.decode(sealed)
  const header = LocalStateHeader.decode(outer.header)
  return SealedLocalState.encode({ header: LocalStateHeader.encode({ ...header, ...change }), ciphertext: outer.ciphertext })
}

describe('protocol/crypto/local-state', () => {
  it('round trips any plaintext and passphrase', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 2048 }), (pass, plaintext) => {
      const sealed = sealLocalState(pass, plaintext, FAST)
      assert.deepEqual(openLocalState(pass, sealed), plaintext)
    }), { numRuns: 50 })
  })

  it('follows the documented construction (scrypt -> HKDF -> AES-256-GCM with the header as AAD)', () => {
    const plaintext = randomBytes(100)
    const sealed = sealLocalState(PASS, plaintext, FAST)
    const outer = SealedLocalState.decode(sealed)
    const h = LocalStateHeader.decode(outer.header)
    assert.deepEqual(h.magic, LOCAL_STATE_MAGIC)
    assert.equal(h.version, LOCAL_STATE_VERSION)
    assert.deepEqual([h.log2N, h.r, h.p], [4, 1, 1])
    assert.equal(h.salt.byteLength, 16)
    assert.equal(h.nonce.byteLength, 12)
    const stretched = scryptSync(Buffer.from(PASS.normalize('NFKC')), h.salt, 32, { N: 16, r: 1, p: 1 })
    const key = new Uint8Array(hkdfSync('sha256', stretched, new Uint8Array(0), INFO.localState, 32))
    assert.deepEqual(aesGcmDecrypt(key, h.nonce, outer.ciphertext, outer.header), plaintext)
    assert.deepEqual(readLocalStateHeader(sealed).nonce, h.nonce)
  })

  it('opens with the default SCRYPT_PARAMS', function () {
    this.timeout(20_000)
    const plaintext = randomBytes(64)
    const sealed = sealLocalState(PASS, plaintext)
    const h = readLocalStateHeader(sealed)
    assert.deepEqual([h.N, h.r, h.p], [SCRYPT_PARAMS.N, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p])
    assert.deepEqual(openLocalState(PASS, sealed), plaintext)
  })

  it('NFKC: composed and decomposed forms of a passphrase are the same passphrase', () => {
    const sealed = sealLocalState('caf\u00e9 \ufb01sh', randomBytes(8), FAST)
    assert.equal(openLocalState('cafe\u0301 fish', sealed).byteLength, 8)
  })

  it('wrong passphrase: WrongPassphrase', () => {
    const sealed = sealLocalState(PASS, randomBytes(32), FAST)
    for (const wrong of ['', 'correct horse battery stapl', 'Correct horse battery staple', PASS + ' ']) {
      assert.throws(() => openLocalState(wrong, sealed), isCode(ErrorCode.WrongPassphrase), JSON.stringify(wrong))
    }
  })

  it('tampered ciphertext, tag or header fields: WrongPassphrase', () => {
    const sealed = sealLocalState(PASS, randomBytes(32), FAST)
    const outer = SealedLocalState.decode(sealed)
    fc.assert(fc.property(fc.nat({ max: outer.ciphertext.byteLength - 1 }), fc.nat({ max: 7 }), (at, bit) => {
      const ciphertext = outer.ciphertext.slice()
      ciphertext[at]! ^= 1 << bit
      const tampered = SealedLocalState.encode({ header: outer.header, ciphertext })
      assert.throws(() => openLocalState(PASS, tampered), isCode(ErrorCode.WrongPassphrase))
    }), { numRuns: 50 })
    const h = LocalStateHeader.decode(outer.header)
    const salt = h.salt.slice()
    salt[0]! ^= 1
    const nonce = h.nonce.slice()
    nonce[11]! ^= 0x80
    for (const change of [{ salt }, { nonce }, { log2N: 5 }, { r: 2 }, { p: 2 }]) {
      assert.throws(() => openLocalState(PASS, withHeader(sealed, change)), isCode(ErrorCode.WrongPassphrase), JSON.stringify(Object.keys(change)))
    }
  })

  it('any flipped bit anywhere: rejected (WrongPassphrase or Decode)', () => {
    const sealed = sealLocalState(PASS, randomBytes(40), FAST)
    fc.assert(fc.property(fc.nat({ max: sealed.byteLength - 1 }), fc.nat({ max: 7 }), (at, bit) => {
      const flipped = sealed.slice()
      flipped[at]! ^= 1 << bit
      // a flip can make log2N large enough to be slow but still within bounds: keep it cheap
      let h: ReturnType<typeof readLocalStateHeader> | undefined
      try { h = readLocalStateHeader(flipped) } catch { }
      fc.pre(h === undefined || h.N * h.r * h.p <= 1 << 14)
      assert.throws(() => openLocalState(PASS, flipped), isCode(ErrorCode.WrongPassphrase, ErrorCode.Decode))
    }), { numRuns: 150 })
  })

  it('absurd scrypt parameters are refused before scrypt runs: Decode', () => {
    const sealed = sealLocalState(PASS, randomBytes(8), FAST)
    const absurd: Array<Partial<LocalStateHeader>> = [
      { log2N: 21 }, { log2N: 40 }, { log2N: 0 },
      { r: 0 }, { r: 17 }, { r: 0xffffffff }, { p: 0 }, { p: 17 },
      { log2N: 20, r: 8 }, // 1 GiB
      { log2N: 18, r: 8, p: 16 } // 2^25 work
    ]
    // Decode, not WrongPassphrase: refused while reading the header, before any key is derived
    for (const change of absurd) {
      assert.throws(() => openLocalState(PASS, withHeader(sealed, change)), isCode(ErrorCode.Decode), JSON.stringify(change))
      assert.throws(() => deriveLocalStateKey(PASS, withHeader(sealed, change)), isCode(ErrorCode.Decode), JSON.stringify(change))
    }
  })

  it('malformed blobs: Decode', () => {
    const sealed = sealLocalState(PASS, randomBytes(8), FAST)
    const bad: Array<Partial<LocalStateHeader>> = [
      { magic: new TextEncoder().encode('RMLX') }, { magic: new Uint8Array(0) }, { version: 2 },
      { salt: new Uint8Array(15) }, { nonce: new Uint8Array(16) }
    ]
    for (const change of bad) {
      assert.throws(() => openLocalState(PASS, withHeader(sealed, change)), isCode(ErrorCode.Decode), JSON.stringify(Object.keys(change)))
    }
    for (let n = 0; n < sealed.byteLength; n++) {
      assert.throws(() => openLocalState(PASS, sealed.subarray(0, n)), isCode(ErrorCode.Decode, ErrorCode.WrongPassphrase), `length ${n}`)
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      assert.throws(() => openLocalState(PASS, bytes), isCode(ErrorCode.Decode))
    }), { numRuns: 200 })
    assert.throws(() => openLocalState(PASS, new Uint8Array(MAX_LOCAL_STATE_BYTES + 1)), isCode(ErrorCode.Decode))
  })

  it('sealing refuses parameters it would refuse to open', () => {
    for (const params of [{ N: 15, r: 1, p: 1 }, { N: 2 ** 21, r: 1, p: 1 }, { N: 1, r: 1, p: 1 }, { N: 16, r: 0, p: 1 }, { N: 16, r: 1, p: 1.5 }]) {
      assert.throws(() => sealLocalState(PASS, randomBytes(1), params), isCode(ErrorCode.InvalidArgument), JSON.stringify(params))
    }
  })

  describe('derive once, seal many', () => {
    it('a derived key seals many blobs that openLocalState and openWithKey both open', () => {
      const key = deriveLocalStateKey(PASS, newLocalStateKdf(FAST))
      const plaintexts = Array.from({ length: 20 }, (_, i) => randomBytes(i * 10))
      const sealed = plaintexts.map((p) => sealWithKey(key, p))
      const nonces = new Set(sealed.map((s) => Buffer.from(readLocalStateHeader(s).nonce).toString('hex')))
      assert.equal(nonces.size, sealed.length, 'a fresh nonce per seal')
      sealed.forEach((s, i) => {
        assert.deepEqual(openWithKey(key, s), plaintexts[i])
        assert.deepEqual(openLocalState(PASS, s), plaintexts[i])
      })
      // derive again from any blob: the same key
      const again = deriveLocalStateKey(PASS, sealed[3]!)
      assert.deepEqual(again.key, key.key)
      wipeLocalStateKey(key)
      assert.ok(key.key.every((b) => b === 0))
    })

    it('a key from another salt or passphrase does not open', () => {
      const kdf = newLocalStateKdf(FAST)
      const key = deriveLocalStateKey(PASS, kdf)
      const sealed = sealWithKey(key, randomBytes(10))
      assert.throws(() => openWithKey(deriveLocalStateKey(PASS, newLocalStateKdf(FAST)), sealed), isCode(ErrorCode.InvalidState))
      assert.throws(() => openWithKey(deriveLocalStateKey('other', kdf), sealed), isCode(ErrorCode.WrongPassphrase))
    })

    it('refuses bad derivation inputs', () => {
      assert.throws(() => deriveLocalStateKey(PASS, { ...newLocalStateKdf(FAST), salt: new Uint8Array(8) }), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => deriveLocalStateKey(42 as unknown as string, newLocalStateKdf(FAST)), isCode(ErrorCode.InvalidArgument))
      assert.throws(() => deriveLocalStateKey(PASS, new Uint8Array(10)), isCode(ErrorCode.Decode))
    })
  })
})
