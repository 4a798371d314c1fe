// A node's log of one channel (node/channel/channel-log.ts): ordered by time,
// deduplicated by author and id, bounded in count and time.
import { strict as assert } from 'node:assert'
import { verifyChannelPost } from '../../../protocol/channel-post.js'
import { ed25519GenerateKeyPair } from '../../../protocol/crypto/primitives.js'
import { ChannelLog } from '../../../node/channel/channel-log.js'
import { rawPost } from '../../helpers/channel.js'

describe('channel log (node/channel/channel-log.ts)', () => {
  const author = ed25519GenerateKeyPair()
  const now = Date.now()
  const post = (sentAt: number, text = 'x'): ReturnType<typeof verifyChannelPost> => verifyChannelPost(rawPost(author, { sentAt, text }), now)

  it('keeps posts in time order whatever the arrival order, each once', () => {
    const log = new ChannelLog(10)
    const [a, b, c] = [post(now - 3000), post(now - 2000), post(now - 1000)]
    assert.equal(log.offer(c), 'kept')
    assert.equal(log.offer(a), 'kept')
    assert.equal(log.offer(b), 'kept')
    assert.equal(log.offer(b), 'duplicate')
    assert.deepEqual(log.after(0, 10).map((p) => p.sentAt), [a.sentAt, b.sentAt, c.sentAt])
    assert.deepEqual(log.after(a.sentAt, 10).map((p) => p.sentAt), [b.sentAt, c.sentAt])
    assert.deepEqual(log.after(0, 2).map((p) => p.sentAt), [a.sentAt, b.sentAt])
  })

  it('holds at most maxPosts: the oldest goes for a newer one; an older one is refused', () => {
    const log = new ChannelLog(2)
    const [a, b, c] = [post(now - 3000), post(now - 2000), post(now - 1000)]
    log.offer(a)
    log.offer(b)
    assert.equal(log.offer(c), 'kept')
    assert.equal(log.size, 2)
    assert.deepEqual(log.after(0, 10).map((p) => p.sentAt), [b.sentAt, c.sentAt])
    assert.equal(log.offer(post(now - 5000)), 'full')
  })

  it('purge drops what was sent before the cutoff', () => {
    const log = new ChannelLog(10)
    for (const t of [5000, 4000, 1000]) log.offer(post(now - t))
    assert.equal(log.purge(now - 2000), 2)
    assert.equal(log.size, 1)
  })
})
