// Inbound side of /relaymesh/replica/1.0.0 and 1.1.0: one handler per request type,
// dispatched from a table. Only relays listed by the relay directory may use
// it (clients are libp2p peers too and must go through the client API, which
// checks device signatures). Every field is bounded and checked before any
// state changes; a bad request gets an ERROR answer with an ErrorCode.
import type { Connection, PeerId } from '@libp2p/interface'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { ENVELOPE_ID_BYTES, MAILBOX_ADDRESS_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus, StoreOutcome, type StoreResult } from '../../protocol/pb/node-replica.js'
import type { NodeComponents } from '../components.js'
import { DEFAULT_FETCH_LIMIT, FRAME_MARGIN_BYTES, MAX_ACK_IDS, MAX_FETCH_LIMIT } from './constants.js'
import { hexOf, type EnvelopeStore } from './envelope-store.js'
import { verifyAckEvidence } from './ack-proof.js'
import { decodePeerEnvelope, type CheckedEnvelope } from './validate.js'

export interface ReplicaHandlerDeps {
  components: NodeComponents
  envelopes: EnvelopeStore
  /** may this peer use the replica protocol (a relay in the directory)? */
  isRelay: (peer: PeerId) => boolean
  /** push envelopes to devices attached here; returns how many were pushed */
  deliverLocal: (envelopes: CheckedEnvelope[]) => number
  now: () => number
}

type Answer = Loose<Partial<ReplicaResponse>>
type Handler = (req: ReplicaRequest, deps: ReplicaHandlerDeps) => Promise<Answer>

function bytesOf (value: Uint8Array, length: number, what: string): Uint8Array {
  if (value.byteLength !== length) throw new RelaymeshError(ErrorCode.Invalid, `${what}: expected ${length} bytes, got ${value.byteLength}`)
  return value
}

function idsOf (ids: Uint8Array[]): string[] {
  return ids.map((id) => hexOf(bytesOf(id, ENVELOPE_ID_BYTES, 'envelope id')))
}

function rules (deps: ReplicaHandlerDeps): { now: number, envelopeTtlMs: number, maxEnvelopeBytes: number } {
  const { config } = deps.components
  return { now: deps.now(), envelopeTtlMs: config.envelopeTtlMs, maxEnvelopeBytes: config.limits.maxEnvelopeBytes }
}

