// Outbound side of /relaymesh/replica/1.0.0. Stores and deliveries for one
// peer are coalesced: while a request to that peer is in flight, new
// envelopes queue up and leave together in the next STORE (or DELIVER)
// request, so a busy entry node sends few large synced batches rather than
// many single-envelope ones (and an idle one sends each at once). One peer
// never gets more than MAX_INFLIGHT_PER_PEER of our streams at once.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus, StoreOutcome, type AckProof, type MailboxDigest } from '../../protocol/pb/node-replica.js'
import type { RelayHost } from '../host.js'
import type { NodeLimits } from '../config.js'
import { FRAME_MARGIN_BYTES, MAX_BATCH_ENVELOPES, MAX_INFLIGHT_PER_PEER, PIPELINE_UNSUPPORTED_RETRY_MS, REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED, REPLICA_REQUEST_TIMEOUT_MS, STORE_REQUESTS_IN_FLIGHT } from './constants.js'
import type { AckEvidence, FetchGrantInit } from './ack-proof.js'
import type { PutResult } from './envelope-store.js'
import { PipelinedChannel } from './pipeline.js'
import { asTyped, PeerLimiter, request } from './rpc.js'
import { SharedDeadline } from './deadline.js'

export interface ReplicaClientInit {
  host: RelayHost
  limits: NodeLimits
  shutdown: AbortSignal
  log: Logger
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode))

/** The ErrorCode a peer answered, or Unavailable for anything we do not know. */
export function codeOf (s: string): ErrorCode {
  return KNOWN_CODES.has(s) ? s as ErrorCode : ErrorCode.Unavailable
}

interface Item<R> {
  bytes: Uint8Array
  deadline: number
  resolve: (r: R) => void
  reject: (e: Error) => void
}

/** Coalesces items for one peer into requests of at most maxCount items / maxBytes bytes. */
class Batcher<R> {
  private readonly items: Array<Item<R>> = []
  private running = 0
  private waiting = 0

  constructor (
    private readonly peer: PeerId,
    private readonly limiter: PeerLimiter,
    private readonly maxBytes: number,
    private readonly send: (batch: Uint8Array[]) => Promise<R[]>,
    private readonly onIdle: () => void
  ) {}

  async add (bytes: Uint8Array, timeoutMs: number): Promise<R> {
    return await new Promise<R>((resolve, reject) => {
      this.items.push({ bytes, deadline: Date.now() + timeoutMs, resolve, reject })
      this.pump()
    })
  }

  private pump (): void {
    if (this.items.length === 0 || this.waiting > 0 || this.running >= STORE_REQUESTS_IN_FLIGHT) return
    this.waiting++
    this.running++
    this.limiter.run(this.peer, async () => {
      this.waiting--
      const batch = this.take()
      if (batch.length === 0) return
      // what is left may go in a parallel request
      this.pump()
      let results: R[]
      try {
        results = await this.send(batch.map((i) => i.bytes))
      } catch (err) {
        for (const i of batch) i.reject(err as Error)
        return
      }
      batch.forEach((i, n) => { i.resolve(results[n] as R) })
    }).catch(() => {}).finally(() => {
      this.running--
      this.pump()
      if (this.running === 0 && this.items.length === 0) this.onIdle()
    })
  }

  /** the next batch: items in order, skipping those whose caller stopped waiting */
  private take (): Array<Item<R>> {
    const now = Date.now()
    const batch: Array<Item<R>> = []
    let bytes = 0
    while (this.items.length > 0 && batch.length < MAX_BATCH_ENVELOPES) {
      const next = this.items[0] as Item<R>
      if (next.deadline <= now) {
        this.items.shift()
        next.reject(new RelaymeshError(ErrorCode.Timeout, 'replica request queued too long'))
        continue
      }
      if (batch.length > 0 && bytes + next.bytes.byteLength > this.maxBytes) break
      this.items.shift()
      batch.push(next)
      bytes += next.bytes.byteLength + 4
    }
    return batch
  }
}

/** The pipelined stream to one peer, or when it does not speak 1.1.0 (a relay running older code) until when to use 1.0.0. */
interface PeerChannel {
  channel?: Promise<PipelinedChannel<ReplicaResponse> | undefined>
  unsupportedUntil?: number
}

export class ReplicaClient {
  private readonly limiter = new PeerLimiter(MAX_INFLIGHT_PER_PEER)
  private readonly batchers = new Map<string, Batcher<unknown>>()
  private readonly channels = new Map<string, PeerChannel>()
  private readonly deadline: SharedDeadline

  constructor (private readonly init: ReplicaClientInit) {
    this.deadline = new SharedDeadline(REPLICA_REQUEST_TIMEOUT_MS, init.shutdown)
  }

  /** One request to one peer; an ERROR answer becomes a RelaymeshError with the peer's code. */
  async call (peer: PeerId, req: Loose<Partial<ReplicaRequest>>, signal?: AbortSignal): Promise<ReplicaResponse> {
    return await this.limiter.run(peer, async () => await this.callNow(peer, req, signal))
  }

