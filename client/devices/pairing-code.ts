// The pairing code `devices link` prints and `devices join` reads: what the
// new device needs to find the first device (its user id and device id) and
// to prove to it that the code was read off its screen (a one-time random
// secret). "rml1" + lowercase base32 (RFC 4648 §6, no padding) of
//   user id hash (20) ‖ u16be device id ‖ secret (16) ‖ checksum (2)
// = 68 characters. The checksum (first 2 bytes of SHA-256 over the rest)
// catches a mistyped code at once, before any network work.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { concat, equalBytes, sha256 } from '../../protocol/crypto/primitives.js'
import { base32Encode, parseUserId, USER_ID_HASH_BYTES, USER_ID_PREFIX } from '../../protocol/identity.js'

export const PAIRING_CODE_PREFIX = 'rml1'
export const LINK_SECRET_BYTES = 16
const CHECKSUM_BYTES = 2
const BODY_BYTES = USER_ID_HASH_BYTES + 2 + LINK_SECRET_BYTES
const CODE_BYTES = BODY_BYTES + CHECKSUM_BYTES
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
/** device ids in a pairing code fit 16 bits (a user has a handful of devices) */
export const MAX_LINK_DEVICE_ID = 0xffff

export interface PairingCode {
  userId: string
  deviceId: number
  secret: Uint8Array
}

export function encodePairingCode (code: PairingCode): string {
  if (!Number.isInteger(code.deviceId) || code.deviceId < 1 || code.deviceId > MAX_LINK_DEVICE_ID) throw new RelaymeshError(ErrorCode.InvalidArgument, `pairing code: device id ${code.deviceId} out of range`)
  if (code.secret.byteLength !== LINK_SECRET_BYTES) throw new RelaymeshError(ErrorCode.InvalidArgument, `pairing code: the secret must be ${LINK_SECRET_BYTES} bytes`)
  const body = concat(parseUserId(code.userId), Uint8Array.of(code.deviceId >>> 8, code.deviceId & 0xff), code.secret)
  return PAIRING_CODE_PREFIX + base32Encode(concat(body, sha256(body).subarray(0, CHECKSUM_BYTES)))
}

/** Invalid, naming what is wrong, for anything but a code encodePairingCode made (spaces and case are forgiven). */
export function parsePairingCode (text: string): PairingCode {
  const bad = (why: string): never => { throw new RelaymeshError(ErrorCode.Invalid, `not a pairing code: ${why} (copy the code \`relaymesh devices link\` printed on your other device)`) }
  if (typeof text !== 'string') bad('expected text')
  const s = text.replace(/[\s-]/g, '').toLowerCase()
  if (s.startsWith(USER_ID_PREFIX) && !s.startsWith(PAIRING_CODE_PREFIX)) bad('this is a user id')
  if (!s.startsWith(PAIRING_CODE_PREFIX)) bad(`it must start with "${PAIRING_CODE_PREFIX}"`)
  const chars = s.slice(PAIRING_CODE_PREFIX.length)
  if (chars.length !== Math.ceil(CODE_BYTES * 8 / 5)) bad(`expected ${PAIRING_CODE_PREFIX.length + Math.ceil(CODE_BYTES * 8 / 5)} characters, got ${s.length}`)
  const bytes = new Uint8Array(CODE_BYTES)
  let acc = 0
  let bits = 0
  let o = 0
  for (const ch of chars) {
    const v = BASE32.indexOf(ch)
    if (v < 0) bad(`invalid character "${ch}"`)
    acc = ((acc << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      bits -= 8
      if (o < CODE_BYTES) bytes[o++] = (acc >>> bits) & 0xff
    }
  }
  const body = bytes.subarray(0, BODY_BYTES)
  if (!equalBytes(bytes.subarray(BODY_BYTES), sha256(body).subarray(0, CHECKSUM_BYTES))) bad('the checksum does not match (mistyped?)')
  const deviceId = ((body[USER_ID_HASH_BYTES] as number) << 8) | (body[USER_ID_HASH_BYTES + 1] as number)
  if (deviceId === 0) bad('device id 0')
  return {
    userId: USER_ID_PREFIX + base32Encode(body.subarray(0, USER_ID_HASH_BYTES)),
    deviceId,
    secret: body.slice(USER_ID_HASH_BYTES + 2)
  }
}
