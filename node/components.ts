// What the relay node's services share, and the interfaces through which they
// use each other. Each service is a factory `(components) => Service` in its
// own folder; relay-node.ts wires them in dependency order.
import type { Logger } from 'pino'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import type { NodeConfig } from './config.js'
import type { InboundBudgets } from './inbound-budget.js'
import type { RelayHost } from './host.js'
import type { NodeMetrics } from './metrics.js'
import type { NodeStore } from './store/db.js'
import type { Envelope } from '../protocol/pb/envelope.js'
import type { RecordCache } from '../protocol/records.js'

export interface Startable {
  start: () => Promise<void>
  /** stop accepting work, finish what is in flight */
  stop: () => Promise<void>
}

export interface NodeComponents {
  host: RelayHost
  store: NodeStore
  config: NodeConfig
  log: Logger
  metrics: NodeMetrics
  /** aborted when the node stops: pass it to every I/O call */
  shutdown: AbortSignal
  /** signed records this node verified, by their bytes (ack evidence, GET_USER, attach) */
  recordCache: RecordCache
  /** inbound frame bytes held, bounded per connection and in all (node/inbound-budget.ts) */
  inbound: InboundBudgets
  /** the node's libp2p key: node/relays signs the node's NodeRecord with it (createRelayNode always sets it) */
  privateKey?: PrivateKey
}

/** The live relay set (node/relays): who the k replicas of a key are, computed locally. */
export interface RelayDirectory extends Startable {
  /** the `count` relays (self included) closest to `key` by XOR distance in the kad-dht key space (sha256 of the peer id bytes) */
  closest: (key: Uint8Array, count: number) => PeerId[]
  /** peers currently believed to be live relays (self excluded) */
  peers: () => PeerId[]
  /**
   * Admission: whether `peer` may act as a relay towards this node (placement, replication,
   * prekey shares, record sync, node exchange). True only while this node holds a valid,
   * unexpired signed node record of that peer; the protocols a peer lists in identify never
   * suffice. Every node-to-node handler checks this before it reads a request.
   */
  isAdmitted: (peer: PeerId) => boolean
  /**
   * an overlay neighbour (node/relays/overlay.ts): a relay this node keeps a connection to, or
   * that keeps one to this node. Background work (record sync) goes to neighbours only, so that
   * a connection opened for one request is not kept busy and closes when idle.
   */
  isNeighbour: (peer: PeerId) => boolean
  /** true when this node knows no other relay at all: none live and no unexpired node record (a mesh of one) */
  alone: () => boolean
  /** fires (debounced) whenever the live relay set changes */
  onChange: (listener: () => void) => () => void
  /**
   * a request to this relay failed as unreachable (dial failure, timeout): the
   * directory probes it (short dial or ping) and drops it from the live set if
   * that fails too. Resolves with whether it was dropped; never throws.
   */
  reportUnreachable: (peerId: PeerId) => Promise<boolean>
}

/** Gossiped signed records (node/gossip): prekey bundles, device lists, profiles (public presence records are retired). */
export interface RecordService extends Startable {
  /** verify, store (if newer), and gossip a SignedRecord; throws RelaymeshError on a bad record */
  publish: (signedRecord: Uint8Array) => Promise<void>
  /** the latest stored SignedRecord bytes for a record key (see protocol/records.ts), or undefined */
  get: (recordKey: string) => Promise<Uint8Array | undefined>
  /** the seq of that record (unexpired), without I/O: a cheap "did it change" check per request */
  latestSeq: (recordKey: string) => number | undefined
  /** every stored record (device list and bundles) of a user id */
  userRecords: (userId: string) => Promise<Uint8Array[]>
}

/** Contacts-only presence (node/presence): opaque, self-certifying blobs, in memory. */
export interface PresenceService extends Startable {
  /** verify a PresenceBlob and send it to the k relays closest to its id (this node keeps it if it is one); RelaymeshError when bad, Stale when this node holds a newer one */
  publish: (blob: Uint8Array) => Promise<void>
  /** the newest unexpired blob of each of these 32-byte ids that their k closest relays hold (at most MAX_PRESENCE_IDS; Invalid/TooLarge otherwise) */
  get: (ids: Uint8Array[]) => Promise<Uint8Array[]>
}

