// The Double Ratchet's symmetric chains: KDF_RK and KDF_CK (§5.2), skipping
// message keys (§3.5 SkipMessageKeys) on scratch walks, and the bounded store
// of skipped keys (MKSKIPPED) with its eviction order.
import { INFO, MAX_SKIP_PER_CHAIN, MAX_STORED_MESSAGE_KEYS } from '../constants.js'
import { ErrorCode, fail } from '../errors.js'
import { hkdfSha256, hmacSha256, wipe } from './primitives.js'
import type { ReceiverChain, Session } from './ratchet-state.js'

const CK_MESSAGE = Uint8Array.of(0x01)
const CK_NEXT = Uint8Array.of(0x02)

export interface RootStep { rootKey: Uint8Array, chainKey: Uint8Array, okm: Uint8Array }

/** KDF_RK: HKDF-SHA256(salt = RK, ikm = DH output, info) -> 64 bytes = RK' || CK. */
export function kdfRk (rootKey: Uint8Array, dhOut: Uint8Array): RootStep {
  const okm = hkdfSha256(dhOut, rootKey, INFO.ratchetRoot, 64)
  return { rootKey: okm.subarray(0, 32), chainKey: okm.subarray(32, 64), okm }
}

/** KDF_CK: message key = HMAC-SHA256(CK, 0x01), next chain key = HMAC-SHA256(CK, 0x02). */
export function kdfCk (chainKey: Uint8Array): { messageKey: Uint8Array, chainKey: Uint8Array } {
  return { messageKey: hmacSha256(chainKey, CK_MESSAGE), chainKey: hmacSha256(chainKey, CK_NEXT) }
}

export interface Walk {
  /** the chain key after stepping over every skipped message */
  chainKey: Uint8Array
  /** [counter, message key] of the skipped messages worth storing, ascending */
  skipped: Array<[number, Uint8Array]>
}

/**
 * §3.5 SkipMessageKeys on a scratch walk: steps `chainKey` from message
 * `from` to `until` (exclusive). Only the last MAX_STORED_MESSAGE_KEYS keys
 * can survive eviction, so older ones are not even derived (one HMAC per step
 * instead of two). Intermediate chain keys are wiped; `chainKey` is not.
 */
export function walkChain (chainKey: Uint8Array, from: number, until: number): Walk {
  const keepFrom = until - MAX_STORED_MESSAGE_KEYS
  const skipped: Array<[number, Uint8Array]> = []
  let ck = chainKey
  for (let i = from; i < until; i++) {
    if (i >= keepFrom) skipped.push([i, hmacSha256(ck, CK_MESSAGE)])
    const next = hmacSha256(ck, CK_NEXT)
    if (ck !== chainKey) wipe(ck)
    ck = next
  }
  return { chainKey: ck, skipped }
}

export function discardWalk (walk: Walk, original: Uint8Array | null): void {
  if (walk.chainKey !== original) wipe(walk.chainKey)
  for (const [, mk] of walk.skipped) wipe(mk)
}

/** §3.5: refuse a jump of more than MAX_SKIP_PER_CHAIN keys before doing any of it. */
export function checkSkip (next: number, until: number): void {
  if (until - next > MAX_SKIP_PER_CHAIN) {
    fail(ErrorCode.TooManySkipped, `message needs ${until - next} skipped keys (limit ${MAX_SKIP_PER_CHAIN})`)
  }
}

export function storeSkipped (s: Session, chain: ReceiverChain, entries: Array<[number, Uint8Array]>): void {
  for (const [counter, mk] of entries) chain.skipped.set(counter, mk)
  s.skippedCount += entries.length
}

/** Oldest first: chains are oldest first and each chain's keys ascend, which is insertion order. */
export function evictSkipped (s: Session): void {
  for (const chain of s.receiverChains) {
    if (s.skippedCount <= MAX_STORED_MESSAGE_KEYS) return
    for (const [counter, mk] of chain.skipped) {
      if (s.skippedCount <= MAX_STORED_MESSAGE_KEYS) return
      chain.skipped.delete(counter)
      wipe(mk)
      s.skippedCount--
    }
  }
}

export function dropChain (s: Session, chain: ReceiverChain): void {
  for (const mk of chain.skipped.values()) wipe(mk)
  s.skippedCount -= chain.skipped.size
  chain.skipped.clear()
  wipe(chain.chainKey ?? undefined)
}
