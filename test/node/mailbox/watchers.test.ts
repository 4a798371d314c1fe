import { strict as assert } from 'node:assert'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { WatcherTable } from '../../../node/mailbox/watchers.js'

async function peers (n: number): Promise<PeerId[]> {
  return await Promise.all(Array.from({ length: n }, async () => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))))
}

describe('watcher table (node/mailbox/watchers.ts)', () => {
  it('keeps a watcher until its TTL passes unless renewed, and drops it on unwatch', async () => {
    const [a, b] = await peers(2) as [PeerId, PeerId]
    const t = new WatcherTable(1000)
    t.watch('m1', a, 0)
    t.watch('m1', b, 500)
    assert.deepEqual(t.watchers('m1', 999).map(String), [a, b].map(String))
    t.watch('m1', a, 900) // renewed: until 1900; b until 1500
    assert.deepEqual(t.watchers('m1', 1600).map(String), [a].map(String))
    assert.equal(t.size, 1)
    t.unwatch('m1', a)
    assert.deepEqual(t.watchers('m1', 1600), [])
    assert.equal(t.size, 0)
  })

  it('keeps at most perMailbox watchers of one mailbox (the soonest-expiring makes room) and at most maxTotal in all', async () => {
    const ps = await peers(6)
    const t = new WatcherTable(1000, 2, 3)
    t.watch('m1', ps[0]!, 0)
    t.watch('m1', ps[1]!, 10)
    t.watch('m1', ps[2]!, 20)
    assert.deepEqual(t.watchers('m1', 30).map(String), [ps[1], ps[2]].map(String))
    t.watch('m2', ps[3]!, 30)
    assert.equal(t.size, 3)
    assert.throws(() => { t.watch('m3', ps[4]!, 40) }, (err) => RelaymeshError.is(err, ErrorCode.QuotaExceeded))
    assert.throws(() => { t.watch('m2', ps[4]!, 40) }, (err) => RelaymeshError.is(err, ErrorCode.QuotaExceeded))
    assert.equal(t.size, 3)
    // once some expired, there is room again
    t.watch('m3', ps[5]!, 1015) // ps[1] expired at 1010
    assert.equal(t.size, 3)
    assert.deepEqual(t.watchers('m3', 1015).map(String), [ps[5]].map(String))
  })
})
