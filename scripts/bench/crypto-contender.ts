// What each side of `npm run bench:crypto` provides: the same four scenarios,
// counted the same way (one operation = one encrypt plus the matching decrypt
// of the wire bytes; for setup, bundle bytes to the first decrypted message).
import type { Scenario } from './crypto-harness.js'

export interface ContenderInfo {
  /** the KEM of the last-resort prekey, as the implementation names it */
  kem: string
  /** serialized KEM public key in the bundle, bytes */
  kemPublicKeyBytes: number
  /** wire size of the first (prekey) message carrying 256 B of plaintext */
  preKeyMessageBytes256: number
  /** wire size of a ratchet message carrying 256 B of plaintext */
  messageBytes256: number
}

export interface Contender {
  name: string
  info: ContenderInfo
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
