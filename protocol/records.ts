// Signed records: everything gossiped about a user (device list, prekey
// bundles, presence) is a SignedRecord whose body is signed by the user's
// identity key. Nodes open (verify) every record before they store, use or
// forward it; for one record key the latest sequence number wins.
import {
  CONTEXT, ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, MAX_DEVICES, MAX_NODE_ID_BYTES,
  MAX_PROFILE_RECORD_BYTES, MAX_RECORD_LIFETIME_MS, MAX_SIGNED_RECORD_BYTES, MLKEM768_PUBLIC_KEY_BYTES, RECORD_CACHE_ENTRIES, RecordKind, WIRE_VERSION, X25519_KEY_BYTES
} from './constants.js'
import { decode, encode } from './codec.js'
import type { MessageType } from './codec.js'
import { AES_GCM_NONCE_BYTES, AES_GCM_TAG_BYTES, concat, ed25519Sign, ed25519Verify, equalBytes, sha256 } from './crypto/primitives.js'
import type { Ed25519KeyPair } from './crypto/primitives.js'
import { ErrorCode, RelaymeshError } from './errors.js'
import { userIdFromIdentityKey, userIdMatches } from './identity.js'
import { verifyPreKeyBundle } from './keys.js'
import { DeviceList, PreKeyBundle, Presence, Profile, SignedRecord } from './pb/records.js'

export type TypedRecord =
  | { kind: RecordKind.DeviceList, body: DeviceList }
  | { kind: RecordKind.PreKeyBundle, body: PreKeyBundle }
  | { kind: RecordKind.Presence, body: Presence }
  | { kind: RecordKind.Profile, body: Profile }

export interface RecordMeta {
  /** the signer: body.identityKey, checked against the signature */
  identityKey: Uint8Array
  userId: string
  seq: number
  /** ms since the epoch */
  expiresAt: number
  /** what "latest seq wins" is per: `${kind}/${userId}` or `${kind}/${userId}/${deviceId}` */
  key: string
  /** SHA-256 of the signed message (CONTEXT.record || u8(kind) || body): breaks equal-seq ties */
  digest: Uint8Array
  /** the SignedRecord bytes as received (canonical, so byte-identical to what the signer produced) */
  bytes: Uint8Array
}

export type VerifiedRecord = TypedRecord & RecordMeta

const BODY_TYPES: Record<RecordKind, MessageType<any>> = {
  [RecordKind.DeviceList]: DeviceList,
  [RecordKind.PreKeyBundle]: PreKeyBundle,
  [RecordKind.Presence]: Presence,
  [RecordKind.Profile]: Profile
}

/** The largest signed record of a kind: a profile carries an avatar, every other kind is small. */
export function maxRecordBytes (kind: RecordKind): number {
  return kind === RecordKind.Profile ? MAX_PROFILE_RECORD_BYTES : MAX_SIGNED_RECORD_BYTES
}

/** The largest signed record of any kind (what a reader bounds an unknown record by). */
export const MAX_ANY_RECORD_BYTES = Math.max(MAX_SIGNED_RECORD_BYTES, MAX_PROFILE_RECORD_BYTES)

/** The message an identity key signs: CONTEXT.record || u8(kind) || body. */
function signedMessage (kind: RecordKind, body: Uint8Array): Uint8Array {
  return concat(CONTEXT.record, Uint8Array.of(kind), body)
}

/** The store key under which "latest seq wins" for a record. */
export function recordKey (kind: RecordKind, userId: string, deviceId?: number): string {
  return kind === RecordKind.DeviceList || kind === RecordKind.Profile || deviceId === undefined ? `${kind}/${userId}` : `${kind}/${userId}/${deviceId}`
}

function isKind (kind: number): kind is RecordKind {
  return kind === RecordKind.DeviceList || kind === RecordKind.PreKeyBundle || kind === RecordKind.Presence || kind === RecordKind.Profile
}

// ---------------------------------------------------------------- field validation