/** Public channels (node/channel): signed posts, gossiped per channel, kept in memory for a bounded time. */
export interface ChannelService extends Startable {
  /** verify a ChannelPost (encoded), keep it and gossip it; RelaymeshError when refused (bad, too large, rate, too many channels); a post already held is no error */
  post: (bytes: Uint8Array) => void
  /** the kept posts (encoded) of a channel sent after `since` (ms), oldest first, at most MAX_CHANNEL_READ_POSTS; the node carries the channel from then on */
  read: (channel: string, since: number) => Uint8Array[]
}

export interface StoreResult {
  /** replicas (peer ids) that persisted the envelope with a synced write */
  replicas: string[]
}

/** A device attached to this node: envelopes for its mailbox are pushed to it. */
export interface MailboxListener {
  /** called for every new envelope for the mailbox; returns once handed to the client stream */
  push: (envelope: Envelope) => void
}

/**
 * What lets every replica check a device's acknowledgement itself
 * (docs/protocol.md §10, "Acknowledging").
 */
export interface AckProof {
  /** the device's Ed25519 signature over ackSignaturePayload(mailbox, ids) (protocol/client-protocol.ts) */
  signature: Uint8Array
  /** the device's user id: its latest signed DeviceList record is sent along as the device key evidence */
  userId: string
}

/**
 * A device's attach signature made for this node: shown to the mailbox's replicas when this
 * node, not a replica itself, fetches for the device (attachSignaturePayload(nonce, this node's
 * peer id multihash, clientPeerId)).
 */
export interface FetchGrant {
  nonce: Uint8Array
  signature: Uint8Array
  clientPeerId: Uint8Array
  deviceList: Uint8Array
  deviceId: number
}

/** Store-and-forward (node/mailbox). */
export interface MailboxService extends Startable {
  /** write to the k replicas of env.mailbox; resolves once writeQuorum replicas persisted it (ErrorCode-typed error otherwise) */
  store: (envelope: Envelope, options?: { signal?: AbortSignal }) => Promise<StoreResult>
  /** unacknowledged envelopes of a mailbox in id order after `after` (hex id), gathered from its replicas */
  fetch: (mailbox: Uint8Array, options?: { limit?: number, after?: string, signal?: AbortSignal, grant?: FetchGrant }) => Promise<Envelope[]>
  /**
   * delete acknowledged envelopes on every replica; each replica checks `proof`
   * itself (without it only this node's own copies can be deleted)
   */
  ack: (mailbox: Uint8Array, ids: Uint8Array[], options?: { signal?: AbortSignal, proof?: AckProof }) => Promise<void>
  /** register an attached device; envelopes for it that reach this node are pushed live */
  attach: (mailbox: Uint8Array, listener: MailboxListener) => () => void
  /**
   * ask the mailbox's replicas (unless this node is one) to push its new envelopes here, with the
   * device's grant made for this node, renewed while it lasts; resolves after the first round
   * (or when `wait` aborts: the round goes on), with the function that withdraws it
   * (docs/protocol.md §10, WATCH)
   */
  watch: (mailbox: Uint8Array, grant: FetchGrant, options?: { wait?: AbortSignal }) => Promise<() => void>
  /**
   * an online-only envelope (SEND with online_only: typing indicators): pushed to a device attached here and,
   * through the mailbox's replicas, to the node its device is attached to; NEVER stored (docs/protocol.md §10, online-only pushes).
   * Resolves with how many replicas took it (this node counts when it is one).
   */
  pushOnline: (envelope: Envelope, options?: { signal?: AbortSignal }) => Promise<{ replicas: number }>
}

/** One-time prekeys (node/prekeys): this node's share for each device it is a replica of. */
export interface PreKeyService extends Startable {
  /** store a device's uploaded share on the replicas (deduplicated by key id); returns how many this replica set now holds */
  upload: (mailbox: Uint8Array, keys: Uint8Array[], options?: { signal?: AbortSignal }) => Promise<number>
  /** claim one one-time prekey (OneTimePreKey bytes) for a device, each handed out at most once; undefined when none left */
  claim: (mailbox: Uint8Array, options?: { signal?: AbortSignal }) => Promise<{ key: Uint8Array | undefined, remaining: number }>
  /** how many one-time prekeys the mailbox's replicas hold (those that answer); Unavailable when none answers */
  count: (mailbox: Uint8Array, options?: { signal?: AbortSignal }) => Promise<number>
}
