// Reconciliation and handover (DESIGN "Mailboxes": when the set of closest
// nodes changes, replicas reconcile and hand envelopes over). For every
// mailbox this node holds envelopes or tombstones of, its current k closest
// relays are computed locally; each other replica is sent per-mailbox
// digests (SHA-256 of the sorted envelope ids, and of the sorted tombstone
// ids) and only mailboxes whose digests differ are reconciled: missing
// envelopes are pushed, ids the peer has acknowledged become tombstones here
// too once the peer has shown the device's signed acknowledgement (REPLICA_PROOFS,
// checked here), and our tombstones are pushed as acknowledgements with the
// device's proof each keeps (so an ack that reached only stand-in nodes during
// churn still reaches the replicas, and each checks it itself). No peer's word
// alone deletes anything. A node that is no longer among the k closest drops a
// local copy only after every current replica confirmed holding it (its own
// synced write, or a digest equal to ours) or proved it acknowledged, and its
// tombstones once every replica has taken them.
import type { PeerId } from '@libp2p/interface'
import { decode, type Loose } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { AckProof, StoreOutcome, type MailboxDigest } from '../../protocol/pb/node-replica.js'
import type { NodeComponents, RelayDirectory } from '../components.js'
import { fromHex } from '../store/keys.js'
import { FRAME_MARGIN_BYTES, HANDOVER_BATCH, HANDOVER_CHANGE_DELAY_MS, HANDOVER_INTERVAL_MS, HANDOVER_PEER_CONCURRENCY, MAX_ACK_IDS, MAX_DIGEST_ENTRIES, MAX_SYNC_IDS } from './constants.js'
import { checkProofIds, storedProof, verifyAckEvidence } from './ack-proof.js'
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
  /** envelope ids at digest time, only kept for mailboxes this node is leaving */
  ids?: string[]
  /** tombstone ids at digest time, likewise */
  ackIds?: string[]
}

/** What one replica confirmed of a mailbox this node is leaving. */
interface Confirmation {
  /** envelope ids it holds or has acknowledged (undefined: not reconciled) */
  ids?: Set<string>
  /** it holds every tombstone we had */
  acks: boolean
}

/** Per mailbox this node is leaving: per current replica (peer id string), what it confirmed. */
type Confirmations = Map<string, Map<string, Confirmation>>

export async function runHandover (deps: HandoverDeps): Promise<HandoverReport> {
  const { components, relays, envelopes } = deps
  const self = components.host.peerId
  const k = components.config.replicas
  const report: HandoverReport = { mailboxes: 0, synced: 0, sent: 0, dropped: 0, tombstoned: 0, failedPeers: 0 }
  const perPeer = new Map<string, { peer: PeerId, entries: Entry[] }>()
  const leaving: Confirmations = new Map()
  const leavingEntries = new Map<string, Entry>()

  for await (const mailbox of envelopes.mailboxes()) {
    if (components.shutdown.aborted) return report
    report.mailboxes++
    const replicas = relays.closest(fromHex(mailbox), k)
    const others = replicas.filter((p) => !p.equals(self))
    const d = await envelopes.digest(mailbox)
    const a = await envelopes.ackDigest(mailbox)
    if (d.count === 0 && a.count === 0) continue
    const entry: Entry = {
      mailbox,
      digest: { mailbox: fromHex(mailbox), digest: d.digest, count: d.count, ackedDigest: a.digest, ackedCount: a.count }
    }
    const isReplica = others.length < replicas.length
    if (!isReplica && others.length > 0) {
      entry.ids = await envelopes.ids(mailbox)
      entry.ackIds = await envelopes.ackedIds(mailbox)
      leavingEntries.set(mailbox, entry)
      leaving.set(mailbox, new Map(others.map((p) => [p.toString(), { acks: false }])))
    }
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
        // a peer that cannot be reached is reported, so the directory can drop it (and placement move on)
        if (RelaymeshError.is(err) && (err.code === ErrorCode.Unavailable || err.code === ErrorCode.Timeout) && !components.shutdown.aborted) {
          void relays.reportUnreachable(slot.peer)
        }
        components.log.debug({ peer: slot.peer.toString(), err: (err as Error).message }, 'handover: peer not reconciled')
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(HANDOVER_PEER_CONCURRENCY, peers.length) }, worker))

  // drop what every replica now responsible has confirmed
  for (const [mailbox, byPeer] of leaving) {
    const entry = leavingEntries.get(mailbox) as Entry
    const confirmations = [...byPeer.values()]
    const confirmedEverywhere = (entry.ids ?? []).filter((id) => confirmations.every((c) => c.ids?.has(id) === true))
    if (confirmedEverywhere.length > 0) report.dropped += await envelopes.drop(mailbox, confirmedEverywhere)
    if ((entry.ackIds ?? []).length > 0 && confirmations.every((c) => c.acks)) await envelopes.forget(mailbox, entry.ackIds ?? [])
  }
  return report
}