/** Checks every field a verifier relies on; `code` is InvalidArgument when signing, Decode when opening. */
function validateBody (record: TypedRecord, code: ErrorCode): void {
  const bad = (what: string): never => { throw new RelaymeshError(code, `${RecordKind[record.kind]}: ${what}`) }
  const len = (v: Uint8Array | undefined, n: number, what: string): void => {
    if (!(v instanceof Uint8Array) || v.byteLength !== n) bad(`${what}: expected ${n} bytes, got ${v?.byteLength ?? 'none'}`)
  }
  const b = record.body
  if (b === null || typeof b !== 'object') bad('missing body')
  len(b.identityKey, ED25519_PUBLIC_KEY_BYTES, 'identity key')
  if (!Number.isSafeInteger(b.seq) || b.seq < 0) bad(`seq ${b.seq} is not a safe unsigned integer`)
  if (!Number.isSafeInteger(b.expiresAt) || b.expiresAt <= 0) bad(`expiresAt ${b.expiresAt} is not a positive safe integer`)
  switch (record.kind) {
    case RecordKind.DeviceList: {
      const devices = record.body.devices
      if (!Array.isArray(devices) || devices.length > MAX_DEVICES) bad(`more than ${MAX_DEVICES} devices`)
      const ids = new Set<number>()
      for (const d of devices) {
        if (ids.has(d.deviceId)) bad(`device ${d.deviceId} listed twice`)
        ids.add(d.deviceId)
        len(d.deviceKey, ED25519_PUBLIC_KEY_BYTES, `device ${d.deviceId} key`)
      }
      const verifier = record.body.accessVerifier
      if (verifier !== undefined) len(verifier, 32, 'access verifier (SHA-256)')
      break
    }
    case RecordKind.PreKeyBundle: {
      const { signedPrekey, kemPrekey } = record.body
      if (signedPrekey === undefined) bad('missing signed prekey')
      len(signedPrekey?.publicKey, X25519_KEY_BYTES, 'signed prekey')
      len(signedPrekey?.signature, ED25519_SIGNATURE_BYTES, 'signed prekey signature')
      if (kemPrekey === undefined) bad('missing ML-KEM prekey')
      len(kemPrekey?.publicKey, MLKEM768_PUBLIC_KEY_BYTES, 'ML-KEM prekey')
      len(kemPrekey?.signature, ED25519_SIGNATURE_BYTES, 'ML-KEM prekey signature')
      break
    }
    case RecordKind.Presence: {
      const nodeId = record.body.nodeId
      if (!(nodeId instanceof Uint8Array) || nodeId.byteLength === 0 || nodeId.byteLength > MAX_NODE_ID_BYTES) {
        bad(`node id: expected 1..${MAX_NODE_ID_BYTES} bytes`)
      }
      break
    }
    case RecordKind.Profile: {
      const c = record.body.ciphertext
      if (!(c instanceof Uint8Array) || c.byteLength < AES_GCM_NONCE_BYTES + AES_GCM_TAG_BYTES) bad('ciphertext too short')
      break
    }
    default:
      bad('unknown record kind')
  }
}

// ---------------------------------------------------------------- sign / open

/**
 * Sign a record with the identity it is about. The body's version is stamped
 * WIRE_VERSION when left 0 (the proto3 default). Prekey signatures inside a
 * bundle are made by protocol/keys.ts; both sides check them.
 */
export function signRecord (identity: Ed25519KeyPair, record: TypedRecord): Uint8Array {
  if (!isKind(record.kind)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `unknown record kind ${String(record.kind)}`)
  }
  validateBody(record, ErrorCode.InvalidArgument)
  if (!equalBytes(record.body.identityKey, identity.publicKey)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'record identity key is not the signer\'s public key')
  }
  const version = record.body.version === 0 || record.body.version === undefined ? WIRE_VERSION : record.body.version
  if (version !== WIRE_VERSION) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `record body version ${version} (expected ${WIRE_VERSION})`)
  }
  if (record.kind === RecordKind.PreKeyBundle) {
    try {
      verifyPreKeyBundle({ ...record.body, version })
    } catch (err) {
      throw new RelaymeshError(ErrorCode.InvalidArgument, `prekey bundle: ${(err as Error).message}`, { cause: err })
    }
  }
  const body = encode(BODY_TYPES[record.kind], { ...record.body, version })
  const signature = ed25519Sign(identity.privateKey, signedMessage(record.kind, body))
  const bytes = encode(SignedRecord, { version: WIRE_VERSION, kind: record.kind, body, signature })
  if (bytes.byteLength > maxRecordBytes(record.kind)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `signed record of ${bytes.byteLength} bytes exceeds ${maxRecordBytes(record.kind)}`)
  }
  return bytes
}

