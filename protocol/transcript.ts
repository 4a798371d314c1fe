// Signed transcript export (opt-in; docs/protocol.md §8j).
// A transcript is one JSON object: format, version, exporter (user id),
// identityKey (base64 of the exporter's Ed25519 identity public key), peer,
// exportedAt, messages[], and signature (base64). The signature is the
// exporter's identity key over CONTEXT.transcript || canonical(body), where
// body is the object without `signature` and canonical() is the deterministic
// JSON below: object keys sorted by UTF-16 code units, no whitespace, strings
// as JSON.stringify writes them, numbers only as safe integers, then
// booleans, null and arrays in order. A verifier parses the file, rebuilds
// the canonical bytes and checks the signature and that the user id is the
// key's: whitespace and key order in the file do not matter, every value does.
// It proves only what the exporter states; nothing about what the peer sent.
import { concat, ed25519PublicFromPrivate, ed25519Sign, ed25519Verify, type Ed25519KeyPair } from './crypto/primitives.js'
import {
  CONTEXT, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, MAX_TRANSCRIPT_BYTES, MAX_TRANSCRIPT_DEPTH, MAX_TRANSCRIPT_MESSAGES,
  TRANSCRIPT_FORMAT, TRANSCRIPT_VERSION
} from './constants.js'
import { ErrorCode, RelaymeshError } from './errors.js'
import { userIdFromIdentityKey, userIdMatches } from './identity.js'

/** a JSON value the canonical encoding accepts */
export type CanonicalValue = string | number | boolean | null | CanonicalValue[] | { [key: string]: CanonicalValue }

export interface TranscriptMessage {
  /** message id (32 hex digits) */
  id: string
  from: string
  to: string
  text: string
  /** the sender's clock, ms since epoch */
  sentAt: number
  [field: string]: CanonicalValue
}

export interface Transcript {
  format: typeof TRANSCRIPT_FORMAT
  version: number
  exporter: string
  /** base64 of the exporter's identity public key */
  identityKey: string
  peer: string
  exportedAt: number
  messages: TranscriptMessage[]
}

export interface SignedTranscript extends Transcript {
  /** base64 Ed25519 signature over CONTEXT.transcript || canonical(transcript) */
  signature: string
}

const te = new TextEncoder()

/** The deterministic encoding of `value` (throws InvalidArgument on what it cannot encode). */
export function canonicalJson (value: unknown, depth = 0): string {
  if (depth > MAX_TRANSCRIPT_DEPTH) throw new RelaymeshError(ErrorCode.InvalidArgument, 'transcript: nested too deeply')
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RelaymeshError(ErrorCode.InvalidArgument, `transcript: ${value} is not a safe integer`)
    return String(value)
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], depth + 1)}`).join(',')}}`
  }
  throw new RelaymeshError(ErrorCode.InvalidArgument, `transcript: cannot encode a ${typeof value}`)
}

/** The bytes the identity key signs. */
export function transcriptSignedBytes (t: Transcript): Uint8Array {
  return concat(CONTEXT.transcript, te.encode(canonicalJson(t)))
}

/** Sign a conversation as `identity`'s user; returns the file's bytes (UTF-8 JSON, one message per line). */
export function signTranscript (identity: Ed25519KeyPair, t: { peer: string, exportedAt: number, messages: TranscriptMessage[] }): { transcript: SignedTranscript, bytes: Uint8Array } {
  const publicKey = ed25519PublicFromPrivate(identity.privateKey)
  const body: Transcript = {
    format: TRANSCRIPT_FORMAT,
    version: TRANSCRIPT_VERSION,
    exporter: userIdFromIdentityKey(publicKey),
    identityKey: b64(publicKey),
    peer: t.peer,
    exportedAt: t.exportedAt,
    messages: t.messages
  }
  checkBody(body)
  const signature = ed25519Sign(identity.privateKey, transcriptSignedBytes(body))
  const transcript: SignedTranscript = { ...body, signature: b64(signature) }
  return { transcript, bytes: te.encode(render(transcript)) }
}

/**
 * Check a transcript file: bounded, well-formed, the user id is the key's,
 * the signature verifies. Decode (malformed), UntrustedIdentity (id and key
 * disagree) or BadSignature (anything changed after signing).
 */
