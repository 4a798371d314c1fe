import { strict as assert } from 'node:assert'
import { createPublicKey, verify } from 'node:crypto'
import { CONTEXT } from '../../protocol/constants.js'
import { ed25519GenerateKeyPair } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { userIdFromIdentityKey } from '../../protocol/identity.js'
import { canonicalJson, signTranscript, transcriptSignedBytes, verifyTranscript, type TranscriptMessage } from '../../protocol/transcript.js'

const NOW = 1_780_000_000_000
const te = new TextEncoder()
const td = new TextDecoder()

function isCode (code: ErrorCode) {
  return (err: unknown): boolean => RelaymeshError.is(err, code) || assert.fail(`expected ${code}, got ${String(err)}`)
}

function sample (): { bytes: Uint8Array, exporter: string, peer: string } {
  const me = ed25519GenerateKeyPair()
  const peer = userIdFromIdentityKey(ed25519GenerateKeyPair().publicKey)
  const exporter = userIdFromIdentityKey(me.publicKey)
  const messages: TranscriptMessage[] = [
    { id: 'a'.repeat(32), from: exporter, to: peer, text: 'hello there', sentAt: NOW, receivedAt: NOW },
    { id: 'b'.repeat(32), from: peer, to: exporter, text: 'hi "you" ☃\n', sentAt: NOW + 1, receivedAt: NOW + 2, editedAt: NOW + 3 }
  ]
  return { bytes: signTranscript(me, { peer, exportedAt: NOW + 10, messages }).bytes, exporter, peer }
}

describe('protocol/transcript: signed transcript export', () => {
  it('round-trips: verify returns what was signed, by whom', () => {
    const { bytes, exporter, peer } = sample()
    const t = verifyTranscript(bytes)
    assert.equal(t.exporter, exporter)
    assert.equal(t.peer, peer)
    assert.equal(t.exportedAt, NOW + 10)
    assert.equal(t.messages.length, 2)
    assert.equal(t.messages[1]?.text, 'hi "you" ☃\n')
  })

  it('the signature is plain Ed25519 by the identity key over CONTEXT.transcript || canonical JSON (checked with node:crypto)', () => {
    const { bytes } = sample()
    const parsed = JSON.parse(td.decode(bytes))
    const { signature, ...body } = parsed
    const signed = Buffer.concat([Buffer.from(CONTEXT.transcript), Buffer.from(canonicalJson(body), 'utf8')])
    assert.deepEqual(Buffer.from(transcriptSignedBytes(body)), signed)
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(body.identityKey, 'base64')]), format: 'der', type: 'spki' })
    assert.ok(verify(null, signed, key, Buffer.from(signature, 'base64')))
  })

  it('canonical JSON: sorted keys, no whitespace, integers only', () => {
    assert.equal(canonicalJson({ b: 1, a: [true, null, 's'], c: { z: 'x', y: -2 } }), '{"a":[true,null,"s"],"b":1,"c":{"y":-2,"z":"x"}}')
    assert.throws(() => canonicalJson({ a: 1.5 }), isCode(ErrorCode.InvalidArgument))
    assert.throws(() => canonicalJson({ a: 2 ** 60 }), isCode(ErrorCode.InvalidArgument))
  })

  it('layout does not matter: the same content re-indented still verifies', () => {
    const { bytes } = sample()
    const reformatted = te.encode(JSON.stringify(JSON.parse(td.decode(bytes)), null, 4))
    assert.doesNotThrow(() => verifyTranscript(reformatted))
  })

  it('tampering one character of a message is rejected (BadSignature)', () => {
    const { bytes } = sample()
    const text = td.decode(bytes)
    const at = text.indexOf('hello there')
    assert.ok(at > 0)
    const tampered = text.slice(0, at) + 'j' + text.slice(at + 1)
    assert.throws(() => verifyTranscript(te.encode(tampered)), isCode(ErrorCode.BadSignature))
  })

  it('every changed value is rejected: time, peer, a removed message, an added field', () => {
    const { bytes } = sample()
    const base = JSON.parse(td.decode(bytes))
    const variants = [
      { ...base, exportedAt: base.exportedAt + 1 },
      { ...base, peer: userIdFromIdentityKey(ed25519GenerateKeyPair().publicKey) },
      { ...base, messages: base.messages.slice(1) },
      { ...base, messages: [{ ...base.messages[0], sentAt: base.messages[0].sentAt - 1 }, base.messages[1]] },
      { ...base, messages: [{ ...base.messages[0], deletedAt: NOW }, base.messages[1]] }
    ]
    for (const v of variants) assert.throws(() => verifyTranscript(te.encode(JSON.stringify(v))), isCode(ErrorCode.BadSignature))
  })

  it('a transcript re-signed by another key under the first user id is refused (UntrustedIdentity)', () => {
    const { bytes } = sample()
    const base = JSON.parse(td.decode(bytes))
    const other = ed25519GenerateKeyPair()
    const forged = JSON.parse(td.decode(signTranscript(other, { peer: base.peer, exportedAt: base.exportedAt, messages: base.messages }).bytes))
    forged.exporter = base.exporter
    assert.throws(() => verifyTranscript(te.encode(JSON.stringify(forged))), isCode(ErrorCode.UntrustedIdentity))
  })

  it('malformed files are Decode errors, never a crash', () => {
    const { bytes } = sample()
    const base = JSON.parse(td.decode(bytes))
    const cases: Uint8Array[] = [
      te.encode('not json'),
      new Uint8Array([0xff, 0xfe]),
      te.encode('[]'),
      te.encode(JSON.stringify({ ...base, signature: undefined })),
      te.encode(JSON.stringify({ ...base, signature: 'AAAA' })),
      te.encode(JSON.stringify({ ...base, version: 2 })),
      te.encode(JSON.stringify({ ...base, extra: 1 })),
      te.encode(JSON.stringify({ ...base, messages: [{ id: 'x' }] })),
      te.encode(JSON.stringify({ ...base, messages: [{ ...base.messages[0], sentAt: 1.5 }] })),
      te.encode(JSON.stringify({ ...base, identityKey: 'x' }))
    ]
    for (const c of cases) assert.throws(() => verifyTranscript(c), isCode(ErrorCode.Decode))
  })
})
