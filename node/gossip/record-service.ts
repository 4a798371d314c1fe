// Gossiped signed records (prekey bundles, device lists, profiles): verified
// before they are stored, used or forwarded; latest seq wins; kept in LevelDB;
// published in batches on RECORDS_TOPIC; and pulled from peers with the sync
// protocol when a relay connects and periodically, so late joiners and
// restarted nodes converge. docs/protocol.md §9.
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { IdentifyResult, PeerId, Stream } from '@libp2p/interface'
import { FrameReader } from '../../protocol/frame-reader.js'
import { writeFrame } from '../../protocol/frame-writer.js'
import { encode } from '../../protocol/codec.js'
import { MAX_RECORD_LIFETIME_MS, WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RecordBatch, SyncPage, SyncStatus } from '../../protocol/pb/node-gossip.js'
import { openRecord, type VerifiedRecord } from '../../protocol/records.js'
import type { NodeComponents, RecordService, RelayDirectory } from '../components.js'
import {
  LIFETIME_MARGIN_MS, PUBLISH_BATCH_BYTES, PUBLISH_BATCH_RECORDS, PUBLISH_WINDOW_MS, PURGE_INTERVAL_MS, RECORDS_TOPIC,
  REPLAY_GRACE_MS, SYNC_CONCURRENCY, SYNC_INTERVAL_MS, SYNC_MAX_INBOUND, SYNC_PEER_INTERVAL_MS, SYNC_PROTOCOL,
  SYNC_QUEUE_MAX, SYNC_REQUEST_MAX_BYTES, SYNC_SESSION_TIMEOUT_MS
} from './constants.js'
import { RecordStore } from './record-store.js'
import { pullSync, refuseSync, serveSync } from './record-sync.js'
import { checkRecord, decodeBatch, isRetired, judgeBatch, refuseRetired, rejectReason } from './record-validator.js'

export interface RecordServiceInit {
  relays: RelayDirectory
  /** see REPLAY_GRACE_MS @default 60 s */
  replayGraceMs?: number
  /** records published within this window share one gossip message @default 50 ms */
  publishWindowMs?: number
  /** anti-entropy period @default 5 min */
  syncIntervalMs?: number
  /** expired-record purge period @default 60 s */
  purgeIntervalMs?: number
  /** records held at most @default 1,000,000 */
  maxRecords?: number
}

/** What the record service exposes beyond RecordService (status, tests). */
export interface RecordServiceHandle extends RecordService {
  /** run one sync session with `peer` now; resolves with the number of records it stored */
  syncWith: (peer: PeerId) => Promise<number>
  /** records held (expired ones until the next purge included) */
  size: () => number
  /** sync sessions running, queued or scheduled for a retry (status, tests) */
  syncsPending: () => number
}

function errMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

