// Public channel posts (docs/protocol.md §8i): a ChannelPost is signed
// by its author's identity key (Ed25519, as device lists are: protocol/records.ts)
// over a fixed layout that does not depend on protobuf encoding:
//   CONTEXT.channelPost || u32be(version) || u8(len(channel)) || channel
//   || author (32) || u64be(sent_at) || id (16) || text   (UTF-8 strings)
// Pure: the clock is an argument. Nodes and clients run the same checks.
import {
  CHANNEL_MAX_FUTURE_MS, CHANNEL_NAME_PATTERN, CHANNEL_POST_ID_BYTES, CHANNEL_RETENTION_MS, CONTEXT, ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES, MAX_CHANNEL_POST_BYTES, MAX_CHANNEL_TEXT_BYTES, WIRE_VERSION
} from './constants.js'
import { decode, encode, u32be, u64be } from './codec.js'
import { concat, ed25519Sign, ed25519Verify, equalBytes, randomBytes, type Ed25519KeyPair } from './crypto/primitives.js'
import { ErrorCode, RelaymeshError } from './errors.js'
import { userIdFromIdentityKey } from './identity.js'
import { ChannelPost } from './pb/channel.js'

export interface ChannelPostInput {
  channel: string
  text: string
  /** the author's clock, ms since the epoch */
  sentAt: number
  /** 16 bytes; random when absent */
  id?: Uint8Array
}

export interface VerifiedChannelPost {
  channel: string
  /** the author's identity public key */
  author: Uint8Array
  /** the author's user id (protocol/identity.ts) */
  from: string
  text: string
  sentAt: number
  id: Uint8Array
  /** the id in lowercase hex */
  idHex: string
  /** what dedupes a post: author (hex) + '/' + id (hex); one author's ids never collide with another's */
  key: string
  /** the encoded post as received (canonical) */
  bytes: Uint8Array
}

const te = new TextEncoder()
/**
 * Characters a post may not carry: C0 controls but \t and \n, DEL, C1
 * controls, and the bidirectional overrides/isolates (a post must not
 * steer the terminal or reorder what it shows).
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

/** Invalid unless `name` is a channel name ([a-z0-9-]{1,32}). */
export function checkChannelName (name: string): string {
  if (typeof name !== 'string' || !CHANNEL_NAME_PATTERN.test(name)) {
    throw new RelaymeshError(ErrorCode.Invalid, `channel name: expected 1..32 of a-z, 0-9 and '-', got ${JSON.stringify(String(name).slice(0, 40))}`)
  }
  return name
}

/** TooLarge / Invalid unless `text` is a post's text; returns its UTF-8 bytes. */
export function checkChannelText (text: string): Uint8Array {
  if (typeof text !== 'string' || text.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'channel post: empty text')
  const bytes = te.encode(text)
  if (bytes.byteLength > MAX_CHANNEL_TEXT_BYTES) {
    throw new RelaymeshError(ErrorCode.TooLarge, `channel post: text of ${bytes.byteLength} bytes exceeds ${MAX_CHANNEL_TEXT_BYTES}`)
  }
  if (FORBIDDEN.test(text)) throw new RelaymeshError(ErrorCode.Invalid, 'channel post: text carries control characters')
  return bytes
}



/** The bytes the author's identity key signs. */
export function channelPostSignedMessage (p: { version: number, channel: string, author: Uint8Array, sentAt: number, id: Uint8Array, text: string }): Uint8Array {
  const channel = te.encode(p.channel)
  return concat(CONTEXT.channelPost, u32be(p.version), Uint8Array.of(channel.byteLength), channel, p.author, u64be(p.sentAt), p.id, te.encode(p.text))
}

/** Throws unless sentAt is a time within [now - CHANNEL_RETENTION_MS, now + CHANNEL_MAX_FUTURE_MS]. */
export function checkChannelTime (sentAt: number, now: number): void {
  if (!Number.isFinite(now)) throw new RelaymeshError(ErrorCode.InvalidArgument, `now: ${now} is not a time`)
  if (sentAt > now + CHANNEL_MAX_FUTURE_MS) throw new RelaymeshError(ErrorCode.Invalid, `channel post: sent ${sentAt - now} ms in the future (at most ${CHANNEL_MAX_FUTURE_MS} allowed)`)
  if (sentAt < now - CHANNEL_RETENTION_MS) throw new RelaymeshError(ErrorCode.Expired, `channel post: older than ${CHANNEL_RETENTION_MS} ms`)
}