async function reconcilePeer (deps: HandoverDeps, peer: PeerId, entries: Entry[], leaving: Confirmations, report: HandoverReport): Promise<void> {
  const key = peer.toString()
  for (let start = 0; start < entries.length; start += MAX_DIGEST_ENTRIES) {
    const chunk = entries.slice(start, start + MAX_DIGEST_ENTRIES)
    const { differ, ackedDiffer } = await deps.client.digest(peer, chunk.map((e) => e.digest))
    const envelopesDiffer = new Set(differ)
    const acksDiffer = new Set(ackedDiffer)
    for (const [n, e] of chunk.entries()) {
      const confirmation = leaving.get(e.mailbox)?.get(key)
      if (!envelopesDiffer.has(n)) {
        // equal digests: the peer holds exactly the ids we had at digest time
        if (confirmation !== undefined) confirmation.ids = new Set(e.ids ?? [])
      } else {
        report.synced++
        const confirmed = await syncMailbox(deps, peer, e.mailbox, report, confirmation !== undefined)
        if (confirmation !== undefined) confirmation.ids = confirmed
      }
      let acksTaken = true
      if (acksDiffer.has(n) && e.digest.ackedCount > 0) {
        // the peer lacks some of our tombstones (or has others, which it pushes in its own run):
        // the device's acknowledgement behind each, checked there, deletes any copy it holds and
        // keeps it from taking one again
        acksTaken = await pushTombstones(deps, peer, e.mailbox, e.ackIds ?? await deps.envelopes.ackedIds(e.mailbox))
      }
      if (confirmation !== undefined) confirmation.acks = acksTaken
    }
  }
}

/**
 * Push what `peer` lacks of one mailbox; returns the ids it now holds (or proved acknowledged).
 * A node leaving the replica set may not ask which ids a replica holds (SYNC is for replicas):
 * it offers every envelope it holds (STORE answers duplicate, stored or acknowledged).
 */
async function syncMailbox (deps: HandoverDeps, peer: PeerId, mailbox: string, report: HandoverReport, leaving: boolean): Promise<Set<string>> {
  const { envelopes, client, components } = deps
  const mailboxBytes = fromHex(mailbox)
  const ids = await envelopes.ids(mailbox)
  const confirmed = new Set<string>()
  const maxBytes = components.config.limits.maxFrameBytes - FRAME_MARGIN_BYTES
  for (let start = 0; start < ids.length; start += MAX_SYNC_IDS) {
    const chunk = ids.slice(start, start + MAX_SYNC_IDS)
    const { missing, acked } = leaving ? { missing: chunk.map(fromHex), acked: [] } : await client.sync(peer, mailboxBytes, chunk.map(fromHex))
    const asked = new Set(chunk)
    // only ids we asked about count: a peer cannot make us tombstone or drop anything else
    const missingHex = new Set(missing.map(hexOfBytes).filter((i) => asked.has(i)))
    const ackedHex = new Set(acked.map(hexOfBytes).filter((i) => asked.has(i)))
    if (ackedHex.size > 0) {
      // acknowledged on a replica, it says: only the device's own signed acknowledgement, which we
      // ask for and check, deletes ours (and becomes our tombstone)
      for (const i of await adoptTombstones(deps, peer, mailbox, [...ackedHex], report)) confirmed.add(i)
    }
    // held there (a proven acknowledgement was counted above): nothing is lost by dropping ours
    for (const i of chunk) if (!missingHex.has(i) && !ackedHex.has(i)) confirmed.add(i)

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
        else if (r.outcome !== StoreOutcome.STORE_REJECTED) confirmed.add(id)
      })
      if (newlyAcked.length > 0) for (const i of await adoptTombstones(deps, peer, mailbox, newlyAcked, report)) confirmed.add(i)
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

