// Application content (protocol/pb/content.proto): what the Double Ratchet
// encrypts. Padded with zeros to a multiple of CONTENT_PAD_BLOCK bytes, so
// ciphertext sizes say little about message lengths (Signal pads to 160).
import { decode, encode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { Content, ContentKind } from '../../protocol/pb/content.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'

export const MESSAGE_ID_BYTES = 16
export const CONTENT_PAD_BLOCK = 160
/** longest text a message may carry (UTF-8 bytes) */
export const MAX_TEXT_BYTES = 64 * 1024
export const MAX_CONTENT_BYTES = MAX_TEXT_BYTES + 4 * 1024

export { ContentKind }

export interface AppContent {
  messageId: Uint8Array
  sentAt: number
  kind: ContentKind
  text: string
  /** set on copies to our own other devices: the user id the message went to */
  destination?: string
}

export function newMessageId (): Uint8Array {
  return randomBytes(MESSAGE_ID_BYTES)
}

export function encodeContent (c: AppContent): Uint8Array {
  if (Buffer.byteLength(c.text, 'utf8') > MAX_TEXT_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `message too long: at most ${MAX_TEXT_BYTES} bytes of text`)
  const body = { version: WIRE_VERSION, messageId: c.messageId, sentAt: c.sentAt, kind: c.kind, text: c.text, destination: c.destination ?? '' }
  const bare = encode(Content, body).byteLength
  // field 15 costs 1 tag byte + a 1-2 byte length; aim the total at the next block boundary
  const target = Math.ceil((bare + 3) / CONTENT_PAD_BLOCK) * CONTENT_PAD_BLOCK
  let pad = target - bare - 2
  if (pad > 127) pad -= 1
  return encode(Content, { ...body, padding: new Uint8Array(Math.max(0, pad)) })
}

/** Bounded, versioned decode; ErrorCode.Decode when malformed. */
export function decodeContent (bytes: Uint8Array): AppContent {
  const c = decode(Content, bytes, MAX_CONTENT_BYTES, 'Content')
  if (c.messageId.byteLength !== MESSAGE_ID_BYTES) throw new RelaymeshError(ErrorCode.Decode, `Content: message id must be ${MESSAGE_ID_BYTES} bytes`)
  if (!Number.isSafeInteger(c.sentAt) || c.sentAt < 0) throw new RelaymeshError(ErrorCode.Decode, 'Content: bad sent_at')
  if (c.kind !== ContentKind.TEXT && c.kind !== ContentKind.SESSION_RESET) throw new RelaymeshError(ErrorCode.Decode, `Content: unknown kind ${String(c.kind)}`)
  if (Buffer.byteLength(c.text, 'utf8') > MAX_TEXT_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'Content: text too long')
  const out: AppContent = { messageId: c.messageId, sentAt: c.sentAt, kind: c.kind, text: c.text }
  if (c.destination !== '') out.destination = c.destination
  return out
}
