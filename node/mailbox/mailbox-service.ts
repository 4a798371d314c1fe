// Store-and-forward (DESIGN "Mailboxes"): an envelope lives on the k relays
// closest to its mailbox address, computed locally from the relay directory
// (no DHT query on the message path). store() answers once writeQuorum of
// them persisted it with a synced LevelDB write; fetch() unions what the
// replicas hold; ack() deletes everywhere and leaves tombstones; handover and
// expiry run in the background. The protocol is in docs/protocol/node-replica.md.
import type { PeerId } from '@libp2p/interface'
import { decode } from '../../protocol/codec.js'
import { ENVELOPE_ID_BYTES, MAILBOX_ADDRESS_BYTES } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { StoreOutcome } from '../../protocol/pb/node-replica.js'
import type { MailboxListener, MailboxService, NodeComponents, RecordService, RelayDirectory, StoreResult } from '../components.js'
import { fromHex } from '../store/keys.js'
import { ACK_SPREAD, DEFAULT_FETCH_LIMIT, EXPIRY_INTERVAL_MS, HANDOVER_INTERVAL_MS, INBOUND_TIMEOUT_MS, MAX_ACK_IDS, MAX_FETCH_LIMIT, PUSHED_MEMORY, REPLICA_PROTOCOL, STORE_TIMEOUT_MS } from './constants.js'
import { EnvelopeStore, hexOf, type PutResult } from './envelope-store.js'
import { ExpiryPurger } from './expiry.js'
import { HandoverScheduler, jitter, type HandoverReport } from './handover.js'
import { ReplicaClient } from './replica-client.js'
import { replicaAnswerer, replicaUnreadable } from './replica-protocol.js'
import { asTyped, serve } from './rpc.js'
import { checkLocalEnvelope, type CheckedEnvelope } from './validate.js'

export interface MailboxServiceInit {
  relays: RelayDirectory
  records: RecordService
  /** clock (tests move it) @default Date.now */
  now?: () => number
  /** @default HANDOVER_INTERVAL_MS (30 s) */
  handoverIntervalMs?: number
  /** @default EXPIRY_INTERVAL_MS (60 s) */
  expiryIntervalMs?: number
}

/** The service plus hooks for tests, the simulator and `node status`. */
export interface MailboxServiceNode extends MailboxService {
  /** run a handover now (after the one in progress) */
  handover: () => Promise<HandoverReport | undefined>
  /** purge expired envelopes now; resolves with how many were purged */
  purgeExpired: () => Promise<number>
  /** bytes of envelopes held here */
  storedBytes: () => number
}

