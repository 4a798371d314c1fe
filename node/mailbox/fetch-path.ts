// fetch(): the unacknowledged envelopes of a mailbox in id order, gathered
// from its replicas and this node's own copies. A replica lists the others'
// copies on its own standing; any other node shows the device's grant. Each
// round merges what every source returned up to the lowest id a source with
// more to give stopped at, so the result is complete and ordered below it.
import type { PeerId } from '@libp2p/interface'
import type { Logger } from 'pino'
import { decode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import type { FetchGrant } from '../components.js'
import type { NodeConfig } from '../config.js'
import { fromHex } from '../store/keys.js'
import { DEFAULT_FETCH_LIMIT, MAX_FETCH_LIMIT } from './constants.js'
import { hexOf, type EnvelopeStore } from './envelope-store.js'
import type { ReplicaClient } from './replica-client.js'
import type { Suspect } from './replica-suspicion.js'
import { checkMailbox } from './validate.js'

export interface FetchDeps {
  self: PeerId
  config: NodeConfig
  envelopes: EnvelopeStore
  client: ReplicaClient
  log: Logger
  now: () => number
  /** the k replicas of a mailbox, from this node's directory */
  replicasOf: (mailbox: Uint8Array) => PeerId[]
  suspect: Suspect
}

export interface FetchOptions {
  limit?: number
  /** an envelope id in lowercase hex: only later ids are returned */
  after?: string
  signal?: AbortSignal
  /** the device's grant, shown to replicas when this node is not one */
  grant?: FetchGrant
}

export async function fetchMailbox (deps: FetchDeps, mailbox: Uint8Array, options: FetchOptions = {}): Promise<Envelope[]> {
  const { self, config, envelopes, client, log, now, replicasOf, suspect } = deps
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

function safeDecode (bytes: Uint8Array, max: number): Envelope | undefined {
  try {
    return decode(Envelope, bytes, max, 'Envelope')
  } catch {
    return undefined
  }
}
