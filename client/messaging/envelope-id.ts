// Envelope ids: 16 bytes, a 48-bit millisecond timestamp then 80 random bits
// (as UUIDv7), strictly increasing per client. Mailboxes list envelopes in id
// order, so a drained mailbox comes back in the order each sender sent it.
// The node learns nothing new: it sees when an envelope arrives anyway.
import { ENVELOPE_ID_BYTES } from '../../protocol/constants.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'

export class EnvelopeIds {
  private last = new Uint8Array(ENVELOPE_ID_BYTES)

  next (now = Date.now()): Uint8Array {
    const id = randomBytes(ENVELOPE_ID_BYTES)
    let t = Math.max(0, Math.floor(now))
    for (let i = 5; i >= 0; i--) { id[i] = t % 256; t = Math.floor(t / 256) }
    if (compare(id, this.last) <= 0) {
      // same millisecond (or a clock step back): one more than the last id
      id.set(this.last)
      for (let i = ENVELOPE_ID_BYTES - 1; i >= 0; i--) {
        id[i] = ((id[i] as number) + 1) & 0xff
        if (id[i] !== 0) break
      }
    }
    this.last = id.slice()
    return id
  }
}

function compare (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.byteLength; i++) {
    const d = (a[i] as number) - (b[i] as number)
    if (d !== 0) return d
  }
  return 0
}
