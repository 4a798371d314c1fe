// The spent-id watermark of one replica, on a real LevelDB with an injected
// clock: raised with each hand-out in the same synced batch, refusing those
// ids again whatever their key, and forgotten only when its mailbox holds no
// key and saw no upload or claim for WATERMARK_RETENTION_MS.
import { strict as assert } from 'node:assert'
import { randomBytes } from 'node:crypto'
import { encode } from '../../../protocol/codec.js'
import { OneTimePreKey } from '../../../protocol/pb/records.js'
import { openStore, type NodeStore } from '../../../node/store/db.js'
import { PreKeyStore, type StoredPreKey } from '../../../node/prekeys/prekey-store.js'
import { WATERMARK_RETENTION_MS } from '../../../node/prekeys/constants.js'
import { PREFIX } from '../../../node/store/keys.js'
import { removeDir, tempDir } from '../../helpers/mesh.js'

function keys (ids: number[]): StoredPreKey[] {
  return ids.map((id) => ({ id, bytes: encode(OneTimePreKey, { id, publicKey: new Uint8Array(randomBytes(32)) }) }))
}

describe('prekey store: spent ids', function () {
  this.timeout(20_000)
  let dir: string
  let db: NodeStore
  let now = Date.UTC(2026, 0, 1)
  let store: PreKeyStore

  before(async () => {
    dir = tempDir('relaymesh-otk-store-')
    db = await openStore(dir)
    store = new PreKeyStore(db, () => now)
  })

  after(async () => {
    await db.close()
    removeDir(dir)
  })

  it('refuses ids up to the highest one handed out, whatever their key; a retried upload is a no-op', async () => {
    const m = 'aa'.repeat(32)
    const batch = keys([1, 2, 3, 4])
    assert.deepEqual(await store.upload(m, batch, 200), { accepted: 4, duplicates: 0, spent: 0, refused: 0, remaining: 4 })
    assert.deepEqual(await store.upload(m, batch, 200), { accepted: 0, duplicates: 4, spent: 0, refused: 0, remaining: 4 })
    assert.equal(await store.spentUpTo(m), undefined)
    const first = await store.claim(m)
    assert.equal(OneTimePreKey.decode(first.key!).id, 1)
    assert.equal(await store.spentUpTo(m), 1)
    // the same batch again, and id 1 with a new key: id 1 is spent; id 4 with another key keeps its first key
    assert.deepEqual(await store.upload(m, [...batch, ...keys([1, 4])], 200), { accepted: 0, duplicates: 3, spent: 2, refused: 1, remaining: 3 })
    const rest = [await store.claim(m), await store.claim(m), await store.claim(m)]
    assert.deepEqual(rest.map((r) => OneTimePreKey.decode(r.key!).id), [2, 3, 4])
    assert.ok(rest[2]!.key !== undefined && Buffer.from(rest[2]!.key).equals(Buffer.from(batch[3]!.bytes)), 'the first key of id 4')
    assert.deepEqual(await store.claim(m), { key: undefined, remaining: 0 })
    // fresh ids above the watermark are taken
    assert.equal((await store.upload(m, keys([5, 6]), 200)).accepted, 2)
  })

  it('forgets a watermark only when its mailbox holds nothing and was idle for the retention period', async () => {
    const idle = 'bb'.repeat(32)
    const holding = 'cc'.repeat(32)
    for (const m of [idle, holding]) {
      await store.upload(m, keys([1, 2]), 200)
      await store.claim(m)
    }
    await store.claim(idle)
    now += WATERMARK_RETENTION_MS - 1
    assert.equal(await store.sweep(WATERMARK_RETENTION_MS), 0)
    now += 1
    assert.ok(await store.sweep(WATERMARK_RETENTION_MS) >= 1)
    assert.equal(await store.spentUpTo(idle), undefined, 'idle and empty: its generation has ended')
    assert.equal(await store.spentUpTo(holding), 1, 'still holds a key')
    assert.equal(await db.get(`${PREFIX.oneTimePreKeySpent}${idle}`), undefined)
  })
})
