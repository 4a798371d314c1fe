// The ML-KEM braid (Signal SPQR v1/chunked/states.rs with whole-key ML-KEM):
// the two parties take turns per epoch. In epoch e the "ek sender" makes an
// ML-KEM-768 key pair and chunks out ek || MAC_e(ek); the "ct sender"
// collects any 38 chunks, checks the MAC, encapsulates on its next send,
// derives the epoch secret, and chunks out ct || MAC'_e(ct); the ek sender
// collects any 35 chunks, decapsulates, derives the same secret and checks
// the MAC. Then the roles swap for epoch e + 1. States (docs/protocol.md §4a, Braid states):
//
//   ek sender:  KeysUnsampled -send-> EkSending -recv ct chunk-> CtReceiving
//               -recv last ct chunk (epoch secret)-> NoEkReceived(e + 1)
//   ct sender:  NoEkReceived -recv last ek chunk-> EkReceived
//               -send (encapsulate, epoch secret)-> CtSending
//               -recv any message of epoch e + 1-> KeysUnsampled(e + 1)
//
// Deviation from Signal (whole-key ML-KEM, no incremental encapsulation):
// no separate 64-byte header and no ct1/ct2 split, so the ct sender starts
// only once the whole ek has arrived. Everything here works on copies of a
// state (decoded from bytes, or live.ts cloneState) and changes them in place,
// except the erasure decoder, which copies may share: it is replaced, never
// changed (addTo).
import { SPQR_INFO } from '../../constants.js'
import { u64be } from '../../codec.js'
import { ErrorCode, RelaymeshError } from '../../errors.js'
import { concat, hkdfSha256, mlkemDecapsulate, mlkemDecapsulateWithSeed, mlkemEncapsulate, mlkemPublicKeyFromSeed, wipe } from '../primitives.js'
import { authNew, authUpdate, macCt, macEk, verifyMac, type Authenticator } from './authenticator.js'
import {
  MLKEM768_CT_BYTES,
  MLKEM768_EK_BYTES,
  MLKEM768_SEED_BYTES,
  SPQR_CT_MESSAGE_BYTES,
  SPQR_EK_MESSAGE_BYTES,
  SPQR_MAX_EPOCH
} from './constants.js'
import { addChunk, decodedMessage, encodeChunk, newDecoder, type Chunk, type Decoder } from './erasure.js'

export enum BraidState {
  KeysUnsampled = 1,
  EkSending = 2,
  CtReceiving = 3,
  NoEkReceived = 4,
  EkReceived = 5,
  CtSending = 6
}

export interface Braid {
  state: BraidState
  epoch: number
  auth: Authenticator
  /** our ML-KEM secret key as its 64-byte seed (EkSending, CtReceiving) */
  dkSeed?: Uint8Array
  /** our ML-KEM secret key, expanded (2400 bytes): only in states written before the seed form */
  dk?: Uint8Array
  /** their encapsulation key (EkReceived) */
  ek?: Uint8Array
  /** the message being chunked out and the next chunk index (EkSending, CtSending) */
  sending?: Uint8Array
  nextChunk?: number
  /** the message being received (CtReceiving, NoEkReceived) */
  receiving?: Decoder
}

export enum PayloadType { None = 0, Ek = 1, Ct = 2 }

export interface BraidMessage {
  epoch: number
  type: PayloadType
  chunk?: Chunk
}

export interface EpochSecret { epoch: number, secret: Uint8Array }

const ZERO_SALT = new Uint8Array(32)

export function braidInit (direction: 0 | 1, authKey: Uint8Array): Braid {
  const auth = authNew(authKey)
  return direction === 0
    ? { state: BraidState.KeysUnsampled, epoch: 1, auth }
    : { state: BraidState.NoEkReceived, epoch: 1, auth, receiving: newDecoder(SPQR_EK_MESSAGE_BYTES) }
}

function epochSecret (ss: Uint8Array, epoch: number): Uint8Array {
  return hkdfSha256(ss, ZERO_SALT, concat(SPQR_INFO.epochSecret, u64be(epoch)), 32)
}

function nextChunk (b: Braid): Chunk {
  const index = b.nextChunk ?? 0
  b.nextChunk = (index + 1) & 0xffff
  return encodeChunk(b.sending!, index)
}

/**
 * FIPS 203 §7.2 modulus check of an encapsulation key: every 12-bit
 * coefficient of t-hat below q = 3329 (input validation, not a primitive).
 */
export function ekIsWellFormed (ek: Uint8Array): boolean {
  if (ek.byteLength !== MLKEM768_EK_BYTES) return false
  for (let i = 0; i < 1152; i += 3) {
    const c0 = ek[i]! | ((ek[i + 1]! & 0x0f) << 8)
    const c1 = (ek[i + 1]! >> 4) | (ek[i + 2]! << 4)
    if (c0 >= 3329 || c1 >= 3329) return false
  }
  return true
}

