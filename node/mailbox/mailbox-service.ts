// Store-and-forward (DESIGN "Mailboxes"): an envelope lives on the k relays
// closest to its mailbox address, computed locally from the relay directory
// (no DHT query on the message path). store() answers once writeQuorum of
// them persisted it with a synced LevelDB write; fetch() unions what the
// replicas hold; ack() deletes everywhere and leaves tombstones; handover and
// expiry run in the background. Live pushes: each replica pushes what it
// newly stored to the relays watching the mailbox (WATCH, watchers.ts), the
// relays its device is attached to (watching.ts). The protocol is in
// docs/protocol.md §10 (WATCH).
import type { PeerId } from '@libp2p/interface'
import { decode } from '../../protocol/codec.js'
import { ENVELOPE_ID_BYTES, MAILBOX_ADDRESS_BYTES, RecordKind } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { StoreOutcome } from '../../protocol/pb/node-replica.js'
import { recordKey } from '../../protocol/records.js'
import type { AckProof, FetchGrant, MailboxListener, MailboxService, NodeComponents, RecordService, RelayDirectory, StoreResult } from '../components.js'
import { fromHex } from '../store/keys.js'
import { ACK_SPREAD, ACK_SPREAD_SETTLE_MS, DEFAULT_FETCH_LIMIT, EXPIRY_INTERVAL_MS, WATCH_TTL_MS, HANDOVER_INTERVAL_MS, INBOUND_TIMEOUT_MS, MAX_ACK_IDS, MAX_FETCH_LIMIT, PIPELINE_MAX_PENDING, PIPELINED_STREAMS_PER_PEER, PUSHED_MEMORY, REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED, STORE_RETRY_TIMEOUT_MS, STORE_TIMEOUT_MS, UNREACHABLE_PROBE_BUDGET_MS } from './constants.js'
import { deviceIdFor, storedProof, verifyAckEvidence, type AckEvidence } from './ack-proof.js'
import { EnvelopeStore, hexOf, type PutResult } from './envelope-store.js'
import { ExpiryPurger } from './expiry.js'
import { HandoverScheduler, jitter, type HandoverReport } from './handover.js'
import { ReplicaClient } from './replica-client.js'
import { replicaAnswerer, replicaUnreadable } from './replica-protocol.js'
import { servePipelined } from './pipeline.js'
import { asTyped, serve } from './rpc.js'
import { checkLocalEnvelope, type CheckedEnvelope } from './validate.js'
import { WatcherTable } from './watchers.js'
import { MailboxWatching } from './watching.js'

export interface MailboxServiceInit {
  relays: RelayDirectory
  records: RecordService
  /** clock (tests move it) @default Date.now */
  now?: () => number
  /** @default HANDOVER_INTERVAL_MS (30 s) */
  handoverIntervalMs?: number
  /** @default EXPIRY_INTERVAL_MS (60 s) */
  expiryIntervalMs?: number
  /** how often an entry node renews its watches @default WATCH_REFRESH_MS */
  watchRefreshMs?: number
}

/** The service plus hooks for tests, the simulator and `node status`. */
export interface MailboxServiceNode extends MailboxService {
  /** run a handover now (after the one in progress) */
  handover: () => Promise<HandoverReport | undefined>
  /** purge expired envelopes now; resolves with how many were purged */
  purgeExpired: () => Promise<number>
  /** bytes of envelopes held here */
  storedBytes: () => number
  /** relays watching mailboxes held here (tests, status) */
  watcherCount: () => number
}

/** Replica refusals reported in this order when the quorum fails; timeouts and unreachable replicas are ErrorCode.Unavailable. */
const FAILURE_PRECEDENCE = [ErrorCode.QuotaExceeded, ErrorCode.Expired, ErrorCode.TooLarge, ErrorCode.Invalid]

