// Every protocol constant in one place: wire versions, size limits, bounds,
// and the KDF info / signature context strings (Signal specs, with our names).

// --- wire format versions (bumped on incompatible change) ---
export const WIRE_VERSION = 1
/** Double Ratchet session state storage format (protocol/pb/session-state.proto) */
export const SESSION_STATE_VERSION = 1
/** 1:1 session record storage format (protocol/pb/session-record.proto) */
export const SESSION_RECORD_VERSION = 1

// --- size limits (bytes) checked before any decode ---
export const MAX_SIGNED_RECORD_BYTES = 4 * 1024
export const MAX_ENVELOPE_BYTES = 256 * 1024
export const MAX_SEALED_SENDER_BYTES = MAX_ENVELOPE_BYTES - 256
export const MAX_RATCHET_MESSAGE_BYTES = MAX_SEALED_SENDER_BYTES - 256
/** largest SPQR message (RatchetMessage.pq_ratchet) accepted before it is parsed: SPQR's MAX_SPQR_MESSAGE_BYTES (protocol/crypto/spqr/constants.ts; a test checks they agree) */
export const MAX_PQ_RATCHET_MESSAGE_BYTES = 64
/** largest plaintext ratchetEncrypt accepts, so its encoded RatchetMessage (header <= 56 B, 16-byte tag, SPQR message with its tag and length) fits MAX_RATCHET_MESSAGE_BYTES */
export const MAX_RATCHET_PLAINTEXT_BYTES = MAX_RATCHET_MESSAGE_BYTES - 128 - (MAX_PQ_RATCHET_MESSAGE_BYTES + 8)
export const MAX_PQXDH_INITIAL_BYTES = MAX_RATCHET_MESSAGE_BYTES + 2048
export const MAX_GROUP_MESSAGE_BYTES = MAX_SEALED_SENDER_BYTES - 256
export const MAX_SENDER_KEY_DISTRIBUTION_BYTES = 512
export const MAX_FILE_MANIFEST_BYTES = 160 * 1024
export const MAX_FILE_CHUNK_BYTES = MAX_ENVELOPE_BYTES - 1024
export const MAX_SESSION_STATE_BYTES = 1024 * 1024
/** a stored 1:1 session record: the ratchet state plus peer identity, base key and pending prekey header (protocol/crypto/session.ts) */
export const MAX_SESSION_RECORD_BYTES = MAX_SESSION_STATE_BYTES + 4 * 1024

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
/** sender keys: most chains (one per rotation) kept per (group, sender device); libsignal MAX_SENDER_KEY_STATES */
export const MAX_SENDER_KEY_STATES = 5
/** sender keys: serialized own sending state (keys and ids only) */
export const MAX_SENDER_KEY_STATE_BYTES = 1024
/** sender keys: serialized receiver record (MAX_SENDER_KEY_STATES chains of up to MAX_SENDER_KEY_STORED_KEYS keys, ~45 B each) */
export const MAX_SENDER_KEY_RECORD_BYTES = 512 * 1024
/** devices in one device list */
export const MAX_DEVICES = 16
/** PQXDH: peer identity keys whose X25519 form (and its imported KeyObject) is kept, least recently used evicted */
export const PEER_IDENTITY_CACHE_SIZE = 256

// --- Triple Ratchet (Double Ratchet + SPQR; docs/protocol.md §4a) ---
/** the post-quantum ratchet version new sessions use and prekey bundles advertise (0 = off: Double Ratchet only) */
export const PQ_RATCHET_VERSION = 1

// --- record kinds (SignedRecord.kind) ---
export enum RecordKind {
  DeviceList = 1,
  PreKeyBundle = 2,
  /** public presence, retired (issue 10): contacts-only presence blobs replace it */
  Presence = 3,
  /** a user's profile, encrypted under the profile key (protocol/profile.ts) */
  Profile = 4
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
  /** Triple Ratchet: root key and SPQR auth key from the PQXDH secret, for sessions with the PQ ratchet on */
  tripleRatchetInit: te.encode('RelaymeshTripleRatchetInit'),
  /** Triple Ratchet: message key expansion when SPQR gave this message a key (that key is the HKDF salt) */
  tripleRatchetMessageKeys: te.encode('RelaymeshTripleRatchetMessageKeys'),
  /** sender keys: message key expansion */
  senderKeyMessageKeys: te.encode('RelaymeshGroup'),
  /** sealed sender: ephemeral-static and static-static layers (salt prefix) */
  sealedSender: te.encode('RelaymeshUnidentifiedDelivery'),
  /** local state sealing key derivation from the scrypt output */
  localState: te.encode('RelaymeshLocalState'),
  /** file chunk AEAD nonce derivation */
  fileChunk: te.encode('RelaymeshFileChunk'),
  /** device linking: the request key from the pairing code's secret (docs/protocol.md §8c) */
  provisionRequest: te.encode('RelaymeshProvisionRequest'),
  /** device linking: the response key from X25519(ephemerals), salted with the secret */
  provisionResponse: te.encode('RelaymeshProvisionResponse'),
  /** contacts-only presence: the presence key from the profile key (HKDF info) */
  presenceKey: te.encode('RelaymeshPresenceKey'),
  /** contacts-only presence: one device's signing seed for one day (HKDF info prefix) */
  presenceSeed: te.encode('RelaymeshPresenceSeed'),
  /** profiles: the AES-256-GCM key of ProfileContent from the profile key (HKDF info; protocol/profile.ts) */
  profileContent: te.encode('RelaymeshProfileContent')
} as const

