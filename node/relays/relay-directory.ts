// The live relay set, known locally so that no DHT query sits on the
// per-message path (DESIGN.md, Mailboxes). Sources:
// - signed node records gossiped on NODES_TOPIC, pulled from each relay that
//   connects (/relaymesh/nodes/1.0.0) and kept in LevelDB (PREFIX.node);
// - connected peers that serve a relay protocol (kad-dht, nodes, replica);
// - the kad-dht routing table.
// A peer is live while it is connected, or while it has an unexpired node
// record (or sits in the routing table) and the last dial to it did not fail.
// docs/protocol.md §9, "Relay directory".
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { IdentifyResult, PeerId, PeerUpdate } from '@libp2p/interface'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import type { NodeComponents, RelayDirectory } from '../components.js'
import {
  CHANGE_DEBOUNCE_MS, EXCHANGE_CONCURRENCY, EXCHANGE_MAX_INBOUND, EXCHANGE_PEER_INTERVAL_MS, EXCHANGE_QUEUE_MAX,
  EXCHANGE_TIMEOUT_MS, EXPIRED_GRACE_MS, EXPIRY_SWEEP_MS, NODE_RECORD_REFRESH_MS, NODE_RECORD_TTL_MS, NODES_PROTOCOL,
  NODES_TOPIC, REDIAL_CONCURRENCY, REDIAL_TIMEOUT_MS, RELAY_PROTOCOLS, START_DIALS, PROBE_TIMEOUT_MS, PROBE_MIN_INTERVAL_MS,
  REPORT_PROBES_MAX, LIVENESS_INTERVAL_MS, LIVENESS_MIN_AGE_MS, LIVENESS_PROBES_PER_ROUND, RETRY_DROPPED_MIN_INTERVAL_MS
} from './constants.js'
import { NodeRecordBook } from './node-record-book.js'
import { pullNodeRecords, serveNodeRecords } from './node-exchange.js'
import { openNodeRecord, publishableMultiaddrs, signNodeRecord, type VerifiedNodeRecord } from './node-record.js'
import { closestTo, kadId, type Positioned } from './xor.js'

export interface RelayDirectoryInit {
  /** lifetime of this node's record @default NODE_RECORD_TTL_MS (15 min) */
  recordTtlMs?: number
  /** republish period of this node's record @default NODE_RECORD_REFRESH_MS (5 min) */
  refreshMs?: number
  /** onChange debounce @default CHANGE_DEBOUNCE_MS (200 ms) */
  debounceMs?: number
  /** period of the liveness check of unconnected peers (jittered ±20 %; 0: off) @default LIVENESS_INTERVAL_MS (15 s) */
  livenessIntervalMs?: number
  /** the liveness check skips peers with a sign of life newer than this @default LIVENESS_MIN_AGE_MS (60 s) */
  livenessMinAgeMs?: number
}

/** What the relay directory exposes beyond RelayDirectory (status, tests). */
export interface RelayDirectoryService extends RelayDirectory {
  /** unexpired node records held, this node's own included */
  nodeRecords: () => VerifiedNodeRecord[]
}

interface RoutingTableLike {
  kb?: { toIterable: () => Iterable<{ peerId: PeerId }> }
  addEventListener: (type: 'peer:add' | 'peer:remove', listener: (evt: CustomEvent<PeerId>) => void) => void
  removeEventListener: (type: 'peer:add' | 'peer:remove', listener: (evt: CustomEvent<PeerId>) => void) => void
}

function errMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function jitter (ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4))
}

function reasonOf (err: unknown): string {
  if (RelaymeshError.is(err)) {
    switch (err.code) {
      case ErrorCode.BadSignature: return 'bad-signature'
      case ErrorCode.Expired: return 'expired'
      default: return 'decode'
    }
  }
  return 'decode'
}