export function createRecordService (components: NodeComponents, init: RecordServiceInit): RecordServiceHandle {
  const { host, config, metrics } = components
  const log = components.log.child({ component: 'records' })
  const relays = init.relays
  const replayGraceMs = init.replayGraceMs ?? REPLAY_GRACE_MS
  const publishWindowMs = init.publishWindowMs ?? PUBLISH_WINDOW_MS
  const syncIntervalMs = init.syncIntervalMs ?? SYNC_INTERVAL_MS
  const purgeIntervalMs = init.purgeIntervalMs ?? PURGE_INTERVAL_MS
  const store = new RecordStore(components.store, init.maxRecords !== undefined ? { maxRecords: init.maxRecords } : {})

  let running = false
  let stopController = new AbortController()
  let signal = stopController.signal
  const inflight = new Set<Promise<unknown>>()
  const timers: NodeJS.Timeout[] = []
  let inboundSyncs = 0

  function track (p: Promise<unknown>): void {
    inflight.add(p)
    const done = (): void => { inflight.delete(p) }
    p.then(done, done)
  }

  // ---------------------------------------------------------------- gossip in

  async function validate (_from: PeerId, msg: Message): Promise<TopicValidatorResult> {
    if (!running) return TopicValidatorResult.Ignore
    const now = Date.now()
    let records: Uint8Array[]
    try {
      records = decodeBatch(msg.data)
    } catch (err) {
      metrics.gossipRejected.inc({ topic: RECORDS_TOPIC, reason: 'decode' })
      log.debug({ err: errMessage(err) }, 'record batch rejected')
      return TopicValidatorResult.Reject
    }
    const verdict = await judgeBatch(records, store, now, replayGraceMs)
    if (verdict.result === 'reject') {
      metrics.gossipRejected.inc({ topic: RECORDS_TOPIC, reason: verdict.reason })
      log.debug({ reason: verdict.reason, err: verdict.error }, 'record batch rejected')
      return TopicValidatorResult.Reject
    }
    if (verdict.result === 'ignore') {
      metrics.gossipRejected.inc({ topic: RECORDS_TOPIC, reason: verdict.reason })
      return TopicValidatorResult.Ignore
    }
    try {
      await store.apply(verdict.fresh, now)
    } catch (err) {
      log.warn({ err: errMessage(err) }, 'storing gossiped records failed')
      return TopicValidatorResult.Ignore
    }
    metrics.gossipAccepted.inc({ topic: RECORDS_TOPIC })
    return TopicValidatorResult.Accept
  }

  // ---------------------------------------------------------------- gossip out (batched)

  let pending: Uint8Array[] = []
  let pendingBytes = 0
  let flushTimer: NodeJS.Timeout | undefined

  function flush (): void {
    if (flushTimer !== undefined) { clearTimeout(flushTimer); flushTimer = undefined }
    if (pending.length === 0) return
    const data = encode(RecordBatch, { version: WIRE_VERSION, records: pending as Array<Uint8Array<ArrayBuffer>> })
    const count = pending.length
    pending = []
    pendingBytes = 0
    host.services.pubsub.publish(RECORDS_TOPIC, data).then((r) => {
      log.debug({ records: count, recipients: r.recipients.length }, 'record batch published')
    }, (err: Error) => {
      // peers that miss it get it from the next sync
      log.debug({ err: err.message }, 'record batch publish failed')
    })
  }

  function enqueueGossip (bytes: Uint8Array): void {
    pending.push(bytes)
    pendingBytes += bytes.byteLength + 8
    if (pending.length >= PUBLISH_BATCH_RECORDS || pendingBytes >= PUBLISH_BATCH_BYTES) {
      flush()
      return
    }
    if (flushTimer === undefined) {
      flushTimer = setTimeout(flush, publishWindowMs)
      flushTimer.unref()
    }
  }

  // ---------------------------------------------------------------- sync

  const lastSync = new Map<string, number>()
  /** peers whose first sync failed and was retried (once) */
  const retried = new Set<string>()
  const SYNC_RETRY_MS = 2000
  const syncQueue: PeerId[] = []
  let syncsRunning = 0
  let retriesScheduled = 0

  function enqueueSync (peerId: PeerId, options: { force?: boolean } = {}): void {
    if (!running) return
    const id = peerId.toString()
    const now = Date.now()
    if (options.force !== true && (lastSync.get(id) ?? -Infinity) > now - SYNC_PEER_INTERVAL_MS) return
    if (syncQueue.length >= SYNC_QUEUE_MAX || syncQueue.some((p) => p.equals(peerId))) return
    if (lastSync.size > 4096) {
      for (const [k, t] of lastSync) if (t <= now - SYNC_PEER_INTERVAL_MS) lastSync.delete(k)
    }
    lastSync.set(id, now)
    syncQueue.push(peerId)
    pumpSyncs()
  }

  function pumpSyncs (): void {
    while (running && syncsRunning < SYNC_CONCURRENCY && syncQueue.length > 0) {
      const peerId = syncQueue.shift() as PeerId
      syncsRunning++
      track(syncWith(peerId)
        .catch((err: Error) => {
          log.debug({ peer: peerId.toString(), err: err.message }, 'sync failed')
          // the peer may not have admitted this node yet (it learns our record in the same moment): try once more soon
          if (!retried.has(peerId.toString())) {
            retried.add(peerId.toString())
            lastSync.delete(peerId.toString())
            retriesScheduled++
            setTimeout(() => {
              retriesScheduled--
              if (relays.isAdmitted(peerId) && host.getConnections(peerId).length > 0) enqueueSync(peerId)
            }, SYNC_RETRY_MS).unref()
          }
        })
        .finally(() => { syncsRunning--; pumpSyncs() }))
    }
  }

  /** Check a page from a sync peer (any invalid record ends the session) and store what is newer. */
  async function ingestPage (peer: string, records: Uint8Array[]): Promise<number> {
    const now = Date.now()
    const checked: VerifiedRecord[] = []
    for (const bytes of records) {
      try {
        const v = checkRecord(bytes, now)
        if (v !== 'recent') checked.push(v)
      } catch (err) {
        metrics.gossipRejected.inc({ topic: SYNC_PROTOCOL, reason: rejectReason(err) })
        // a peer still holding a retired presence record: that one is dropped, the page goes on
        if (isRetired(err)) { log.debug({ peer }, 'sync peer sent a retired presence record (dropped)'); continue }
        log.warn({ peer, err: errMessage(err) }, 'sync peer sent an invalid record')
        throw err
      }
    }
    const outcomes = await store.apply(checked, now)
    const stored = outcomes.filter((o) => o === 'newer').length
    if (stored > 0) metrics.gossipAccepted.inc({ topic: SYNC_PROTOCOL }, stored)
    return stored
  }

  async function syncWith (peerId: PeerId): Promise<number> {
    const peer = peerId.toString()
    const session = AbortSignal.any([AbortSignal.timeout(SYNC_SESSION_TIMEOUT_MS), signal])
    let stored = 0
    const received = await pullSync(host, peerId, store, config.limits.maxFrameBytes, session, async (records) => {
      stored += await ingestPage(peer, records)
    })
    log.debug({ peer, received, stored }, 'synced records')
    return stored
  }

  /** read (bounded) and drop the request of a peer that is not an admitted relay, then refuse it */
  async function refuseUnadmitted (stream: Stream, maxFrameBytes: number, session: AbortSignal): Promise<void> {
    const reader = new FrameReader(stream, { maxFrameBytes: Math.min(maxFrameBytes, SYNC_REQUEST_MAX_BYTES) })
    await reader.next(session).catch(() => {})
    await writeFrame(stream, encode(SyncPage, { version: WIRE_VERSION, status: SyncStatus.SYNC_UNAUTHORIZED, records: [], done: true }), session)
    await stream.close({ signal: session })
  }

  // sync only with admitted relays (RelayDirectory.isAdmitted): a peer listing SYNC_PROTOCOL is not one by saying so
  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, connection } = evt.detail
    if (!peerId.equals(host.peerId) && protocols.includes(SYNC_PROTOCOL) && connection.status === 'open' && relays.isAdmitted(peerId) && relays.isNeighbour(peerId)) enqueueSync(peerId)
  }

  /** relays admitted after their connection was identified: sync with the connected ones not synced with yet */
  const onRelaysChanged = (): void => {
    for (const p of relays.peers()) {
      if (!lastSync.has(p.toString()) && relays.isAdmitted(p) && relays.isNeighbour(p) && host.getConnections(p).length > 0) enqueueSync(p)
    }
  }
  let unsubscribeRelays: (() => void) | undefined

  /** anti-entropy: one random connected overlay neighbour */
  function syncRandomPeer (): void {
    const candidates = relays.peers().filter((p) => relays.isNeighbour(p) && host.getConnections(p).length > 0)
    const peer = candidates[Math.floor(Math.random() * candidates.length)]
    if (peer !== undefined) enqueueSync(peer, { force: true })
  }

  // ---------------------------------------------------------------- the service

  async function publish (bytes: Uint8Array): Promise<void> {
    const now = Date.now()
    const v = refuseRetired(openRecord(bytes, now))
    if (v.expiresAt - now > MAX_RECORD_LIFETIME_MS - LIFETIME_MARGIN_MS) {
      throw new RelaymeshError(ErrorCode.Decode, `record expiry more than ${MAX_RECORD_LIFETIME_MS - LIFETIME_MARGIN_MS} ms ahead`)
    }
    const [outcome] = await store.apply([v], now, { sync: true })
    if (outcome === 'older') throw new RelaymeshError(ErrorCode.Stale, `${v.key}: seq ${v.seq} is not newer than the record held`)
    if (outcome === 'full') throw new RelaymeshError(ErrorCode.QuotaExceeded, 'this node holds as many records as it may')
    if (outcome === 'same' || !running) return
    enqueueGossip(bytes)
  }

  return {
    async start () {
      if (running) return
      stopController = new AbortController()
      signal = AbortSignal.any([components.shutdown, stopController.signal])
      const loaded = await store.load(Date.now())
      running = true
      const pubsub = host.services.pubsub
      pubsub.topicValidators.set(RECORDS_TOPIC, validate)
      pubsub.subscribe(RECORDS_TOPIC)
      await host.handle(SYNC_PROTOCOL, (stream, connection) => {
        const session = AbortSignal.any([AbortSignal.timeout(SYNC_SESSION_TIMEOUT_MS), signal])
        if (!relays.isAdmitted(connection.remotePeer)) {
          // record sync is for admitted relays only (RelayDirectory.isAdmitted): answer SYNC_UNAUTHORIZED, serve nothing
          track(refuseUnadmitted(stream, config.limits.maxFrameBytes, session).catch((err: Error) => { stream.abort(err) }))
          return
        }
        if (inboundSyncs >= SYNC_MAX_INBOUND) {
          track(refuseSync(stream, session).catch((err: Error) => { stream.abort(err) }))
          return
        }
        inboundSyncs++
        track(serveSync(stream, store, config.limits.maxFrameBytes, session)
          .then((sent) => { log.debug({ peer: connection.remotePeer.toString(), sent }, 'served sync') })
          .catch((err: Error) => {
            log.debug({ peer: connection.remotePeer.toString(), err: err.message }, 'sync session failed')
            stream.abort(err)
          })
          .finally(() => { inboundSyncs-- }))
      }, { maxInboundStreams: 2, maxOutboundStreams: 2 })
      host.addEventListener('peer:identify', onIdentify)
      unsubscribeRelays = relays.onChange(onRelaysChanged)

      // relays connected before we started
      for (const conn of host.getConnections()) {
        try {
          const peer = await host.peerStore.get(conn.remotePeer)
          if (peer.protocols.includes(SYNC_PROTOCOL) && relays.isAdmitted(conn.remotePeer)) enqueueSync(conn.remotePeer)
        } catch {}
      }

      const every = (ms: number, fn: () => void): void => {
        const t = setInterval(fn, ms)
        t.unref()
        timers.push(t)
      }
      every(purgeIntervalMs, () => {
        store.purge(Date.now()).then((n) => { if (n > 0) log.debug({ purged: n }, 'expired records purged') },
          (err: Error) => { log.warn({ err: err.message }, 'record purge failed') })
      })
      every(syncIntervalMs, syncRandomPeer)
      log.info({ records: loaded }, 'record service started')
    },

    async stop () {
      if (!running) return
      flush()
      running = false
      stopController.abort()
      for (const t of timers.splice(0)) clearInterval(t)
      syncQueue.length = 0
      host.removeEventListener('peer:identify', onIdentify)
      unsubscribeRelays?.()
      // The validator stays (it ignores everything once stopped): without one,
      // gossipsub would forward records unchecked until the host stops. No
      // unsubscribe either: its PRUNE backoff would keep a quickly restarted
      // node out of its peers' meshes; closing the connections is enough.
      await host.unhandle(SYNC_PROTOCOL).catch(() => {})
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((resolve) => setTimeout(resolve, 5000).unref())
      ])
    },

    publish,

    async get (recordKey) {
      return await store.get(recordKey, Date.now())
    },

    async userRecords (userId) {
      return await store.userRecords(userId, Date.now())
    },

    latestSeq (recordKey) {
      return store.latestSeq(recordKey, Date.now())
    },

    syncWith,

    size () {
      return store.size
    },

    syncsPending () {
      return syncsRunning + syncQueue.length + retriesScheduled
    }
  }
}
