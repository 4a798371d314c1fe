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

export function encodeMessage (m: BraidMessage, index: number): Uint8Array {
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
