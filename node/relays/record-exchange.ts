// Record exchange: node records in and out. This node's own record is signed
// and republished (gossip on NODES_TOPIC); records arrive by gossip (topic
// validator) and by /relaymesh/nodes/1.0.0 exchanges with the peers this node
// meets. Every record is opened (signature, bounds, expiry) and admitted
// (admission.ts) before it is stored; `taken` tells the directory.
// docs/protocol.md §9, docs/protocol.md
import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { PeerId, PrivateKey, Stream, Connection } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import type { RelayHost } from '../host.js'
import type { NodeMetrics } from '../metrics.js'
import type { AdmissionPolicy } from './admission.js'
import {
  EXCHANGE_CONCURRENCY, EXCHANGE_MAX_INBOUND, EXCHANGE_PEER_INTERVAL_MS, EXCHANGE_QUEUE_MAX, EXCHANGE_TIMEOUT_MS,
  EXCHANGE_RETRIES, EXCHANGE_RETRY_MS, EXPIRED_GRACE_MS, NODES_PROTOCOL, NODES_TOPIC
} from './constants.js'
import type { NodeRecordBook } from './node-record-book.js'
import { pullNodeRecords, serveNodeRecords } from './node-exchange.js'
import { openNodeRecord, publishableMultiaddrs, signNodeRecord, type VerifiedNodeRecord } from './node-record.js'

export interface RecordExchangeDeps {
  host: RelayHost
  log: Logger
  metrics: NodeMetrics
  privateKey: PrivateKey | undefined
  book: NodeRecordBook
  policy: AdmissionPolicy
  maxFrameBytes: number
  recordTtlMs: number
  /** this node's puzzle nonce and (permissioned meshes) admission certificate, carried in its record */
  idNonce: Uint8Array
  admission: Uint8Array
  /** a record newer than the one held was admitted and stored */
  taken: (r: VerifiedNodeRecord, now: number) => Promise<void>
  /** records were taken: recompute the live set */
  changed: () => void
  track: (p: Promise<unknown>) => void
}

function errMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

function reasonOf (err: unknown): string {
  if (RelaymeshError.is(err)) {
    switch (err.code) {
      case ErrorCode.BadSignature: return 'bad-signature'
      case ErrorCode.Expired: return 'expired'
      case ErrorCode.Unauthorized: return 'unauthorized'
      default: return 'decode'
    }
  }
  return 'decode'
}

export class RecordExchange {
  private readonly d: RecordExchangeDeps
  private readonly selfId: string
  private running = false
  private signal: AbortSignal = AbortSignal.abort()
  private ownSeq = 0
  private ownAddrs = ''
  private ownBytes: Uint8Array | undefined
  private publishTimer: NodeJS.Timeout | undefined
  private inbound = 0
  private readonly lastExchange = new Map<string, number>()
  /** peers whose exchange failed: attempts so far */
  private readonly retries = new Map<string, number>()
  private readonly queue: PeerId[] = []
  private exchanging = 0

  constructor (deps: RecordExchangeDeps) {
    this.d = deps
    this.selfId = deps.host.peerId.toString()
  }

  /**
   * Open a record with the clock-skew grace and admit it; 'recent' when it expired less than EXPIRED_GRACE_MS ago.
   * The record we already hold, byte for byte, had its signature verified when we took it: every
   * exchange brings every peer's copy of the whole directory, and re-verifying N records per exchange
   * was the largest cost of an idle 60-node mesh.
   */
  private async open (bytes: Uint8Array, now: number): Promise<{ r: VerifiedNodeRecord, until: number } | 'recent'> {
    const decoded = await openNodeRecord(bytes, now - EXPIRED_GRACE_MS, { verify: false })
    const held = decoded.id === this.selfId ? undefined : this.d.book.get(decoded.id)
    const r = held !== undefined && equalBytes(held.bytes, bytes) ? decoded : await openNodeRecord(bytes, now - EXPIRED_GRACE_MS)
    if (r.expiresAt <= now) return 'recent'
    return { r, until: this.d.policy.check(r, now) }
  }

  /** Take an admitted record: store it if newer. Returns whether it was new. */
  private async take (r: VerifiedNodeRecord, until: number, now: number): Promise<boolean> {
    if (r.id === this.selfId) {
      // our own record, newer than we know: we lost our data; publish above it
      if (r.seq > this.ownSeq) {
        this.ownSeq = r.seq
        this.schedulePublish(0)
      }
      return false
    }
    if (await this.d.book.add(r, now, until) !== 'newer') return false
    await this.d.taken(r, now)
    return true
  }

