// Reconciliation and handover (DESIGN "Mailboxes": when the set of closest
// nodes changes, replicas reconcile and hand envelopes over). For every
// mailbox this node holds, its current k closest relays are computed
// locally; each other replica is sent a per-mailbox digest (SHA-256 of the
// sorted ids held) and only mailboxes whose digests differ are synced id by
// id. Missing envelopes are pushed; ids the peer has acknowledged become
// tombstones here too. A node that is no longer among the k closest deletes
// a local copy only after every current replica confirmed holding it (its
// own synced write, or a digest equal to ours).
import type { PeerId } from '@libp2p/interface'
import type { Loose } from '../../protocol/codec.js'
import { StoreOutcome, type MailboxDigest } from '../../protocol/pb/node-replica.js'
import type { NodeComponents, RelayDirectory } from '../components.js'
import { fromHex } from '../store/keys.js'
import { FRAME_MARGIN_BYTES, HANDOVER_BATCH, HANDOVER_CHANGE_DELAY_MS, HANDOVER_INTERVAL_MS, HANDOVER_PEER_CONCURRENCY, MAX_DIGEST_ENTRIES, MAX_SYNC_IDS } from './constants.js'
import type { EnvelopeStore } from './envelope-store.js'
import type { ReplicaClient } from './replica-client.js'

export interface HandoverDeps {
  components: NodeComponents
  relays: RelayDirectory
  envelopes: EnvelopeStore
  client: ReplicaClient
  now: () => number
}

export interface HandoverReport {
  /** mailboxes held here when the run started */
  mailboxes: number
  /** mailboxes whose digest differed on some replica */
  synced: number
  /** envelopes newly stored on another replica */
  sent: number
  /** local copies deleted after the replicas now responsible confirmed them */
  dropped: number
  /** local copies deleted because a replica had them acknowledged */
  tombstoned: number
  /** peers that could not be reconciled this run */
  failedPeers: number
}

interface Entry {
  mailbox: string
  digest: Loose<MailboxDigest>
  /** ids at digest time, only kept for mailboxes this node is leaving */
  ids?: string[]
}

/** Per mailbox this node is leaving: per replica, the ids it confirmed (undefined: not reconciled). */
type Confirmations = Map<string, Map<string, Set<string> | undefined>>

export async function runHandover (deps: HandoverDeps): Promise<HandoverReport> {
  const { components, relays, envelopes } = deps
  const self = components.host.peerId
  const k = components.config.replicas
  const report: HandoverReport = { mailboxes: 0, synced: 0, sent: 0, dropped: 0, tombstoned: 0, failedPeers: 0 }
  const perPeer = new Map<string, { peer: PeerId, entries: Entry[] }>()
  const leaving: Confirmations = new Map()
  const leavingIds = new Map<string, string[]>()

  for await (const mailbox of envelopes.mailboxes()) {
    if (components.shutdown.aborted) return report
    report.mailboxes++
    const replicas = relays.closest(fromHex(mailbox), k)
    const others = replicas.filter((p) => !p.equals(self))
    const d = await envelopes.digest(mailbox)
    if (d.count === 0) continue
    const isReplica = others.length < replicas.length
    let ids: string[] | undefined
    if (!isReplica && others.length > 0) {
      ids = await envelopes.ids(mailbox)
      leavingIds.set(mailbox, ids)
      leaving.set(mailbox, new Map(others.map((p) => [p.toString(), undefined])))
    }
    const entry: Entry = { mailbox, digest: { mailbox: fromHex(mailbox), digest: d.digest, count: d.count }, ...(ids !== undefined ? { ids } : {}) }
    for (const p of others) {
      const key = p.toString()
      let slot = perPeer.get(key)
      if (slot === undefined) { slot = { peer: p, entries: [] }; perPeer.set(key, slot) }
      slot.entries.push(entry)
    }
  }

  const peers = [...perPeer.values()]
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < peers.length && !components.shutdown.aborted) {
      const slot = peers[next++] as { peer: PeerId, entries: Entry[] }
      try {
        await reconcilePeer(deps, slot.peer, slot.entries, leaving, report)
      } catch (err) {
        report.failedPeers++
        components.log.debug({ peer: slot.peer.toString(), err: (err as Error).message }, 'handover: peer not reconciled')
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(HANDOVER_PEER_CONCURRENCY, peers.length) }, worker))

  // drop what every replica now responsible has confirmed
  for (const [mailbox, byPeer] of leaving) {
    const ids = leavingIds.get(mailbox) ?? []
    const confirmedEverywhere = ids.filter((id) => [...byPeer.values()].every((set) => set?.has(id) === true))
    if (confirmedEverywhere.length === 0) continue
    report.dropped += await envelopes.drop(mailbox, confirmedEverywhere)
  }
  return report
}

async function reconcilePeer (deps: HandoverDeps, peer: PeerId, entries: Entry[], leaving: Confirmations, report: HandoverReport): Promise<void> {
  const key = peer.toString()
  for (let start = 0; start < entries.length; start += MAX_DIGEST_ENTRIES) {
    const chunk = entries.slice(start, start + MAX_DIGEST_ENTRIES)
    const differ = new Set(await deps.client.digest(peer, chunk.map((e) => e.digest)))
    for (const [n, e] of chunk.entries()) {
      const confirmations = leaving.get(e.mailbox)
      if (!differ.has(n)) {
        // equal digests: the peer holds exactly the ids we had at digest time
        confirmations?.set(key, new Set(e.ids ?? []))
        continue
      }
      report.synced++
      const confirmed = await syncMailbox(deps, peer, e.mailbox, report)
      confirmations?.set(key, confirmed)
    }
  }
}