  private async callNow (peer: PeerId, req: Loose<Partial<ReplicaRequest>>, signal?: AbortSignal): Promise<ReplicaResponse> {
    const { limits, host } = this.init
    const deadline = this.deadline.signal()
    const all = signal === undefined ? deadline : AbortSignal.any([deadline, signal])
    const channel = await this.channel(peer, all)
    let res: ReplicaResponse
    if (channel !== undefined) {
      res = await channel.request((requestId) => encode(ReplicaRequest, { version: WIRE_VERSION, ...req, requestId }), all)
    } else {
      const frame = encode(ReplicaRequest, { version: WIRE_VERSION, ...req })
      const answer = await request(host, peer, REPLICA_PROTOCOL, frame, { signal: all, maxFrameBytes: limits.maxFrameBytes })
      res = decode(ReplicaResponse, answer, limits.maxFrameBytes, 'ReplicaResponse')
    }
    if (res.status !== ReplicaStatus.REPLICA_OK) {
      throw new RelaymeshError(codeOf(res.errorCode), `replica ${peer.toString()}: ${res.errorMessage}`)
    }
    return res
  }

  /** The open pipelined stream to `peer` (opened on first use), or undefined when the peer only speaks 1.0.0. */
  private async channel (peer: PeerId, signal: AbortSignal): Promise<PipelinedChannel<ReplicaResponse> | undefined> {
    const key = peer.toString()
    for (;;) {
      const entry = this.channels.get(key)
      if (entry?.unsupportedUntil !== undefined && entry.unsupportedUntil > Date.now()) return undefined
      if (entry?.channel !== undefined) {
        const current = await entry.channel.catch(() => undefined)
        if (current?.usable === true) return current
        // another caller replaced it meanwhile (or marked the peer as 1.0.0 only): look again
        if (this.channels.get(key) !== entry) continue
      }
      const fresh: PeerChannel = {}
      fresh.channel = this.open(peer, signal)
      this.channels.set(key, fresh)
      try {
        const c = await fresh.channel
        if (c === undefined && this.channels.get(key) === fresh) this.channels.set(key, { unsupportedUntil: Date.now() + PIPELINE_UNSUPPORTED_RETRY_MS })
        return c
      } catch (err) {
        if (this.channels.get(key) === fresh) this.channels.delete(key)
        throw asTyped(err, signal, `${REPLICA_PROTOCOL_PIPELINED} to ${key}`)
      }
    }
  }

  private async open (peer: PeerId, signal: AbortSignal): Promise<PipelinedChannel<ReplicaResponse> | undefined> {
    const { host, limits } = this.init
    try {
      const conn = host.getConnections(peer).find((c) => c.status === 'open')
      const stream = conn !== undefined
        ? await conn.newStream(REPLICA_PROTOCOL_PIPELINED, { signal })
        : await host.dialProtocol(peer, REPLICA_PROTOCOL_PIPELINED, { signal })
      return new PipelinedChannel(stream, limits.maxFrameBytes,
        (frame) => decode(ReplicaResponse, frame, limits.maxFrameBytes, 'ReplicaResponse'), `replica ${peer.toString()}`)
    } catch (err) {
      if ((err as Error).name === 'UnsupportedProtocolError') return undefined
      throw err
    }
  }

  /** Close every pipelined stream (node shutdown). */
  close (): void {
    for (const entry of this.channels.values()) {
      void entry.channel?.then((c) => { c?.close() }, () => {})
    }
    this.channels.clear()
  }

  /** Store one envelope on `peer`, coalesced with others queued for it. */
  async store (peer: PeerId, bytes: Uint8Array, timeoutMs: number): Promise<PutResult> {
    const b = this.batcher<PutResult>('store', peer, async (batch) => await this.storeBatchNow(peer, batch, false))
    return await b.add(bytes, timeoutMs)
  }

  /** Store a batch in one request (handover: the caller bounds it). */
  async storeBatch (peer: PeerId, batch: Uint8Array[], handover: boolean): Promise<PutResult[]> {
    return await this.limiter.run(peer, async () => await this.storeBatchNow(peer, batch, handover))
  }

  private async storeBatchNow (peer: PeerId, batch: Uint8Array[], handover: boolean): Promise<PutResult[]> {
    const res = await this.callNow(peer, { type: ReplicaRequestType.REPLICA_STORE, envelopes: batch, handover })
    if (res.results.length !== batch.length) {
      throw new RelaymeshError(ErrorCode.Decode, `replica ${peer.toString()}: ${res.results.length} results for ${batch.length} envelopes`)
    }
    return res.results.map((r) => r.outcome === StoreOutcome.STORE_REJECTED
      ? { outcome: r.outcome, errorCode: codeOf(r.errorCode) }
      : { outcome: r.outcome })
  }

