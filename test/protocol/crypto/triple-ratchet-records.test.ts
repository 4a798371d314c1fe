// Old sessions keep working: records and messages written before the Triple
// Ratchet (session-records-v0.fixture.ts, made by the code of c00d337) load,
// decrypt what was in flight, and go on as version-0 sessions, byte-compatible.
import { strict as assert } from 'node:assert'
import { codeOf } from '../../helpers/errors.js'
import { ContentType } from '../../../protocol/constants.js'
import { ErrorCode } from '../../../protocol/errors.js'
import { decryptMessage, deserializeSessionRecord, serializeSessionRecord, type CiphertextMessage, type Session } from '../../../protocol/crypto/session.js'
import { encrypt, establish, innerMessage, ratchetState, recordWith, td, withInner } from './session-pair.js'
import { V0_RECORDS } from './session-records-v0.fixture.js'

const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
const message = (m: { contentType: number, bytes: string }): CiphertextMessage =>
  ({ contentType: m.contentType as ContentType.PreKey | ContentType.Ratchet, bytes: unhex(m.bytes) })
const recv = (s: Session, m: CiphertextMessage): string => td(decryptMessage(s, m.contentType, m.bytes))

function talk (alice: Session, bob: Session, rounds: number): void {
  for (let i = 0; i < rounds; i++) {
    const [from, to] = i % 2 === 0 ? [bob, alice] : [alice, bob]
    const m = encrypt(from, `new ${i}`)
    assert.equal(innerMessage(m).pqRatchet.byteLength, 0, 'an old session must not start sending SPQR messages')
    assert.equal(recv(to, m), `new ${i}`)
  }
}

describe('protocol/crypto triple ratchet: session records from before it', function () {
  it('an answered session: records load unchanged, in-flight messages decrypt, the conversation goes on at version 0', () => {
    const f = V0_RECORDS.answered
    const alice = deserializeSessionRecord(unhex(f.alice))
    const bob = deserializeSessionRecord(unhex(f.bob))
    // the old bytes are exactly what the new code writes for them
    assert.equal(Buffer.from(serializeSessionRecord(alice)).toString('hex'), f.alice)
    assert.equal(Buffer.from(serializeSessionRecord(bob)).toString('hex'), f.bob)
    for (const m of [...f.toBob].reverse()) assert.equal(recv(bob, message(m)), m.text)
    for (const m of f.toAlice) assert.equal(recv(alice, message(m)), m.text)
    talk(alice, bob, 12)
    assert.equal(ratchetState(alice).pqRatchetState, undefined)
    assert.equal(ratchetState(bob).pqRatchetState, undefined)
    // nor can anyone turn SPQR on in it
    const m = encrypt(alice, 'x')
    assert.equal(codeOf(() => decryptMessage(bob, m.contentType, withInner(m, (r) => ({ ...r, pqRatchet: Uint8Array.of(1, 0, 0) })).bytes)), ErrorCode.Decode)
  })

  it('a session still waiting for its first answer: the re-sent PqxdhInitial decrypts and the answer completes it', () => {
    const f = V0_RECORDS.pending
    const alice = deserializeSessionRecord(unhex(f.alice))
    const bob = deserializeSessionRecord(unhex(f.bob))
    assert.equal(encrypt(alice, 'still pending').contentType, ContentType.PreKey)
    for (const m of f.toBob) assert.equal(recv(bob, message(m)), m.text)
    talk(alice, bob, 6)
    assert.equal(encrypt(alice, 'answered').contentType, ContentType.Ratchet)
  })

  it('a Triple Ratchet record round-trips with its SPQR state; an empty SPQR state is Decode', () => {
    const { alice, bob } = establish(1)
    talk2(alice, bob)
    const bytes = serializeSessionRecord(bob)
    assert.ok((ratchetState(bob).pqRatchetState?.byteLength ?? 0) > 0)
    assert.deepEqual(serializeSessionRecord(deserializeSessionRecord(bytes)), bytes)
    assert.equal(codeOf(() => deserializeSessionRecord(recordWith(bob, (st) => ({ ...st, pqRatchetState: new Uint8Array(0) })))), ErrorCode.Decode)
  })
})

function talk2 (alice: Session, bob: Session): void {
  for (let i = 0; i < 6; i++) {
    const [from, to] = i % 2 === 0 ? [bob, alice] : [alice, bob]
    assert.equal(recv(to, encrypt(from, `m${i}`)), `m${i}`)
  }
}
