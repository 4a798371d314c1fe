// One-time prekeys (DESIGN "Mailboxes": a device uploads a disjoint share of
// its pool to each replica; a replica hands each out at most once). The
// entry node receives the whole upload and splits it across the mailbox's k
// closest relays by key id (id mod k, in closeness order), so that re-uploads
// land on the same replica and the shares stay disjoint. A share goes to
// another replica only when its own replica ANSWERED that it stored nothing:
// a share whose answer was lost may be stored, and a copy elsewhere would be
// handed out twice. A claim asks the replicas in order of closeness; the
// first with a key hands it out. Spent ids: node/prekeys/prekey-store.ts.
import type { Connection, PeerId } from '@libp2p/interface'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { MAILBOX_ADDRESS_BYTES, WIRE_VERSION, X25519_KEY_BYTES } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { PreKeyRequest, PreKeyRequestType, PreKeyResponse, ReplicaStatus } from '../../protocol/pb/node-replica.js'
import { OneTimePreKey } from '../../protocol/pb/records.js'
import type { NodeComponents, PreKeyService, RelayDirectory } from '../components.js'
import { REPLICA_REQUEST_TIMEOUT_MS } from '../mailbox/constants.js'
import { hexOf } from '../mailbox/envelope-store.js'
import { codeOf } from '../mailbox/replica-client.js'
import { errorFields, PeerLimiter, request, serveRelays } from '../mailbox/rpc.js'
import { MAX_INFLIGHT_PER_PEER, MAX_PREKEY_BYTES, MAX_UPLOAD_KEYS, PREKEY_PROTOCOL, WATERMARK_RETENTION_MS, WATERMARK_SWEEP_MS } from './constants.js'
import { PreKeyStore, type StoredPreKey } from './prekey-store.js'

export { PREKEY_PROTOCOL }

/** a replica's error answer: it stored nothing, so its share may go elsewhere */
class ReplicaRefused extends RelaymeshError {}

export interface PreKeyServiceInit {
  relays: RelayDirectory
}

type Answer = Loose<Partial<PreKeyResponse>>

/** Decode, check and canonicalise uploaded keys; duplicates by id keep the first. */
export function parsePreKeys (keys: Uint8Array[]): StoredPreKey[] {
  if (keys.length > MAX_UPLOAD_KEYS) throw new RelaymeshError(ErrorCode.TooLarge, `upload: more than ${MAX_UPLOAD_KEYS} one-time prekeys`)
  const seen = new Set<number>()
  const out: StoredPreKey[] = []
  for (const bytes of keys) {
    const k = decode(OneTimePreKey, bytes, MAX_PREKEY_BYTES, 'OneTimePreKey', null)
    if (k.publicKey.byteLength !== X25519_KEY_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `one-time prekey ${k.id}: expected a ${X25519_KEY_BYTES}-byte X25519 key`)
    if (seen.has(k.id)) continue
    seen.add(k.id)
    out.push({ id: k.id, bytes: encode(OneTimePreKey, k) })
  }
  return out
}

function checkMailbox (mailbox: Uint8Array): string {
  if (!(mailbox instanceof Uint8Array) || mailbox.byteLength !== MAILBOX_ADDRESS_BYTES) {
    throw new RelaymeshError(ErrorCode.Invalid, `mailbox: expected ${MAILBOX_ADDRESS_BYTES} bytes`)
  }
  return hexOf(mailbox)
}

