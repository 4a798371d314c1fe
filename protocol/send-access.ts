// Who may write to a mailbox when the sender does not say who it is
// (sealed sending, docs/protocol.md §5a). Two ways, both free of the sender's
// identity:
// - the recipient's unidentified access key, which only its contacts hold:
//   derived from the profile key exactly as Signal derives it
//   (AES-256-GCM(profile key, 12 zero bytes, 16 zero bytes), first 16 bytes).
//   The recipient's signed device list carries SHA-256(CONTEXT.accessVerifier
//   || key), so any node can check a key without learning anything else;
// - a stamp: proof of work bound to this request (envelope id, payload,
//   mailboxes, minute), for mailboxes no access key covers (strangers).
import { ACCESS_KEY_BYTES, CONTEXT, ENVELOPE_ID_BYTES, MAILBOX_ADDRESS_BYTES, PROFILE_KEY_BYTES } from './constants.js'
import { aesGcmEncrypt, concat, equalBytes, sha256 } from './crypto/primitives.js'
import { ErrorCode, RelaymeshError } from './errors.js'
import { solveWork, workOf, WORK_NONCE_BYTES } from './proof-of-work.js'

/** Signal's unidentified access key: the first 16 bytes of AES-256-GCM(profile key, zero nonce, 16 zero bytes). */
export function deriveAccessKey (profileKey: Uint8Array): Uint8Array {
  if (profileKey.byteLength !== PROFILE_KEY_BYTES) throw new RelaymeshError(ErrorCode.InvalidArgument, `profile key: expected ${PROFILE_KEY_BYTES} bytes`)
  return aesGcmEncrypt(profileKey, new Uint8Array(12), new Uint8Array(16)).slice(0, ACCESS_KEY_BYTES)
}

/** What a device list publishes of an access key: SHA-256(CONTEXT.accessVerifier || key). */
export function accessVerifier (accessKey: Uint8Array): Uint8Array {
  return sha256(concat(CONTEXT.accessVerifier, accessKey))
}

/** Does `accessKey` open a device list whose verifier is `verifier`? Empty verifiers open for nothing. */
export function accessKeyMatches (verifier: Uint8Array, accessKey: Uint8Array): boolean {
  if (verifier.byteLength === 0 || accessKey.byteLength !== ACCESS_KEY_BYTES) return false
  return equalBytes(accessVerifier(accessKey), verifier)
}

export interface StampedRequest {
  envelopeId: Uint8Array
  payload: Uint8Array
  /** every mailbox of the request, in the request's order */
  mailboxes: Uint8Array[]
  /** minutes since the epoch */
  minute: number
}

/** A CLAIM_PREKEY's stamp is over this envelope id, an empty payload and the one mailbox (a SEND's payload is never empty). */
export const CLAIM_STAMP_ID = new Uint8Array(ENVELOPE_ID_BYTES)

/** The bytes a stamp's work is over: the request as sent, and the minute. */
export function stampChallenge (req: StampedRequest): Uint8Array {
  const minute = new Uint8Array(8)
  new DataView(minute.buffer).setBigUint64(0, BigInt(req.minute))
  const count = Uint8Array.of((req.mailboxes.length >>> 8) & 0xff, req.mailboxes.length & 0xff)
  return sha256(concat(CONTEXT.sendStamp, req.envelopeId, sha256(req.payload), count, ...req.mailboxes, minute))
}

/**
 * The work a stamp must carry: `base` bits for one uncovered mailbox, one more
 * bit each time their number doubles (a fan-out to n strangers costs about n times one).
 */
export function stampBitsFor (base: number, uncovered: number): number {
  return uncovered <= 0 ? 0 : base + Math.ceil(Math.log2(uncovered))
}

/** Find a stamp nonce of `bits` work for a request. */
export function makeStamp (req: StampedRequest, bits: number): Uint8Array {
  return solveWork(stampChallenge(req), bits)
}

/** The work a stamp carries for a request (0 when it is not a nonce of the right size). */
export function stampWork (req: StampedRequest, stamp: Uint8Array): number {
  if (stamp.byteLength !== WORK_NONCE_BYTES) return 0
  if (req.envelopeId.byteLength !== ENVELOPE_ID_BYTES || req.mailboxes.some((m) => m.byteLength !== MAILBOX_ADDRESS_BYTES)) return 0
  return workOf(stampChallenge(req), stamp)
}

/** The current minute since the epoch. */
export function minuteOf (nowMs: number): number {
  return Math.floor(nowMs / 60_000)
}
