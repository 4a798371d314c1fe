// Channel posts (protocol/channel-post.ts): what a node and a client check of
// a post from the network, each failure with its code.
import { strict as assert } from 'node:assert'
import { signChannelPost, verifyChannelPost, verifyChannelPostBytes } from '../../protocol/channel-post.js'
import { encode } from '../../protocol/codec.js'
import { CHANNEL_MAX_FUTURE_MS, CHANNEL_RETENTION_MS, MAX_CHANNEL_POST_BYTES, MAX_CHANNEL_TEXT_BYTES } from '../../protocol/constants.js'
import { ed25519GenerateKeyPair, randomBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode } from '../../protocol/errors.js'
import { userIdFromIdentityKey } from '../../protocol/identity.js'
import { ChannelPost } from '../../protocol/pb/channel.js'
import { codeOf } from '../helpers/errors.js'
import { rawPost } from '../helpers/channel.js'

describe('channel posts (protocol/channel-post.ts)', () => {
  const alice = ed25519GenerateKeyPair()
  const now = Date.now()

  it('a signed post verifies and names its author by user id', () => {
    const bytes = signChannelPost(alice, { channel: 'all', text: 'hello mesh\nsecond line', sentAt: now })
    const p = verifyChannelPost(bytes, now)
    assert.equal(p.from, userIdFromIdentityKey(alice.publicKey))
    assert.equal(p.text, 'hello mesh\nsecond line')
    assert.equal(p.channel, 'all')
    assert.equal(p.idHex.length, 32)
    assert.equal(p.key, `${Buffer.from(alice.publicKey).toString('hex')}/${p.idHex}`)
  })

  it('refuses a forged signature, another author\'s key, and an altered field (BadSignature)', () => {
    const bytes = signChannelPost(alice, { channel: 'all', text: 'hello', sentAt: now })
    const post = ChannelPost.decode(bytes)
    const flipped = post.signature.slice()
    flipped[0] = (flipped[0] as number) ^ 1
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, signature: flipped }), now)), ErrorCode.BadSignature)
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, author: ed25519GenerateKeyPair().publicKey }), now)), ErrorCode.BadSignature)
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, text: 'hellO' }), now)), ErrorCode.BadSignature)
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, channel: 'other' }), now)), ErrorCode.BadSignature)
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, sentAt: now + 1 }), now)), ErrorCode.BadSignature)
  })

  it('refuses text over 2048 bytes (TooLarge) and bytes over the post limit, before decoding', () => {
    assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now, text: 'x'.repeat(MAX_CHANNEL_TEXT_BYTES + 1) }), now)), ErrorCode.TooLarge)
    assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now, text: 'é'.repeat(MAX_CHANNEL_TEXT_BYTES / 2 + 1) }), now)), ErrorCode.TooLarge)
    assert.equal(codeOf(() => verifyChannelPost(new Uint8Array(MAX_CHANNEL_POST_BYTES + 1), now)), ErrorCode.TooLarge)
    assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now, text: 'x'.repeat(MAX_CHANNEL_TEXT_BYTES) }), now)), undefined)
    assert.equal(codeOf(() => signChannelPost(alice, { channel: 'all', text: 'x'.repeat(MAX_CHANNEL_TEXT_BYTES + 1), sentAt: now })), ErrorCode.TooLarge)
  })

  it('refuses bad channel names, empty text and control characters (Invalid)', () => {
    for (const channel of ['', 'All', 'a b', 'x'.repeat(33), 'é', '../x']) {
      assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now, channel }), now)), ErrorCode.Invalid, JSON.stringify(channel))
    }
    for (const text of ['', 'bell\u0007', 'esc \u001b[2J', 'del\u007f', 'c1 \u009b', 'bidi \u202e']) {
      assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now, text }), now)), ErrorCode.Invalid, JSON.stringify(text))
    }
    assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now, channel: 'x'.repeat(32), text: 'tab\tand\nnewline' }), now)), undefined)
  })

  it('refuses posts from the future (Invalid) and older than the retention (Expired); the byte checks do not look at the clock', () => {
    const future = rawPost(alice, { sentAt: now + CHANNEL_MAX_FUTURE_MS + 1000 })
    assert.equal(codeOf(() => verifyChannelPost(future, now)), ErrorCode.Invalid)
    assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now + CHANNEL_MAX_FUTURE_MS - 1000 }), now)), undefined)
    assert.equal(codeOf(() => verifyChannelPost(rawPost(alice, { sentAt: now - CHANNEL_RETENTION_MS - 1000 }), now)), ErrorCode.Expired)
    assert.equal(codeOf(() => verifyChannelPostBytes(future)), undefined)
  })

  it('refuses malformed fields and non-canonical encodings (Decode)', () => {
    const bytes = signChannelPost(alice, { channel: 'all', text: 'hello', sentAt: now })
    const post = ChannelPost.decode(bytes)
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, id: randomBytes(15) }), now)), ErrorCode.Decode)
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, author: randomBytes(31) }), now)), ErrorCode.Decode)
    assert.equal(codeOf(() => verifyChannelPost(encode(ChannelPost, { ...post, version: 2 }), now)), ErrorCode.Decode)
    // an unknown field appended: the same signed post as another byte string
    assert.equal(codeOf(() => verifyChannelPost(Uint8Array.of(...bytes, 0x40, 0x01), now)), ErrorCode.Decode)
    assert.equal(codeOf(() => verifyChannelPost(Uint8Array.of(0xff, 0xff, 0xff), now)), ErrorCode.Decode)
  })
})
