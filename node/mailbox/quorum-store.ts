// store(): an envelope is written to the k relays closest to its mailbox and
// the answer comes once writeQuorum of them persisted it (a synced LevelDB
// write each). One write round settles as soon as the quorum is reached or
// can no longer be; when replicas look dead the directory probes them and the
// write goes, once, to the new k closest. Refusals keep a fixed precedence
// in the error the caller sees.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import { StoreOutcome } from '../../protocol/pb/node-replica.js'
import type { StoreResult } from '../components.js'
import type { NodeConfig } from '../config.js'
import { STORE_RETRY_TIMEOUT_MS, STORE_TIMEOUT_MS, UNREACHABLE_PROBE_BUDGET_MS } from './constants.js'
import { hexOf, type EnvelopeStore, type PutResult } from './envelope-store.js'
import type { ReplicaClient } from './replica-client.js'
import { asTyped } from './rpc.js'
import { isUnreachable, type Suspect } from './replica-suspicion.js'
import { checkLocalEnvelope, type CheckedEnvelope, type EnvelopeRules } from './validate.js'

export interface QuorumStoreDeps {
  self: PeerId
  config: NodeConfig
  envelopes: EnvelopeStore
  client: ReplicaClient
  log: Logger
  /** aborted when the node stops */
  shutdown: AbortSignal
  /** the rules a client's envelope is checked against, as of now */
  rules: () => EnvelopeRules
  /** the k replicas of a mailbox, from this node's directory */
  replicasOf: (mailbox: Uint8Array) => PeerId[]
  suspect: Suspect
  /** this node stored the envelope as a replica: push it to attached devices and watchers */
  notify: (list: CheckedEnvelope[]) => void
  /** the store succeeded: push it to a device attached here */
  forward: (checked: CheckedEnvelope) => void
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

/**
 * One write round: send the envelope to every replica not yet holding it and
 * settle as soon as `quorum` of `replicas` persisted it (those in `already`
 * count) or when that can no longer happen, or after `timeoutMs`. Writes
 * still out when it settles go on in the background.
 */
async function writeRound (deps: QuorumStoreDeps, checked: CheckedEnvelope, replicas: PeerId[], already: Set<string>, timeoutMs: number, signal?: AbortSignal): Promise<WriteRound> {
  const { self, config, envelopes, client, shutdown, suspect, notify } = deps
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

/** Write `envelope` to its mailbox's replicas; resolves once writeQuorum of them persisted it. */
export async function quorumStore (deps: QuorumStoreDeps, envelope: Envelope, options: { signal?: AbortSignal } = {}): Promise<StoreResult> {
  const { config, log, shutdown, replicasOf, suspect, forward } = deps
  const checked = checkLocalEnvelope(envelope, deps.rules())
  // The quorum is the configured one, always: a node that believes it is alone (before
  // bootstrap, after a long partition) refuses rather than answer "stored" with fewer
  // copies. A mesh smaller than k stores on every relay it has (the k closest are then
  // all of them) and the answer names each. A single-node deployment says so with quorum 1.
  const quorum = config.writeQuorum
  let replicas = replicasOf(checked.env.mailbox)
  if (replicas.length < quorum) throw tooFewRelays(replicas.length, quorum)
  let round = await writeRound(deps, checked, replicas, new Set(), STORE_TIMEOUT_MS, options.signal)
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
      round = await writeRound(deps, checked, replicas, new Set(first.ok), STORE_RETRY_TIMEOUT_MS, options.signal)
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
