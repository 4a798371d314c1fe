// Bounds and sizes of encrypted file transfer (docs/protocol.md §8b).
import { MAX_FILE_CHUNK_BYTES } from '../../protocol/constants.js'

/** largest file accepted for sending (checked on the size before reading) and from a manifest */
export const MAX_FILE_BYTES = 100 * 1024 * 1024
/** plaintext bytes per chunk: one chunk is one envelope, well under the node's 256 KiB envelope limit */
export const CHUNK_BYTES = 192 * 1024
/** a chunk envelope's payload starts with this byte (a SealedSender starts 0x08, a GroupFanout 0x80) */
export const FILE_CHUNK_TAG = 0xf1
/** chunk payload = tag ‖ AES-256-GCM ciphertext ‖ 16-byte tag */
export const CHUNK_OVERHEAD = 1 + 16
/** most chunks one manifest may list (100 MiB / 192 KiB = 534) */
export const MAX_CHUNKS = Math.ceil(MAX_FILE_BYTES / CHUNK_BYTES)
/** longest file name in a manifest (UTF-8 bytes) */
export const MAX_FILE_NAME_BYTES = 255
/** longest MIME type in a manifest */
export const MAX_MIME_BYTES = 128
/** chunk envelopes without their manifest the receiver keeps (≈ 192 MiB on disk; beyond that they wait in the mailbox) */
export const MAX_PENDING_CHUNKS = 1024
/** a kept chunk whose manifest never came is dropped after this (the mesh's envelope retention) */
export const PENDING_CHUNK_TTL_MS = 30 * 24 * 60 * 60 * 1000
/** manifests waiting for chunks the receiver keeps; more are refused with a notice */
export const MAX_PENDING_FILES = 64
/** bytes read at a time while hashing a file before sending it */
export const HASH_READ_BYTES = 256 * 1024
/** chunk SENDs in flight at once while sending a file */
export const SEND_WINDOW = 4
/** received files go here, under the client home (0700; files 0600) */
export const DOWNLOADS_FOLDER = 'downloads'

if (CHUNK_BYTES + CHUNK_OVERHEAD > MAX_FILE_CHUNK_BYTES) throw new Error('CHUNK_BYTES does not fit an envelope')

/** the longest expiry a file may carry: the mesh's default envelope retention (nodes refuse a later expires_at) */
export const MAX_FILE_EXPIRY_MS = 30 * 24 * 60 * 60 * 1000
/** the shortest expiry a file may carry */
export const MIN_FILE_EXPIRY_MS = 1000
/** while running, the client looks for expired files at least this often (and at the soonest expiry) */
export const FILE_EXPIRY_CHECK_MS = 60 * 60 * 1000

/** a received file's Blob type when the sender's is not in SAFE_BLOB_TYPES (client/files/received-file.ts) */
export const OPAQUE_BLOB_TYPE = 'application/octet-stream'
/** MIME types a received file's Blob keeps: ones a browser displays without running the sender's code (no HTML, SVG, XML, JavaScript) */
export const SAFE_BLOB_TYPES: ReadonlySet<string> = new Set([
  'text/plain', 'application/pdf',
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif',
  'audio/mpeg', 'audio/ogg', 'audio/wav', 'audio/webm', 'audio/mp4',
  'video/mp4', 'video/webm', 'video/ogg'
])
