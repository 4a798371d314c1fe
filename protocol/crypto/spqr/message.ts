// The SPQR message on the wire: empty = version 0 (SPQR off); otherwise one
// version byte, and for version 1 an SpqrMessageV1 (protocol/pb/spqr.proto).
// Bounded before parsing, every field checked after.
import { decode, encode } from '../../codec.js'
import { ErrorCode, RelaymeshError } from '../../errors.js'
import { SpqrMessageV1 } from '../../pb/spqr.js'
import { PayloadType, type BraidMessage } from './braid.js'
import { MAX_SPQR_MESSAGE_BYTES, SPQR_MAX_EPOCH, SPQR_VERSION_OFF, SPQR_VERSION_V1 } from './constants.js'
import { CHUNK_BYTES, MAX_CHUNK_INDEX } from './erasure.js'

export interface WireMessage { msg: BraidMessage, index: number }

/** the version a message speaks: 0 when empty, else its first byte */
export function messageVersion (bytes: Uint8Array): number {
  return bytes.byteLength === 0 ? SPQR_VERSION_OFF : bytes[0]!
}

function isU32 (v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xffffffff
}

function varintBytes (v: number): number {
  let n = 1
  while (v >= 0x80) { v = Math.floor(v / 0x80); n++ }
  return n
}

function putVarint (out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) { out[at++] = (v % 0x80) | 0x80; v = Math.floor(v / 0x80) }
  out[at++] = v
  return at
}

/**
 * The bytes protons writes for an SpqrMessageV1 (fields in number order, zero
 * values and empty bytes left out, varints), written directly: the message is
 * built on every send. Only for u32 values (every message the braid makes);
 * anything else goes through protons. Test: spqr.test.ts compares the two.
 */
function encodeDirect (epoch: number, index: number, type: number, chunkIndex: number, chunk: Uint8Array | undefined): Uint8Array {
  const fields: Array<[number, number]> = [[8, epoch], [16, index], [24, type], [32, chunkIndex]]
  let size = 1
  for (const [, v] of fields) if (v !== 0) size += 1 + varintBytes(v)
  const chunkLength = chunk?.byteLength ?? 0
  if (chunkLength > 0) size += 1 + varintBytes(chunkLength) + chunkLength
  const out = new Uint8Array(size)
  out[0] = SPQR_VERSION_V1
  let at = 1
  for (const [tag, v] of fields) {
    if (v === 0) continue
    out[at++] = tag
    at = putVarint(out, at, v)
  }
  if (chunk !== undefined && chunkLength > 0) {
    out[at++] = 42
    at = putVarint(out, at, chunkLength)
    out.set(chunk, at)
  }
  return out
}

export function encodeMessage (m: BraidMessage, index: number): Uint8Array {
  if (isU32(m.epoch) && isU32(index) && isU32(m.type) && (m.chunk === undefined || isU32(m.chunk.index))) {
    return encodeDirect(m.epoch, index, m.type, m.chunk?.index ?? 0, m.chunk?.data)
  }
  return encodeProtons(m, index)
}

/** the reference encoding (protons) */
export function encodeProtons (m: BraidMessage, index: number): Uint8Array {
  const body = encode(SpqrMessageV1, {
    epoch: m.epoch,
    index,
    type: m.type,
    ...(m.chunk !== undefined ? { chunkIndex: m.chunk.index, chunk: m.chunk.data } : {})
  })
  const out = new Uint8Array(1 + body.byteLength)
  out[0] = SPQR_VERSION_V1
  out.set(body, 1)
  return out
}

function bad (what: string): never {
  throw new RelaymeshError(ErrorCode.Decode, `spqr message: ${what}`)
}

export function decodeMessage (bytes: Uint8Array): WireMessage {
  if (bytes.byteLength > MAX_SPQR_MESSAGE_BYTES) bad(`${bytes.byteLength} bytes exceeds ${MAX_SPQR_MESSAGE_BYTES}`)
  if (messageVersion(bytes) !== SPQR_VERSION_V1) bad('not version 1')
  const m = decode(SpqrMessageV1, bytes.subarray(1), MAX_SPQR_MESSAGE_BYTES, 'spqr message', null)
  if (!Number.isSafeInteger(m.epoch) || m.epoch < 1 || m.epoch > SPQR_MAX_EPOCH) bad('bad epoch')
  const type = m.type as PayloadType
  if (type === PayloadType.None) {
    if (m.chunk.byteLength !== 0 || m.chunkIndex !== 0) bad('a none message carries a chunk')
    return { msg: { epoch: m.epoch, type }, index: m.index }
  }
  if (type !== PayloadType.Ek && type !== PayloadType.Ct) bad(`unknown type ${m.type}`)
  if (m.chunk.byteLength !== CHUNK_BYTES || m.chunkIndex > MAX_CHUNK_INDEX) bad('bad chunk')
  return { msg: { epoch: m.epoch, type, chunk: { index: m.chunkIndex, data: m.chunk.slice() } }, index: m.index }
}