export function createRelayDirectory (components: NodeComponents, init: RelayDirectoryInit = {}): RelayDirectoryService {
  const { host, store, config, metrics } = components
  const log = components.log.child({ component: 'relays' })
  const recordTtlMs = init.recordTtlMs ?? NODE_RECORD_TTL_MS
  const refreshMs = init.refreshMs ?? NODE_RECORD_REFRESH_MS
  const debounceMs = init.debounceMs ?? CHANGE_DEBOUNCE_MS
  const livenessIntervalMs = init.livenessIntervalMs ?? LIVENESS_INTERVAL_MS
  const livenessMinAgeMs = init.livenessMinAgeMs ?? LIVENESS_MIN_AGE_MS
  const self = host.peerId
  const selfId = self.toString()
  const selfPosition: Positioned = { peerId: self, kadId: kadId(self) }
  const book = new NodeRecordBook(store)

  /** connected peers that serve a relay protocol */
  const connected = new Map<string, PeerId>()
  /** peers in the kad-dht routing table */
  const routing = new Map<string, PeerId>()
  /** peers whose last dial failed (cleared by a connection or a newer record) */
  const failed = new Set<string>()
  /** last evidence that a peer was up: its connection identified, a probe succeeded, a newer record of it arrived */
  const lastAlive = new Map<string, number>()
  /** probes started by reportUnreachable, by peer */
  const reportProbes = new Map<string, Promise<boolean>>()
  /** when a probe of the peer last succeeded (reports within PROBE_MIN_INTERVAL_MS of it are not probed again) */
  const lastProbeOk = new Map<string, number>()
  const positions = new Map<string, Positioned>()
  let live = new Map<string, Positioned>()
  const listeners = new Set<() => void>()

  let running = false
  let stopController = new AbortController()
  let signal = stopController.signal
  let ownSeq = 0
  let ownAddrs = ''
  let changeTimer: NodeJS.Timeout | undefined
  let publishTimer: NodeJS.Timeout | undefined
  let refreshTimer: NodeJS.Timeout | undefined
  let sweepTimer: NodeJS.Timeout | undefined
  let livenessTimer: NodeJS.Timeout | undefined
  const inflight = new Set<Promise<unknown>>()
  let inboundExchanges = 0

  function track (p: Promise<unknown>): void {
    inflight.add(p)
    const done = (): void => { inflight.delete(p) }
    p.then(done, done)
  }

  function position (peerId: PeerId): Positioned {
    const id = peerId.toString()
    let p = positions.get(id)
    if (p === undefined) {
      p = { peerId, kadId: kadId(peerId) }
      positions.set(id, p)
    }
    return p
  }

  // ---------------------------------------------------------------- the live set

  function recompute (): void {
    const now = Date.now()
    const next = new Map<string, Positioned>()
    for (const [id, peerId] of connected) next.set(id, position(peerId))
    for (const r of book.all(now)) {
      if (!failed.has(r.id)) next.set(r.id, position(r.peerId))
    }
    for (const [id, peerId] of routing) {
      if (!failed.has(id)) next.set(id, position(peerId))
    }
    next.delete(selfId)
    let changed = next.size !== live.size
    if (!changed) {
      for (const id of next.keys()) {
        if (!live.has(id)) { changed = true; break }
      }
    }
    live = next
    // forget positions of peers no source mentions any more
    if (positions.size > 2 * live.size + 1024) {
      for (const id of positions.keys()) if (!live.has(id)) positions.delete(id)
    }
    if (changed) {
      log.debug({ relays: live.size }, 'relay set changed')
      if (changeTimer !== undefined) clearTimeout(changeTimer)
      changeTimer = setTimeout(() => {
        changeTimer = undefined
        for (const l of [...listeners]) {
          try { l() } catch (err) { log.warn({ err: errMessage(err) }, 'relay set listener failed') }
        }
      }, debounceMs)
      changeTimer.unref()
    }
  }

  // ---------------------------------------------------------------- node records

  /**
   * Open a record with the clock-skew grace; 'recent' when it expired less than EXPIRED_GRACE_MS ago.
   * The record we already hold, byte for byte, had its signature verified when we took it: every
   * exchange brings every peer's copy of the whole directory, and re-verifying N records per exchange
   * was the largest cost of an idle 60-node mesh.
   */
  async function openWithGrace (bytes: Uint8Array, now: number): Promise<VerifiedNodeRecord | 'recent'> {
    const decoded = await openNodeRecord(bytes, now - EXPIRED_GRACE_MS, { verify: false })
    const held = decoded.id === selfId ? undefined : book.get(decoded.id)
    const r = held !== undefined && equalBytes(held.bytes, bytes) ? decoded : await openNodeRecord(bytes, now - EXPIRED_GRACE_MS)
    return r.expiresAt <= now ? 'recent' : r
  }

  /** Take a checked record: store it if newer. Returns whether it was new. */
  async function take (r: VerifiedNodeRecord, now: number): Promise<boolean> {
    if (r.id === selfId) {
      // our own record, newer than we know: we lost our data; publish above it
      if (r.seq > ownSeq) {
        ownSeq = r.seq
        schedulePublish(0)
      }
      return false
    }
    if (await book.add(r, now) !== 'newer') return false
    failed.delete(r.id)
    lastAlive.set(r.id, now)
    if (r.multiaddrs.length > 0) {
      await host.peerStore.merge(r.peerId, { multiaddrs: r.multiaddrs }).catch((err: Error) => {
        log.debug({ peer: r.id, err: err.message }, 'peer store merge failed')
      })
    }
    return true
  }

  async function validateNodeMessage (_from: PeerId, msg: Message): Promise<TopicValidatorResult> {
    if (!running) return TopicValidatorResult.Ignore
    const now = Date.now()
    let r: VerifiedNodeRecord | 'recent'
    try {
      r = await openWithGrace(msg.data, now)
    } catch (err) {
      metrics.gossipRejected.inc({ topic: NODES_TOPIC, reason: reasonOf(err) })
      log.debug({ err: errMessage(err) }, 'node record rejected')
      return TopicValidatorResult.Reject
    }
    if (r === 'recent') {
      metrics.gossipRejected.inc({ topic: NODES_TOPIC, reason: 'stale' })
      return TopicValidatorResult.Ignore
    }
    if (!await take(r, now)) {
      metrics.gossipRejected.inc({ topic: NODES_TOPIC, reason: 'stale' })
      return TopicValidatorResult.Ignore
    }
    metrics.gossipAccepted.inc({ topic: NODES_TOPIC })
    recompute()
    return TopicValidatorResult.Accept
  }

  function gossip (bytes: Uint8Array): void {
    if (!running) return
    host.services.pubsub.publish(NODES_TOPIC, bytes).catch((err: Error) => {
      log.debug({ err: err.message }, 'node record publish failed')
    })
  }

  async function publishOwn (): Promise<void> {
    const privateKey = components.privateKey
    if (privateKey === undefined || !running) return
    const now = Date.now()
    ownSeq = Math.max(ownSeq + 1, now)
    const addrs = host.getMultiaddrs()
    ownAddrs = addrsKey(addrs)
    const bytes = await signNodeRecord(privateKey, self, { multiaddrs: addrs, seq: ownSeq, expiresAt: now + recordTtlMs })
    const r = await openNodeRecord(bytes, now, { verify: false })
    await book.add(r, now, { own: true }) // persisted, so the seq survives a restart
    gossip(bytes)
    log.debug({ seq: ownSeq, addrs: r.multiaddrs.length }, 'node record published')
  }

  function schedulePublish (delayMs: number): void {
    if (!running) return
    if (publishTimer !== undefined) clearTimeout(publishTimer)
    publishTimer = setTimeout(() => {
      publishTimer = undefined
      track(publishOwn().catch((err: Error) => { log.warn({ err: err.message }, 'node record publish failed') }))
    }, delayMs)
    publishTimer.unref()
  }

  function addrsKey (addrs: Parameters<typeof publishableMultiaddrs>[0]): string {
    return publishableMultiaddrs(addrs).map((b) => Buffer.from(b).toString('hex')).join(',')
  }

  // ---------------------------------------------------------------- exchange on connect

  const lastExchange = new Map<string, number>()
  const exchangeQueue: PeerId[] = []
  let exchangesRunning = 0

  function enqueueExchange (peerId: PeerId): void {
    const id = peerId.toString()
    const now = Date.now()
    if ((lastExchange.get(id) ?? -Infinity) > now - EXCHANGE_PEER_INTERVAL_MS) return
    if (exchangeQueue.length >= EXCHANGE_QUEUE_MAX) return
    if (lastExchange.size > 4096) {
      for (const [k, t] of lastExchange) if (t <= now - EXCHANGE_PEER_INTERVAL_MS) lastExchange.delete(k)
    }
    lastExchange.set(id, now)
    exchangeQueue.push(peerId)
    pumpExchanges()
  }

  function pumpExchanges (): void {
    while (running && exchangesRunning < EXCHANGE_CONCURRENCY && exchangeQueue.length > 0) {
      const peerId = exchangeQueue.shift() as PeerId
      exchangesRunning++
      track(exchange(peerId)
        .catch((err: Error) => { log.debug({ peer: peerId.toString(), err: err.message }, 'node record exchange failed') })
        .finally(() => { exchangesRunning--; pumpExchanges() }))
    }
  }

  async function exchange (peerId: PeerId): Promise<void> {
    const peer = peerId.toString()
    const records = await pullNodeRecords(host, peerId, config.limits.maxFrameBytes,
      AbortSignal.any([AbortSignal.timeout(EXCHANGE_TIMEOUT_MS), signal]))
    const now = Date.now()
    // check every record before taking any: one bad record discards the exchange
    const checked: VerifiedNodeRecord[] = []
    for (const bytes of records) {
      let r: VerifiedNodeRecord | 'recent'
      try {
        r = await openWithGrace(bytes, now)
      } catch (err) {
        metrics.gossipRejected.inc({ topic: NODES_PROTOCOL, reason: reasonOf(err) })
        log.warn({ peer, err: errMessage(err) }, 'peer sent an invalid node record; exchange discarded')
        return
      }
      if (r !== 'recent') checked.push(r)
    }
    let taken = 0
    for (const r of checked) {
      if (!running) return
      if (!await take(r, now)) continue
      taken++
      // a relay that just joined announces itself through the peers it meets:
      // the same bytes from many peers are one gossip message (id = hash of data)
      if (r.id === peer) gossip(r.bytes)
    }
    if (taken > 0) {
      metrics.gossipAccepted.inc({ topic: NODES_PROTOCOL }, taken)
      recompute()
    }
  }

  // ---------------------------------------------------------------- connections

  function isRelay (protocols: string[]): boolean {
    return protocols.some((p) => RELAY_PROTOCOLS.includes(p))
  }

  const onIdentify = (evt: CustomEvent<IdentifyResult>): void => {
    const { peerId, protocols, connection } = evt.detail
    if (peerId.equals(self) || !isRelay(protocols) || connection.status !== 'open') return
    const id = peerId.toString()
    connected.set(id, peerId)
    const wasDropped = failed.delete(id)
    lastAlive.set(id, Date.now())
    recompute()
    if (protocols.includes(NODES_PROTOCOL)) enqueueExchange(peerId)
    if (wasDropped) retryDropped()
  }

  const lastRedial = new Map<string, number>()
  const redialQueue: PeerId[] = []
  let redialsRunning = 0

  const onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peerId = evt.detail
    const id = peerId.toString()
    const wasConnected = connected.delete(id)
    if (!running) return
    const known = book.get(id) !== undefined || routing.has(id)
    if (wasConnected) recompute()
    if (!known) return
    // confirm it is still reachable; if not, drop it now rather than at record expiry
    const now = Date.now()
    if ((lastRedial.get(id) ?? -Infinity) > now - 10 * REDIAL_TIMEOUT_MS) return
    lastRedial.set(id, now)
    if (lastRedial.size > 4096) {
      for (const [k, t] of lastRedial) if (t <= now - 10 * REDIAL_TIMEOUT_MS) lastRedial.delete(k)
    }
    if (redialQueue.length < EXCHANGE_QUEUE_MAX) redialQueue.push(peerId)
    pumpRedials()
  }

  function pumpRedials (): void {
    while (running && redialsRunning < REDIAL_CONCURRENCY && redialQueue.length > 0) {
      const peerId = redialQueue.shift() as PeerId
      redialsRunning++
      track(probe(peerId).finally(() => { redialsRunning--; pumpRedials() }))
    }
  }

  /** Dial a peer; mark it failed (not live) when that does not work. */
  async function probe (peerId: PeerId): Promise<void> {
    const id = peerId.toString()
    if (host.getConnections(peerId).length > 0) return
    try {
      await host.dial(peerId, { signal: AbortSignal.any([AbortSignal.timeout(REDIAL_TIMEOUT_MS), signal]) })
      const wasDropped = failed.delete(id)
      lastAlive.set(id, Date.now())
      if (wasDropped) retryDropped()
    } catch (err) {
      if (!running) return
      log.debug({ peer: id, err: errMessage(err) }, 'relay unreachable')
      failed.add(id)
      recompute()
    }
  }

  /**
   * A service could not reach a peer (reportUnreachable): check it now with a
   * short probe, a ping over an open connection or else a dial, and drop it
   * from the live set when that fails too.
   */
  async function probeReported (peerId: PeerId): Promise<boolean> {
    const id = peerId.toString()
    const probeSignal = AbortSignal.any([AbortSignal.timeout(PROBE_TIMEOUT_MS), signal])
    try {
      if (host.getConnections(peerId).some((c) => c.status === 'open')) {
        await host.services.ping.ping(peerId, { signal: probeSignal })
      } else {
        await host.dial(peerId, { signal: probeSignal })
      }
      const now = Date.now()
      lastProbeOk.set(id, now)
      lastAlive.set(id, now)
      failed.delete(id)
      return false
    } catch (err) {
      if (!running) return false
      log.debug({ peer: id, err: errMessage(err) }, 'reported relay unreachable: dropped from the live set')
      failed.add(id)
      // a connection that no longer answers pings counts for nothing: close it (the re-dial that
      // follows the disconnect re-admits a peer that was only slow)
      if (connected.delete(id)) host.hangUp(peerId).catch(() => {})
      recompute()
      return true
    }
  }

  function reportUnreachable (peerId: PeerId): Promise<boolean> {
    const id = peerId.toString()
    if (!running || id === selfId || !live.has(id)) return Promise.resolve(false)
    const inflightProbe = reportProbes.get(id)
    if (inflightProbe !== undefined) return inflightProbe
    const now = Date.now()
    if ((lastProbeOk.get(id) ?? -Infinity) > now - PROBE_MIN_INTERVAL_MS) return Promise.resolve(false)
    if (reportProbes.size >= REPORT_PROBES_MAX) return Promise.resolve(false)
    const p = probeReported(peerId).catch(() => false).finally(() => { reportProbes.delete(id) })
    reportProbes.set(id, p)
    track(p)
    return p
  }

  /**
   * Periodic liveness check: live peers this node has no connection to, and no
   * sign of life from for LIVENESS_MIN_AGE_MS, are dialled, a few per round
   * (oldest evidence first), through the re-dial queue (bounded concurrency).
   */
  /**
   * A dropped relay is back: whatever cut it off (a partition, our own network)
   * may have cut off the other dropped relays too, so try every one that still
   * holds an unexpired record now rather than one per liveness round (at most
   * once per RETRY_DROPPED_MIN_INTERVAL_MS; the re-dial queue bounds the work).
   */
  let lastRetryDropped = -Infinity
  function retryDropped (): void {
    const now = Date.now()
    if (!running || now - lastRetryDropped < RETRY_DROPPED_MIN_INTERVAL_MS) return
    lastRetryDropped = now
    for (const r of book.all(now)) {
      if (r.id === selfId || !failed.has(r.id) || connected.has(r.id)) continue
      if (redialQueue.length >= EXCHANGE_QUEUE_MAX) break
      lastRedial.set(r.id, now)
      redialQueue.push(r.peerId)
    }
    pumpRedials()
  }

  function livenessRound (): void {
    if (!running) return
    const now = Date.now()
    const candidates: Array<{ peerId: PeerId, seen: number }> = []
    for (const [id, p] of live) {
      if (connected.has(id) || failed.has(id)) continue
      const seen = lastAlive.get(id) ?? 0
      if (seen > now - livenessMinAgeMs) continue
      if (host.getConnections(p.peerId).length > 0) continue
      candidates.push({ peerId: p.peerId, seen })
    }
    candidates.sort((a, b) => a.seen - b.seen)
    for (const c of candidates.slice(0, LIVENESS_PROBES_PER_ROUND)) {
      if (redialQueue.length >= EXCHANGE_QUEUE_MAX) break
      // counts as evidence for the next round either way: a failed dial marks it failed
      lastAlive.set(c.peerId.toString(), now)
      redialQueue.push(c.peerId)
    }
    // Peers dropped after a failed dial but still holding an unexpired node record
    // are tried again, one per round and each at most once per livenessMinAgeMs, so
    // a relay back from a crash or a healed partition is re-admitted without waiting
    // for its next record (every NODE_RECORD_REFRESH_MS).
    for (const r of book.all(now)) {
      if (r.id === selfId || !failed.has(r.id) || connected.has(r.id)) continue
      if ((lastRedial.get(r.id) ?? -Infinity) > now - livenessMinAgeMs) continue
      if (redialQueue.length >= EXCHANGE_QUEUE_MAX) break
      lastRedial.set(r.id, now)
      redialQueue.push(r.peerId)
      break
    }
    pumpRedials()
  }

  const onRoutingAdd = (evt: CustomEvent<PeerId>): void => {
    routing.set(evt.detail.toString(), evt.detail)
    recompute()
  }
  const onRoutingRemove = (evt: CustomEvent<PeerId>): void => {
    if (routing.delete(evt.detail.toString())) recompute()
  }

  const onSelfUpdate = (_evt: CustomEvent<PeerUpdate>): void => {
    if (addrsKey(host.getMultiaddrs()) !== ownAddrs) schedulePublish(1000)
  }

  function routingTable (): RoutingTableLike | undefined {
    // kad-dht's routing table is not part of its public KadDHT interface (SingleKadDHT has it)
    const rt = (host.services.dht as unknown as { routingTable?: RoutingTableLike }).routingTable
    return rt !== undefined && typeof rt.addEventListener === 'function' ? rt : undefined
  }

  // ---------------------------------------------------------------- lifecycle

  return {
    async start () {
      if (running) return
      stopController = new AbortController()
      signal = AbortSignal.any([components.shutdown, stopController.signal])
      const now = Date.now()
      await book.load(now)
      ownSeq = book.get(selfId)?.seq ?? 0
      for (const r of book.all(now)) {
        if (r.id !== selfId && r.multiaddrs.length > 0) {
          await host.peerStore.merge(r.peerId, { multiaddrs: r.multiaddrs }).catch(() => {})
        }
      }
      running = true

      await host.handle(NODES_PROTOCOL, (stream) => {
        if (inboundExchanges >= EXCHANGE_MAX_INBOUND) {
          stream.abort(new Error('too many node record exchanges'))
          return
        }
        inboundExchanges++
        const records = book.all(Date.now()).map((r) => r.bytes)
        track(serveNodeRecords(stream, records, config.limits.maxFrameBytes,
          AbortSignal.any([AbortSignal.timeout(EXCHANGE_TIMEOUT_MS), signal]))
          .catch((err: Error) => { stream.abort(err) })
          .finally(() => { inboundExchanges-- }))
      }, { maxInboundStreams: 2, maxOutboundStreams: 2 })

      const pubsub = host.services.pubsub
      pubsub.topicValidators.set(NODES_TOPIC, validateNodeMessage)
      pubsub.subscribe(NODES_TOPIC)
      host.addEventListener('peer:identify', onIdentify)
      host.addEventListener('peer:disconnect', onDisconnect)
      host.addEventListener('self:peer:update', onSelfUpdate)
      const rt = routingTable()
      if (rt !== undefined) {
        rt.addEventListener('peer:add', onRoutingAdd)
        rt.addEventListener('peer:remove', onRoutingRemove)
        for (const p of rt.kb?.toIterable() ?? []) routing.set(p.peerId.toString(), p.peerId)
      }

      // connections made before we started
      for (const conn of host.getConnections()) {
        const peerId = conn.remotePeer
        try {
          const peer = await host.peerStore.get(peerId)
          if (isRelay(peer.protocols)) {
            connected.set(peerId.toString(), peerId)
            if (peer.protocols.includes(NODES_PROTOCOL)) enqueueExchange(peerId)
          }
        } catch {
          // not identified yet: its peer:identify event will come
        }
      }
      recompute()

      await publishOwn()
      refreshTimer = setInterval(() => { schedulePublish(0) }, refreshMs)
      refreshTimer.unref()
      sweepTimer = setInterval(() => {
        book.expire(Date.now()).then((gone) => { if (gone.length > 0) recompute() }, (err: Error) => {
          log.warn({ err: err.message }, 'node record expiry failed')
        })
        // a peer dropped from every source is forgotten entirely
        for (const id of failed) {
          if (book.get(id) === undefined && !routing.has(id)) failed.delete(id)
        }
        for (const map of [lastAlive, lastProbeOk]) {
          for (const id of map.keys()) if (!live.has(id) && book.get(id) === undefined) map.delete(id)
        }
      }, EXPIRY_SWEEP_MS)
      sweepTimer.unref()
      const scheduleLiveness = (): void => {
        livenessTimer = setTimeout(() => { livenessRound(); if (running) scheduleLiveness() }, jitter(livenessIntervalMs))
        livenessTimer.unref()
      }
      if (livenessIntervalMs > 0) scheduleLiveness()

      // a restarted node confirms a few of the relays it remembers
      const remembered = book.all(Date.now()).filter((r) => r.id !== selfId && host.getConnections(r.peerId).length === 0)
      for (const r of remembered.sort(() => Math.random() - 0.5).slice(0, START_DIALS)) {
        redialQueue.push(r.peerId)
      }
      pumpRedials()
      log.info({ relays: live.size, records: book.all(Date.now()).length }, 'relay directory started')
    },

    async stop () {
      if (!running) return
      running = false
      stopController.abort()
      for (const t of [changeTimer, publishTimer, livenessTimer]) if (t !== undefined) clearTimeout(t)
      for (const t of [refreshTimer, sweepTimer]) if (t !== undefined) clearInterval(t)
      changeTimer = publishTimer = refreshTimer = sweepTimer = livenessTimer = undefined
      exchangeQueue.length = 0
      redialQueue.length = 0
      host.removeEventListener('peer:identify', onIdentify)
      host.removeEventListener('peer:disconnect', onDisconnect)
      host.removeEventListener('self:peer:update', onSelfUpdate)
      const rt = routingTable()
      rt?.removeEventListener('peer:add', onRoutingAdd)
      rt?.removeEventListener('peer:remove', onRoutingRemove)
      // the topic validator stays (it ignores everything once stopped) and the
      // topic stays subscribed: see node/gossip/record-service.ts stop()
      await host.unhandle(NODES_PROTOCOL).catch(() => {})
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((resolve) => setTimeout(resolve, EXCHANGE_TIMEOUT_MS).unref())
      ])
    },

    closest (key, count) {
      return closestTo(key, [...live.values(), selfPosition], count).map((e) => e.peerId)
    },

    peers () {
      return [...live.values()].map((e) => e.peerId)
    },

    reportUnreachable,

    isAdmitted (peer) {
      const id = peer.toString()
      const r = id === selfId ? undefined : book.get(id)
      return r !== undefined && r.expiresAt > Date.now()
    },

    onChange (listener) {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },

    nodeRecords () {
      return book.all(Date.now())
    },

    alone () {
      return live.size === 0 && book.all(Date.now()).every((r) => r.id === self.toString())
    }
  }
}