/** What one write round of store() achieved. */
interface WriteRound {
  /** replicas (peer id strings) holding the envelope */
  ok: string[]
  failures: RelaymeshError[]
  /** replicas that could not be reached or did not answer in time */
  unreachable: PeerId[]
  /** some replica had it acknowledged already */
  acked: boolean
  /** the caller's signal fired */
  aborted: boolean
}

/** A transport failure (dial, reset, timeout), as opposed to a replica's answer. */
function isUnreachable (err: unknown): boolean {
  return RelaymeshError.is(err) && (err.code === ErrorCode.Unavailable || err.code === ErrorCode.Timeout)
}

function sameSet (a: PeerId[], b: PeerId[]): boolean {
  return a.length === b.length && a.every((p) => b.some((q) => q.equals(p)))
}

/** `p`, or undefined once `ms` passed or `signal` fired (p goes on in the background). */
async function withDeadline<T> (p: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  const stop = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => { resolve(undefined) }, ms)
    onAbort = () => { resolve(undefined) }
    signal?.addEventListener('abort', onAbort)
  })
  try {
    return await Promise.race([p, stop])
  } finally {
    clearTimeout(timer)
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
  }
}

/** A bounded set remembering the newest keys (insertion order). */
class RecentSet {
  private readonly keys = new Set<string>()
  constructor (private readonly max: number) {}
  /** true when newly added */
  add (key: string): boolean {
    if (this.keys.has(key)) return false
    this.keys.add(key)
    if (this.keys.size > this.max) {
      const oldest = this.keys.values().next().value
      if (oldest !== undefined) this.keys.delete(oldest)
    }
    return true
  }

  has (key: string): boolean { return this.keys.has(key) }
}

