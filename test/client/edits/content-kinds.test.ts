// decodeContent for EDIT / DELETE / TYPING / RESEND and the sequence number
// (client/messaging/content.ts): each bad shape is a typed Decode error, each
// good one round-trips.
import { strict as assert } from 'node:assert'
import { encode } from '../../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../../protocol/errors.js'
import { WIRE_VERSION } from '../../../protocol/constants.js'
import { Content } from '../../../protocol/pb/content.js'
import { ContentKind, decodeContent, encodeContent, newMessageId, TypingState } from '../../../client/messaging/content.js'

function raw (fields: Record<string, unknown>): Uint8Array {
  return encode(Content, { version: WIRE_VERSION, messageId: newMessageId(), sentAt: 1, text: '', ...fields })
}

function rejects (bytes: Uint8Array, what: RegExp): void {
  assert.throws(() => decodeContent(bytes), (err: unknown) => RelaymeshError.is(err, ErrorCode.Decode) && what.test((err as Error).message))
}

describe('content kinds for edits, typing and gaps', () => {
  const target = newMessageId()

  it('round-trips EDIT, DELETE, TYPING and RESEND with their fields', () => {
    const e = decodeContent(encodeContent({ messageId: newMessageId(), sentAt: 5, kind: ContentKind.EDIT, text: 'new', targetId: target, seq: 7 }))
    assert.deepEqual([e.kind, e.text, Buffer.from(e.targetId!).equals(Buffer.from(target)), e.seq], [ContentKind.EDIT, 'new', true, 7])
    const d = decodeContent(encodeContent({ messageId: newMessageId(), sentAt: 5, kind: ContentKind.DELETE, text: '', targetId: target }))
    assert.equal(d.kind, ContentKind.DELETE)
    assert.equal(d.seq, undefined)
    const t = decodeContent(encodeContent({ messageId: newMessageId(), sentAt: 5, kind: ContentKind.TYPING, text: '', typing: TypingState.STOPPED }))
    assert.equal(t.typing, TypingState.STOPPED)
    const r = decodeContent(encodeContent({ messageId: newMessageId(), sentAt: 5, kind: ContentKind.RESEND, text: '', resendSeqs: [3, 4], resendDevice: 2, resendGone: true }))
    assert.deepEqual([r.resendSeqs, r.resendDevice, r.resendGone], [[3, 4], 2, true])
  })

  it('refuses bad shapes with a typed error', () => {
    rejects(raw({ kind: ContentKind.EDIT, text: 'x' }), /without a target/)
    rejects(raw({ kind: ContentKind.EDIT, text: '', targetId: target }), /EDIT without text/)
    rejects(raw({ kind: ContentKind.DELETE, text: 'x', targetId: target }), /DELETE with text/)
    rejects(raw({ kind: ContentKind.TEXT, text: 'x', targetId: new Uint8Array(15) }), /target id must be 16 bytes/)
    rejects(raw({ kind: ContentKind.TYPING }), /TYPING of unknown state/)
    rejects(raw({ kind: ContentKind.RESEND, resendDevice: 1 }), /RESEND seq count/)
    rejects(raw({ kind: ContentKind.RESEND, resendSeqs: [0], resendDevice: 1 }), /RESEND bad seq/)
    rejects(raw({ kind: ContentKind.RESEND, resendSeqs: [1] }), /RESEND without a device/)
  })
})
