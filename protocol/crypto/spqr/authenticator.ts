// The SPQR authenticator (Signal SPQR authenticator.rs; the ML-KEM Braid
// spec's Authenticator): a root key and a MAC key, started from the PQXDH
// auth key and updated with every epoch secret. It MACs the encapsulation key
// (with the key of the epoch it is sent in) and the ciphertext (with the key
// after the update by that epoch's secret), so a party that never held the
// auth key or an epoch secret cannot inject either.
import { SPQR_INFO } from '../../constants.js'
import { u64be } from '../../codec.js'
import { ErrorCode, RelaymeshError } from '../../errors.js'
import { concat, equalBytes, hkdfSha256, hmacSha256 } from '../primitives.js'
import { SPQR_MAC_BYTES } from './constants.js'

export interface Authenticator {
  root: Uint8Array
  mac: Uint8Array
}

const ZERO_SALT = new Uint8Array(32)

export function authUpdate (auth: Authenticator, epoch: number, key: Uint8Array): Authenticator {
  const okm = hkdfSha256(concat(auth.root, key), ZERO_SALT, concat(SPQR_INFO.authUpdate, u64be(epoch)), 64)
  return { root: okm.slice(0, 32), mac: okm.slice(32, 64) }
}

/** Authenticator::new: root = mac = 0^32, then update(epoch 1, auth key) */
export function authNew (authKey: Uint8Array): Authenticator {
  return authUpdate({ root: new Uint8Array(32), mac: new Uint8Array(32) }, 1, authKey)
}

export function macEk (auth: Authenticator, epoch: number, ek: Uint8Array): Uint8Array {
  return hmacSha256(auth.mac, concat(SPQR_INFO.macEk, u64be(epoch), ek))
}

export function macCt (auth: Authenticator, epoch: number, ct: Uint8Array): Uint8Array {
  return hmacSha256(auth.mac, concat(SPQR_INFO.macCt, u64be(epoch), ct))
}

/** Constant-time check; ErrorCode.DecryptFailed when the MAC does not verify. */
export function verifyMac (expected: Uint8Array, got: Uint8Array, what: string): void {
  if (got.byteLength !== SPQR_MAC_BYTES || !equalBytes(expected, got)) {
    throw new RelaymeshError(ErrorCode.DecryptFailed, `spqr: ${what} MAC does not verify`)
  }
}
