// What each side of `npm run bench:crypto` provides: the same four scenarios,
// counted the same way (one operation = one encrypt plus the matching decrypt
// of the wire bytes; for setup, bundle bytes to the first decrypted message).
import type { Scenario } from './crypto-harness.js'

/** Which post-quantum ratchet a contender ran, found by looking at its messages (not by asking for it). */
export interface PqRatchetProbe {
  /** 'on' when messages of a running session carry post-quantum ratchet data (SPQR) */
  mode: 'on' | 'off'
  /** ratchet messages of the probe conversation (ping-pong and streaming, after the session is confirmed) */
  messages: number
  /** of those, how many carried post-quantum ratchet data */
  withPqData: number
  /** what was asked for (relaymesh: --relaymesh-pq), when anything was */
  requested?: string
}

export interface ContenderInfo {
  /** the KEM of the last-resort prekey, as the implementation names it */
  kem: string
  /** serialized KEM public key in the bundle, bytes */
  kemPublicKeyBytes: number
  /** wire size of the first (prekey) message carrying 256 B of plaintext */
  preKeyMessageBytes256: number
  /** wire size of a ratchet message carrying 256 B of plaintext (one message: see Contender.wire for averages) */
  messageBytes256: number
  pqRatchet: PqRatchetProbe
}

/** Bytes on the wire of every message a scenario ran (warm-up and rounds; session setup excluded). */
export interface WireTally {
  messages: number
  wireBytes: number
  plaintextBytes: number
}

export type WireRow = 'pingPong' | 'streaming' | 'throughput'

export function newWireTallies (): Record<WireRow, WireTally> {
  const t = (): WireTally => ({ messages: 0, wireBytes: 0, plaintextBytes: 0 })
  return { pingPong: t(), streaming: t(), throughput: t() }
}

export function count (tally: WireTally, wireBytes: number, plaintextBytes: number): void {
  tally.messages++
  tally.wireBytes += wireBytes
  tally.plaintextBytes += plaintextBytes
}

export interface Contender {
  name: string
  info: ContenderInfo
  /** per-message wire overhead, tallied while the scenarios run */
  wire: Record<WireRow, WireTally>
  /** bundle bytes -> PQXDH -> first message encrypted, on the wire, decrypted by the recipient */
  setup: Scenario
  /** setup where both devices' ephemeral and ratchet key pairs were generated in idle time (relaymesh only) */
  setupPooled?: Scenario
  /** 256 B, direction changes every message (each decrypt is a DH ratchet step); headline variant */
  pingPong: Scenario
  /** ping-pong variant where fresh ratchet keys are generated inline (relaymesh only; libsignal has no other mode) */
  pingPongInline?: Scenario
  /** 256 B, one direction */
  streaming: Scenario
  /** 16 KiB, one direction */
  throughput: Scenario
}