/** Replica refusals reported in this order when the quorum fails; timeouts and unreachable replicas are ErrorCode.Unavailable. */
const FAILURE_PRECEDENCE = [ErrorCode.QuotaExceeded, ErrorCode.Expired, ErrorCode.TooLarge, ErrorCode.Invalid]

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
  const handoverDeps = { components, relays, envelopes, client, now }
  const scheduler = new HandoverScheduler(handoverDeps, init.handoverIntervalMs ?? HANDOVER_INTERVAL_MS)
  const purger = new ExpiryPurger(envelopes, log, now, init.expiryIntervalMs ?? EXPIRY_INTERVAL_MS)
  let started = false

  const rules = (): { now: number, envelopeTtlMs: number, maxEnvelopeBytes: number } =>
    ({ now: now(), envelopeTtlMs: config.envelopeTtlMs, maxEnvelopeBytes: config.limits.maxEnvelopeBytes })

  const isRelay = (peer: PeerId): boolean => relays.peers().some((p) => p.equals(peer))

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

  /** After a store: push here, or tell the node the device is attached to (best effort, once per node). */
  const forward = (checked: CheckedEnvelope): void => {
    const m = hexOf(checked.env.mailbox)
    if ((listeners.get(m)?.size ?? 0) > 0) {
      deliverLocal([checked])
      return
    }
    let target: PeerId | undefined
    try {
      target = records.attachedNode(checked.env.mailbox)
    } catch (err) {
      log.debug({ err: (err as Error).message }, 'presence lookup failed')
    }
    if (target === undefined || target.equals(self)) return
    if (!delivered.add(`${target.toString()}!${m}!${hexOf(checked.env.id)}`)) return
    client.deliver(target, checked.bytes)
  }

  const replicasOf = (mailbox: Uint8Array): PeerId[] => relays.closest(mailbox, config.replicas)

  const store = async (envelope: Envelope, options: { signal?: AbortSignal } = {}): Promise<StoreResult> => {
    const checked = checkLocalEnvelope(envelope, rules())
    const replicas = replicasOf(checked.env.mailbox)
    const quorum = config.writeQuorum
    if (replicas.length < quorum) {
      throw new RelaymeshError(ErrorCode.Unavailable, `only ${replicas.length} relays known: the write quorum is ${quorum}`)
    }
    let acked = false
    const persisted = await new Promise<string[]>((resolve, reject) => {
      const ok: string[] = []
      const failures: RelaymeshError[] = []
      let settled = false
      const finish = (err?: RelaymeshError): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        if (err === undefined) resolve(ok.slice())
        else reject(err)
      }
      const check = (): void => {
        if (ok.length >= quorum) finish()
        else if (failures.length > replicas.length - quorum) finish(quorumError(quorum, replicas.length, ok.length, failures))
      }
      const onAbort = (): void => { finish(new RelaymeshError(ErrorCode.Timeout, 'store aborted by the caller')) }
      const timer = setTimeout(() => {
        failures.push(new RelaymeshError(ErrorCode.Timeout, `replicas did not answer within ${STORE_TIMEOUT_MS} ms`))
        finish(quorumError(quorum, replicas.length, ok.length, failures))
      }, STORE_TIMEOUT_MS)
      options.signal?.addEventListener('abort', onAbort)
      if (options.signal?.aborted === true) onAbort()
      for (const replica of replicas) {
        const write: Promise<PutResult> = replica.equals(self)
          ? envelopes.put([checked]).then((r) => r[0] as PutResult)
          : client.store(replica, checked.bytes, STORE_TIMEOUT_MS)
        write.then((r) => {
          if (r.outcome === StoreOutcome.STORE_REJECTED) {
            failures.push(new RelaymeshError(r.errorCode ?? ErrorCode.Unavailable, `${replica.toString()}: ${r.message ?? r.errorCode ?? 'rejected'}`))
          } else {
            if (r.outcome === StoreOutcome.STORE_ACKED) acked = true
            ok.push(replica.toString())
          }
          check()
        }, (err: unknown) => {
          failures.push(asTyped(err, shutdown, replica.toString()))
          check()
        })
      }
    })
    // an envelope acknowledged earlier was delivered already: do not push it again
    if (!acked) forward(checked)
    return { replicas: persisted }
  }

  const fetch = async (mailbox: Uint8Array, options: { limit?: number, after?: string, signal?: AbortSignal } = {}): Promise<Envelope[]> => {
    checkMailbox(mailbox)
    if (options.after !== undefined && !/^[0-9a-f]{32}$/.test(options.after)) {
      throw new RelaymeshError(ErrorCode.Invalid, 'fetch: after must be an envelope id in lowercase hex')
    }
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_FETCH_LIMIT, MAX_FETCH_LIMIT))
    const m = hexOf(mailbox)
    const replicas = replicasOf(mailbox)
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
        : await client.fetch(s, mailbox, cursor !== undefined ? fromHex(cursor) : undefined, want, options.signal)))
      let cutoff: string | undefined
      answers.forEach((a, k) => {
        const { s, n } = ask[k] as { s: PeerId | 'self', n: number }
        if (a.status === 'rejected') {
          done.add(n)
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

  const ack = async (mailbox: Uint8Array, ids: Uint8Array[], options: { signal?: AbortSignal } = {}): Promise<void> => {
    checkMailbox(mailbox)
    for (const id of ids) {
      if (id.byteLength !== ENVELOPE_ID_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `ack: envelope id must be ${ENVELOPE_ID_BYTES} bytes`)
    }
    if (ids.length === 0) return
    const m = hexOf(mailbox)
    // the k replicas and the next k: after churn, stand-ins and returning replicas hold copies
    // too; an ack that misses one still reaches it through handover (tombstone digests)
    const replicas = relays.closest(mailbox, ACK_SPREAD * config.replicas)
    const selfHolds = (await envelopes.usage(m)).count > 0
    const targets: Array<PeerId | 'self'> = replicas.map((p) => p.equals(self) ? 'self' : p)
    if (selfHolds && !targets.includes('self')) targets.push('self')
    let ok = 0
    const errors: string[] = []
    for (let start = 0; start < ids.length; start += MAX_ACK_IDS) {
      const chunk = ids.slice(start, start + MAX_ACK_IDS)
      const results = await Promise.allSettled(targets.map(async (t) => t === 'self'
        ? await envelopes.ack(m, chunk.map(hexOf))
        : await client.ack(t, mailbox, chunk, options.signal)))
      ok = results.filter((r) => r.status === 'fulfilled').length
      for (const r of results) if (r.status === 'rejected') errors.push((r.reason as Error).message)
      // a replica that missed the ack learns it from the others at the next handover (SYNC answers "acked")
      if (ok === 0) throw new RelaymeshError(ErrorCode.Unavailable, `ack: no replica answered (${errors.join('; ')})`)
    }
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

  const start = async (): Promise<void> => {
    if (started) return
    await envelopes.open()
    await serve(host, {
      protocol: REPLICA_PROTOCOL,
      maxFrameBytes: config.limits.maxFrameBytes,
      maxInboundStreams: config.limits.maxStreamsPerPeer,
      timeoutMs: INBOUND_TIMEOUT_MS,
      shutdown,
      log,
      answer: replicaAnswerer({ components, envelopes, isRelay, deliverLocal, now }),
      unreadable: replicaUnreadable
    })
    started = true
    // a (re)started node reconciles soon: it may have missed writes while down
    scheduler.start(jitter(2_000))
    purger.start(jitter(5_000))
  }

  const stop = async (): Promise<void> => {
    if (!started) return
    started = false
    await host.unhandle(REPLICA_PROTOCOL).catch(() => {})
    await scheduler.stop()
    await purger.stop()
    // every write already queued reaches the disk before the store closes
    await envelopes.close()
  }

  return {
    start,
    stop,
    store,
    fetch,
    ack,
    attach,
    handover: async () => await scheduler.runNow(),
    purgeExpired: async () => await purger.purgeNow(),
    storedBytes: () => envelopes.bytesStored()
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

function quorumError (quorum: number, replicas: number, ok: number, failures: RelaymeshError[]): RelaymeshError {
  const code = FAILURE_PRECEDENCE.find((c) => failures.some((f) => f.code === c)) ?? ErrorCode.Unavailable
  return new RelaymeshError(code, `write quorum ${quorum} of ${replicas} replicas not reached (${ok} stored): ${failures.map((f) => f.message).join('; ')}`)
}
