// The PqxdhInitial wrapping of session.ts (PQXDH §3.3: the initiator repeats
// the PQXDH header until the peer answers) and the PQ ratchet negotiation
// that happens at session start (docs/protocol.md §4a, Triple Ratchet: negotiation and downgrade).
import { MAX_PQXDH_INITIAL_BYTES, PQ_RATCHET_VERSION, WIRE_VERSION } from '../constants.js'
import { decode } from '../codec.js'
import { ErrorCode, RelaymeshError } from '../errors.js'
import { PqxdhInitial, type RatchetMessage } from '../pb/ratchet.js'
import type { PreKeyBundle } from '../pb/records.js'
import type { PendingPreKey } from '../pb/session-record.js'
import type { PqRatchetVersion } from './double-ratchet.js'
import type { PqxdhHeader } from './pqxdh.js'
import { equalBytes, sha256 } from './primitives.js'

const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>

/**
 * Negotiation, initiator side: the PQ ratchet is on when the peer's signed
 * bundle advertises it (PreKeyBundle.pq_ratchet_version) and we run it; a
 * bundle from a device that does not advertise it gives a version-0 session.
 */
export function negotiatePqRatchet (bundle: PreKeyBundle, ours: PqRatchetVersion = PQ_RATCHET_VERSION): PqRatchetVersion {
  const theirs = bundle.pqRatchetVersion ?? 0
  return ours >= PQ_RATCHET_VERSION && theirs >= PQ_RATCHET_VERSION ? PQ_RATCHET_VERSION : 0
}

export function initialFields (p: PqxdhHeader): Omit<PqxdhInitial, 'message'> {
  return { version: WIRE_VERSION, ...headerFields(p) }
}

/** the PQXDH header's fields as PqxdhInitial and the session record's PendingPreKey both carry them */
export function headerFields (p: PqxdhHeader): PendingPreKey {
  const out: PendingPreKey = {
    identityKey: ab(p.identityKey),
    deviceId: p.deviceId,
    ephemeralKey: ab(p.ephemeralKey),
    signedPrekeyId: p.signedPreKeyId,
    kemPrekeyId: p.kemPreKeyId,
    kemCiphertext: ab(p.kemCiphertext)
  }
  if (p.oneTimePreKeyId !== undefined) out.oneTimePrekeyId = p.oneTimePreKeyId
  return out
}

/** SHA-256 of the initial message without its ratchet message (re-encoded, so canonical). */
export function headerDigest (initial: PqxdhInitial): Uint8Array {
  return sha256(PqxdhInitial.encode({ ...initial, message: undefined }))
}

export type DecodedInitial = PqxdhInitial & { message: RatchetMessage }

/**
 * Bounded, version-checked and canonical decode of a PqxdhInitial with its
 * ratchet message: the bytes must be exactly what encryptMessage produces for
 * the decoded value (as decodeRatchetMessage requires of a RatchetMessage),
 * so no two encodings name the same message.
 */
export function decodeInitial (bytes: Uint8Array): DecodedInitial {
  const initial = decode(PqxdhInitial, bytes, MAX_PQXDH_INITIAL_BYTES, 'PqxdhInitial')
  const message = initial.message
  if (message === undefined) throw new RelaymeshError(ErrorCode.Decode, 'PqxdhInitial: no ratchet message')
  if (message.version !== WIRE_VERSION) {
    throw new RelaymeshError(ErrorCode.Decode, `PqxdhInitial: unsupported ratchet message version ${message.version}`)
  }
  const again = PqxdhInitial.encode(initial)
  if (again.byteLength !== bytes.byteLength || !equalBytes(again, bytes)) {
    throw new RelaymeshError(ErrorCode.Decode, 'PqxdhInitial: non-canonical encoding')
  }
  return { ...initial, message }
}
