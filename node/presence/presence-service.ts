// Contacts-only presence on the node (docs/protocol.md §8e, §9 "Presence
// replicas"): each blob is kept, in memory, by the k relays closest to its id
// (as a mailbox's envelopes are), on a bounded board (presence-board.ts).
// A device's blob is published by its entry node to those relays (PUT,
// presence-replicas.ts); a PRESENCE_GET asks them (FETCH). A blob names no
// user, device, mailbox or node: a relay checks its signature and expiry and
// keeps the latest seq per id, nothing more. Nothing is persisted: devices
// refresh their blobs while attached. Only admitted relays may PUT or FETCH.
import type { Connection, PeerId } from '@libp2p/interface'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { MAX_PRESENCE_IDS, WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { PresenceRequest, PresenceRequestType, PresenceResponse, ReplicaStatus } from '../../protocol/pb/node-replica.js'
import { PRESENCE_ID_BYTES, verifyPresenceBlob, type VerifiedPresenceBlob } from '../../protocol/presence.js'
import type { NodeComponents, PresenceService, RelayDirectory } from '../components.js'
import { errorFields, serveRelays } from '../mailbox/rpc.js'
import { hex } from '../store/keys.js'
import { PresenceBoard } from './presence-board.js'
import { PresenceReplicas } from './presence-replicas.js'
import {
  MAX_PRESENCE_ENTRIES, MAX_PRESENCE_PUT_BLOBS, MAX_PRESENCE_PUT_BYTES, PRESENCE_EXPIRED_GRACE_MS, PRESENCE_PROTOCOL, PRESENCE_PUBLISH_WINDOW_MS,
  PRESENCE_PURGE_INTERVAL_MS, PRESENCE_SPREAD
} from './constants.js'

export interface PresenceServiceInit {
  relays: RelayDirectory
  /** @default MAX_PRESENCE_ENTRIES */
  maxEntries?: number
  /** @default PRESENCE_PUBLISH_WINDOW_MS */
  publishWindowMs?: number
}

export interface PresenceServiceHandle extends PresenceService {
  /** blobs held (status, tests) */
  size: () => number
  /** the blob this node itself holds for an id, unless expired (tests, status) */
  held: (id: Uint8Array) => Uint8Array | undefined
}

type Answer = Loose<Partial<PresenceResponse>>

/** A blob from the network: verified, or 'recent' when it expired less than the grace ago (dropped, not held against the sender). */
function checkBlob (bytes: Uint8Array, now: number): VerifiedPresenceBlob | 'recent' {
  const v = verifyPresenceBlob(bytes, now - PRESENCE_EXPIRED_GRACE_MS)
  return v.expiresAt <= now ? 'recent' : v
}

function checkIds (ids: Uint8Array[]): void {
  if (ids.length > MAX_PRESENCE_IDS) throw new RelaymeshError(ErrorCode.TooLarge, `presence: more than ${MAX_PRESENCE_IDS} ids`)
  for (const id of ids) {
    if (id.byteLength !== PRESENCE_ID_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `presence id: expected ${PRESENCE_ID_BYTES} bytes, got ${id.byteLength}`)
  }
}

export function createPresenceService (components: NodeComponents, init: PresenceServiceInit): PresenceServiceHandle {
  const { host, config, metrics } = components
  const log = components.log.child({ component: 'presence' })
  const { relays } = init
  const self = host.peerId
  const board = new PresenceBoard(init.maxEntries ?? MAX_PRESENCE_ENTRIES)
  const k = config.replicas
  const replicas = new PresenceReplicas({
    components,
    windowMs: init.publishWindowMs ?? PRESENCE_PUBLISH_WINDOW_MS,
    local: (idsHex, now) => idsHex.flatMap((id) => board.get(id, now) ?? [])
  })
  let running = false
  let purgeTimer: NodeJS.Timeout | undefined

  const replicasOf = (id: Uint8Array): PeerId[] => relays.closest(id, k)
  const responsibleFor = (id: Uint8Array): boolean => relays.closest(id, PRESENCE_SPREAD * k).some((p) => p.equals(self))

  // --- inbound /relaymesh/presence/1.0.0 (admitted relays only) ---

  const put = (blobs: Uint8Array[]): Answer => {
    if (blobs.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'presence put: no blobs')
    if (blobs.length > MAX_PRESENCE_PUT_BLOBS) throw new RelaymeshError(ErrorCode.TooLarge, `presence put: more than ${MAX_PRESENCE_PUT_BLOBS} blobs`)
    const now = Date.now()
    // every blob is checked before any is kept: a PUT with one bad blob changes nothing
    const fresh = blobs.map((b) => checkBlob(b, now)).filter((v): v is VerifiedPresenceBlob => v !== 'recent')
    let stored = 0
    for (const v of fresh) {
      const outcome = responsibleFor(v.id) ? board.offer(v, now) : 'not-responsible'
      metrics.presenceBlobs.inc({ outcome })
      if (outcome === 'newer') stored++
    }
    return { stored }
  }

  const handle = (req: PresenceRequest): Answer => {
    switch (req.type) {
      case PresenceRequestType.PRESENCE_PUT:
        return put(req.blobs)
      case PresenceRequestType.PRESENCE_FETCH: {
        if (req.ids.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'presence fetch: no ids')
        checkIds(req.ids)
        const now = Date.now()
        return { blobs: req.ids.flatMap((id) => board.get(hex(id), now) ?? []) }
      }
      default:
        throw new RelaymeshError(ErrorCode.Invalid, `unknown presence request type ${String(req.type)}`)
    }
  }

  const errorAnswer = (err: unknown): Uint8Array => encode(PresenceResponse, { version: WIRE_VERSION, ...errorFields(err) })

  const answer = async (frame: Uint8Array, connection: Connection): Promise<Uint8Array> => {
    try {
      if (!relays.isAdmitted(connection.remotePeer)) throw new RelaymeshError(ErrorCode.Unauthorized, 'the presence protocol is for admitted relays')
      const req = decode(PresenceRequest, frame, MAX_PRESENCE_PUT_BYTES, 'PresenceRequest')
      return encode(PresenceResponse, { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_OK, ...handle(req) })
    } catch (err) {
      if (RelaymeshError.is(err, ErrorCode.BadSignature) || RelaymeshError.is(err, ErrorCode.Expired)) metrics.presenceBlobs.inc({ outcome: 'rejected' })
      log.debug({ err: (err as Error).message, peer: connection.remotePeer.toString() }, 'presence request refused')
      return errorAnswer(err)
    }
  }

  return {
    async start () {
      if (running) return
      await serveRelays(components, { protocol: PRESENCE_PROTOCOL, maxFrameBytes: MAX_PRESENCE_PUT_BYTES, isAdmitted: (peer) => relays.isAdmitted(peer), answer, unreadable: errorAnswer })
      running = true
      purgeTimer = setInterval(() => { board.purge(Date.now()) }, PRESENCE_PURGE_INTERVAL_MS)
      purgeTimer.unref()
    },

    async stop () {
      if (!running) return
      replicas.flushAll()
      running = false
      clearInterval(purgeTimer)
      await host.unhandle(PRESENCE_PROTOCOL).catch(() => {})
    },

    async publish (bytes) {
      const now = Date.now()
      const v = verifyPresenceBlob(bytes, now)
      const targets = replicasOf(v.id)
      if (targets.length === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'presence: no relay known')
      const others = targets.filter((p) => !p.equals(self))
      if (others.length < targets.length) {
        // this node is one of the blob's replicas: it keeps its own copy
        const outcome = board.offer(v, now)
        if (outcome === 'older') throw new RelaymeshError(ErrorCode.Stale, 'presence: a newer blob of this id is held')
        if (outcome === 'full') throw new RelaymeshError(ErrorCode.QuotaExceeded, 'presence: this node holds as many blobs as it may')
        if (outcome === 'same') return
      }
      if (running) replicas.put(v.bytes, others)
    },

    async get (ids) {
      checkIds(ids)
      return await replicas.fetch(ids, replicasOf)
    },

    size: () => board.size,
    held: (id) => board.get(hex(id), Date.now())
  }
}
