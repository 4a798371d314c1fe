// Unsigned-varint length-prefixed frames, as every relaymesh stream protocol
// carries them: a pure splitter shared by node/ and client/. At most one
// partial frame is buffered, and an oversized length prefix is refused before
// any of the frame is read (bounded memory).
import { Uint8ArrayList } from 'uint8arraylist'
import { ErrorCode, RelaymeshError } from './errors.js'

/** Unsigned varint (LEB128), as the length prefix of a frame. */
export function varint (n: number): Uint8Array {
  const out: number[] = []
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
  return Uint8Array.from(out)
}

/** Splits a byte stream into length-prefixed frames, each at most `maxFrameBytes`. */
export class FrameDecoder {
  private readonly buf = new Uint8ArrayList()
  private readonly maxPrefixBytes: number

  constructor (private readonly maxFrameBytes: number) {
    this.maxPrefixBytes = varint(maxFrameBytes).byteLength
  }

  /** bytes of a started, incomplete frame (0 between frames) */
  get buffered (): number {
    return this.buf.byteLength
  }

  /** Append a chunk; returns the frames it completed. Throws ErrorCode.TooLarge on an oversized length prefix. */
  push (chunk: Uint8Array | Uint8ArrayList): Uint8Array[] {
    this.buf.append(chunk)
    const out: Uint8Array[] = []
    for (;;) {
      let length = 0
      let prefix = 0
      for (;;) {
        if (prefix >= this.buf.byteLength) return out
        if (prefix >= this.maxPrefixBytes) throw new RelaymeshError(ErrorCode.TooLarge, 'frame length prefix exceeds the size limit')
        const b = this.buf.get(prefix)
        length += (b & 0x7f) * 2 ** (7 * prefix)
        prefix++
        if (b < 0x80) break
      }
      if (length > this.maxFrameBytes) throw new RelaymeshError(ErrorCode.TooLarge, `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`)
      if (this.buf.byteLength < prefix + length) return out
      out.push(this.buf.subarray(prefix, prefix + length))
      this.buf.consume(prefix + length)
    }
  }
}