/** Push what `peer` lacks of one mailbox; returns the ids it now holds (or has acknowledged). */
async function syncMailbox (deps: HandoverDeps, peer: PeerId, mailbox: string, report: HandoverReport): Promise<Set<string>> {
  const { envelopes, client, components } = deps
  const mailboxBytes = fromHex(mailbox)
  const ids = await envelopes.ids(mailbox)
  const confirmed = new Set<string>()
  const maxBytes = components.config.limits.maxFrameBytes - FRAME_MARGIN_BYTES
  for (let start = 0; start < ids.length; start += MAX_SYNC_IDS) {
    const chunk = ids.slice(start, start + MAX_SYNC_IDS)
    const { missing, acked } = await client.sync(peer, mailboxBytes, chunk.map(fromHex))
    const missingHex = new Set(missing.map(hexOfBytes))
    const ackedHex = acked.map(hexOfBytes).filter((i) => chunk.includes(i))
    if (ackedHex.length > 0) {
      // acknowledged on a replica: the device has it; delete here too and keep the tombstone
      report.tombstoned += await envelopes.ack(mailbox, ackedHex)
      for (const i of ackedHex) confirmed.add(i)
    }
    for (const i of chunk) if (!missingHex.has(i) && !ackedHex.includes(i)) confirmed.add(i)

    const wanted = chunk.filter((i) => missingHex.has(i))
    const values = await envelopes.get(mailbox, wanted)
    let batch: Uint8Array[] = []
    let batchIds: string[] = []
    let bytes = 0
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return
      const results = await client.storeBatch(peer, batch, true)
      const newlyAcked: string[] = []
      results.forEach((r, n) => {
        const id = batchIds[n] as string
        if (r.outcome === StoreOutcome.STORE_STORED) {
          report.sent++
          components.metrics.envelopesHandedOver.inc()
        }
        if (r.outcome === StoreOutcome.STORE_ACKED) newlyAcked.push(id)
        if (r.outcome !== StoreOutcome.STORE_REJECTED) confirmed.add(id)
      })
      if (newlyAcked.length > 0) report.tombstoned += await envelopes.ack(mailbox, newlyAcked)
      batch = []
      batchIds = []
      bytes = 0
    }
    for (const [n, value] of values.entries()) {
      if (value === undefined) continue // deleted meanwhile (ack, expiry)
      if (batch.length >= HANDOVER_BATCH || (batch.length > 0 && bytes + value.byteLength > maxBytes)) await flush()
      batch.push(value)
      batchIds.push(wanted[n] as string)
      bytes += value.byteLength + 4
    }
    await flush()
  }
  return confirmed
}

function hexOfBytes (b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')
}

/**
 * Runs handover after relay-set changes (debounced) and periodically
 * (jittered), one run at a time; a trigger during a run schedules one more.
 */
export class HandoverScheduler {
  private timer: NodeJS.Timeout | undefined
  private dueAt = Infinity
  private running: Promise<void> | undefined
  private stopped = false
  private unsubscribe: (() => void) | undefined
  lastReport: HandoverReport | undefined

  constructor (private readonly deps: HandoverDeps, private readonly intervalMs = HANDOVER_INTERVAL_MS) {}

  start (initialDelayMs: number): void {
    this.stopped = false
    this.unsubscribe = this.deps.relays.onChange(() => { this.trigger(HANDOVER_CHANGE_DELAY_MS) })
    this.trigger(initialDelayMs)
  }

  async stop (): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    while (this.running !== undefined) await this.running
  }

  /** run handover within `delayMs` (an earlier due time wins) */
  trigger (delayMs: number): void {
    if (this.stopped) return
    const due = Date.now() + delayMs
    if (due >= this.dueAt) return
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.dueAt = due
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.dueAt = Infinity
      void this.runNow().catch(() => {})
    }, delayMs)
    this.timer.unref()
  }

  /** Run now (after the current run, if any) and resolve with the report of a run that started after this call. */
  async runNow (): Promise<HandoverReport | undefined> {
    if (this.running !== undefined) {
      await this.running
      // another waiter may have started the next run already: it began after our call, so it will do
      if (this.running !== undefined) {
        await this.running
        return this.lastReport
      }
    }
    if (this.stopped) return undefined
    this.running = this.runOnce().finally(() => {
      this.running = undefined
      // the periodic run, jittered so that nodes started together do not reconcile in lockstep
      this.trigger(jitter(this.intervalMs))
    })
    await this.running
    return this.lastReport
  }

  private async runOnce (): Promise<void> {
    try {
      this.lastReport = await runHandover(this.deps)
      const r = this.lastReport
      if (r.sent > 0 || r.dropped > 0 || r.tombstoned > 0 || r.failedPeers > 0) this.deps.components.log.info(r, 'handover')
    } catch (err) {
      this.deps.components.log.warn({ err: (err as Error).message }, 'handover failed')
    }
  }
}

export function jitter (ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4))
}
