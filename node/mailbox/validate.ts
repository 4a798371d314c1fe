// What makes an envelope acceptable to a replica: exact id and mailbox
// lengths, a bounded encoding, and an expiry in the future within the node's
// retention (DESIGN: "expiry is only a backstop").
import { decode, encode } from '../../protocol/codec.js'
import { ENVELOPE_ID_BYTES, MAILBOX_ADDRESS_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { CLOCK_SKEW_MS } from './constants.js'

export interface EnvelopeRules {
  now: number
  envelopeTtlMs: number
  maxEnvelopeBytes: number
}

export interface CheckedEnvelope {
  env: Envelope
  /** the canonical encoding that is stored and sent */
  bytes: Uint8Array
}

/**
 * Check an envelope handed to this node by a client (through the client API).
 * An absent expiry (0) becomes now + envelopeTtlMs.
 */
export function checkLocalEnvelope (env: Envelope, rules: EnvelopeRules): CheckedEnvelope {
  if (env.version !== WIRE_VERSION) throw new RelaymeshError(ErrorCode.Invalid, `envelope: unsupported version ${env.version}`)
  const expiresAt = env.expiresAt === 0 ? rules.now + rules.envelopeTtlMs : env.expiresAt
  const checked: Envelope = { version: env.version, id: env.id, mailbox: env.mailbox, expiresAt, payload: env.payload }
  checkFields(checked, rules, 0)
  const bytes = encode(Envelope, checked)
  if (bytes.byteLength > rules.maxEnvelopeBytes) {
    throw new RelaymeshError(ErrorCode.TooLarge, `envelope: ${bytes.byteLength} bytes exceeds the limit of ${rules.maxEnvelopeBytes}`)
  }
  return { env: checked, bytes }
}

/**
 * Decode and check an envelope received from another relay: its expiry must
 * be set; it may lie up to CLOCK_SKEW_MS beyond our own retention window.
 */
export function decodePeerEnvelope (bytes: Uint8Array, rules: EnvelopeRules): CheckedEnvelope {
  if (bytes.byteLength > rules.maxEnvelopeBytes) {
    throw new RelaymeshError(ErrorCode.TooLarge, `envelope: ${bytes.byteLength} bytes exceeds the limit of ${rules.maxEnvelopeBytes}`)
  }
  const env = decode(Envelope, bytes, rules.maxEnvelopeBytes, 'Envelope')
  checkFields(env, rules, CLOCK_SKEW_MS)
  // store the canonical encoding, not the peer's (unknown fields, field order)
  return { env, bytes: encode(Envelope, env) }
}

function checkFields (env: Envelope, rules: EnvelopeRules, skew: number): void {
  if (env.id.byteLength !== ENVELOPE_ID_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `envelope id: expected ${ENVELOPE_ID_BYTES} bytes, got ${env.id.byteLength}`)
  if (env.mailbox.byteLength !== MAILBOX_ADDRESS_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `envelope mailbox: expected ${MAILBOX_ADDRESS_BYTES} bytes, got ${env.mailbox.byteLength}`)
  if (!Number.isSafeInteger(env.expiresAt) || env.expiresAt <= rules.now) throw new RelaymeshError(ErrorCode.Expired, 'envelope: expires_at is not in the future')
  if (env.expiresAt > rules.now + rules.envelopeTtlMs + skew) {
    throw new RelaymeshError(ErrorCode.Invalid, `envelope: expires_at lies beyond this node's retention of ${rules.envelopeTtlMs} ms`)
  }
}

/** A mailbox address handed to the service: exactly MAILBOX_ADDRESS_BYTES bytes. */
export function checkMailbox (mailbox: Uint8Array): void {
  if (!(mailbox instanceof Uint8Array) || mailbox.byteLength !== MAILBOX_ADDRESS_BYTES) {
    throw new RelaymeshError(ErrorCode.Invalid, `mailbox: expected ${MAILBOX_ADDRESS_BYTES} bytes`)
  }
}