  private readonly validate = async (_from: PeerId, msg: Message): Promise<TopicValidatorResult> => {
    if (!this.running) return TopicValidatorResult.Ignore
    const { metrics, log } = this.d
    const now = Date.now()
    let opened
    try {
      opened = await this.open(msg.data, now)
    } catch (err) {
      metrics.gossipRejected.inc({ topic: NODES_TOPIC, reason: reasonOf(err) })
      log.debug({ err: errMessage(err) }, 'node record rejected')
      return TopicValidatorResult.Reject
    }
    if (opened === 'recent' || !await this.take(opened.r, opened.until, now)) {
      metrics.gossipRejected.inc({ topic: NODES_TOPIC, reason: 'stale' })
      return TopicValidatorResult.Ignore
    }
    metrics.gossipAccepted.inc({ topic: NODES_TOPIC })
    this.d.changed()
    return TopicValidatorResult.Accept
  }

  private gossip (bytes: Uint8Array): void {
    if (!this.running) return
    this.d.host.services.pubsub.publish(NODES_TOPIC, bytes).catch((err: Error) => {
      this.d.log.debug({ err: err.message }, 'node record publish failed')
    })
  }

  /** Sign, store and gossip this node's record (a new seq). */
  async publishOwn (): Promise<void> {
    const { privateKey, host, book, log } = this.d
    if (privateKey === undefined || !this.running) return
    const now = Date.now()
    this.ownSeq = Math.max(this.ownSeq + 1, now)
    const addrs = host.getMultiaddrs()
    this.ownAddrs = addrsKey(addrs)
    const bytes = await signNodeRecord(privateKey, host.peerId, {
      multiaddrs: addrs, seq: this.ownSeq, expiresAt: now + this.d.recordTtlMs, idNonce: this.d.idNonce, admission: this.d.admission
    })
    const r = await openNodeRecord(bytes, now, { verify: false })
    await book.add(r, now, r.expiresAt, { own: true }) // persisted, so the seq survives a restart
    this.ownBytes = bytes
    this.gossip(bytes)
    log.debug({ seq: this.ownSeq, addrs: r.multiaddrs.length }, 'node record published')
  }

  schedulePublish (delayMs: number): void {
    if (!this.running) return
    if (this.publishTimer !== undefined) clearTimeout(this.publishTimer)
    this.publishTimer = setTimeout(() => {
      this.publishTimer = undefined
      this.d.track(this.publishOwn().catch((err: Error) => { this.d.log.warn({ err: err.message }, 'node record publish failed') }))
    }, delayMs)
    this.publishTimer.unref()
  }

  /** our listen addresses changed: republish soon */
  addressesChanged (): void {
    if (addrsKey(this.d.host.getMultiaddrs()) !== this.ownAddrs) this.schedulePublish(1000)
  }

  /** Exchange records with `peerId` (at most once per EXCHANGE_PEER_INTERVAL_MS per peer, bounded queue). */
  enqueue (peerId: PeerId): void {
    const id = peerId.toString()
    const now = Date.now()
    if ((this.lastExchange.get(id) ?? -Infinity) > now - EXCHANGE_PEER_INTERVAL_MS) return
    if (this.queue.length >= EXCHANGE_QUEUE_MAX) return
    if (this.lastExchange.size > 4096) {
      for (const [k, t] of this.lastExchange) if (t <= now - EXCHANGE_PEER_INTERVAL_MS) this.lastExchange.delete(k)
    }
    this.lastExchange.set(id, now)
    this.queue.push(peerId)
    this.pump()
  }

  /**
   * A failed exchange (the peer busy, a timeout) is tried again, EXCHANGE_RETRY_MS × attempt later, up to
   * EXCHANGE_RETRIES times while the peer stays connected: a joining node whose first exchanges fail
   * would otherwise learn the directory only from record refreshes (NODE_RECORD_REFRESH_MS).
   */
  private retryLater (peerId: PeerId): void {
    const id = peerId.toString()
    const attempt = (this.retries.get(id) ?? 0) + 1
    if (!this.running || attempt > EXCHANGE_RETRIES || this.retries.size >= EXCHANGE_QUEUE_MAX) { this.retries.delete(id); return }
    this.retries.set(id, attempt)
    const timer = setTimeout(() => {
      if (!this.running || this.d.host.getConnections(peerId).length === 0) { this.retries.delete(id); return }
      this.lastExchange.delete(id)
      this.enqueue(peerId)
    }, EXCHANGE_RETRY_MS * attempt)
    timer.unref()
  }

  private pump (): void {
    while (this.running && this.exchanging < EXCHANGE_CONCURRENCY && this.queue.length > 0) {
      const peerId = this.queue.shift() as PeerId
      this.exchanging++
      this.d.track(this.exchange(peerId)
        .then(() => { this.retries.delete(peerId.toString()) }, (err: Error) => {
          this.d.log.debug({ peer: peerId.toString(), err: err.message }, 'node record exchange failed')
          this.retryLater(peerId)
        })
        .finally(() => { this.exchanging--; this.pump() }))
    }
  }