/** A signed, encoded ChannelPost by `identity`. Checks what a verifier checks (same codes), the time included. */
export function signChannelPost (identity: Ed25519KeyPair, input: ChannelPostInput): Uint8Array {
  checkChannelName(input.channel)
  checkChannelText(input.text)
  if (!Number.isSafeInteger(input.sentAt) || input.sentAt <= 0) throw new RelaymeshError(ErrorCode.InvalidArgument, `channel post: sentAt ${input.sentAt} is not a time`)
  const id = input.id ?? randomBytes(CHANNEL_POST_ID_BYTES)
  if (id.byteLength !== CHANNEL_POST_ID_BYTES) throw new RelaymeshError(ErrorCode.InvalidArgument, `channel post id: expected ${CHANNEL_POST_ID_BYTES} bytes`)
  const body = { version: WIRE_VERSION, channel: input.channel, author: identity.publicKey, sentAt: input.sentAt, id, text: input.text }
  const signature = ed25519Sign(identity.privateKey, channelPostSignedMessage(body))
  return encode(ChannelPost, { ...body, signature })
}

/**
 * Decode and verify a post from the network, in this order: size (TooLarge),
 * bounded decode and version (Decode), canonical encoding (Decode), field
 * sizes (Decode), channel name and text (Invalid / TooLarge), signature by
 * the author key (BadSignature), sent_at against `now` (Invalid when more
 * than CHANNEL_MAX_FUTURE_MS ahead, Expired when older than CHANNEL_RETENTION_MS).
 */
export function verifyChannelPost (bytes: Uint8Array, now: number): VerifiedChannelPost {
  const post = verifyChannelPostBytes(bytes)
  checkChannelTime(post.sentAt, now)
  return post
}

/** Everything verifyChannelPost checks but the time: a pure function of `bytes`. */
export function verifyChannelPostBytes (bytes: Uint8Array): VerifiedChannelPost {
  if (!(bytes instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.Decode, 'ChannelPost: expected bytes')
  if (bytes.byteLength > MAX_CHANNEL_POST_BYTES) throw new RelaymeshError(ErrorCode.TooLarge, `ChannelPost: ${bytes.byteLength} bytes exceeds ${MAX_CHANNEL_POST_BYTES}`)
  const post = decode(ChannelPost, bytes, MAX_CHANNEL_POST_BYTES, 'ChannelPost')
  let again: Uint8Array
  try { again = ChannelPost.encode(post) } catch { again = new Uint8Array(0) }
  // one signed post, one byte string: nobody re-encodes it into a "new" gossip message (or sneaks invalid UTF-8 through)
  if (!equalBytes(again, bytes)) throw new RelaymeshError(ErrorCode.Decode, 'ChannelPost: not in canonical encoding')
  if (post.author.byteLength !== ED25519_PUBLIC_KEY_BYTES) throw new RelaymeshError(ErrorCode.Decode, `ChannelPost: author must be ${ED25519_PUBLIC_KEY_BYTES} bytes`)
  if (post.id.byteLength !== CHANNEL_POST_ID_BYTES) throw new RelaymeshError(ErrorCode.Decode, `ChannelPost: id must be ${CHANNEL_POST_ID_BYTES} bytes`)
  if (post.signature.byteLength !== ED25519_SIGNATURE_BYTES) throw new RelaymeshError(ErrorCode.Decode, `ChannelPost: signature must be ${ED25519_SIGNATURE_BYTES} bytes`)
  if (!Number.isSafeInteger(post.sentAt) || post.sentAt <= 0) throw new RelaymeshError(ErrorCode.Decode, 'ChannelPost: sent_at out of range')
  checkChannelName(post.channel)
  checkChannelText(post.text)
  if (!ed25519Verify(post.author, channelPostSignedMessage(post), post.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, 'ChannelPost: signature does not verify')
  }
  const idHex = Buffer.from(post.id).toString('hex')
  return {
    channel: post.channel,
    author: post.author,
    from: userIdFromIdentityKey(post.author),
    text: post.text,
    sentAt: post.sentAt,
    id: post.id,
    idHex,
    key: `${Buffer.from(post.author).toString('hex')}/${idHex}`,
    bytes
  }
}