/** Decode unless `value` re-encodes to exactly `bytes` (values protons cannot encode included). */
function expectCanonical<T> (type: MessageType<T>, value: T, bytes: Uint8Array, name: string): void {
  let again: Uint8Array
  try {
    again = type.encode(value)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Decode, `${name}: does not re-encode (${(err as Error).message})`, { cause: err })
  }
  if (!equalBytes(again, bytes)) {
    throw new RelaymeshError(ErrorCode.Decode, `${name}: not in canonical encoding`)
  }
}

/**
 * Decode and verify a gossiped record. Order: bounded decode and version
 * (Decode), canonical encoding (Decode), kind (Decode), field validation and
 * canonical body (Decode), signature by body.identityKey (BadSignature), for
 * a prekey bundle both prekey signatures (keys.ts verifyPreKeyBundle:
 * BadSignature), expiry <= now (Expired), expiry more than
 * MAX_RECORD_LIFETIME_MS ahead (Decode).
 */
export function openRecord (bytes: Uint8Array, now: number): VerifiedRecord {
  checkNow(now)
  const record = verifyRecordBytes(bytes)
  checkRecordTime(record, now)
  return record
}

function checkNow (now: number): void {
  if (!Number.isFinite(now)) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `now: ${now} is not a time`)
  }
}

/** Everything openRecord checks that does not depend on the time: a pure function of `bytes`. */
function verifyRecordBytes (bytes: Uint8Array): VerifiedRecord {
  const outer = decode(SignedRecord, bytes, MAX_ANY_RECORD_BYTES, 'SignedRecord')
  // Canonical form only: protobuf would let anyone re-encode the unsigned
  // wrapper (unknown fields, field order, non-minimal varints) into a new
  // byte string, i.e. a new gossip message id, for the same signed record.
  expectCanonical(SignedRecord, outer, bytes, 'SignedRecord')
  const kind = outer.kind
  if (!isKind(kind)) {
    throw new RelaymeshError(ErrorCode.Decode, `SignedRecord: unknown kind ${kind}`)
  }
  if (outer.signature.byteLength !== ED25519_SIGNATURE_BYTES) {
    throw new RelaymeshError(ErrorCode.Decode, `SignedRecord: signature must be ${ED25519_SIGNATURE_BYTES} bytes`)
  }
  if (bytes.byteLength > maxRecordBytes(kind)) {
    throw new RelaymeshError(ErrorCode.Decode, `SignedRecord: ${bytes.byteLength} bytes exceeds ${maxRecordBytes(kind)} for ${RecordKind[kind]}`)
  }
  const type = BODY_TYPES[kind]
  const body = decode(type, outer.body, maxRecordBytes(kind), RecordKind[kind])
  const record = { kind, body } as TypedRecord
  validateBody(record, ErrorCode.Decode)
  // The signature covers the body bytes; require them canonical too, so what
  // is signed is exactly what is understood (no ignored unknown fields).
  expectCanonical(type, body, outer.body, RecordKind[kind])

  const message = signedMessage(kind, outer.body)
  if (!ed25519Verify(record.body.identityKey, message, outer.signature)) {
    throw new RelaymeshError(ErrorCode.BadSignature, `${RecordKind[kind]}: signature does not verify`)
  }
  // PQXDH §3.3: both prekey signatures in a bundle verify under the same
  // identity key (keys.ts), so a node never stores a bundle Alice would refuse.
  if (record.kind === RecordKind.PreKeyBundle) verifyPreKeyBundle(record.body)
  const { identityKey, seq, expiresAt } = record.body
  const userId = userIdFromIdentityKey(identityKey)
  const deviceId = record.kind === RecordKind.DeviceList || record.kind === RecordKind.Profile ? undefined : record.body.deviceId
  return {
    ...record,
    identityKey,
    userId,
    seq,
    expiresAt,
    key: recordKey(kind, userId, deviceId),
    digest: sha256(message),
    bytes
  }
}