  /** Best effort: ask `peer` to push an envelope to its attached device. */
  deliver (peer: PeerId, bytes: Uint8Array): void {
    const b = this.batcher<number>('deliver', peer, async (batch) => {
      const res = await this.callNow(peer, { type: ReplicaRequestType.REPLICA_DELIVER, envelopes: batch })
      return batch.map(() => res.count)
    })
    b.add(bytes, REPLICA_REQUEST_TIMEOUT_MS).catch((err: Error) => {
      this.init.log.debug({ peer: peer.toString(), err: err.message }, 'deliver failed (the envelope stays on its replicas)')
    })
  }

  /** An online-only envelope (typing indicators): `peer`, a replica of its mailbox, pushes it to the device's node and never stores it; resolves with how many it pushed. */
  async pushOnline (peer: PeerId, bytes: Uint8Array, signal?: AbortSignal): Promise<number> {
    const res = await this.call(peer, { type: ReplicaRequestType.REPLICA_PUSH_ONLINE, envelopes: [bytes] }, signal)
    return res.count
  }

  /** `grant`: the device's, when this node is not a replica of the mailbox (FETCH for the device attached here) */
  async fetch (peer: PeerId, mailbox: Uint8Array, after: Uint8Array | undefined, limit: number, signal?: AbortSignal, grant?: FetchGrantInit): Promise<{ envelopes: Uint8Array[], more: boolean }> {
    const res = await this.call(peer, { type: ReplicaRequestType.REPLICA_FETCH, mailbox, after: after ?? new Uint8Array(0), limit, ...(grant !== undefined ? { grant } : {}) }, signal)
    return { envelopes: res.envelopes, more: res.more }
  }

  /**
   * Ask replica `peer` to push `mailbox`'s new envelopes here (the device's grant made for this node);
   * `pushDelayMs` > 0: a backup watch, pushed that long after a store if still unacknowledged.
   * Resolves with the watch's lifetime (ms).
   */
  async watch (peer: PeerId, mailbox: Uint8Array, grant: FetchGrantInit, signal?: AbortSignal, pushDelayMs = 0): Promise<number> {
    const res = await this.call(peer, { type: ReplicaRequestType.REPLICA_WATCH, mailbox, grant, ...(pushDelayMs > 0 ? { pushDelayMs } : {}) }, signal)
    return res.watchTtlMs
  }

  /** Tell replica `peer` to stop pushing `mailbox` here. */
  async unwatch (peer: PeerId, mailbox: Uint8Array, signal?: AbortSignal): Promise<void> {
    await this.call(peer, { type: ReplicaRequestType.REPLICA_WATCH, mailbox, unwatch: true }, signal)
  }

  /**
   * Acknowledge a device's ids on `peer`, with the evidence the peer checks itself (a device's
   * ack through its entry node, or a tombstone handed over: `expires`, per id, its lifetime hint).
   */
  async ack (peer: PeerId, mailbox: Uint8Array, ids: Uint8Array[], evidence: AckEvidence, signal?: AbortSignal, expires?: number[]): Promise<number> {
    const res = await this.call(peer, {
      type: ReplicaRequestType.REPLICA_ACK, mailbox, ids, signature: evidence.signature, deviceList: evidence.deviceList, deviceId: evidence.deviceId, ...(expires !== undefined ? { expires } : {})
    }, signal)
    return res.count
  }

  /** The device acknowledgements `peer` keeps for these tombstoned ids (unchecked: the caller verifies each). */
  async proofs (peer: PeerId, mailbox: Uint8Array, ids: Uint8Array[]): Promise<AckProof[]> {
    const res = await this.call(peer, { type: ReplicaRequestType.REPLICA_PROOFS, mailbox, ids })
    return res.proofs
  }

  /** indexes of `digests` whose envelopes (differ) or tombstones (ackedDiffer) `peer` holds differently */
  async digest (peer: PeerId, digests: Array<Loose<MailboxDigest>>): Promise<{ differ: number[], ackedDiffer: number[] }> {
    const res = await this.call(peer, { type: ReplicaRequestType.REPLICA_DIGEST, digests })
    return { differ: res.differ, ackedDiffer: res.ackedDiffer }
  }

  async sync (peer: PeerId, mailbox: Uint8Array, ids: Uint8Array[]): Promise<{ missing: Uint8Array[], acked: Uint8Array[] }> {
    const res = await this.call(peer, { type: ReplicaRequestType.REPLICA_SYNC, mailbox, ids })
    return { missing: res.missing, acked: res.acked }
  }

  private batcher<R> (kind: string, peer: PeerId, send: (batch: Uint8Array[]) => Promise<R[]>): Batcher<R> {
    const key = `${kind}/${peer.toString()}`
    let b = this.batchers.get(key) as Batcher<R> | undefined
    if (b === undefined) {
      b = new Batcher<R>(peer, this.limiter, this.init.limits.maxFrameBytes - FRAME_MARGIN_BYTES, send, () => { this.batchers.delete(key) })
      this.batchers.set(key, b as Batcher<unknown>)
    }
    return b
  }
}
