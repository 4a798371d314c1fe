// The FileManifest (protocol/pb/file.proto) that travels inside an end-to-end
// encrypted FILE content: per chunk its key, the hash of its stored payload
// and its plaintext length; the whole file's size and SHA-256. Decoding is
// bounded and every field is checked, so a manifest can only describe a file
// within MAX_FILE_BYTES whose chunk layout is the one the sender must use.
import { decode, encode } from '../../protocol/codec.js'
import { MAX_FILE_MANIFEST_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { FileManifest } from '../../protocol/pb/file.js'
import { CHUNK_KEY_BYTES, FILE_ID_BYTES } from './chunk-crypto.js'
import { CHUNK_BYTES, MAX_CHUNKS, MAX_FILE_BYTES, MAX_FILE_NAME_BYTES, MAX_MIME_BYTES } from './constants.js'

export interface ChunkRef {
  key: Uint8Array
  hash: Uint8Array
  length: number
}

export interface Manifest {
  fileId: Uint8Array
  name: string
  size: number
  mime: string
  chunkSize: number
  chunks: ChunkRef[]
  /** SHA-256 of the whole plaintext */
  sha256: Uint8Array
  /** ms since epoch after which receivers delete their copy (and relays the chunks); 0: never */
  expiresAt: number
}

/** How many chunks, and how long each, a file of `size` bytes has with `chunkSize`-byte chunks. */
export function chunkLengths (size: number, chunkSize: number): number[] {
  const n = Math.ceil(size / chunkSize)
  return Array.from({ length: n }, (_, i) => Math.min(chunkSize, size - i * chunkSize))
}

export function encodeManifest (m: Manifest): Uint8Array {
  return encode(FileManifest, { version: WIRE_VERSION, fileId: m.fileId, name: m.name, size: m.size, mime: m.mime, chunkSize: m.chunkSize, chunks: m.chunks, sha256: m.sha256, expiresAt: m.expiresAt })
}

/** Bounded decode plus the layout checks; ErrorCode.Decode on anything else. */
export function decodeManifest (bytes: Uint8Array): Manifest {
  const m = decode(FileManifest, bytes, MAX_FILE_MANIFEST_BYTES, 'FileManifest')
  const bad = (what: string): never => { throw new RelaymeshError(ErrorCode.Decode, `FileManifest: ${what}`) }
  if (m.fileId.byteLength !== FILE_ID_BYTES) bad(`file id must be ${FILE_ID_BYTES} bytes`)
  if (m.sha256.byteLength !== 32) bad('sha256 must be 32 bytes')
  if (!Number.isSafeInteger(m.size) || m.size < 0 || m.size > MAX_FILE_BYTES) bad(`size must be 0..${MAX_FILE_BYTES}`)
  // the chunk size is fixed by this version: a manifest cannot ask for larger chunks than an envelope holds
  if (m.chunkSize !== CHUNK_BYTES) bad(`chunk size must be ${CHUNK_BYTES}`)
  if (!Number.isSafeInteger(m.expiresAt) || m.expiresAt < 0) bad('expires_at must be a time (ms since epoch) or 0 for never')
  if (Buffer.byteLength(m.name, 'utf8') > MAX_FILE_NAME_BYTES) bad('name too long')
  if (Buffer.byteLength(m.mime, 'utf8') > MAX_MIME_BYTES) bad('mime type too long')
  const lengths = chunkLengths(m.size, m.chunkSize)
  if (lengths.length > MAX_CHUNKS || m.chunks.length !== lengths.length) bad(`expected ${lengths.length} chunks, got ${m.chunks.length}`)
  m.chunks.forEach((c, i) => {
    if (c.key.byteLength !== CHUNK_KEY_BYTES || c.hash.byteLength !== 32) bad(`chunk ${i}: key and hash must be 32 bytes`)
    if (c.length !== lengths[i]) bad(`chunk ${i}: length ${c.length}, expected ${String(lengths[i])}`)
  })
  return { fileId: m.fileId, name: m.name, size: m.size, mime: m.mime, chunkSize: m.chunkSize, chunks: m.chunks.map((c) => ({ key: c.key, hash: c.hash, length: c.length })), sha256: m.sha256, expiresAt: m.expiresAt }
}