/** The time-dependent checks of openRecord: Expired when expired, Decode when the expiry lies too far ahead. */
function checkRecordTime (record: VerifiedRecord, now: number): void {
  const { expiresAt } = record
  if (expiresAt <= now) {
    throw new RelaymeshError(ErrorCode.Expired, `${RecordKind[record.kind]}: expired at ${expiresAt} (now ${now})`)
  }
  if (expiresAt - now > MAX_RECORD_LIFETIME_MS) {
    throw new RelaymeshError(ErrorCode.Decode, `${RecordKind[record.kind]}: expiry more than ${MAX_RECORD_LIFETIME_MS} ms ahead`)
  }
}

/**
 * openRecord with a memory: the time-independent part of a successful open
 * (decode, canonical form, signatures) is kept for the exact bytes, in a
 * bounded least-recently-used map, so a record seen again (the same device
 * list in every acknowledgement, every GET_USER) costs a hash, not a
 * signature check. The time checks run on every call. Failures are not
 * kept: bad bytes are checked in full each time. Results are the same as
 * openRecord's, error codes included. One per node or client: a cache
 * shared between parties would let one party's traffic warm another's.
 */
export class RecordCache {
  private readonly entries = new Map<string, VerifiedRecord>()
  /** opens answered from memory (for tests and metrics) */
  hits = 0

  constructor (readonly maxEntries: number = RECORD_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
      throw new RelaymeshError(ErrorCode.InvalidArgument, `record cache size ${maxEntries} is not a non-negative integer`)
    }
  }

  get size (): number { return this.entries.size }

  open (bytes: Uint8Array, now: number): VerifiedRecord {
    checkNow(now)
    if (!(bytes instanceof Uint8Array) || bytes.byteLength > MAX_SIGNED_RECORD_BYTES || this.maxEntries === 0) return openRecord(bytes, now)
    const key = hexOf(sha256(bytes))
    let record = this.entries.get(key)
    if (record !== undefined && equalBytes(record.bytes, bytes)) {
      // most recently used goes last
      this.entries.delete(key)
      this.entries.set(key, record)
      this.hits++
    } else {
      // verified on a private copy: what is kept cannot change under it if the caller reuses its buffer
      record = verifyRecordBytes(bytes.slice())
      this.entries.set(key, record)
      if (this.entries.size > this.maxEntries) {
        const oldest = this.entries.keys().next().value
        if (oldest !== undefined) this.entries.delete(oldest)
      }
    }
    checkRecordTime(record, now)
    // a fresh outer object per caller; body and bytes are shared and must be treated as read-only
    return { ...record }
  }
}

function hexOf (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

/** Byte-wise order of two byte strings (a shorter prefix first). */
export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.byteLength, b.byteLength)
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return a.byteLength - b.byteLength
}

/**
 * Latest sequence wins: whether `a` supersedes `b` (two records with the
 * same key; InvalidArgument otherwise). An equal seq with different signed
 * content means the owner signed twice (e.g. a device restored from a
 * backup): the later expiry wins, then the larger digest, so every node
 * settles on the same record whatever order it heard them in.
 */
export function compareRecords (a: VerifiedRecord, b: VerifiedRecord): 'newer' | 'same' | 'older' {
  if (a.key !== b.key) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `records for different keys: ${a.key} vs ${b.key}`)
  }
  if (a.seq !== b.seq) return a.seq > b.seq ? 'newer' : 'older'
  const d = compareBytes(a.digest, b.digest)
  if (d === 0) return 'same'
  if (a.expiresAt !== b.expiresAt) return a.expiresAt > b.expiresAt ? 'newer' : 'older'
  return d > 0 ? 'newer' : 'older'
}

/**
 * The newest record of `kind` about `userId` among `raw` (as a lookup returns
 * them): each opened (a bad or expired one is passed over), signed by the
 * identity key the user id names; undefined when there is none.
 */
export function newestRecordOf (raw: Uint8Array[], kind: RecordKind, userId: string, now: number): VerifiedRecord | undefined {
  let newest: VerifiedRecord | undefined
  for (const bytes of raw) {
    let r: VerifiedRecord
    try {
      r = openRecord(bytes, now)
    } catch {
      continue
    }
    if (r.kind !== kind || !userIdMatches(userId, r.identityKey)) continue
    if (newest === undefined || compareRecords(r, newest) === 'newer') newest = r
  }
  return newest
}
