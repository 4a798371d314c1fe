// ack(): delete acknowledged envelopes on every replica and leave tombstones.
// Nothing is deleted anywhere, this node included, without the device's
// signed acknowledgement; each replica checks it itself against the user's
// latest signed device list. Right after churn the ack spreads to the next k
// closest too (stand-ins hold copies then); handover carries it the rest of
// the way.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ENVELOPE_ID_BYTES, RecordKind } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { recordKey, type RecordCache } from '../../protocol/records.js'
import type { AckProof, RecordService, RelayDirectory } from '../components.js'
import type { NodeConfig } from '../config.js'
import { ACK_SPREAD, ACK_SPREAD_SETTLE_MS, MAX_ACK_IDS } from './constants.js'
import { deviceIdFor, storedProof, verifyAckEvidence, type AckEvidence } from './ack-proof.js'
import { hexOf, type EnvelopeStore } from './envelope-store.js'
import type { ReplicaClient } from './replica-client.js'
import type { Suspect } from './replica-suspicion.js'
import { checkMailbox } from './validate.js'

export interface AckDeps {
  self: PeerId
  config: NodeConfig
  relays: RelayDirectory
  records: RecordService
  recordCache: RecordCache
  envelopes: EnvelopeStore
  client: ReplicaClient
  log: Logger
  now: () => number
  /** the k replicas of a mailbox, from this node's directory */
  replicasOf: (mailbox: Uint8Array) => PeerId[]
  suspect: Suspect
  /** when the live relay set last changed: acks spread wider for a while after */
  relaySetChangedAt: () => number
}

/** The evidence replicas check for a device's ack: its signature and the user's latest signed device list. */
async function evidenceFor (deps: AckDeps, mailbox: Uint8Array, ids: Uint8Array[], proof: AckProof): Promise<AckEvidence> {
  const { records, recordCache, now } = deps
  const deviceList = await records.get(recordKey(RecordKind.DeviceList, proof.userId))
  if (deviceList === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, 'ack: no device list is known for this user')
  const evidence = { signature: proof.signature, deviceList, deviceId: deviceIdFor(deviceList, mailbox, now(), recordCache) }
  // checked here too, so a bad proof fails at once with its own code rather than as "no replica applied it"
  verifyAckEvidence(mailbox, ids, evidence, now(), recordCache)
  return evidence
}

export async function ackEnvelopes (deps: AckDeps, mailbox: Uint8Array, ids: Uint8Array[], options: { signal?: AbortSignal, proof?: AckProof } = {}): Promise<void> {
  const { self, config, relays, envelopes, client, log, now, replicasOf, suspect } = deps
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
  const evidence = await evidenceFor(deps, mailbox, ids, options.proof)
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
  const settled = now() - deps.relaySetChangedAt() >= (config.ackSpreadSettleMs ?? ACK_SPREAD_SETTLE_MS)
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