export function braidSend (b: Braid, random: (n: number) => Uint8Array): { msg: BraidMessage, secret: EpochSecret | null } {
  const epoch = b.epoch
  switch (b.state) {
    case BraidState.KeysUnsampled: {
      // the seed is the secret key (ML-KEM.KeyGen_internal(d, z) expands it): native key
      // generation on runtimes that export only seeds, and a 64-byte state field instead of 2400
      const seed = random(MLKEM768_SEED_BYTES).slice()
      const publicKey = mlkemPublicKeyFromSeed(seed)
      b.state = BraidState.EkSending
      b.dkSeed = seed
      b.sending = concat(publicKey, macEk(b.auth, epoch, publicKey))
      b.nextChunk = 0
      return { msg: { epoch, type: PayloadType.Ek, chunk: nextChunk(b) }, secret: null }
    }
    case BraidState.EkSending:
      return { msg: { epoch, type: PayloadType.Ek, chunk: nextChunk(b) }, secret: null }
    case BraidState.EkReceived: {
      let enc: { cipherText: Uint8Array, sharedSecret: Uint8Array }
      try {
        enc = mlkemEncapsulate(b.ek!)
      } catch (err) {
        throw new RelaymeshError(ErrorCode.InvalidState, 'spqr: cannot encapsulate to the stored key', { cause: err })
      }
      const secret = epochSecret(enc.sharedSecret, epoch)
      wipe(enc.sharedSecret)
      b.auth = authUpdate(b.auth, epoch, secret)
      b.state = BraidState.CtSending
      b.ek = undefined
      b.sending = concat(enc.cipherText, macCt(b.auth, epoch, enc.cipherText))
      b.nextChunk = 0
      return { msg: { epoch, type: PayloadType.Ct, chunk: nextChunk(b) }, secret: { epoch, secret } }
    }
    case BraidState.CtSending:
      return { msg: { epoch, type: PayloadType.Ct, chunk: nextChunk(b) }, secret: null }
    case BraidState.CtReceiving:
    case BraidState.NoEkReceived:
      return { msg: { epoch, type: PayloadType.None }, secret: null }
  }
}

/**
 * Adds a chunk to the braid's decoder through a copy: decoders may be shared
 * with other states (live.ts cloneState), so one is never changed in place.
 */
function addTo (b: Braid, chunk: Chunk): Decoder {
  const d = b.receiving!
  const copy = { length: d.length, points: d.points.map((p) => p.slice()) }
  addChunk(copy, chunk)
  b.receiving = copy
  return copy
}

function tooNew (m: BraidMessage, b: Braid): never {
  throw new RelaymeshError(ErrorCode.Invalid, `spqr: message epoch ${m.epoch} is ahead of ours (${b.epoch})`)
}

/** Applies a received message; returns the epoch secret when this message completes an epoch. */
export function braidRecv (b: Braid, m: BraidMessage): EpochSecret | null {
  const epoch = b.epoch
  if (b.state === BraidState.CtSending) {
    if (m.epoch === epoch + 1) {
      if (epoch + 1 > SPQR_MAX_EPOCH) throw new RelaymeshError(ErrorCode.InvalidState, 'spqr: epochs exhausted')
      b.state = BraidState.KeysUnsampled
      b.epoch = epoch + 1
      b.sending = undefined
      b.nextChunk = undefined
    } else if (m.epoch > epoch + 1) {
      tooNew(m, b)
    }
    return null
  }
  if (m.epoch > epoch) tooNew(m, b)
  if (m.epoch < epoch) return null // late message of an older epoch: its key still counts, its payload does not
  switch (b.state) {
    case BraidState.EkSending:
      if (m.type !== PayloadType.Ct) return null
      // a ct chunk means the peer holds the whole ek: stop sending it
      b.state = BraidState.CtReceiving
      b.sending = undefined
      b.nextChunk = undefined
      b.receiving = newDecoder(SPQR_CT_MESSAGE_BYTES)
      return ctChunk(b, m.chunk!)
    case BraidState.CtReceiving:
      return m.type === PayloadType.Ct ? ctChunk(b, m.chunk!) : null
    case BraidState.NoEkReceived: {
      if (m.type !== PayloadType.Ek) return null
      const got = decodedMessage(addTo(b, m.chunk!))
      if (got === null) return null
      const ek = got.slice(0, MLKEM768_EK_BYTES)
      verifyMac(macEk(b.auth, epoch, ek), got.subarray(MLKEM768_EK_BYTES), 'encapsulation key')
      if (!ekIsWellFormed(ek)) throw new RelaymeshError(ErrorCode.Invalid, 'spqr: encapsulation key fails the FIPS 203 modulus check')
      b.state = BraidState.EkReceived
      b.ek = ek
      b.receiving = undefined
      return null
    }
    case BraidState.KeysUnsampled:
    case BraidState.EkReceived:
      return null
  }
}

function ctChunk (b: Braid, chunk: Chunk): EpochSecret | null {
  const got = decodedMessage(addTo(b, chunk))
  if (got === null) return null
  const epoch = b.epoch
  const ct = got.slice(0, MLKEM768_CT_BYTES)
  const ss = b.dkSeed !== undefined ? mlkemDecapsulateWithSeed(ct, b.dkSeed) : mlkemDecapsulate(ct, b.dk!)
  const secret = epochSecret(ss, epoch)
  wipe(ss)
  const auth = authUpdate(b.auth, epoch, secret)
  verifyMac(macCt(auth, epoch, ct), got.subarray(MLKEM768_CT_BYTES), 'ciphertext')
  if (epoch + 1 > SPQR_MAX_EPOCH) throw new RelaymeshError(ErrorCode.InvalidState, 'spqr: epochs exhausted')
  b.state = BraidState.NoEkReceived
  b.epoch = epoch + 1
  b.auth = auth
  b.dk = undefined
  b.dkSeed = undefined
  b.receiving = newDecoder(SPQR_EK_MESSAGE_BYTES)
  return { epoch, secret }
}
