// Store-and-forward (DESIGN "Mailboxes"): an envelope lives on the k relays
// closest to its mailbox address, computed locally from the relay directory
// (no DHT query on the message path). store() answers once writeQuorum of
// them persisted it with a synced LevelDB write; fetch() unions what the
// replicas hold; ack() deletes everywhere and leaves tombstones; handover and
// expiry run in the background. Live pushes: each replica pushes what it
// newly stored to the relays watching the mailbox (WATCH, watchers.ts), the
// relays its device is attached to (watching.ts). The protocol is in
// docs/protocol.md §10 (WATCH).
// This module wires the parts: quorum-store.ts (store), fetch-path.ts
// (fetch), ack-path.ts (ack), delivery.ts (pushes to attached devices and
// watchers), replica-server.ts (the replica protocol's handlers).
import type { PeerId } from '@libp2p/interface'
import type { Envelope } from '../../protocol/pb/envelope.js'
import type { AckProof, FetchGrant, MailboxListener, MailboxService, NodeComponents, RecordService, RelayDirectory, StoreResult } from '../components.js'
import { EXPIRY_INTERVAL_MS, WATCH_TTL_MS, HANDOVER_INTERVAL_MS, ONLINE_ONLY_MAX_BYTES } from './constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ackEnvelopes, type AckDeps } from './ack-path.js'
import { MailboxDelivery } from './delivery.js'
import { EnvelopeStore } from './envelope-store.js'
import { ExpiryPurger } from './expiry.js'
import { fetchMailbox, type FetchDeps, type FetchOptions } from './fetch-path.js'
import { HandoverScheduler, jitter, type HandoverReport } from './handover.js'
import { quorumStore, type QuorumStoreDeps } from './quorum-store.js'
import { ReplicaClient } from './replica-client.js'
import { serveReplicaProtocols, stopServingReplicaProtocols } from './replica-server.js'
import { createSuspect } from './replica-suspicion.js'
import { checkLocalEnvelope, checkMailbox, type EnvelopeRules } from './validate.js'
import { WatcherTable } from './watchers.js'
import { MailboxWatching } from './watching.js'

export { tooFewRelays } from './quorum-store.js'

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

export function createMailboxService (components: NodeComponents, init: MailboxServiceInit): MailboxServiceNode {
  const { host, config, log, metrics, shutdown } = components
  const { relays, records } = init
  const now = init.now ?? Date.now
  const self = host.peerId
  const client = new ReplicaClient({ host, limits: config.limits, shutdown, log })
  const watchers = new WatcherTable(WATCH_TTL_MS)
  const delivery = new MailboxDelivery({ self, client, watchers, metrics, log, now })
  // an acknowledged envelope needs no backup push
  const envelopes = new EnvelopeStore({ store: components.store, limits: config.limits, envelopeTtlMs: config.envelopeTtlMs, metrics, log, now, onAcked: delivery.acked })
  const handoverDeps = { components, relays, envelopes, client, now }
  const scheduler = new HandoverScheduler(handoverDeps, init.handoverIntervalMs ?? HANDOVER_INTERVAL_MS)
  const purger = new ExpiryPurger(envelopes, log, now, init.expiryIntervalMs ?? EXPIRY_INTERVAL_MS)
  let started = false
  /** when the live relay set last changed (start counts as a change): acks spread wider for a while after */
  let relaySetChangedAt = now()
  let unsubscribeRelays: (() => void) | undefined

  const rules = (): EnvelopeRules =>
    ({ now: now(), envelopeTtlMs: config.envelopeTtlMs, maxEnvelopeBytes: config.limits.maxEnvelopeBytes })

  const isRelay = (peer: PeerId): boolean => relays.isAdmitted(peer)
  const replicasOf = (mailbox: Uint8Array): PeerId[] => relays.closest(mailbox, config.replicas)
  const suspect = createSuspect({ self, relays, shutdown })

  const storeDeps: QuorumStoreDeps = { self, config, envelopes, client, log, shutdown, rules, replicasOf, suspect, notify: delivery.notify, forward: delivery.forward }
  const store = async (envelope: Envelope, options: { signal?: AbortSignal } = {}): Promise<StoreResult> =>
    await quorumStore(storeDeps, envelope, options)

  const fetchDeps: FetchDeps = { self, config, envelopes, client, log, now, replicasOf, suspect }
  const fetch = async (mailbox: Uint8Array, options: FetchOptions = {}): Promise<Envelope[]> =>
    await fetchMailbox(fetchDeps, mailbox, options)

  const ackDeps: AckDeps = { self, config, relays, records, recordCache: components.recordCache, envelopes, client, log, now, replicasOf, suspect, relaySetChangedAt: () => relaySetChangedAt }
  const ack = async (mailbox: Uint8Array, ids: Uint8Array[], options: { signal?: AbortSignal, proof?: AckProof } = {}): Promise<void> => {
    await ackEnvelopes(ackDeps, mailbox, ids, options)
  }

  const pushOnline = async (envelope: Envelope, options: { signal?: AbortSignal } = {}): Promise<{ replicas: number }> => {
    const checked = checkLocalEnvelope(envelope, rules())
    if (checked.env.payload.byteLength > ONLINE_ONLY_MAX_BYTES) throw new RelaymeshError(ErrorCode.TooLarge, `online-only payload over ${ONLINE_ONLY_MAX_BYTES} bytes`)
    const replicas = replicasOf(checked.env.mailbox)
    // a device attached here gets it now; a replica pushes it to the relays watching the mailbox (never stored)
    delivery.deliverLocal([checked])
    const here = replicas.some((p) => p.equals(self))
    if (here) delivery.notifyOnline([checked])
    const others = replicas.filter((p) => !p.equals(self))
    const answers = await Promise.allSettled(others.map(async (p) => await client.pushOnline(p, checked.bytes, options.signal)))
    answers.forEach((a, i) => { if (a.status === 'rejected') log.debug({ replica: others[i]?.toString(), err: (a.reason as Error).message }, 'online-only push not taken by a replica') })
    return { replicas: answers.filter((a) => a.status === 'fulfilled').length + (here ? 1 : 0) }
  }

  const attach = (mailbox: Uint8Array, listener: MailboxListener): (() => void) => {
    checkMailbox(mailbox)
    return delivery.attach(mailbox, listener)
  }

  const watching = new MailboxWatching({ self, replicasOf, client, log, ...(init.watchRefreshMs !== undefined ? { refreshMs: init.watchRefreshMs } : {}) })
  const watch = async (mailbox: Uint8Array, grant: FetchGrant, options: { wait?: AbortSignal } = {}): Promise<() => void> => {
    checkMailbox(mailbox)
    return await watching.start(mailbox, grant, options.wait)
  }
  let watcherPurge: NodeJS.Timeout | undefined

  const start = async (): Promise<void> => {
    if (started) return
    await envelopes.open()
    await serveReplicaProtocols({ components, envelopes, isRelay, closest: (key, count) => relays.closest(key, count), deliverLocal: delivery.deliverLocal, onStored: delivery.notify, onOnline: delivery.notifyOnline, watchers, now })
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
    delivery.close()
    await stopServingReplicaProtocols(host)
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
    pushOnline,
    handover: async () => await scheduler.runNow(),
    purgeExpired: async () => await purger.purgeNow(),
    storedBytes: () => envelopes.bytesStored(),
    watcherCount: () => watchers.size
  }
}
