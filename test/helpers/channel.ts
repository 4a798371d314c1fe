// Channel posts as a hostile author can make them: signed over whatever
// fields are given, none checked (protocol/channel-post.ts checks on receipt).
// The time is always the caller's: a test's clock, not the moment it runs.
import { channelPostSignedMessage } from '../../protocol/channel-post.js'
import { encode } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { ed25519Sign, randomBytes, type Ed25519KeyPair } from '../../protocol/crypto/primitives.js'
import { ChannelPost } from '../../protocol/pb/channel.js'

export function rawPost (identity: Ed25519KeyPair, fields: { channel?: string, text?: string, sentAt: number, id?: Uint8Array }): Uint8Array {
  const body = { version: WIRE_VERSION, channel: fields.channel ?? 'all', author: identity.publicKey, sentAt: fields.sentAt, id: fields.id ?? randomBytes(16), text: fields.text ?? 'hello' }
  return encode(ChannelPost, { ...body, signature: ed25519Sign(identity.privateKey, channelPostSignedMessage(body)) })
}

/** `bytes` with one bit of its signature (the last field) flipped */
export function forged (bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  out[out.length - 1] = (out[out.length - 1] as number) ^ 1
  return out
}