/**
 * Ask `peer` for the device acknowledgements behind ids it says are acknowledged, check each
 * here, and tombstone what they prove (deleting our copies). Returns the ids proven.
 */
async function adoptTombstones (deps: HandoverDeps, peer: PeerId, mailbox: string, ids: string[], report: HandoverReport): Promise<Set<string>> {
  const { envelopes, client, components } = deps
  const mailboxBytes = fromHex(mailbox)
  const asked = new Set(ids)
  const proven = new Set<string>()
  for (let start = 0; start < ids.length; start += MAX_ACK_IDS) {
    const chunk = ids.slice(start, start + MAX_ACK_IDS)
    for (const p of await client.proofs(peer, mailboxBytes, chunk.map(fromHex))) {
      const evidence = { signature: p.signature, deviceList: p.deviceList, deviceId: p.deviceId }
      try {
        checkProofIds(p.ids)
        verifyAckEvidence(mailboxBytes, p.ids, evidence, deps.now(), components.recordCache)
      } catch (err) {
        components.log.debug({ peer: peer.toString(), err: (err as Error).message }, 'handover: a peer\'s acknowledgement proof does not check; nothing deleted')
        continue
      }
      const hexIds = p.ids.map(hexOfBytes)
      report.tombstoned += await envelopes.ack(mailbox, hexIds, storedProof(p.ids, evidence))
      for (const i of hexIds) if (asked.has(i)) proven.add(i)
    }
  }
  return proven
}

/**
 * Pass our tombstones of `ids` on to `peer`: one ACK per device acknowledgement they keep, with
 * its proof, which the peer checks. Returns whether the peer took every one (a tombstone kept
 * without a proof, or a proof the peer refuses, e.g. an expired device list, is not passed on).
 */
async function pushTombstones (deps: HandoverDeps, peer: PeerId, mailbox: string, ids: string[]): Promise<boolean> {
  const { envelopes, client, components } = deps
  const mailboxBytes = fromHex(mailbox)
  const sent = new Set<string>()
  let all = true
  for (let i = 0; i < ids.length; i += MAX_ACK_IDS) {
    const chunk = ids.slice(i, i + MAX_ACK_IDS)
    const proofs = await envelopes.proofs(mailbox, chunk)
    if (proofs.reduce((n, p) => n + p.ids.length, 0) < chunk.length) all = false
    for (const p of proofs) {
      if (sent.has(p.hash)) continue
      sent.add(p.hash)
      const proof = decode(AckProof, p.proof, p.proof.byteLength, 'AckProof', null)
      // each tombstone keeps its expiry on the peer (0: purged meanwhile, sent as already expired)
      const expires = (await envelopes.ackExpiries(mailbox, proof.ids.map(hexOfBytes))).map((t) => t === 0 ? 1 : t)
      try {
        await client.ack(peer, mailboxBytes, proof.ids, { signature: proof.signature, deviceList: proof.deviceList, deviceId: proof.deviceId }, undefined, expires)
      } catch (err) {
        if (RelaymeshError.is(err) && (err.code === ErrorCode.Unavailable || err.code === ErrorCode.Timeout)) throw err
        all = false
                components.log.debug({ peer: peer.toString(), err: (err as Error).message }, 'handover: a tombstone\'s proof was refused')
      }
    }
  }
  return all
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
