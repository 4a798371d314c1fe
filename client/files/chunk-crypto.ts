// One file chunk as stored in the mesh: encrypted under its own fresh
// 32-byte key, so the ciphertext reveals nothing and a key opens one chunk
// only. The payload carries no sender, file id or index: only the manifest
// (inside an end-to-end encrypted message) ties chunks to a file, by hash.
//
//   nonce   = HKDF-SHA256(ikm = key, salt = none, info = INFO.fileChunk, 12)
//   aad     = file_id (16) ‖ u32be(index)
//   payload = FILE_CHUNK_TAG ‖ AES-256-GCM(key, nonce, plaintext, aad)
//   hash    = SHA-256(payload)            (FileChunkRef.hash)
//   id      = hash[0..16]                 (the chunk envelope's id)
//
// The key is used once, so a nonce derived from it never repeats under it;
// encryption is deterministic, so a resumed transfer re-creates exactly the
// bytes (and envelope id) a lost SEND may already have stored.
import { INFO, ENVELOPE_ID_BYTES } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { aesGcmDecrypt, aesGcmEncrypt, concat, equalBytes, hkdfSha256, sha256 } from '../../protocol/crypto/primitives.js'
import { FILE_CHUNK_TAG } from './constants.js'

export const CHUNK_KEY_BYTES = 32
export const FILE_ID_BYTES = 16

const NO_SALT = new Uint8Array(0)

function nonceOf (key: Uint8Array): Uint8Array {
  return hkdfSha256(key, NO_SALT, INFO.fileChunk, 12)
}

function aadOf (fileId: Uint8Array, index: number): Uint8Array {
  const aad = new Uint8Array(FILE_ID_BYTES + 4)
  aad.set(fileId, 0)
  new DataView(aad.buffer).setUint32(FILE_ID_BYTES, index)
  return aad
}

/** True when an envelope payload is a file chunk (dispatch on the first byte). */
export function isFileChunk (payload: Uint8Array): boolean {
  return payload.byteLength > 0 && payload[0] === FILE_CHUNK_TAG
}

export function encryptChunk (key: Uint8Array, fileId: Uint8Array, index: number, plaintext: Uint8Array): Uint8Array {
  if (key.byteLength !== CHUNK_KEY_BYTES) throw new RelaymeshError(ErrorCode.InvalidArgument, 'chunk key must be 32 bytes')
  return concat(Uint8Array.of(FILE_CHUNK_TAG), aesGcmEncrypt(key, nonceOf(key), plaintext, aadOf(fileId, index)))
}

export function chunkHash (payload: Uint8Array): Uint8Array {
  return sha256(payload)
}

/** The envelope id of a chunk: the first 16 bytes of its hash (the manifest names it, a resend repeats it). */
export function chunkEnvelopeId (hash: Uint8Array): Uint8Array {
  return hash.slice(0, ENVELOPE_ID_BYTES)
}

/**
 * Check a stored payload against its manifest entry and decrypt it.
 * ErrorCode.DecryptFailed when the hash, the tag or the length does not match.
 */
export function decryptChunk (ref: { key: Uint8Array, hash: Uint8Array, length: number }, fileId: Uint8Array, index: number, payload: Uint8Array): Uint8Array {
  if (!equalBytes(chunkHash(payload), ref.hash)) throw new RelaymeshError(ErrorCode.DecryptFailed, `chunk ${index}: hash does not match the manifest`)
  if (!isFileChunk(payload)) throw new RelaymeshError(ErrorCode.DecryptFailed, `chunk ${index}: not a chunk payload`)
  const plain = aesGcmDecrypt(ref.key, nonceOf(ref.key), payload.subarray(1), aadOf(fileId, index))
  if (plain.byteLength !== ref.length) throw new RelaymeshError(ErrorCode.DecryptFailed, `chunk ${index}: ${plain.byteLength} bytes, the manifest says ${ref.length}`)
  return plain
}
