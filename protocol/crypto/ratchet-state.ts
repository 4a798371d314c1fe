// The Double Ratchet's in-memory state (Signal, "The Double Ratchet
// Algorithm", §3.2) and the checks shared by the ratchet modules. Sessions are
// mutable objects, opaque outside protocol/crypto/ratchet-*.ts and
// double-ratchet.ts (RatchetSession is a brand over Session).
import { X25519_KEY_BYTES } from '../constants.js'
import { ErrorCode, fail } from '../errors.js'
import { x25519GenerateKeyPair, type X25519KeyPair } from './primitives.js'
import type { SpqrLive } from './spqr/index.js'

/**
 * Where new ratchet key pairs come from (§3.1 GENERATE_DH). The session takes
 * ownership of each pair it is handed: it wipes the private key when the pair
 * is replaced, so a source must never hand out the same arrays twice.
 */
export interface RatchetKeySource { next: () => X25519KeyPair }

declare const sessionBrand: unique symbol
/** One party's Double Ratchet state; opaque outside the ratchet modules. */
export interface RatchetSession { readonly [sessionBrand]: true }

export const freshKeys: RatchetKeySource = { next: x25519GenerateKeyPair }
export const MAX_U32 = 0xffff_ffff
export const KEY = X25519_KEY_BYTES

/** A receiving chain (§3.2 DHr, CKr, Nr), kept per remote ratchet key. */
export interface ReceiverChain {
  /** the sender's ratchet public key; the same array object for its whole life (KeyObject cache) */
  readonly ratchetKey: Uint8Array
  /** CKr; null once a newer chain replaced it (closed: its remaining keys were skipped up to PN) */
  chainKey: Uint8Array | null
  /** Nr: every lower message number is in `skipped` or was consumed (or evicted) */
  next: number
  /** MKSKIPPED for this chain: counter -> message key, in ascending counter (= insertion) order */
  readonly skipped: Map<number, Uint8Array>
}

export class Session {
  constructor (
    readonly associatedData: Uint8Array,
    /** RK */
    public rootKey: Uint8Array,
    /** DHs */
    public sending: X25519KeyPair,
    /** CKs; null for the responder until its first DH ratchet step */
    public sendingChainKey: Uint8Array | null,
    /** Ns */
    public sendCounter: number,
    /** PN */
    public previousCounter: number,
    /** oldest first; the last one is current (open), all others are closed */
    readonly receiverChains: ReceiverChain[],
    /** sum of skipped.size over receiverChains */
    public skippedCount: number,
    /** the SPQR state (ratchet-pq.ts; immutable, so copies may share it); null when the post-quantum ratchet is off */
    public pq: SpqrLive | null = null
  ) {}
}

export function state (session: RatchetSession): Session {
  if (!(session instanceof Session)) fail(ErrorCode.InvalidArgument, 'not a ratchet session')
  return session
}

export const brand = (s: Session): RatchetSession => s as unknown as RatchetSession
export const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>

export function checkKey (bytes: unknown, what: string, code = ErrorCode.InvalidArgument): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength !== KEY) fail(code, `${what}: expected ${KEY} bytes`)
  return bytes
}

export function nextKeyPair (keys: RatchetKeySource): X25519KeyPair {
  const pair = keys.next()
  checkKey(pair?.privateKey, 'ratchet key source: private key')
  checkKey(pair.publicKey, 'ratchet key source: public key')
  return pair
}
