// Prekey rotation and one-time prekey top-up with an injected clock, and the
// content encoding (padding, bounds). No network.
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PreKeys, ONE_TIME_LOW, ONE_TIME_POOL, SIGNED_PREKEY_GRACE_MS, SIGNED_PREKEY_ROTATE_MS } from '../../client/keys/prekeys.js'
import { SealedStore } from '../../client/store/sealed-store.js'
import { CONTENT_PAD_BLOCK, ContentKind, MAX_TEXT_BYTES, decodeContent, encodeContent, newMessageId } from '../../client/messaging/content.js'
import { EnvelopeIds } from '../../client/messaging/envelope-id.js'
import { ed25519GenerateKeyPair } from '../../protocol/crypto/primitives.js'
import { openRecord } from '../../protocol/records.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { DAY_MS } from '../../client/device.js'

describe('client prekeys', function () {
  this.timeout(20_000)
  let dir: string
  let store: SealedStore
  const identity = ed25519GenerateKeyPair()
  const t0 = Date.UTC(2026, 0, 1)

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaymesh-prekeys-'))
    store = await SealedStore.create(join(dir, 'home'), 'pw', { scrypt: { N: 1 << 10, r: 8, p: 1 } })
  })

  after(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('rotates the signed prekeys weekly and keeps the previous ones for the grace period, across reloads', async () => {
    const { prekeys, ops } = PreKeys.create(store, identity, t0)
    await store.batch(ops)
    assert.equal(prekeys.currentSignedPreKey.id, 1)
    assert.deepEqual(prekeys.rotateIfDue(t0 + SIGNED_PREKEY_ROTATE_MS - 1), { ops: [], rotated: false })

    const r1 = prekeys.rotateIfDue(t0 + SIGNED_PREKEY_ROTATE_MS)
    assert.equal(r1.rotated, true)
    await store.batch(r1.ops)
    let p = await PreKeys.load(store, identity)
    assert.equal(p.currentSignedPreKey.id, 2)
    const src = p.source()
    assert.ok(src.signedPreKey(1) !== undefined && src.kemPreKey(1) !== undefined, 'previous kept for messages in flight')

    // the current one is due again a week later; the one it replaced stays through its grace period
    const replaced = t0 + SIGNED_PREKEY_ROTATE_MS
    const r2 = p.rotateIfDue(replaced + SIGNED_PREKEY_GRACE_MS - 1)
    assert.equal(r2.rotated, true)
    await store.batch(r2.ops)
    p = await PreKeys.load(store, identity)
    assert.equal(p.currentSignedPreKey.id, 3)
    assert.ok(p.source().signedPreKey(1) !== undefined, 'one ms before the grace period ends')
    const r3 = p.rotateIfDue(replaced + SIGNED_PREKEY_GRACE_MS)
    assert.equal(r3.rotated, false)
    await store.batch(r3.ops)
    p = await PreKeys.load(store, identity)
    assert.equal(p.source().signedPreKey(1), undefined)
    assert.equal(p.source().kemPreKey(1), undefined)
    assert.ok(p.source().signedPreKey(2) !== undefined, 'the one replaced later is still in its grace period')
    assert.equal(p.currentSignedPreKey.id, 3)

    // the bundle names the current keys and verifies
    const now = replaced + SIGNED_PREKEY_GRACE_MS
    const bundle = openRecord(p.signBundle(1, now).record, now)
    assert.equal((bundle.body as { signedPrekey?: { id: number } }).signedPrekey?.id, 3)
  })

  it('uploads each one-time prekey once and tops the pool up when the mesh runs low', async () => {
    const p = await PreKeys.load(store, identity)
    const first = p.planUpload()
    assert.equal(first.keys.length, ONE_TIME_POOL)
    await store.batch(first.ops)
    await store.batch([p.uploaded(first.upTo, ONE_TIME_POOL)])
    assert.equal(p.planUpload().keys.length, 0, 'nothing uploaded twice')

    // used keys (accepted sessions) lower the estimate; below the low mark fresh keys are made
    const src = p.source()
    for (let id = 1; id <= ONE_TIME_POOL - ONE_TIME_LOW + 1; id++) src.removeOneTimePreKey(id)
    await store.batch(src.takeRemovals())
    assert.equal(p.remoteEstimate, ONE_TIME_LOW - 1)
    const again = p.planUpload()
    assert.equal(again.keys.length, ONE_TIME_POOL - (ONE_TIME_LOW - 1))
    assert.ok(again.upTo > first.upTo)
    await store.batch(again.ops)
    // the node's own count wins over the estimate
    await store.batch([p.uploaded(again.upTo, 30)])
    const third = p.planUpload(30)
    assert.equal(third.keys.length, ONE_TIME_POOL - 30)
    await store.batch(third.ops)
    const reloaded = await PreKeys.load(store, identity)
    assert.equal(reloaded.oneTimeCount, p.oneTimeCount)
  })
})

describe('client content encoding', () => {
  it('pads to a multiple of the block and round-trips', () => {
    for (const text of ['', 'hi', 'x'.repeat(150), 'é'.repeat(500), 'y'.repeat(5000)]) {
      const c = { messageId: newMessageId(), sentAt: Date.now(), kind: ContentKind.TEXT, text }
      const bytes = encodeContent(c)
      assert.ok(bytes.byteLength % CONTENT_PAD_BLOCK <= 1, `${bytes.byteLength} bytes for ${text.length} chars`)
      assert.deepEqual(decodeContent(bytes), c)
    }
  })

  it('refuses text over the limit and malformed content', () => {
    assert.throws(() => encodeContent({ messageId: newMessageId(), sentAt: 1, kind: ContentKind.TEXT, text: 'z'.repeat(MAX_TEXT_BYTES + 1) }), (e: unknown) => RelaymeshError.is(e, ErrorCode.Invalid))
    assert.throws(() => decodeContent(Uint8Array.of(0x08, 0x01, 0x12, 0x01, 0x00)), (e: unknown) => RelaymeshError.is(e, ErrorCode.Decode))
    assert.throws(() => decodeContent(Uint8Array.of(0xff, 0xff)), (e: unknown) => RelaymeshError.is(e, ErrorCode.Decode))
  })

  it('makes strictly increasing envelope ids, also within one millisecond', () => {
    const gen = new EnvelopeIds()
    let last = Buffer.alloc(16)
    for (let i = 0; i < 1000; i++) {
      const id = Buffer.from(gen.next(t0()))
      assert.equal(Buffer.compare(id, last), 1)
      last = id
    }
    function t0 (): number { return 1_700_000_000_000 + Math.floor(DAY_MS / DAY_MS) }
  })
})
