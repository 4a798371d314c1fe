// Every LevelDB key of the client store, in one place. Keys are not secret
// but say as little as possible: names that would reveal a correspondent
// (user ids, aliases, envelope and message ids) are replaced by a keyed hash
// (SealedStore.name), so the key list shows only how many of each kind exist.
// Values are always sealed (SealedStore) and bound to their key.

export const PREFIX = {
  /** unsealed: the scrypt parameters and salt of the store key (JSON) */
  kdf: 'meta!kdf',
  /** sealed check value: opens only under the right passphrase */
  check: 'meta!check',
  /** sealed 32-byte key for hashing names in keys (SealedStore.name) */
  nameKey: 'meta!name-key',
  /** our identity key pair, device id and key, name, device list */
  identity: 'id!self',
  /** counters and schedules: next prekey ids, upload marks, history sequence */
  counters: 'id!counters',
  /** signed X25519 prekeys by id (8 hex digits) */
  signedPreKey: 'pk!spk!',
  /** signed ML-KEM prekeys by id */
  kemPreKey: 'pk!kem!',
  /** one-time prekeys by id */
  oneTimePreKey: 'pk!otk!',
  /** 1:1 sessions (current and archived) by name(userId/deviceId) */
  session: 'ss!',
  /** peers we have met: identity key by name(userId) */
  peer: 'pe!',
  /** contacts by name(alias) */
  contact: 'ct!',
  /** message history in arrival order: 16 hex digits of a local sequence */
  history: 'hi!',
  /** stored but not yet returned by receive(): same sequence as history */
  inbox: 'in!',
  /** envelope ids already processed: name(envelope id hex) */
  seenEnvelope: 'se!',
  /** message ids already delivered: name(sender userId/message id hex) */
  seenMessage: 'sm!',
  /** group state (name, members, epoch) by name(group id hex) */
  group: 'gr!',
  /** our own sender key (SenderKeyOwnState) per group, by name(group id hex) */
  groupOwnKey: 'gk!',
  /** received sender key records by name(group id hex/userId/deviceId) */
  groupSenderKey: 'gs!',
  /** group messages waiting for their sender key or membership, by name(envelope id hex) */
  groupPending: 'gp!',
  /** files we send: the transfer (keys, size, hash) by name(recipient/name/sha256) (client/files) */
  fileSend: 'fs!',
  /** files we send: one mark per chunk the mesh stored, name(transfer) + '!' + index (8 hex) */
  fileSendChunk: 'fc!',
  /** files we receive: chunk envelopes kept until their manifest arrives, by name(envelope id hex) */
  fileChunk: 'fk!',
  /** files we receive: manifests waiting for their chunks, by name(sender/message id hex) */
  fileManifest: 'fm!',
  /** pending device links (pairing secrets, one-time, expiring) by name(link id hex) */
  deviceLink: 'dl!',
  /** delivery state of a message we sent (stored / delivered / read) by name(message id hex) */
  messageStatus: 'rc!',
  /** our own profile as last set (name, avatar, record seq) and when our profile key last changed (client/profiles) */
  ownProfile: 'pf!self',
  /** a peer's profile key (learned from its 1:1 messages) and its last opened profile name, by name(userId) (client/profiles) */
  peerProfile: 'pp!',
  /** users we accepted (a request accepted, or we wrote to them) by name(userId) (client/requests) */
  accepted: 'ra!',
  /** blocked users by name(userId) (client/requests) */
  blocked: 'rb!',
  /** pending message requests: the summary per stranger by name(userId) (client/requests) */
  request: 'rq!',
  /** what a pending request holds back: name(userId) + '!' + index (8 hex), in arrival order (client/requests) */
  requestHeld: 'rh!',
  /** where each message sits in history: its sequence (16 hex) by name(sender userId/message id hex) */
  messageIndex: 'mi!',
  /** messages waiting to go out (no node could store them yet), in the order typed: 16 hex of a local sequence (client/outbox) */
  outbox: 'ob!',
  /** per conversation (1:1 peer or group id): the last history sequence the user has seen, by name(conversation) */
  readMark: 'cr!',
  /** gap detection (client/gaps): the conversation sequence numbers we sent and received, by name(...) */
  gapState: 'gq!',
  /** public channels (client/channel): what this client has shown of each channel (newest time, keys shown lately), by name(channel) */
  channel: 'ch!',
  /** when a received or sent file is due to be deleted (client/files), by name(message id hex) */
  fileExpiry: 'fx!',
  /** browsers only: a received file's plaintext (client/platform/file-io.browser.ts): random ref (32 hex) = head, ref + '!' + index (8 hex) = chunk */
  fileData: 'fd!'
} as const

/** The first key after every key that starts with `prefix`. */
export function rangeEnd (prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)
}

export function idKey (prefix: string, id: number): string {
  return prefix + id.toString(16).padStart(8, '0')
}

export function seqKey (prefix: string, seq: number): string {
  return prefix + seq.toString(16).padStart(16, '0')
}
