import { strict as assert } from 'node:assert'
import { ErrorCode, RelaymeshError } from '../../../../protocol/errors.js'
import { addEpoch, newChain, recvKey, sendKey } from '../../../../protocol/crypto/spqr/chain.js'
import { SPQR_MAX_JUMP, SPQR_MAX_OOO_KEYS, SPQR_TRIM_SIZE, SPQR_HISTORY_ENTRY_BYTES } from '../../../../protocol/crypto/spqr/constants.js'

const KEY = new Uint8Array(32).fill(1)
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const code = (c: ErrorCode) => (e: unknown): boolean => RelaymeshError.is(e, c)

describe('spqr chain', () => {
  it('send keys of one direction are the receive keys of the other, per epoch', () => {
    const a2b = newChain(KEY, 0)
    const b2a = newChain(KEY, 1)
    const k1 = sendKey(a2b, 0)
    assert.equal(k1.index, 1)
    assert.equal(hex(recvKey(b2a, 0, 1)), hex(k1.key))
    assert.equal(hex(sendKey(b2a, 0).key), hex(recvKey(a2b, 0, 1)))
    addEpoch(a2b, 1, Uint8Array.of(2))
    addEpoch(b2a, 1, Uint8Array.of(2))
    const k = Array.from({ length: 10 }, () => sendKey(a2b, 1))
    assert.equal(k[9]!.index, 10)
    assert.equal(hex(recvKey(b2a, 1, 10)), hex(k[9]!.key))
    assert.equal(hex(recvKey(b2a, 1, 3)), hex(k[2]!.key))
    // a different epoch secret gives different keys
    const c = newChain(KEY, 1)
    addEpoch(c, 1, Uint8Array.of(3))
    assert.notEqual(hex(recvKey(c, 1, 1)), hex(k[0]!.key))
  })

  it('each key is handed out once', () => {
    const c = newChain(KEY, 0)
    recvKey(c, 0, 2)
    assert.throws(() => recvKey(c, 0, 2), code(ErrorCode.DuplicateMessage))
    recvKey(c, 0, 1)
    assert.throws(() => recvKey(c, 0, 1), code(ErrorCode.DuplicateMessage))
    assert.throws(() => recvKey(c, 0, 0), code(ErrorCode.DuplicateMessage))
  })

  it(`refuses a jump of more than ${SPQR_MAX_JUMP} keys`, () => {
    const c = newChain(KEY, 0)
    assert.throws(() => recvKey(c, 0, SPQR_MAX_JUMP + 1), code(ErrorCode.TooManySkipped))
    recvKey(c, 0, SPQR_MAX_JUMP)
  })

  it(`keeps skipped keys back to ${SPQR_MAX_OOO_KEYS} behind, bounded in bytes`, () => {
    const c = newChain(KEY, 0)
    recvKey(c, 0, 3000)
    const d = c.links[0]!.recv
    assert.ok(d.prev.byteLength <= SPQR_TRIM_SIZE * SPQR_HISTORY_ENTRY_BYTES)
    assert.throws(() => recvKey(c, 0, 999 - 10), code(ErrorCode.TooManySkipped))
    recvKey(c, 0, 3000 - SPQR_MAX_OOO_KEYS)
    recvKey(c, 0, 2999)
    for (let at = 3001; at < 3001 + 3 * SPQR_MAX_OOO_KEYS; at += 700) recvKey(c, 0, at)
    assert.ok(c.links[0]!.recv.prev.byteLength <= SPQR_TRIM_SIZE * SPQR_HISTORY_ENTRY_BYTES)
  })

  it('drops old epochs as the send epoch advances (one kept before it) and erases their send keys', () => {
    const c = newChain(KEY, 0)
    addEpoch(c, 1, Uint8Array.of(1))
    addEpoch(c, 2, Uint8Array.of(2))
    sendKey(c, 2)
    assert.equal(c.links.length, 2)
    assert.equal(c.links[0]!.send.next.byteLength, 0)
    assert.throws(() => recvKey(c, 0, 1), code(ErrorCode.Invalid))
    recvKey(c, 1, 1)
    assert.throws(() => sendKey(c, 1), code(ErrorCode.InvalidState))
    assert.throws(() => addEpoch(c, 4, Uint8Array.of(4)), code(ErrorCode.InvalidState))
  })
})