export const CONTEXT = {
  /** Ed25519 signature context for SignedRecord */
  record: te.encode('relaymesh/record/v1'),
  /** Ed25519 signature context for sender-key group messages */
  groupMessage: te.encode('relaymesh/group-message/v1'),
  /** mailbox address derivation */
  mailbox: te.encode('relaymesh/mailbox/v1'),
  /** user id derivation */
  userId: te.encode('relaymesh/user-id/v1'),
  /** a relay's libp2p-key signature over its NodeRecord (node/relays, docs/protocol.md §9) */
  nodeRecord: te.encode('relaymesh/node-record/v1'),
  /** a relay's placement position: SHA-256(nodeId || peer id multihash || nonce) (node/relays/node-id.ts) */
  nodeId: te.encode('relaymesh/node-id/v1'),
  /** a mesh key's Ed25519 signature over an AdmissionGrant (node/relays/admission-certificate.ts) */
  admission: te.encode('relaymesh/admission/v1'),
  /** a sealed send's proof of work (protocol/send-access.ts) */
  sendStamp: te.encode('relaymesh/send-stamp/v1'),
  /** the public verifier of an unidentified access key: SHA-256(accessVerifier || key) */
  accessVerifier: te.encode('relaymesh/access-verifier/v1'),
  /** a presence blob's Ed25519 signature (protocol/presence.ts) */
  presence: te.encode('relaymesh/presence/v1'),
  /** an exporter's identity-key signature over a conversation transcript (protocol/transcript.ts) */
  transcript: te.encode('relaymesh/transcript/v1'),
  /** a public channel post's Ed25519 signature by the author's identity key (protocol/channel-post.ts) */
  channelPost: te.encode('relaymesh/channel-post/v1')
} as const

// --- sealed sending, profiles and contacts-only presence (issue 10) ---
/** a user's profile key: shared end to end with contacts (Signal's profile key) */
export const PROFILE_KEY_BYTES = 32
/** an unidentified access key, derived from the profile key as Signal does */
export const ACCESS_KEY_BYTES = 16
/** the work a stamp must carry by default for one recipient user without an access key (≈ 2^18 SHA-256, ~0.5 s) */
export const SEND_STAMP_BITS = 18
/** a client refuses to do more work than this for one send, whatever a node asks */
export const MAX_SEND_STAMP_BITS = 26
/** a stamp's minute may differ this much from the node's clock */
export const STAMP_MINUTE_SKEW = 10
/** a profile's display name, in characters */
export const MAX_PROFILE_NAME_LENGTH = 64
/** a profile's avatar image, in bytes (a thumbnail: profiles travel in gossip to every node) */
export const MAX_AVATAR_BYTES = 16 * 1024
/** a signed Profile record: the avatar, the name, padding and the envelope around them */
export const MAX_PROFILE_RECORD_BYTES = MAX_AVATAR_BYTES + 4 * 1024
/** an encoded ProfileContent is padded to a multiple of this many bytes (protocol/profile.ts) */
export const PROFILE_PAD_BLOCK = 1024
/** room every padded ProfileContent keeps besides the avatar: the longest name, the image type and the field tags fit, so the padded size depends on the avatar's size only */
export const PROFILE_NAME_RESERVE = 512
/** a presence blob, encoded */
export const MAX_PRESENCE_BLOB_BYTES = 512
/** a presence blob's expiry may lie at most this far ahead */
export const MAX_PRESENCE_LIFETIME_MS = 30 * 60 * 1000
/** presence ids per PRESENCE_GET */
export const MAX_PRESENCE_IDS = 256
/** an encoded PresenceState, padded to this length before it is sealed (online and offline look alike) */
export const PRESENCE_STATE_BYTES = 32

/** PQXDH §2.5 / X3DH §2.5: type bytes for EncodeEC / EncodeKEM */
export const ENCODE_EC_CURVE25519 = 0x05
export const ENCODE_KEM_MLKEM768 = 0x08

/** Safety numbers (Signal's numeric fingerprint, version 0): iterations of SHA-512 */
export const FINGERPRINT_ITERATIONS = 5200
export const FINGERPRINT_VERSION = 0

/** local state sealing: scrypt parameters (RFC 7914); N=2^15, r=8, p=1 costs ~32 MiB and ~100 ms */
export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const

