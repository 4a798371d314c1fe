// Every protocol constant in one place: wire versions, size limits, bounds,
// and the KDF info / signature context strings (Signal specs, with our names).

// --- wire format versions (bumped on incompatible change) ---
export const WIRE_VERSION = 1

// --- size limits (bytes) checked before any decode ---
export const MAX_SIGNED_RECORD_BYTES = 4 * 1024
export const MAX_ENVELOPE_BYTES = 256 * 1024
export const MAX_SEALED_SENDER_BYTES = MAX_ENVELOPE_BYTES - 256
export const MAX_RATCHET_MESSAGE_BYTES = MAX_SEALED_SENDER_BYTES - 256
export const MAX_PQXDH_INITIAL_BYTES = MAX_RATCHET_MESSAGE_BYTES + 2048
export const MAX_GROUP_MESSAGE_BYTES = MAX_SEALED_SENDER_BYTES - 256
export const MAX_SENDER_KEY_DISTRIBUTION_BYTES = 512
export const MAX_FILE_MANIFEST_BYTES = 160 * 1024
export const MAX_FILE_CHUNK_BYTES = MAX_ENVELOPE_BYTES - 1024
export const MAX_SESSION_STATE_BYTES = 1024 * 1024

// --- key sizes ---
export const X25519_KEY_BYTES = 32
export const ED25519_PUBLIC_KEY_BYTES = 32
export const ED25519_SIGNATURE_BYTES = 64
export const MLKEM768_PUBLIC_KEY_BYTES = 1184
export const MLKEM768_CIPHERTEXT_BYTES = 1088
export const MLKEM768_SHARED_SECRET_BYTES = 32
export const ENVELOPE_ID_BYTES = 16
export const MAILBOX_ADDRESS_BYTES = 32
export const GROUP_ID_BYTES = 16

// --- bounds (libsignal rust/protocol/src/consts.rs as a guide) ---
/** most message keys skipped in one jump (one chain) */
export const MAX_SKIP_PER_CHAIN = 25_000
/** most skipped message keys kept per session, oldest evicted first */
export const MAX_STORED_MESSAGE_KEYS = 2_000
/** most receiving chains kept per session */
export const MAX_RECEIVER_CHAINS = 5
/** most archived sessions kept per peer device */
export const MAX_ARCHIVED_SESSIONS = 40
/** sender keys: most iterations one message may jump ahead */
export const MAX_SENDER_KEY_FORWARD = 25_000
/** sender keys: most skipped message keys kept per sender chain */
export const MAX_SENDER_KEY_STORED_KEYS = 2_000
/** devices in one device list */
export const MAX_DEVICES = 16

// --- record kinds (SignedRecord.kind) ---
export enum RecordKind {
  DeviceList = 1,
  PreKeyBundle = 2,
  Presence = 3
}

// --- sealed content types (SealedContent.content_type) ---
export enum ContentType {
  PreKey = 1,
  Ratchet = 2,
  Group = 3,
  SenderKeyDistribution = 4
}

// --- domain separation strings (KDF info, signature contexts) ---
const te = new TextEncoder()
export const INFO = {
  /** PQXDH §2.2 KDF info: "<protocol>_<curve>_<hash>_<pqkem>" */
  pqxdh: te.encode('Relaymesh_CURVE25519_SHA-256_ML-KEM-768'),
  /** Double Ratchet KDF_RK (HKDF info) */
  ratchetRoot: te.encode('RelaymeshRatchet'),
  /** Double Ratchet message key expansion to AEAD key and nonce */
  ratchetMessageKeys: te.encode('RelaymeshMessageKeys'),
  /** sender keys: message key expansion */
  senderKeyMessageKeys: te.encode('RelaymeshGroup'),
  /** sealed sender: ephemeral-static and static-static layers (salt prefix) */
  sealedSender: te.encode('RelaymeshUnidentifiedDelivery'),
  /** local state sealing key derivation from the scrypt output */
  localState: te.encode('RelaymeshLocalState'),
  /** file chunk AEAD nonce derivation */
  fileChunk: te.encode('RelaymeshFileChunk')
} as const

export const CONTEXT = {
  /** Ed25519 signature context for SignedRecord */
  record: te.encode('relaymesh/record/v1'),
  /** Ed25519 signature context for sender-key group messages */
  groupMessage: te.encode('relaymesh/group-message/v1'),
  /** mailbox address derivation */
  mailbox: te.encode('relaymesh/mailbox/v1'),
  /** user id derivation */
  userId: te.encode('relaymesh/user-id/v1')
} as const

/** PQXDH §2.5 / X3DH §2.5: type bytes for EncodeEC / EncodeKEM */
export const ENCODE_EC_CURVE25519 = 0x05
export const ENCODE_KEM_MLKEM768 = 0x08

/** Safety numbers (Signal's numeric fingerprint, version 0): iterations of SHA-512 */
export const FINGERPRINT_ITERATIONS = 5200
export const FINGERPRINT_VERSION = 0

/** local state sealing: scrypt parameters (RFC 7914); N=2^15, r=8, p=1 costs ~32 MiB and ~100 ms */
export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const