const handlers: Partial<Record<ReplicaRequestType, Handler>> = {
  [ReplicaRequestType.REPLICA_STORE]: async (req, deps) => {
    const r = rules(deps)
    const results: Array<Loose<StoreResult>> = new Array(req.envelopes.length)
    const valid: Array<{ n: number, checked: CheckedEnvelope }> = []
    req.envelopes.forEach((bytes, n) => {
      try {
        valid.push({ n, checked: decodePeerEnvelope(bytes, r) })
      } catch (err) {
        results[n] = { outcome: StoreOutcome.STORE_REJECTED, errorCode: RelaymeshError.is(err) ? err.code : ErrorCode.Invalid }
      }
    })
    const stored = await deps.envelopes.put(valid.map((v) => v.checked))
    valid.forEach((v, k) => {
      const s = stored[k]
      results[v.n] = s === undefined ? { outcome: StoreOutcome.STORE_REJECTED, errorCode: ErrorCode.Unavailable } : { outcome: s.outcome, errorCode: s.errorCode ?? '' }
    })
    return { results }
  },

  [ReplicaRequestType.REPLICA_DELIVER]: async (req, deps) => {
    const r = rules(deps)
    const checked: CheckedEnvelope[] = []
    for (const bytes of req.envelopes) {
      try { checked.push(decodePeerEnvelope(bytes, r)) } catch { /* a bad one is skipped, the others pushed */ }
    }
    return { count: deps.deliverLocal(checked) }
  },

  [ReplicaRequestType.REPLICA_FETCH]: async (req, deps) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    const after = req.after.byteLength === 0 ? undefined : hexOf(bytesOf(req.after, ENVELOPE_ID_BYTES, 'after'))
    if (req.limit > MAX_FETCH_LIMIT) throw new RelaymeshError(ErrorCode.TooLarge, `fetch: limit over ${MAX_FETCH_LIMIT}`)
    const limit = req.limit === 0 ? DEFAULT_FETCH_LIMIT : req.limit
    const listed = await deps.envelopes.list(mailbox, {
      ...(after !== undefined ? { after } : {}),
      limit,
      maxBytes: deps.components.config.limits.maxFrameBytes - FRAME_MARGIN_BYTES
    })
    return { envelopes: listed.envelopes, more: listed.more }
  },

  [ReplicaRequestType.REPLICA_ACK]: async (req, deps) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    if (req.ids.length > MAX_ACK_IDS) throw new RelaymeshError(ErrorCode.TooLarge, `ack: more than ${MAX_ACK_IDS} ids`)
    const ids = idsOf(req.ids)
    if (req.expires.length !== 0 && req.expires.length !== ids.length) throw new RelaymeshError(ErrorCode.Invalid, 'ack: expires must be empty or one per id')
    if (req.expires.length === 0) {
      // a device's acknowledgement: this replica checks the device's signature itself and
      // deletes nothing on a relay's word alone. (A handover tombstone, sent with `expires`,
      // is relay-trusted: docs/protocol.md §10, "Acknowledging".)
      verifyAckEvidence(req.mailbox, req.ids, { signature: req.signature, deviceList: req.deviceList, deviceId: req.deviceId }, deps.now(), deps.components.recordCache)
    }
    return { count: await deps.envelopes.ack(mailbox, ids, req.expires.length > 0 ? req.expires : undefined) }
  },

  [ReplicaRequestType.REPLICA_DIGEST]: async (req, deps) => {
    const differ: number[] = []
    const ackedDiffer: number[] = []
    for (const [n, d] of req.digests.entries()) {
      const mailbox = hexOf(bytesOf(d.mailbox, MAILBOX_ADDRESS_BYTES, 'digest mailbox'))
      bytesOf(d.digest, 32, 'digest')
      bytesOf(d.ackedDigest, 32, 'acked digest')
      const mine = await deps.envelopes.digest(mailbox)
      if (mine.count !== d.count || !equalBytes(mine.digest, d.digest)) differ.push(n)
      const acks = await deps.envelopes.ackDigest(mailbox)
      if (acks.count !== d.ackedCount || !equalBytes(acks.digest, d.ackedDigest)) ackedDiffer.push(n)
    }
    return { differ, ackedDiffer }
  },

  [ReplicaRequestType.REPLICA_SYNC]: async (req, deps) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    const ids = idsOf(req.ids)
    const { held, acked } = await deps.envelopes.check(mailbox, ids)
    return {
      missing: req.ids.filter((_, n) => held[n] !== true && acked[n] !== true),
      acked: req.ids.filter((_, n) => acked[n] === true)
    }
  }
}

function errorAnswer (err: unknown, requestId = 0): Uint8Array {
  const code = RelaymeshError.is(err) ? err.code : ErrorCode.Invalid
  const message = err instanceof Error ? err.message : String(err)
  return encode(ReplicaResponse, { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_ERROR, errorCode: code, errorMessage: message, requestId })
}

/** Answer one request frame (never throws). */
export function replicaAnswerer (deps: ReplicaHandlerDeps): (frame: Uint8Array, connection: Connection) => Promise<Uint8Array> {
  return async (frame, connection) => {
    // echoed in the answer (1.1.0 pipelines many requests per stream; 0 on 1.0.0 and for unreadable frames)
    let requestId = 0
    try {
      if (!deps.isRelay(connection.remotePeer)) {
        throw new RelaymeshError(ErrorCode.Unauthorized, 'the replica protocol is for relays in the directory')
      }
      const { maxFrameBytes } = deps.components.config.limits
      const req = decode(ReplicaRequest, frame, maxFrameBytes, 'ReplicaRequest')
      requestId = req.requestId
      const handler = handlers[req.type]
      if (handler === undefined) throw new RelaymeshError(ErrorCode.Invalid, `unknown replica request type ${String(req.type)}`)
      const answer = await handler(req, deps)
      return encode(ReplicaResponse, { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_OK, ...answer, requestId })
    } catch (err) {
      return errorAnswer(err, requestId)
    }
  }
}

/** The answer to a frame that could not be read (oversized). */
export function replicaUnreadable (err: RelaymeshError): Uint8Array {
  return errorAnswer(err)
}