// --- signed records (protocol/records.ts) ---
/** a record's expiry may lie at most this far ahead of `now` (35 days) */
export const MAX_RECORD_LIFETIME_MS = 35 * 24 * 60 * 60 * 1000
/**
 * signed records whose successful verification one node or client keeps
 * (protocol/records.ts RecordCache), least recently used evicted: about one
 * per active user (the device list in every ack). An entry is at most
 * MAX_SIGNED_RECORD_BYTES plus its decoded form (typically < 1 KiB), so the
 * cache stays within a few MiB.
 */
export const RECORD_CACHE_ENTRIES = 1024
/** Presence.node_id: a libp2p peer id as multihash bytes (38 for Ed25519 peers) */
export const MAX_NODE_ID_BYTES = 128

// --- local state sealing (protocol/crypto/local-state.ts) ---
/** first field of every sealed local state header */
export const LOCAL_STATE_MAGIC = te.encode('RMLS')
export const LOCAL_STATE_VERSION = 1
export const LOCAL_STATE_SALT_BYTES = 16
/** largest sealed local state file accepted by openLocalState */
export const MAX_LOCAL_STATE_BYTES = 64 * 1024 * 1024
/** scrypt parameters accepted when opening (a crafted header must not cost gigabytes or minutes) */
export const SCRYPT_BOUNDS = {
  maxLog2N: 20,
  maxR: 16,
  maxP: 16,
  /** 128·N·r, the memory scrypt needs */
  maxMemory: 256 * 1024 * 1024,
  /** N·r·p, proportional to the CPU time scrypt takes (2^24 ≈ 64× the default) */
  maxWork: 1 << 24
} as const

// --- signed transcript export (protocol/transcript.ts) ---
/** format name and version a signed transcript file carries */
export const TRANSCRIPT_FORMAT = 'relaymesh-transcript'
export const TRANSCRIPT_VERSION = 1
/** largest transcript file verifyTranscript reads */
export const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024
/** most messages one transcript may hold */
export const MAX_TRANSCRIPT_MESSAGES = 1_000_000
/** deepest nesting of JSON values inside a transcript (the canonical encoding recurses) */
export const MAX_TRANSCRIPT_DEPTH = 8

// --- public channels (protocol/channel-post.ts; issue 11) ---
/** the channel every node subscribes to and every client reads by default */
export const DEFAULT_CHANNEL = 'all'
/** a channel's name: 1..32 of a-z, 0-9 and '-' */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9-]{1,32}$/
/** a post's text, in UTF-8 bytes */
export const MAX_CHANNEL_TEXT_BYTES = 2048
/** an encoded ChannelPost: the longest text and name, the key, id, time, signature and field tags */
export const MAX_CHANNEL_POST_BYTES = MAX_CHANNEL_TEXT_BYTES + 256
/** a post's random id */
export const CHANNEL_POST_ID_BYTES = 16
/** a post's sent_at may lie at most this far ahead of the verifier's clock */
export const CHANNEL_MAX_FUTURE_MS = 5 * 60 * 1000
/** a post older than this is refused, and nodes keep none longer (24 h) */
export const CHANNEL_RETENTION_MS = 24 * 60 * 60 * 1000
/** posts in one CHANNEL_READ answer (the client-api.proto limit of channel_posts) */
export const MAX_CHANNEL_READ_POSTS = 256

// --- Sparse Post-Quantum Ratchet (protocol/crypto/spqr/; issue 14) ---
// KDF info / MAC labels of SPQR (Signal's SPQR labels with our names:
// docs/protocol.md §4a, SPQR key derivation). Sizes and limits: protocol/crypto/spqr/constants.ts.
export const SPQR_INFO = {
  /** chain start: HKDF(ikm = auth key, salt = 0^32) -> next root || a2b || b2a */
  chainStart: te.encode('Relaymesh SPQR V1 Chain Start'),
  /** chain epoch: HKDF(ikm = epoch secret, salt = next root) -> next root || a2b || b2a */
  chainAddEpoch: te.encode('Relaymesh SPQR V1 Chain Add Epoch'),
  /** chain step: HKDF(ikm = chain key, salt = 0^32, info = u32be(ctr) || this) -> next || key */
  chainNext: te.encode('Relaymesh SPQR V1 Chain Next'),
  /** the epoch secret from the ML-KEM shared secret (info || u64be(epoch)) */
  epochSecret: te.encode('Relaymesh_SPQR_V1_MLKEM768:SCKA Key'),
  /** authenticator update (info || u64be(epoch)) */
  authUpdate: te.encode('Relaymesh_SPQR_V1_MLKEM768:Authenticator Update'),
  /** authenticator MAC over an encapsulation key (|| u64be(epoch) || ek) */
  macEk: te.encode('Relaymesh_SPQR_V1_MLKEM768:ek'),
  /** authenticator MAC over a ciphertext (|| u64be(epoch) || ct) */
  macCt: te.encode('Relaymesh_SPQR_V1_MLKEM768:ciphertext')
} as const
