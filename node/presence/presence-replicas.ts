// The asking side of /relaymesh/presence/1.0.0 (docs/protocol.md §9,
// "Presence replicas"): a blob goes to the k relays closest to its id, and a
// PRESENCE_GET asks those relays. Blobs for one replica published within
// PRESENCE_PUBLISH_WINDOW_MS share one PUT; a FETCH asks every replica of
// each id at once, and of what comes back keeps, per asked id, the newest
// blob that verifies: a replica can withhold or replay an older blob, never
// forge one or hide a newer one that another replica holds.
import type { PeerId } from '@libp2p/interface'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { PresenceRequest, PresenceRequestType, PresenceResponse, ReplicaStatus } from '../../protocol/pb/node-replica.js'
import { verifyPresenceBlob } from '../../protocol/presence.js'
import type { NodeComponents } from '../components.js'
import { codeOf } from '../mailbox/replica-client.js'
import { PeerLimiter, request } from '../mailbox/rpc.js'
import { hex } from '../store/keys.js'
import {
  MAX_PRESENCE_INFLIGHT_PER_PEER, MAX_PRESENCE_PUT_BLOBS, PRESENCE_FETCH_TIMEOUT_MS, PRESENCE_PROTOCOL, PRESENCE_PUT_TIMEOUT_MS
} from './constants.js'
import { PresenceBoard } from './presence-board.js'

export interface PresenceReplicasInit {
  components: NodeComponents
  /** blobs for one replica published within this window share one PUT */
  windowMs: number
  /** the blobs of these hex ids this node holds itself (it is one of their replicas) */
  local: (idsHex: string[], now: number) => Uint8Array[]
}

export class PresenceReplicas {
  private readonly limiter = new PeerLimiter(MAX_PRESENCE_INFLIGHT_PER_PEER)
  /** blobs waiting for their PUT, per replica */
  private readonly outbox = new Map<string, { peer: PeerId, blobs: Uint8Array[], timer: NodeJS.Timeout | undefined }>()

  constructor (private readonly init: PresenceReplicasInit) {}

  /** Queue a verified blob for these replicas (this node excluded: it keeps its own copy). */
  put (bytes: Uint8Array, replicas: PeerId[]): void {
    for (const peer of replicas) {
      const key = peer.toString()
      let box = this.outbox.get(key)
      if (box === undefined) {
        box = { peer, blobs: [], timer: undefined }
        this.outbox.set(key, box)
      }
      box.blobs.push(bytes)
      if (box.blobs.length >= MAX_PRESENCE_PUT_BLOBS) { this.flush(key); continue }
      if (box.timer === undefined) {
        box.timer = setTimeout(() => { this.flush(key) }, this.init.windowMs)
        box.timer.unref()
      }
    }
  }

  /** Send every queued PUT now (at stop: best effort, not awaited). */
  flushAll (): void {
    for (const key of [...this.outbox.keys()]) this.flush(key)
  }

  /**
   * The newest verified blob of each asked id that `replicasOf(id)` hold,
   * asking each replica once for all its ids; a replica that fails or is slow
   * is left out (PRESENCE_FETCH_TIMEOUT_MS).
   */
  async fetch (ids: Uint8Array[], replicasOf: (id: Uint8Array) => PeerId[]): Promise<Uint8Array[]> {
    const self = this.init.components.host.peerId
    const asked = new Set<string>()
    const localIds: string[] = []
    const perPeer = new Map<string, { peer: PeerId, ids: Uint8Array[] }>()
    for (const id of ids) {
      const idHex = hex(id)
      if (asked.has(idHex)) continue
      asked.add(idHex)
      for (const peer of replicasOf(id)) {
        if (peer.equals(self)) { localIds.push(idHex); continue }
        const key = peer.toString()
        const entry = perPeer.get(key) ?? { peer, ids: [] }
        entry.ids.push(id)
        perPeer.set(key, entry)
      }
    }
    const now = Date.now()
    const answers = await Promise.allSettled([...perPeer.values()].map(async ({ peer, ids }) => await this.fetchFrom(peer, ids)))
    // the newest per id (latest seq; equal seq: the larger digest, as every board settles)
    const merged = new PresenceBoard(asked.size)
    const seen = new Set<string>()
    const offer = (bytes: Uint8Array): void => {
      const key = hex(bytes)
      if (seen.has(key)) return
      seen.add(key)
      try {
        const v = verifyPresenceBlob(bytes, now)
        if (asked.has(v.idHex)) merged.offer(v, now)
      } catch {
        // a blob that does not verify is no answer: the other replicas may hold a good one
      }
    }
    for (const bytes of this.init.local(localIds, now)) offer(bytes)
    for (const a of answers) {
      if (a.status === 'fulfilled') for (const bytes of a.value) offer(bytes)
      else this.init.components.log.debug({ err: (a.reason as Error).message }, 'presence fetch: a replica did not answer')
    }
    const out: Uint8Array[] = []
    for (const idHex of asked) {
      const b = merged.get(idHex, now)
      if (b !== undefined) out.push(b)
    }
    return out
  }

  private flush (key: string): void {
    const box = this.outbox.get(key)
    if (box === undefined) return
    this.outbox.delete(key)
    clearTimeout(box.timer)
    const { peer, blobs } = box
    this.call(peer, { type: PresenceRequestType.PRESENCE_PUT, blobs }, PRESENCE_PUT_TIMEOUT_MS).catch((err: Error) => {
      this.init.components.log.debug({ replica: peer.toString(), err: err.message }, 'presence put: not taken')
    })
  }

  private async fetchFrom (peer: PeerId, ids: Uint8Array[]): Promise<Uint8Array[]> {
    const res = await this.call(peer, { type: PresenceRequestType.PRESENCE_FETCH, ids }, PRESENCE_FETCH_TIMEOUT_MS)
    return res.blobs
  }

  private async call (peer: PeerId, req: Loose<Partial<PresenceRequest>>, timeoutMs: number): Promise<PresenceResponse> {
    const { host, config, shutdown } = this.init.components
    // the timeout covers the wait for a slot too: a client is waiting on a FETCH
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), shutdown])
    return await this.limiter.run(peer, async () => {
      if (signal.aborted) throw new RelaymeshError(ErrorCode.Timeout, `presence request to ${peer.toString()}: gave up before a slot was free`)
      const frame = encode(PresenceRequest, { version: WIRE_VERSION, ...req })
      const answer = await request(host, peer, PRESENCE_PROTOCOL, frame, { signal, maxFrameBytes: config.limits.maxFrameBytes })
      const res = decode(PresenceResponse, answer, config.limits.maxFrameBytes, 'PresenceResponse')
      if (res.status !== ReplicaStatus.REPLICA_OK) throw new RelaymeshError(codeOf(res.errorCode), `presence replica ${peer.toString()}: ${res.errorMessage}`)
      return res
    })
  }
}
