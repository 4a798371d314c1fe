// Contacts-only presence on the node (docs/protocol.md §8e): a
// bounded, in-memory board of PresenceBlobs (presence-board.ts), fed by the
// devices attached here (publish) and by gossip on PRESENCE_TOPIC from
// admitted relays, and read by PRESENCE_GET. A blob names no user, device,
// mailbox or node: the node checks its signature and expiry and keeps the
// latest seq per id, nothing more. Nothing is persisted: devices refresh
// their blobs while attached.
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId } from '@libp2p/interface'
import { decode, encode } from '../../protocol/codec.js'
import { MAX_PRESENCE_IDS, WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { PresenceBatch } from '../../protocol/pb/node-gossip.js'
import { PRESENCE_ID_BYTES, verifyPresenceBlob, type VerifiedPresenceBlob } from '../../protocol/presence.js'
import type { NodeComponents, PresenceService, RelayDirectory } from '../components.js'
import { PresenceBoard } from './presence-board.js'
import {
  MAX_PRESENCE_BATCH_BLOBS, MAX_PRESENCE_BATCH_BYTES, MAX_PRESENCE_ENTRIES, PRESENCE_EXPIRED_GRACE_MS, PRESENCE_PUBLISH_WINDOW_MS,
  PRESENCE_PURGE_INTERVAL_MS, PRESENCE_TOPIC
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
}

function reasonOf (err: unknown): string {
  if (RelaymeshError.is(err, ErrorCode.BadSignature)) return 'bad-signature'
  if (RelaymeshError.is(err, ErrorCode.Expired)) return 'expired'
  return 'decode'
}

/** A blob from the network: verified, or 'recent' when it expired less than the grace ago (dropped, not held against the sender). */
function checkBlob (bytes: Uint8Array, now: number): VerifiedPresenceBlob | 'recent' {
  const v = verifyPresenceBlob(bytes, now - PRESENCE_EXPIRED_GRACE_MS)
  return v.expiresAt <= now ? 'recent' : v
}

export function createPresenceService (components: NodeComponents, init: PresenceServiceInit): PresenceServiceHandle {
  const { host, metrics } = components
  const log = components.log.child({ component: 'presence' })
  const board = new PresenceBoard(init.maxEntries ?? MAX_PRESENCE_ENTRIES)
  const windowMs = init.publishWindowMs ?? PRESENCE_PUBLISH_WINDOW_MS
  let running = false
  let purgeTimer: NodeJS.Timeout | undefined
  let pending: Uint8Array[] = []
  let flushTimer: NodeJS.Timeout | undefined

  async function validate (from: PeerId, msg: Message): Promise<TopicValidatorResult> {
    if (!running) return TopicValidatorResult.Ignore
    // only admitted relays' messages count (a plain gossipsub peer may listen, not speak)
    if (!init.relays.isAdmitted(from)) {
      metrics.gossipRejected.inc({ topic: PRESENCE_TOPIC, reason: 'not-admitted' })
      return TopicValidatorResult.Ignore
    }
    const now = Date.now()
    const fresh: VerifiedPresenceBlob[] = []
    try {
      const batch = decode(PresenceBatch, msg.data, MAX_PRESENCE_BATCH_BYTES, 'PresenceBatch')
      if (batch.blobs.length === 0) throw new RelaymeshError(ErrorCode.Decode, 'PresenceBatch: no blobs')
      for (const bytes of batch.blobs) {
        const v = checkBlob(bytes, now)
        if (v !== 'recent') fresh.push(v)
      }
    } catch (err) {
      metrics.gossipRejected.inc({ topic: PRESENCE_TOPIC, reason: reasonOf(err) })
      log.debug({ err: (err as Error).message }, 'presence batch rejected')
      return TopicValidatorResult.Reject
    }
    // all checked before any is kept: a batch with one bad blob changes nothing
    const outcomes = fresh.map((v) => board.offer(v, now))
    if (!outcomes.includes('newer')) {
      metrics.gossipRejected.inc({ topic: PRESENCE_TOPIC, reason: outcomes.includes('full') ? 'full' : 'stale' })
      return TopicValidatorResult.Ignore
    }
    metrics.gossipAccepted.inc({ topic: PRESENCE_TOPIC })
    return TopicValidatorResult.Accept
  }

  function flush (): void {
    if (flushTimer !== undefined) { clearTimeout(flushTimer); flushTimer = undefined }
    if (pending.length === 0) return
    const data = encode(PresenceBatch, { version: WIRE_VERSION, blobs: pending })
    pending = []
    host.services.pubsub.publish(PRESENCE_TOPIC, data).catch((err: Error) => {
      log.debug({ err: err.message }, 'presence batch publish failed')
    })
  }

  function enqueue (bytes: Uint8Array): void {
    pending.push(bytes)
    if (pending.length >= MAX_PRESENCE_BATCH_BLOBS) { flush(); return }
    if (flushTimer === undefined) {
      flushTimer = setTimeout(flush, windowMs)
      flushTimer.unref()
    }
  }

  return {
    async start () {
      if (running) return
      running = true
      const pubsub = host.services.pubsub
      pubsub.topicValidators.set(PRESENCE_TOPIC, validate)
      pubsub.subscribe(PRESENCE_TOPIC)
      purgeTimer = setInterval(() => { board.purge(Date.now()) }, PRESENCE_PURGE_INTERVAL_MS)
      purgeTimer.unref()
    },

    async stop () {
      if (!running) return
      flush()
      running = false
      clearInterval(purgeTimer)
      // the validator stays (it ignores everything once stopped), as node/gossip/record-service.ts does
    },

    async publish (bytes) {
      const now = Date.now()
      const v = verifyPresenceBlob(bytes, now)
      const outcome = board.offer(v, now)
      if (outcome === 'older') throw new RelaymeshError(ErrorCode.Stale, 'presence: a newer blob of this id is held')
      if (outcome === 'full') throw new RelaymeshError(ErrorCode.QuotaExceeded, 'presence: this node holds as many blobs as it may')
      if (outcome === 'newer' && running) enqueue(v.bytes)
    },

    get (ids) {
      if (ids.length > MAX_PRESENCE_IDS) throw new RelaymeshError(ErrorCode.TooLarge, `presence: more than ${MAX_PRESENCE_IDS} ids`)
      const now = Date.now()
      const out: Uint8Array[] = []
      for (const id of ids) {
        if (id.byteLength !== PRESENCE_ID_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `presence id: expected ${PRESENCE_ID_BYTES} bytes, got ${id.byteLength}`)
      }
      for (const id of ids) {
        const b = board.get(Buffer.from(id).toString('hex'), now)
        if (b !== undefined) out.push(b)
      }
      return out
    },

    size: () => board.size
  }
}