export function createMailboxService (components: NodeComponents, init: MailboxServiceInit): MailboxServiceNode {
  const { host, config, log, metrics, shutdown } = components
  const { relays, records } = init
  const now = init.now ?? Date.now
  const self = host.peerId
  const envelopes = new EnvelopeStore({ store: components.store, limits: config.limits, envelopeTtlMs: config.envelopeTtlMs, metrics, log, now })
  const client = new ReplicaClient({ host, limits: config.limits, shutdown, log })
  const listeners = new Map<string, Set<MailboxListener>>()
  const pushed = new RecentSet(PUSHED_MEMORY)
  const delivered = new RecentSet(PUSHED_MEMORY)
  const watchers = new WatcherTable(WATCH_TTL_MS)
  const handoverDeps = { components, relays, envelopes, client, now }
  const scheduler = new HandoverScheduler(handoverDeps, init.handoverIntervalMs ?? HANDOVER_INTERVAL_MS)
  const purger = new ExpiryPurger(envelopes, log, now, init.expiryIntervalMs ?? EXPIRY_INTERVAL_MS)
  let started = false
  /** when the live relay set last changed (start counts as a change): acks spread wider for a while after */
  let relaySetChangedAt = now()
  let unsubscribeRelays: (() => void) | undefined

  const rules = (): { now: number, envelopeTtlMs: number, maxEnvelopeBytes: number } =>
    ({ now: now(), envelopeTtlMs: config.envelopeTtlMs, maxEnvelopeBytes: config.limits.maxEnvelopeBytes })

  const isRelay = (peer: PeerId): boolean => relays.isAdmitted(peer)

  /** Push to devices attached here, each envelope at most once per node. */
  const deliverLocal = (list: CheckedEnvelope[]): number => {
    let n = 0
    for (const { env } of list) {
      const m = hexOf(env.mailbox)
      const set = listeners.get(m)
      if (set === undefined || set.size === 0) continue
      if (!pushed.add(`${m}!${hexOf(env.id)}`)) continue
      for (const l of set) {
        try {
          l.push(env)
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'push to an attached device failed (it can still fetch)')
        }
      }
      metrics.envelopesPushed.inc()
      n++
    }
    return n
  }

  /**
   * Envelopes this node newly stored as a replica: push them to devices attached here and
   * to the relays watching their mailboxes (best effort, each envelope once per relay).
   */
  const notify = (list: CheckedEnvelope[]): void => {
    deliverLocal(list)
    const t = now()
    for (const checked of list) {
      const m = hexOf(checked.env.mailbox)
      for (const target of watchers.watchers(m, t)) {
        if (target.equals(self)) continue
        if (!delivered.add(`${target.toString()}!${m}!${hexOf(checked.env.id)}`)) continue
        client.deliver(target, checked.bytes)
      }
    }
  }

  /** After a store: push to a device attached here (the replicas push to the relays watching the mailbox). */
  const forward = (checked: CheckedEnvelope): void => {
    if ((listeners.get(hexOf(checked.env.mailbox))?.size ?? 0) > 0) deliverLocal([checked])
  }

  const replicasOf = (mailbox: Uint8Array): PeerId[] => relays.closest(mailbox, config.replicas)

  /** A replica request failed as unreachable: let the directory probe it (it drops the peer if the probe fails too). */
  const suspect = async (peer: PeerId, err: unknown): Promise<boolean> => {
    if (shutdown.aborted || peer.equals(self) || !isUnreachable(err)) return false
    return await relays.reportUnreachable(peer)
  }

  /**
   * One write round: send the envelope to every replica not yet holding it and
   * settle as soon as `quorum` of `replicas` persisted it (those in `already`
   * count) or when that can no longer happen, or after `timeoutMs`. Writes
   * still out when it settles go on in the background.
   */
  const writeRound = async (checked: CheckedEnvelope, replicas: PeerId[], already: Set<string>, timeoutMs: number, signal?: AbortSignal): Promise<WriteRound> => {
    const quorum = config.writeQuorum
    const round: WriteRound = { ok: replicas.filter((p) => already.has(p.toString())).map(String), failures: [], unreachable: [], acked: false, aborted: false }
    const pending = new Map<string, PeerId>()
    return await new Promise<WriteRound>((resolve) => {
      let settled = false
      const finish = (): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        resolve({ ...round, ok: round.ok.slice(), failures: round.failures.slice(), unreachable: round.unreachable.slice() })
      }
      const check = (): void => {
        if (round.ok.length >= quorum || round.failures.length > replicas.length - quorum) finish()
      }
      const onAbort = (): void => { round.aborted = true; finish() }
      const timer = setTimeout(() => {
        round.failures.push(new RelaymeshError(ErrorCode.Timeout, `replicas did not answer within ${timeoutMs} ms`))
        // a replica silent this long is as suspect as one refusing connections
        round.unreachable.push(...pending.values())
        finish()
      }, timeoutMs)
      signal?.addEventListener('abort', onAbort)
      if (signal?.aborted === true) onAbort()
      for (const replica of replicas) {
        const id = replica.toString()
        if (already.has(id)) continue
        pending.set(id, replica)
        const write: Promise<PutResult> = replica.equals(self)
          ? envelopes.put([checked]).then((r) => {
            const put = r[0] as PutResult
            if (put.outcome === StoreOutcome.STORE_STORED) notify([checked])
            return put
          })
          : client.store(replica, checked.bytes, timeoutMs)
        write.then((r) => {
          pending.delete(id)
          if (settled) return
          if (r.outcome === StoreOutcome.STORE_REJECTED) {
            round.failures.push(new RelaymeshError(r.errorCode ?? ErrorCode.Unavailable, `${id}: ${r.message ?? r.errorCode ?? 'rejected'}`))
          } else {
            if (r.outcome === StoreOutcome.STORE_ACKED) round.acked = true
            round.ok.push(id)
          }
          check()
        }, (err: unknown) => {
          pending.delete(id)
          if (settled) { void suspect(replica, err); return }
          const typed = asTyped(err, shutdown, id)
          round.failures.push(typed)
          if (isUnreachable(typed) && !replica.equals(self)) round.unreachable.push(replica)
          check()
        })
      }
      check()
    })
  }

  const store = async (envelope: Envelope, options: { signal?: AbortSignal } = {}): Promise<StoreResult> => {
    const checked = checkLocalEnvelope(envelope, rules())
    // The quorum is the configured one, always: a node that believes it is alone (before
    // bootstrap, after a long partition) refuses rather than answer "stored" with fewer
    // copies. A mesh smaller than k stores on every relay it has (the k closest are then
    // all of them) and the answer names each. A single-node deployment says so with quorum 1.
    const quorum = config.writeQuorum
    let replicas = replicasOf(checked.env.mailbox)
    if (replicas.length < quorum) throw tooFewRelays(replicas.length, quorum)
    let round = await writeRound(checked, replicas, new Set(), STORE_TIMEOUT_MS, options.signal)
    if (round.ok.length < quorum && !round.aborted && round.unreachable.length > 0 && !shutdown.aborted) {
      // Some replicas look dead. The directory probes them (a short dial or ping, in
      // parallel) and drops those that fail; then the k closest live relays are computed
      // again and the write goes, once, to the ones that do not hold it yet. Strict quorum
      // among the k closest live relays still holds; handover moves the rest later.
      const dropped = await withDeadline(Promise.all(round.unreachable.map(async (p) => await suspect(p, new RelaymeshError(ErrorCode.Unavailable, 'store failed')))),
        UNREACHABLE_PROBE_BUDGET_MS, options.signal)
      const next = replicasOf(checked.env.mailbox)
      if (dropped?.some((d) => d) === true && !sameSet(next, replicas) && next.length >= quorum && options.signal?.aborted !== true) {
        log.debug({ mailbox: hexOf(checked.env.mailbox), dropped: round.unreachable.map(String) }, 'store: retrying on the new replica set')
        replicas = next
        const first = round
        round = await writeRound(checked, replicas, new Set(first.ok), STORE_RETRY_TIMEOUT_MS, options.signal)
        round.acked ||= first.acked
        round.failures.unshift(...first.failures)
      }
    }
    if (round.aborted) throw new RelaymeshError(ErrorCode.Timeout, 'store aborted by the caller')
    if (round.ok.length < quorum) throw quorumError(quorum, replicas.length, round)
    // an envelope acknowledged earlier was delivered already: do not push it again
    if (!round.acked) forward(checked)
    return { replicas: round.ok }
  }

  const fetch = async (mailbox: Uint8Array, options: { limit?: number, after?: string, signal?: AbortSignal, grant?: FetchGrant } = {}): Promise<Envelope[]> => {
    checkMailbox(mailbox)
    if (options.after !== undefined && !/^[0-9a-f]{32}$/.test(options.after)) {
      throw new RelaymeshError(ErrorCode.Invalid, 'fetch: after must be an envelope id in lowercase hex')
    }
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_FETCH_LIMIT, MAX_FETCH_LIMIT))
    const m = hexOf(mailbox)
    const replicas = replicasOf(mailbox)
    // a replica lists the others' copies on its own standing; any other node shows the device's grant
    const selfReplica = replicas.some((p) => p.equals(self))
    // this node's own copies count too (a replica, or still handing over)
    const sources: Array<PeerId | 'self'> = replicas.map((p) => p.equals(self) ? 'self' : p)
    if (!sources.includes('self')) sources.push('self')
    const { maxFrameBytes, maxEnvelopeBytes } = config.limits
    const done = new Set<number>()
    const pool = new Map<string, Envelope>()
    const out: Envelope[] = []
    let bytes = 0
    let cursor = options.after
    let answered = 0
    for (let round = 0; out.length < limit && bytes < maxFrameBytes; round++) {
      const want = limit - out.length
      const ask = sources.map((s, n) => ({ s, n })).filter(({ n }) => !done.has(n))
      if (ask.length === 0) break
      const answers = await Promise.allSettled(ask.map(async ({ s }) => s === 'self'
        ? await envelopes.list(m, { ...(cursor !== undefined ? { after: cursor } : {}), limit: want, maxBytes: maxFrameBytes })
        : await client.fetch(s, mailbox, cursor !== undefined ? fromHex(cursor) : undefined, want, options.signal, selfReplica ? undefined : options.grant)))
      let cutoff: string | undefined
      answers.forEach((a, k) => {
        const { s, n } = ask[k] as { s: PeerId | 'self', n: number }
        if (a.status === 'rejected') {
          done.add(n)
          if (s !== 'self') void suspect(s, a.reason)
          log.debug({ replica: s.toString(), err: (a.reason as Error).message }, 'fetch: replica did not answer')
          return
        }
        if (round === 0) answered++
        let last: string | undefined
        for (const bytes of a.value.envelopes) {
          const env = safeDecode(bytes, maxEnvelopeBytes)
          if (env === undefined) continue
          const i = hexOf(env.id)
          last = i
          if (hexOf(env.mailbox) !== m || env.expiresAt <= now() || (cursor !== undefined && i <= cursor)) continue
          pool.set(i, env)
        }
        if (a.value.more && last !== undefined) {
          if (cutoff === undefined || last < cutoff) cutoff = last
        } else {
          done.add(n)
        }
      })
      if (round === 0 && answered === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'fetch: no replica of the mailbox answered')
      // below the cutoff every source has answered completely: those ids are final, in order
      const ready = [...pool.keys()].filter((i) => cutoff === undefined || i <= cutoff).sort()
      for (const i of ready) {
        const env = pool.get(i) as Envelope
        pool.delete(i)
        if (out.length >= limit) break
        out.push(env)
        bytes += env.payload.byteLength + 64
      }
      if (cutoff === undefined) break
      cursor = cutoff
    }
    return out.slice(0, limit)
  }

  /** The evidence replicas check for a device's ack: its signature and the user's latest signed device list. */
  const evidenceFor = async (mailbox: Uint8Array, ids: Uint8Array[], proof: AckProof): Promise<AckEvidence> => {
    const deviceList = await records.get(recordKey(RecordKind.DeviceList, proof.userId))
    if (deviceList === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: no device list is known for this user')
    const evidence = { signature: proof.signature, deviceList, deviceId: deviceIdFor(deviceList, mailbox, now(), components.recordCache) }
    // checked here too, so a bad proof fails at once with its own code rather than as "no replica applied it"
    verifyAckEvidence(mailbox, ids, evidence, now(), components.recordCache)
    return evidence
  }

  const ack = async (mailbox: Uint8Array, ids: Uint8Array[], options: { signal?: AbortSignal, proof?: AckProof } = {}): Promise<void> => {
    checkMailbox(mailbox)
    for (const id of ids) {
      if (id.byteLength !== ENVELOPE_ID_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `ack: envelope id must be ${ENVELOPE_ID_BYTES} bytes`)
    }
    if (ids.length === 0) return
    // the device signed all ids at once: they travel in one request (the client API allows 1,024)
    if (ids.length > MAX_ACK_IDS) throw new RelaymeshError(ErrorCode.TooLarge, `ack: more than ${MAX_ACK_IDS} ids`)
    const m = hexOf(mailbox)
    // nothing is deleted anywhere, here included, without the device's signed acknowledgement
    if (options.proof === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: the device\'s signed acknowledgement is required')
    const evidence = await evidenceFor(mailbox, ids, options.proof)
    const proof = storedProof(ids, evidence)
    const replicas = replicasOf(mailbox)
    const selfHolds = (await envelopes.usage(m)).count > 0
    const hexIds = ids.map(hexOf)
    const send = async (targets: Array<PeerId | 'self'>): Promise<{ applied: number, failed: number, errors: string[] }> => {
      const results = await Promise.allSettled(targets.map(async (t) => t === 'self'
        ? await envelopes.ack(m, hexIds, proof)
        : await client.ack(t, mailbox, ids, evidence, options.signal)))
      const errors: string[] = []
      results.forEach((r, n) => {
        if (r.status === 'fulfilled') return
        errors.push((r.reason as Error).message)
        const t = targets[n]
        if (t !== undefined && t !== 'self') void suspect(t, r.reason)
      })
      return { applied: results.length - errors.length, failed: errors.length, errors }
    }
    // The k replicas, and (right after churn, or when a replica missed it) the next k: stand-ins and
    // returning replicas hold copies then. An ack that misses one still reaches it through handover
    // (tombstone digests), so in a settled mesh the k replicas are enough.
    const spread = relays.closest(mailbox, ACK_SPREAD * config.replicas)
    const settled = now() - relaySetChangedAt >= (config.ackSpreadSettleMs ?? ACK_SPREAD_SETTLE_MS)
    const first: Array<PeerId | 'self'> = (settled ? replicas : spread).map((p) => p.equals(self) ? 'self' : p)
    if (selfHolds && !first.includes('self')) first.push('self')
    const r1 = await send(first)
    let applied = r1.applied
    const errors = r1.errors
    if (settled && r1.failed > 0) {
      const rest = spread.filter((p) => !first.some((t) => t !== 'self' && t.equals(p)) && !(p.equals(self) && first.includes('self')))
      const r2 = await send(rest.map((p) => p.equals(self) ? 'self' : p))
      applied += r2.applied
      errors.push(...r2.errors)
    }
    // a replica that missed the ack learns it from the others at the next handover (SYNC answers "acked")
    if (applied === 0) throw new RelaymeshError(ErrorCode.Unavailable, `ack: no replica answered (${errors.join('; ')})`)
    if (errors.length > 0) log.debug({ errors }, 'ack: some replicas did not answer')
  }

  const attach = (mailbox: Uint8Array, listener: MailboxListener): (() => void) => {
    checkMailbox(mailbox)
    const m = hexOf(mailbox)
    let set = listeners.get(m)
    if (set === undefined) { set = new Set(); listeners.set(m, set) }
    set.add(listener)
    return () => {
      const s = listeners.get(m)
      s?.delete(listener)
      if (s?.size === 0) listeners.delete(m)
    }
  }

  const watching = new MailboxWatching({ self, replicasOf, client, log, ...(init.watchRefreshMs !== undefined ? { refreshMs: init.watchRefreshMs } : {}) })
  const watch = async (mailbox: Uint8Array, grant: FetchGrant, options: { signal?: AbortSignal } = {}): Promise<() => void> => {
    checkMailbox(mailbox)
    return await watching.start(mailbox, grant, options.signal)
  }
  let watcherPurge: NodeJS.Timeout | undefined

  const start = async (): Promise<void> => {
    if (started) return
    await envelopes.open()
    const answer = replicaAnswerer({ components, envelopes, isRelay, closest: (key, count) => relays.closest(key, count), deliverLocal, onStored: notify, watchers, now })
    // admission is checked before a byte of the request is read
    const admit = (peer: PeerId): RelaymeshError | undefined => isRelay(peer) ? undefined : new RelaymeshError(ErrorCode.Unauthorized, 'the replica protocol is for admitted relays')
    await serve(host, {
      protocol: REPLICA_PROTOCOL,
      maxFrameBytes: config.limits.maxFrameBytes,
      maxInboundStreams: config.limits.maxStreamsPerPeer,
      timeoutMs: INBOUND_TIMEOUT_MS,
      readTimeoutMs: config.limits.frameReadTimeoutMs,
      budget: (connection) => components.inbound.for(connection),
      shutdown,
      log,
      admit: (connection) => admit(connection.remotePeer),
      answer,
      unreadable: replicaUnreadable
    })
    // the pipelined version: many requests per long-lived stream (protocol/rpc-pipeline.ts)
    await host.handle(REPLICA_PROTOCOL_PIPELINED, (stream, connection) => {
      void servePipelined(stream, {
        maxFrameBytes: config.limits.maxFrameBytes,
        maxPending: PIPELINE_MAX_PENDING,
        timeoutMs: INBOUND_TIMEOUT_MS,
        frameTimeoutMs: config.limits.frameReadTimeoutMs,
        idleTimeoutMs: config.limits.streamIdleTimeoutMs,
        budget: components.inbound.for(connection),
        admit: () => admit(connection.remotePeer),
        shutdown,
        answer: async (frame) => await answer(frame, connection),
        unreadable: replicaUnreadable,
        onError: (err) => { log.debug({ err: err.message, peer: connection.remotePeer.toString() }, 'pipelined replica stream ended') }
      })
    }, { maxInboundStreams: PIPELINED_STREAMS_PER_PEER, maxOutboundStreams: PIPELINED_STREAMS_PER_PEER })
    relaySetChangedAt = now()
    // the replicas of a watched mailbox may be others now: renew the watches
    unsubscribeRelays = relays.onChange(() => { relaySetChangedAt = now(); watching.renewAll() })
    watcherPurge = setInterval(() => { watchers.purge(now()) }, WATCH_TTL_MS)
    watcherPurge.unref()
    started = true
    // a (re)started node reconciles soon: it may have missed writes while down
    scheduler.start(jitter(2_000))
    purger.start(jitter(5_000))
  }

  const stop = async (): Promise<void> => {
    if (!started) return
    started = false
    unsubscribeRelays?.()
    unsubscribeRelays = undefined
    clearInterval(watcherPurge)
    watching.close()
    await host.unhandle([REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED]).catch(() => {})
    await scheduler.stop()
    await purger.stop()
    // every write already queued reaches the disk before the store closes
    await envelopes.close()
    client.close()
  }

  return {
    start,
    stop,
    store,
    fetch,
    ack,
    attach,
    watch,
    handover: async () => await scheduler.runNow(),
    purgeExpired: async () => await purger.purgeNow(),
    storedBytes: () => envelopes.bytesStored(),
    watcherCount: () => watchers.size
  }
}

