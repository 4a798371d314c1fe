import { strict as assert } from 'node:assert'
import fc from 'fast-check'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { presenceKey, sealPresence, verifyPresenceBlob, type VerifiedPresenceBlob } from '../../../protocol/presence.js'
import { PresenceBoard } from '../../../node/presence/presence-board.js'

const NOW = 1_780_000_000_000

function blob (key: Uint8Array, seq: number, expiresAt: number, deviceId = 1, online = true): VerifiedPresenceBlob {
  return verifyPresenceBlob(sealPresence(key, deviceId, { online, at: NOW, seq, expiresAt }), NOW)
}

describe('presence board (node/presence/presence-board.ts)', () => {
  it('keeps the latest seq per id; an older or the same blob changes nothing', () => {
    const key = presenceKey(randomBytes(32))
    const board = new PresenceBoard(10)
    const b2 = blob(key, 2, NOW + 60_000)
    assert.equal(board.offer(b2, NOW), 'newer')
    assert.equal(board.offer(b2, NOW), 'same')
    assert.equal(board.offer(blob(key, 1, NOW + 60_000), NOW), 'older')
    assert.deepEqual(board.get(b2.idHex, NOW), b2.bytes)
    const b3 = blob(key, 3, NOW + 60_000, 1, false)
    assert.equal(board.offer(b3, NOW), 'newer')
    assert.deepEqual(board.get(b2.idHex, NOW), b3.bytes)
    assert.equal(board.size, 1)
  })

  it('settles an equal seq with other bytes the same way whatever the order', () => {
    const key = presenceKey(randomBytes(32))
    const x = blob(key, 5, NOW + 60_000)
    const y = blob(key, 5, NOW + 60_000)
    const one = new PresenceBoard(4)
    const two = new PresenceBoard(4)
    one.offer(x, NOW); one.offer(y, NOW)
    two.offer(y, NOW); two.offer(x, NOW)
    assert.deepEqual(one.get(x.idHex, NOW), two.get(x.idHex, NOW))
  })

  it('drops expired blobs on read and on purge', () => {
    const board = new PresenceBoard(10)
    const a = blob(presenceKey(randomBytes(32)), 1, NOW + 1000)
    const b = blob(presenceKey(randomBytes(32)), 1, NOW + 5000)
    board.offer(a, NOW); board.offer(b, NOW)
    assert.equal(board.get(a.idHex, NOW + 1000), undefined)
    assert.equal(board.purge(NOW + 5000), 1)
    assert.equal(board.size, 0)
  })

  it('never holds more than its cap; when full the soonest-expiring blob makes room for a longer-lived one', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (lives, cap) => {
      const board = new PresenceBoard(cap)
      const held: VerifiedPresenceBlob[] = []
      for (const life of lives) {
        const v = blob(presenceKey(randomBytes(32)), 1, NOW + life)
        const soonest = held.length === 0 ? Infinity : Math.min(...held.filter((h) => board.get(h.idHex, NOW) !== undefined).map((h) => h.expiresAt))
        const full = board.size >= cap
        const outcome = board.offer(v, NOW)
        assert.ok(board.size <= cap)
        if (!full) assert.equal(outcome, 'newer')
        else assert.equal(outcome, v.expiresAt > soonest ? 'newer' : 'full')
        held.push(v)
      }
    }), { numRuns: 30 })
  })
})
