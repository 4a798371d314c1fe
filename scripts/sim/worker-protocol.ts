// What the simulator's coordinator and its worker processes say to each
// other over the child-process IPC channel. A worker hosts relay nodes or
// clients (scripts/sim/worker.ts); the coordinator (scripts/sim/run.ts)
// decides everything and keeps the ledger. Times cross processes as wall-clock
// milliseconds (performance.timeOrigin + performance.now(): one machine, one
// clock), stamped where the event happened, so IPC delays never enter a
// latency figure.
import type { SlowLinkSettings } from './slow-link.js'

export interface NodeStartArgs {
  index: number
  dataDir: string
  listen: string[]
  bootstrap: string[]
  replicas: number
  /** count libp2p bytes in and out (RelayNode.traffic()): a wrapper on every stream's send and receive */
  countTraffic: boolean
  /** put a SlowLink (scripts/sim/slow-link.ts) on this port in front of the node's TCP port and announce it: every connection into the node goes through it */
  link?: {
    port: number
    /** the address it listens on and the node announces @default '127.0.0.1' */
    host?: string
    /** what it starts with (the testbed's link emulation) @default no delay */
    settings?: SlowLinkSettings
  }
}
export interface NodeView { index: number, peers: string[] }
export interface NodeCounters {
  index: number
  /** envelopes this node stored as a replica / pushed to attached clients */
  stored: number
  pushed: number
  /** libp2p bytes in and out of this node (all connections) */
  bytesIn: number
  bytesOut: number
  /** peers with an open libp2p connection: relays (an admitted relay of the node's directory, or a peer that announced a node-to-node protocol) and everything else (clients) */
  relayConnections: number
  clientConnections: number
  /** open libp2p connections in all (two peers may hold more than one) */
  connections: number
}
export interface WorkerStats {
  pid: number
  rss: number
  heapUsed: number
  /** with { gc: true }: after a full collection (live objects only) */
  heapLive?: number
  rssAfterGc?: number
  eventLoopUtilization: number
  /** the process's CPU time so far, user + system, µs (process.cpuUsage), read at `at` (wall-clock ms) */
  cpuMicros: number
  at: number
  nodes: NodeCounters[]
}

export interface ClientOnlineArgs { index: number, home: string, nodes: string[], epoch: number }
export interface SendResult { sentAt: number, storedAt: number }
export interface SendFailure { sentAt: number, failedAt: number, error: string }

/** Operations a worker answers: name -> [arguments, result]. */
export interface Ops {
  nodeStart: [NodeStartArgs, { peerId: string, addresses: string[] }]
  nodeStop: [{ index: number }, null]
  /** network first, then services and LevelDB; data "lost" also deletes the database */
  nodeKill: [{ index: number, data: 'kept' | 'lost' }, null]
  /** peer id -> group while partitioned; null lifts the partition. Cross-group connections are closed. */
  setGroups: [{ groupOf: Array<[string, number]> | null }, null]
  /** the node's SlowLink: delay (ms, each direction) and rate (bytes/s, 0 = unpaced) */
  setLink: [{ index: number, delayMs: number, bytesPerSecond: number }, null]
  nodeViews: [Record<string, never>, NodeView[]]
  /** how many nodes here hold a device list and a bundle for every one of these users */
  usersKnown: [{ userIds: string[] }, number]
  /** the k relays closest to the user's device-1 mailbox, as seen by node `index` */
  replicasOf: [{ index: number, userId: string, k: number }, string[]]
  /** fastKdf: the sealed store's passphrase KDF at test cost (scrypt N=2^10) instead of the client's default */
  clientCreate: [{ index: number, home: string, name: string, fastKdf?: boolean }, { userId: string }]
  clientOnline: [ClientOnlineArgs, null]
  clientOffline: [{ index: number }, null]
  send: [{ index: number, to: string, text: string }, SendResult | SendFailure]
  sendGroup: [{ index: number, groupId: string, text: string }, SendResult | SendFailure]
  /** a file of `size` bytes whose content is fileBytes(seq, size), named fileName(seq) */
  sendFile: [{ index: number, to: string, seq: number, size: number }, SendResult | SendFailure]
  createGroup: [{ index: number, name: string, members: string[] }, { groupId: string }]
  groupsOf: [{ index: number }, string[]]
  /** figures; with gc, also the heap and RSS after a full collection (taken after the others) */
  stats: [{ gc?: boolean }, WorkerStats]
  shutdown: [Record<string, never>, null]
}
export type OpName = keyof Ops

/** a call as the worker receives it (scripts/lib/child-rpc.ts adds the id and carries the Reply) */
export interface Request<K extends OpName = OpName> { id: number, op: K, args: Ops[K][0] }

/** Unprompted messages from a worker. */
export type WorkerEvent =
  | { event: 'ready' }
  | { event: 'delivered', client: number, epoch: number, text: string, at: number }
  /** a received file whose bytes are not what the sender sent */
  | { event: 'corrupt', client: number, text: string }
  | { event: 'receiveError', client: number, error: string }

export const wallNow = (): number => performance.timeOrigin + performance.now()

export const FILE_PREFIX = 'sim-file-'
export const fileName = (seq: number): string => `${FILE_PREFIX}${seq}.bin`

/** Deterministic content of the workload's file `seq`, so the receiver can check every byte without the sender's copy. */
export function fileBytes (seq: number, size: number): Uint8Array {
  const out = new Uint8Array(size)
  let x = (seq * 2654435761 + 1) >>> 0
  for (let i = 0; i < size; i++) {
    // xorshift32: cheap, and differs per file and per position
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    out[i] = x & 0xff
  }
  return out
}