  private async exchange (peerId: PeerId): Promise<void> {
    const { host, metrics, log, maxFrameBytes } = this.d
    const own = this.ownBytes
    if (own === undefined) return
    const peer = peerId.toString()
    const records = await pullNodeRecords(host, peerId, own, maxFrameBytes, AbortSignal.any([AbortSignal.timeout(EXCHANGE_TIMEOUT_MS), this.signal]))
    const now = Date.now()
    // check every record before taking any: one bad record discards the exchange
    const checked: Array<{ r: VerifiedNodeRecord, until: number }> = []
    for (const bytes of records) {
      let opened
      try {
        opened = await this.open(bytes, now)
      } catch (err) {
        metrics.gossipRejected.inc({ topic: NODES_PROTOCOL, reason: reasonOf(err) })
        log.warn({ peer, err: errMessage(err) }, 'peer sent an invalid node record; exchange discarded')
        return
      }
      if (opened !== 'recent') checked.push(opened)
    }
    let taken = 0
    for (const { r, until } of checked) {
      if (!this.running) return
      if (!await this.take(r, until, now)) continue
      taken++
      // a relay that just joined announces itself through the peers it meets:
      // the same bytes from many peers are one gossip message (id = hash of data)
      if (r.id === peer) this.gossip(r.bytes)
    }
    if (taken > 0) {
      metrics.gossipAccepted.inc({ topic: NODES_PROTOCOL }, taken)
      this.d.changed()
    }
  }

  /** the requester's own record, read first: admitted (and stored) or the exchange is refused */
  private async admitRequester (bytes: Uint8Array, connection: Connection): Promise<void> {
    const now = Date.now()
    let opened
    try {
      opened = await this.open(bytes, now)
    } catch (err) {
      this.d.metrics.gossipRejected.inc({ topic: NODES_PROTOCOL, reason: reasonOf(err) })
      throw new RelaymeshError(ErrorCode.Unauthorized, `node records: the requester's record is not admitted: ${errMessage(err)}`, { cause: err })
    }
    if (opened === 'recent' || !opened.r.peerId.equals(connection.remotePeer)) {
      throw new RelaymeshError(ErrorCode.Unauthorized, 'node records: the request must carry the requester\'s own unexpired node record')
    }
    if (await this.take(opened.r, opened.until, now)) {
      this.d.metrics.gossipAccepted.inc({ topic: NODES_PROTOCOL })
      this.d.changed()
      this.gossip(opened.r.bytes)
    }
  }

  private readonly serve = (stream: Stream, connection: Connection): void => {
    if (this.inbound >= EXCHANGE_MAX_INBOUND) {
      stream.abort(new Error('too many node record exchanges'))
      return
    }
    this.inbound++
    this.d.track(serveNodeRecords(stream, async (own) => { await this.admitRequester(own, connection) },
      () => this.d.book.all(Date.now()).map((r) => r.bytes), this.d.maxFrameBytes,
      AbortSignal.any([AbortSignal.timeout(EXCHANGE_TIMEOUT_MS), this.signal]))
      .catch((err: Error) => {
        this.d.log.debug({ peer: connection.remotePeer.toString(), err: err.message }, 'node record exchange refused or failed')
        stream.abort(err)
      })
      .finally(() => { this.inbound-- }))
  }

  async start (signal: AbortSignal, ownSeq: number): Promise<void> {
    this.signal = signal
    this.ownSeq = ownSeq
    this.running = true
    await this.d.host.handle(NODES_PROTOCOL, this.serve, { maxInboundStreams: 2, maxOutboundStreams: 2 })
    const pubsub = this.d.host.services.pubsub
    pubsub.topicValidators.set(NODES_TOPIC, this.validate)
    pubsub.subscribe(NODES_TOPIC)
    await this.publishOwn()
  }

  async stop (): Promise<void> {
    this.running = false
    if (this.publishTimer !== undefined) clearTimeout(this.publishTimer)
    this.publishTimer = undefined
    this.queue.length = 0
    // the topic validator stays (it ignores everything once stopped) and the
    // topic stays subscribed: see node/gossip/record-service.ts stop()
    await this.d.host.unhandle(NODES_PROTOCOL).catch(() => {})
  }
}

function addrsKey (addrs: Parameters<typeof publishableMultiaddrs>[0]): string {
  return publishableMultiaddrs(addrs).map((b) => Buffer.from(b).toString('hex')).join(',')
}