export function verifyTranscript (bytes: Uint8Array): SignedTranscript {
  if (!(bytes instanceof Uint8Array)) throw new RelaymeshError(ErrorCode.InvalidArgument, 'transcript: expected bytes')
  if (bytes.byteLength > MAX_TRANSCRIPT_BYTES) throw new RelaymeshError(ErrorCode.TooLarge, `transcript: ${bytes.byteLength} bytes, at most ${MAX_TRANSCRIPT_BYTES}`)
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Decode, `transcript: not UTF-8 JSON (${(err as Error).message})`, { cause: err })
  }
  const bad = (what: string): never => { throw new RelaymeshError(ErrorCode.Decode, `transcript: ${what}`) }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) bad('not a JSON object')
  const { signature, ...rest } = parsed as Record<string, unknown>
  if (typeof signature !== 'string') bad('no signature')
  const body = rest as unknown as Transcript
  try {
    checkBody(body)
    canonicalJson(body)
  } catch (err) {
    if (RelaymeshError.is(err, ErrorCode.InvalidArgument)) bad(err.message.replace(/^transcript: /, ''))
    throw err
  }
  const key = unb64(body.identityKey, ED25519_PUBLIC_KEY_BYTES, 'identityKey')
  const sig = unb64(signature as string, ED25519_SIGNATURE_BYTES, 'signature')
  if (!userIdMatches(body.exporter, key)) throw new RelaymeshError(ErrorCode.UntrustedIdentity, `transcript: exporter ${body.exporter} is not the user id of the identity key it carries`)
  if (!ed25519Verify(key, transcriptSignedBytes(body), sig)) throw new RelaymeshError(ErrorCode.BadSignature, 'transcript: the signature does not match its content (changed after it was signed, or not signed by this key)')
  return { ...body, signature: signature as string }
}

/** Shape checks shared by signing and verifying (InvalidArgument; verify turns it into Decode). */
function checkBody (t: Transcript): void {
  const bad = (what: string): never => { throw new RelaymeshError(ErrorCode.InvalidArgument, `transcript: ${what}`) }
  if (t.format !== TRANSCRIPT_FORMAT) bad(`format must be "${TRANSCRIPT_FORMAT}"`)
  if (t.version !== TRANSCRIPT_VERSION) bad(`version ${String(t.version)} is not supported (expected ${TRANSCRIPT_VERSION})`)
  for (const f of ['exporter', 'identityKey', 'peer'] as const) if (typeof t[f] !== 'string') bad(`${f} must be a string`)
  if (!Number.isSafeInteger(t.exportedAt) || t.exportedAt < 0) bad('exportedAt must be a time (ms since epoch)')
  if (!Array.isArray(t.messages)) bad('messages must be an array')
  if (t.messages.length > MAX_TRANSCRIPT_MESSAGES) bad(`more than ${MAX_TRANSCRIPT_MESSAGES} messages`)
  t.messages.forEach((m, i) => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) bad(`message ${i} is not an object`)
    for (const f of ['id', 'from', 'to', 'text'] as const) if (typeof m[f] !== 'string') bad(`message ${i}: ${f} must be a string`)
    if (!Number.isSafeInteger(m.sentAt)) bad(`message ${i}: sentAt must be an integer`)
  })
  const extra = Object.keys(t).filter((k) => !['format', 'version', 'exporter', 'identityKey', 'peer', 'exportedAt', 'messages'].includes(k))
  if (extra.length > 0) bad(`unknown field ${extra[0] as string}`)
}

/** Human-readable layout: the header fields, then one message per line (verification ignores layout). */
function render (t: SignedTranscript): string {
  const { messages, signature, ...head } = t
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`)
  const msgs = messages.map((m, i) => `    ${canonicalJson(m)}${i < messages.length - 1 ? ',' : ''}`)
  return ['{', ...lines, messages.length === 0 ? '  "messages": [],' : '  "messages": [', ...(messages.length === 0 ? [] : [...msgs, '  ],']), `  "signature": ${JSON.stringify(signature)}`, '}', ''].join('\n')
}

function b64 (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

function unb64 (s: string, length: number, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new RelaymeshError(ErrorCode.Decode, `transcript: ${what} is not base64`)
  const out = new Uint8Array(Buffer.from(s, 'base64'))
  if (out.byteLength !== length || b64(out) !== s) throw new RelaymeshError(ErrorCode.Decode, `transcript: ${what} must be ${length} bytes in canonical base64`)
  return out
}
