// The one payload a group message travels in (docs/protocol.md §8a
// "Fan-out"): the relay node copies it into every member device's mailbox,
// so it must open for every member yet name no sender to the relays.
//
//   key        = 32 random bytes (one body only)
//   body       = AES-256-GCM(key, nonce = 12 zero bytes, GroupMessage, aad = "relaymesh/group-fanout/v1")
//   header_u   = sealSender(sender identity, sender device, recipient = identity key of member u,
//                           content type GROUP, GroupFanoutKey { key, SHA-256(body) })
//   payload    = GroupFanout { fanout_version = 1, headers (one per recipient user, shuffled), body }
//
// Composed from existing parts only (sealed sender, AES-256-GCM, SHA-256),
// like Signal's multi-recipient sealed sender (one shared ciphertext plus
// per-recipient key material). Each recipient authenticates the sender
// through its own header (sealed sender's static-static layer), and the body
// hash ties that header to this body alone. A header is per user, not per
// device: every device of a user holds the user's identity key.
import { decode, encode } from '../../protocol/codec.js'
import { ContentType, MAX_ENVELOPE_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import {
  AES_GCM_NONCE_BYTES, AES_GCM_TAG_BYTES, aesGcmDecrypt, aesGcmEncrypt, equalBytes, randomBytes, sha256, wipe,
  type Ed25519KeyPair
} from '../../protocol/crypto/primitives.js'
import { openSealedSender, sealSender } from '../../protocol/crypto/sealed-sender.js'
import { GroupFanout, GroupFanoutKey } from '../../protocol/pb/content.js'
import { MAX_GROUP_MEMBERS } from '../messaging/content.js'

export const FANOUT_VERSION = 1
/** first byte of every encoded GroupFanout (field 16, varint: tag 0x80 0x01); a SealedSender starts with 0x08 */
export const FANOUT_FIRST_BYTE = 0x80
const AAD = new TextEncoder().encode('relaymesh/group-fanout/v1')
const NONCE = new Uint8Array(AES_GCM_NONCE_BYTES)
const KEY_BYTES = 32

export interface OpenedFanout {
  senderIdentityKey: Uint8Array
  senderDeviceId: number
  /** the GroupMessage (sender keys) inside */
  groupMessage: Uint8Array
}

export function isFanout (payload: Uint8Array): boolean {
  return payload[0] === FANOUT_FIRST_BYTE
}

/** One payload for every device of `recipientIdentityKeys`' users. */
export function sealFanout (input: { senderIdentity: Ed25519KeyPair, senderDeviceId: number, recipientIdentityKeys: Uint8Array[], groupMessage: Uint8Array }): Uint8Array {
  const { recipientIdentityKeys } = input
  if (recipientIdentityKeys.length === 0 || recipientIdentityKeys.length > MAX_GROUP_MEMBERS) {
    throw new RelaymeshError(ErrorCode.Invalid, `a group message goes to 1..${MAX_GROUP_MEMBERS} users`)
  }
  const key = randomBytes(KEY_BYTES)
  const body = aesGcmEncrypt(key, NONCE, input.groupMessage, AAD)
  const keyContent = encode(GroupFanoutKey, { version: WIRE_VERSION, key, bodyHash: sha256(body) })
  const headers = recipientIdentityKeys.map((r) => sealSender({
    senderIdentity: input.senderIdentity,
    senderDeviceId: input.senderDeviceId,
    recipientIdentityKey: r,
    contentType: ContentType.Group,
    content: keyContent
  }))
  wipe(key, keyContent)
  // the order of headers would otherwise follow the member list
  for (let i = headers.length - 1; i > 0; i--) {
    const r = randomBytes(4)
    const j = (((r[0] as number) << 24 | (r[1] as number) << 16 | (r[2] as number) << 8 | (r[3] as number)) >>> 0) % (i + 1)
    const t = headers[i] as Uint8Array
    headers[i] = headers[j] as Uint8Array
    headers[j] = t
  }
  const out = encode(GroupFanout, { fanoutVersion: FANOUT_VERSION, headers, body })
  if (out.byteLength > MAX_ENVELOPE_BYTES - 1024) throw new RelaymeshError(ErrorCode.Invalid, `group message of ${out.byteLength} bytes is too large`)
  return out
}

/**
 * Open a fan-out payload as `recipientIdentity`: try each header (sealed
 * sender; one X25519 and one failed tag per header not ours) until one opens.
 * Errors: Decode (malformed, not canonical), DecryptFailed (no header is for
 * us, or the body does not match the header or does not authenticate).
 */
export function openFanout (recipientIdentity: Ed25519KeyPair, payload: Uint8Array): OpenedFanout {
  const f = decode(GroupFanout, payload, MAX_ENVELOPE_BYTES, 'GroupFanout', null)
  if (f.fanoutVersion !== FANOUT_VERSION) throw new RelaymeshError(ErrorCode.Decode, `GroupFanout: unsupported version ${f.fanoutVersion}`)
  if (!equalBytes(encode(GroupFanout, f), payload)) throw new RelaymeshError(ErrorCode.Decode, 'GroupFanout: not in canonical encoding')
  if (f.body.byteLength < AES_GCM_TAG_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'GroupFanout: body shorter than the tag')
  const bodyHash = sha256(f.body)
  for (const h of f.headers) {
    let opened
    try {
      opened = openSealedSender({ recipientIdentity, bytes: h })
    } catch (err) {
      if (RelaymeshError.is(err, ErrorCode.DecryptFailed) || RelaymeshError.is(err, ErrorCode.Decode)) continue // someone else's header
      throw err
    }
    if (opened.contentType !== ContentType.Group) throw new RelaymeshError(ErrorCode.Decode, 'GroupFanout: header is not a group key')
    const k = decode(GroupFanoutKey, opened.content, 128, 'GroupFanoutKey')
    if (k.key.byteLength !== KEY_BYTES || !equalBytes(k.bodyHash, bodyHash)) {
      throw new RelaymeshError(ErrorCode.DecryptFailed, 'GroupFanout: the header is for another body')
    }
    try {
      const groupMessage = aesGcmDecrypt(k.key, NONCE, f.body, AAD)
      return { senderIdentityKey: opened.senderIdentityKey, senderDeviceId: opened.senderDeviceId, groupMessage }
    } finally {
      wipe(k.key)
    }
  }
  throw new RelaymeshError(ErrorCode.DecryptFailed, 'GroupFanout: no header is addressed to us')
}
