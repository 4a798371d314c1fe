// Post-quantum post-compromise security of the Triple Ratchet.
//
// The adversary steals Bob's whole session state, then is given every
// classical secret Bob ever holds afterwards: before each message from Alice
// it takes Bob's live Double Ratchet state (root and chain keys, every X25519
// private key), i.e. it follows the classical ratchet perfectly, as an
// adversary that breaks X25519 would. What it does not get are the ML-KEM
// secrets Bob generates after the theft: its SPQR state is the stolen one,
// advanced only by what it can compute itself (every SPQR message it sees,
// and its own randomness where Bob sends). It is locked out once an SPQR
// epoch completes with fresh ML-KEM secrets; with the PQ ratchet off the same
// adversary reads every message.
import { strict as assert } from 'node:assert'
import { codeOf } from '../../helpers/errors.js'
import { decryptMessage, deserializeSessionRecord, type Session } from '../../../protocol/crypto/session.js'
import { spqrRecv, spqrSend } from '../../../protocol/crypto/spqr/index.js'
import { encrypt, establish, innerMessage, ratchetState, recordWith, td } from './session-pair.js'

interface Outcome {
  /** for each message from Alice after the theft: did the adversary read it? */
  read: boolean[]
}

/**
 * Runs a conversation after the theft; `aliceSends(i)` picks the sender of
 * step i. Stops `after` messages from Alice past the first one the adversary
 * fails to read, or after `limit` steps.
 */
function attack (pq: 0 | 1, aliceSends: (i: number) => boolean, limit: number, after = 40): Outcome {
  const { alice, bob } = establish(pq)
  // a little traffic both ways before the theft
  for (let i = 0; i < 4; i++) {
    const [from, to] = i % 2 === 0 ? [bob, alice] : [alice, bob]
    const m = encrypt(from, `warm ${i}`)
    decryptMessage(to, m.contentType, m.bytes)
  }
  // the theft
  let stolenPq: Uint8Array | undefined = ratchetState(bob).pqRatchetState?.slice()
  const read: boolean[] = []
  let firstMiss = -1
  for (let i = 0; i < limit; i++) {
    if (aliceSends(i)) {
      const m = encrypt(alice, `secret ${i}`)
      // the adversary: Bob's live classical state with the SPQR state it could compute itself
      const trial: Session = deserializeSessionRecord(recordWith(bob, (s) => ({ ...s, pqRatchetState: stolenPq as Uint8Array<ArrayBuffer> | undefined })))
      let plaintext: string | undefined
      const code = codeOf(() => { plaintext = td(decryptMessage(trial, m.contentType, m.bytes)) })
      const ok = code === undefined && plaintext === `secret ${i}`
      read.push(ok)
      if (!ok && firstMiss < 0) firstMiss = read.length - 1
      if (stolenPq !== undefined) {
        try { stolenPq = spqrRecv(stolenPq, innerMessage(m).pqRatchet).state } catch { /* it keeps what it had */ }
      }
      assert.equal(td(decryptMessage(bob, m.contentType, m.bytes)), `secret ${i}`)
      if (firstMiss >= 0 && read.length - firstMiss > after) break
    } else {
      const m = encrypt(bob, `reply ${i}`)
      // Bob's fresh ML-KEM randomness is not the adversary's: it runs SPQR's send with its own
      if (stolenPq !== undefined) stolenPq = spqrSend(stolenPq).state
      assert.equal(td(decryptMessage(alice, m.contentType, m.bytes)), `reply ${i}`)
    }
  }
  return { read }
}

function lockedOut (o: Outcome): number {
  const first = o.read.indexOf(false)
  assert.ok(first >= 0, `the adversary read all ${o.read.length} messages`)
  assert.ok(o.read.slice(first).every((r) => !r), 'the adversary read a message after it was locked out')
  return first
}

describe('protocol/crypto triple ratchet: post-quantum post-compromise security', function () {
  this.timeout(300_000)

  it('ping-pong: the adversary reads Alice right after the theft, and is locked out once an SPQR epoch completes', () => {
    const o = attack(1, (i) => i % 2 === 0, 2_000)
    assert.equal(o.read[0], true, 'the stolen state must read the next message (else the test proves nothing)')
    const first = lockedOut(o)
    assert.ok(first > 0)
  })

  it('one-sided traffic (15 messages from Alice per message from Bob): epochs still complete and lock the adversary out', () => {
    const o = attack(1, (i) => i % 16 !== 15, 20_000)
    assert.equal(o.read[0], true)
    lockedOut(o)
  })

  it('with the PQ ratchet off (version 0) the same adversary reads every message: classical PCS alone does not hold against it', () => {
    const o = attack(0, (i) => i % 2 === 0, 600)
    assert.equal(o.read.length, 300)
    assert.ok(o.read.every((r) => r), 'version 0: the adversary that follows X25519 should read everything')
  })
})