function checkMailbox (mailbox: Uint8Array): void {
  if (!(mailbox instanceof Uint8Array) || mailbox.byteLength !== MAILBOX_ADDRESS_BYTES) {
    throw new RelaymeshError(ErrorCode.Invalid, `mailbox: expected ${MAILBOX_ADDRESS_BYTES} bytes`)
  }
}

function safeDecode (bytes: Uint8Array, max: number): Envelope | undefined {
  try {
    return decode(Envelope, bytes, max, 'Envelope')
  } catch {
    return undefined
  }
}

function plural (n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Fewer relays known than the write quorum: nothing was sent anywhere. */
export function tooFewRelays (known: number, quorum: number): RelaymeshError {
  return new RelaymeshError(ErrorCode.Unavailable, `${plural(known, 'relay')} reachable, ${quorum} needed (the write quorum)`)
}

function quorumError (quorum: number, replicas: number, round: WriteRound): RelaymeshError {
  const { failures } = round
  const code = FAILURE_PRECEDENCE.find((c) => failures.some((f) => f.code === c)) ?? ErrorCode.Unavailable
  const why = failures.map((f) => f.message).join('; ')
  if (code === ErrorCode.Unavailable) {
    // replicas that could not be reached (or did not answer): say how many there were
    const reachable = Math.max(round.ok.length, replicas - new Set(round.unreachable.map(String)).size)
    return new RelaymeshError(code, `${plural(reachable, 'relay')} reachable, ${quorum} needed: stored on ${round.ok.length} of ${replicas} replicas, not enough (${why})`)
  }
  return new RelaymeshError(code, `write quorum ${quorum} of ${replicas} replicas not reached (${round.ok.length} stored): ${why}`)
}
