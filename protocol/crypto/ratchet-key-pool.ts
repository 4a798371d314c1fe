// X25519 ratchet key pairs generated ahead of need, so that a DH ratchet step
// (Double Ratchet §3.5 GENERATE_DH) on the message path costs no key
// generation. The caller runs `refill` off the critical path (idle time);
// `next` falls back to fresh generation when the pool is empty. Pure: no
// timers here, the caller decides when to refill.
import { ErrorCode, fail } from '../errors.js'
import type { RatchetKeySource } from './double-ratchet.js'
import { wipe, x25519GenerateKeyPair, type X25519KeyPair } from './primitives.js'

export interface RatchetKeyPool extends RatchetKeySource {
  /** Generate up to `max` key pairs (default: as many as fit); returns how many were added. */
  refill: (max?: number) => number
  /** Wipe and drop every pooled private key (e.g. when locking local state). */
  clear: () => void
  /** key pairs ready now */
  readonly available: number
  readonly capacity: number
}

/**
 * A pool holding at most `size` key pairs. Each pair is handed out once and
 * then belongs to the session that took it (which wipes it when it ratchets
 * past it). Pairs come from primitives.x25519GenerateKeyPair, so their
 * private-key KeyObject is already cached when a session first uses them.
 */
export function createRatchetKeyPool (size: number): RatchetKeyPool {
  if (!Number.isSafeInteger(size) || size < 0) fail(ErrorCode.InvalidArgument, `ratchet key pool size: ${String(size)}`)
  const pairs: X25519KeyPair[] = []
  return {
    next: (): X25519KeyPair => pairs.pop() ?? x25519GenerateKeyPair(),
    refill: (max = Number.POSITIVE_INFINITY): number => {
      if (typeof max !== 'number' || Number.isNaN(max) || max < 0) fail(ErrorCode.InvalidArgument, `refill max: ${String(max)}`)
      const n = Math.floor(Math.min(max, size - pairs.length))
      for (let i = 0; i < n; i++) pairs.push(x25519GenerateKeyPair())
      return Math.max(n, 0)
    },
    clear: (): void => {
      for (const p of pairs.splice(0)) wipe(p.privateKey)
    },
    get available (): number { return pairs.length },
    get capacity (): number { return size }
  }
}