export function createPreKeyService (components: NodeComponents, init: PreKeyServiceInit): PreKeyService {
  const { host, config, log, shutdown } = components
  const { relays } = init
  const self = host.peerId
  const keys = new PreKeyStore(components.store)
  const limiter = new PeerLimiter(MAX_INFLIGHT_PER_PEER)
  const max = config.limits.maxOneTimePreKeysPerDevice
  let started = false
  let sweepTimer: NodeJS.Timeout | undefined
  let sweeping: Promise<void> | undefined
  const sweep = (): void => {
    sweeping ??= keys.sweep(WATERMARK_RETENTION_MS)
      .then((n) => { if (n > 0) log.debug({ forgotten: n }, 'prekey watermarks past their retention forgotten') })
      .catch((err: Error) => { log.warn({ err: err.message }, 'prekey watermark sweep failed') })
      .finally(() => { sweeping = undefined })
  }

  // --- one replica: this node or a peer ---

  const call = async (peer: PeerId, req: Loose<Partial<PreKeyRequest>>, signal?: AbortSignal): Promise<PreKeyResponse> => {
    return await limiter.run(peer, async () => {
      const signals = [AbortSignal.timeout(REPLICA_REQUEST_TIMEOUT_MS), shutdown]
      if (signal !== undefined) signals.push(signal)
      const frame = encode(PreKeyRequest, { version: WIRE_VERSION, ...req })
      const answer = await request(host, peer, PREKEY_PROTOCOL, frame, { signal: AbortSignal.any(signals), maxFrameBytes: config.limits.maxFrameBytes })
      const res = decode(PreKeyResponse, answer, config.limits.maxFrameBytes, 'PreKeyResponse')
      if (res.status !== ReplicaStatus.REPLICA_OK) throw new ReplicaRefused(codeOf(res.errorCode), `prekey replica ${peer.toString()}: ${res.errorMessage}`)
      return res
    })
  }

  const uploadTo = async (peer: PeerId, mailbox: Uint8Array, share: StoredPreKey[], signal?: AbortSignal): Promise<number> => {
    if (peer.equals(self)) {
      const r = await keys.upload(hexOf(mailbox), share, max)
      if (r.spent + r.refused > 0) log.debug({ spent: r.spent, refused: r.refused }, 'prekey upload: keys refused')
      return r.remaining
    }
    return (await call(peer, { type: PreKeyRequestType.PREKEY_UPLOAD, mailbox, keys: share.map((k) => k.bytes) }, signal)).remaining
  }

  const claimFrom = async (peer: PeerId, mailbox: Uint8Array, signal?: AbortSignal): Promise<{ key: Uint8Array | undefined, remaining: number }> => {
    if (peer.equals(self)) return await keys.claim(hexOf(mailbox))
    const res = await call(peer, { type: PreKeyRequestType.PREKEY_CLAIM, mailbox }, signal)
    return { key: res.key.byteLength > 0 ? res.key : undefined, remaining: res.remaining }
  }

  const countAt = async (peer: PeerId, mailbox: Uint8Array, signal?: AbortSignal): Promise<number> => {
    if (peer.equals(self)) return await keys.count(hexOf(mailbox))
    return (await call(peer, { type: PreKeyRequestType.PREKEY_COUNT, mailbox }, signal)).remaining
  }

  // --- the service ---

  const upload = async (mailbox: Uint8Array, raw: Uint8Array[], options: { signal?: AbortSignal } = {}): Promise<number> => {
    checkMailbox(mailbox)
    const parsed = parsePreKeys(raw)
    const replicas = relays.closest(mailbox, config.replicas)
    if (replicas.length === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'upload: no relay known')
    const shares: StoredPreKey[][] = replicas.map(() => [])
    for (const k of parsed) (shares[k.id % replicas.length] as StoredPreKey[]).push(k)
    const held = new Map<number, number>()
    const results = await Promise.allSettled(replicas.map(async (r, n) => await uploadTo(r, mailbox, shares[n] as StoredPreKey[], options.signal)))
    const orphans: StoredPreKey[] = []
    results.forEach((r, n) => {
      if (r.status === 'fulfilled') held.set(n, r.value)
      else if (r.reason instanceof ReplicaRefused) orphans.push(...(shares[n] as StoredPreKey[]))
      else log.debug({ replica: (replicas[n] as PeerId).toString(), err: (r.reason as Error).message }, 'prekey upload: no answer; the share is left where it may be')
    })
    if (held.size === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'upload: no replica answered')
    // the share of a replica that answered it stored nothing goes to the closest that took its own: still disjoint
    if (orphans.length > 0) {
      for (const n of [...held.keys()].sort((a, b) => a - b)) {
        try {
          held.set(n, await uploadTo(replicas[n] as PeerId, mailbox, orphans, options.signal))
          break
        } catch (err) {
          log.debug({ err: (err as Error).message }, 'prekey upload: reassigning a share failed')
        }
      }
    }
    return [...held.values()].reduce((a, b) => a + b, 0)
  }

  const claim = async (mailbox: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<{ key: Uint8Array | undefined, remaining: number }> => {
    checkMailbox(mailbox)
    const replicas = relays.closest(mailbox, config.replicas)
    // what the farther replicas hold, asked at once rather than after the claim: the claim
    // then answers in one round trip (the count is best effort, for the device's top-up)
    const counts = replicas.map((p, n) => n === 0 ? Promise.resolve(0) : countAt(p, mailbox, options.signal))
    for (const c of counts) c.catch(() => {})
    let answered = 0
    for (const [n, r] of replicas.entries()) {
      let got: { key: Uint8Array | undefined, remaining: number }
      try {
        got = await claimFrom(r, mailbox, options.signal)
      } catch (err) {
        log.debug({ replica: r.toString(), err: (err as Error).message }, 'prekey claim: replica did not answer')
        continue
      }
      answered++
      if (got.key === undefined) continue
      // what the farther replicas still hold, so that the device can be told to top up (best effort)
      const later = await Promise.allSettled(counts.slice(n + 1))
      const remaining = got.remaining + later.reduce((a, c) => a + (c.status === 'fulfilled' ? c.value : 0), 0)
      return { key: got.key, remaining }
    }
    if (answered === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'claim: no replica of the mailbox answered')
    return { key: undefined, remaining: 0 }
  }

  /** what the mailbox's replicas hold, summed over those that answer (Unavailable when none does) */
  const count = async (mailbox: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<number> => {
    checkMailbox(mailbox)
    const replicas = relays.closest(mailbox, config.replicas)
    const counts = await Promise.allSettled(replicas.map(async (r) => await countAt(r, mailbox, options.signal)))
    const answered = counts.flatMap((c) => c.status === 'fulfilled' ? [c.value] : [])
    if (answered.length === 0) throw new RelaymeshError(ErrorCode.Unavailable, 'count: no replica of the mailbox answered')
    return answered.reduce((a, b) => a + b, 0)
  }

  // --- inbound /relaymesh/prekey/1.0.0 (relays only) ---

  const handle = async (req: PreKeyRequest): Promise<Answer> => {
    const m = checkMailbox(req.mailbox)
    switch (req.type) {
      case PreKeyRequestType.PREKEY_UPLOAD: {
        const r = await keys.upload(m, parsePreKeys(req.keys), max)
        if (r.spent + r.refused > 0) log.debug({ spent: r.spent, refused: r.refused }, 'prekey upload: keys refused')
        return { accepted: r.accepted, remaining: r.remaining }
      }
      case PreKeyRequestType.PREKEY_CLAIM: {
        const r = await keys.claim(m)
        return { key: r.key ?? new Uint8Array(0), remaining: r.remaining }
      }
      case PreKeyRequestType.PREKEY_COUNT:
        return { remaining: await keys.count(m) }
      default:
        throw new RelaymeshError(ErrorCode.Invalid, `unknown prekey request type ${String(req.type)}`)
    }
  }

  const errorAnswer = (err: unknown): Uint8Array => encode(PreKeyResponse, { version: WIRE_VERSION, ...errorFields(err) })

  const answer = async (frame: Uint8Array, connection: Connection): Promise<Uint8Array> => {
    try {
      if (!relays.isAdmitted(connection.remotePeer)) {
        throw new RelaymeshError(ErrorCode.Unauthorized, 'the prekey protocol is for relays in the directory')
      }
      const req = decode(PreKeyRequest, frame, config.limits.maxFrameBytes, 'PreKeyRequest')
      return encode(PreKeyResponse, { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_OK, ...(await handle(req)) })
    } catch (err) {
      return errorAnswer(err)
    }
  }

  return {
    start: async () => {
      if (started) return
      await serveRelays(components, { protocol: PREKEY_PROTOCOL, maxFrameBytes: config.limits.maxFrameBytes, isAdmitted: (peer) => relays.isAdmitted(peer), answer, unreadable: errorAnswer })
      started = true
      sweep()
      sweepTimer = setInterval(sweep, WATERMARK_SWEEP_MS)
      sweepTimer.unref()
    },
    stop: async () => {
      if (!started) return
      started = false
      clearInterval(sweepTimer)
      await sweeping
      await host.unhandle(PREKEY_PROTOCOL).catch(() => {})
      // a claim answered nowhere yet may still be deleting its key: let it reach the disk
      await keys.idle()
    },
    upload,
    claim,
    count
  }
}
