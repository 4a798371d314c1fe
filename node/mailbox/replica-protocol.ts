// Inbound side of /relaymesh/replica/1.0.0 and 1.1.0: one handler per request type,
// dispatched from a table. Only admitted relays (a valid signed node record) may
// use it (clients are libp2p peers too and must go through the client API, which
// checks device signatures). Every field is bounded and checked before any
// state changes; a bad request gets an ERROR answer with an ErrorCode.
// Nothing is deleted without the device's signed acknowledgement (ACK), and a
// mailbox is listed (FETCH), compared (DIGEST, SYNC) or its proofs served
// (PROOFS) only by a node responsible for it, to a peer that is too or that
// carries the device's grant (docs/protocol.md, "Who may ask what"). WATCH
// (pushes of a mailbox's new envelopes to the relay its device is attached
// to) always needs the device's grant made for the asking relay.
import type { Connection, PeerId } from '@libp2p/interface'
import { sha256 } from '../../protocol/crypto/primitives.js'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { ENVELOPE_ID_BYTES, MAILBOX_ADDRESS_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { AckProof, type FetchGrant, ReplicaRequest, ReplicaRequestType, ReplicaResponse, ReplicaStatus, StoreOutcome, type StoreResult } from '../../protocol/pb/node-replica.js'
import type { NodeComponents } from '../components.js'
import { ACK_SPREAD, DEFAULT_FETCH_LIMIT, FRAME_MARGIN_BYTES, GRANT_MEMORY, MAX_ACK_IDS, MAX_FETCH_LIMIT, MAX_PUSH_DELAY_MS, ONLINE_ONLY_MAX_BYTES } from './constants.js'
import { hexOf, type EnvelopeStore } from './envelope-store.js'
import { storedProof, verifyAckEvidence, verifyFetchGrant } from './ack-proof.js'
import { decodePeerEnvelope, type CheckedEnvelope } from './validate.js'
import type { WatcherTable } from './watchers.js'

export interface ReplicaHandlerDeps {
  components: NodeComponents
  envelopes: EnvelopeStore
  /** may this peer use the replica protocol (a relay in the directory)? */
  isRelay: (peer: PeerId) => boolean
  /** the `count` relays (self included) closest to a mailbox, from this node's directory */
  closest: (key: Uint8Array, count: number) => PeerId[]
  /** push envelopes to devices attached here; returns how many were pushed */
  deliverLocal: (envelopes: CheckedEnvelope[]) => number
  /** envelopes this replica newly stored for a writer (not a handover): pushed to attached devices and watchers */
  onStored: (envelopes: CheckedEnvelope[]) => void
  /** online-only envelopes: pushed to attached devices and primary watchers (never to backups) */
  onOnline: (envelopes: CheckedEnvelope[]) => void
  /** relays watching mailboxes (WATCH) */
  watchers: WatcherTable
  now: () => number
}

/** The request's asker, and what it may see. */
interface Asker {
  peer: PeerId
  /** fetch grants verified (key: asker peer id and sha256 of the grant signature and the mailbox) */
  grants: GrantMemory
}

type Answer = Loose<Partial<ReplicaResponse>>
type Handler = (req: ReplicaRequest, deps: ReplicaHandlerDeps, asker: Asker) => Promise<Answer>

/** Verified fetch grants (a device re-fetching through the same relay is checked once), bounded. */
class GrantMemory {
  private readonly keys = new Set<string>()
  has (key: string): boolean { return this.keys.has(key) }
  add (key: string): void {
    this.keys.add(key)
    if (this.keys.size > GRANT_MEMORY) this.keys.delete(this.keys.values().next().value as string)
  }
}

function includes (peers: PeerId[], peer: PeerId): boolean {
  return peers.some((p) => p.equals(peer))
}

/**
 * This node serves a mailbox (lists it, compares it) only while it is one of
 * its replicas or a stand-in (the ACK_SPREAD * k closest) or still holds
 * envelopes or tombstones of it (handing over).
 */
async function responsibleFor (mailbox: Uint8Array, deps: ReplicaHandlerDeps): Promise<boolean> {
  const self = deps.components.host.peerId
  if (includes(deps.closest(mailbox, ACK_SPREAD * deps.components.config.replicas), self)) return true
  const u = await deps.envelopes.usage(hexOf(mailbox))
  return u.count > 0 || u.acks > 0
}

/** A replica (the k closest) or a handover partner (the ACK_SPREAD * k closest) of the mailbox. */
function isPartner (mailbox: Uint8Array, deps: ReplicaHandlerDeps, peer: PeerId, spread = ACK_SPREAD): boolean {
  return includes(deps.closest(mailbox, spread * deps.components.config.replicas), peer)
}

async function mustServe (mailbox: Uint8Array, deps: ReplicaHandlerDeps, asker: Asker, what: string, spread: number): Promise<void> {
  if (!await responsibleFor(mailbox, deps)) throw new RelaymeshError(ErrorCode.Unauthorized, `${what}: this node is not a replica of the mailbox`)
  if (!isPartner(mailbox, deps, asker.peer, spread)) throw new RelaymeshError(ErrorCode.Unauthorized, `${what}: the asking relay is not a replica of the mailbox`)
}

/**
 * Throws Unauthorized unless `grant` is the attach signature of the device owning `mailbox`,
 * made for the asking relay (verified once per asker, grant and mailbox: GrantMemory).
 */
function checkGrant (mailbox: Uint8Array, grant: FetchGrant | undefined, deps: ReplicaHandlerDeps, asker: Asker, what: string): void {
  if (grant === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, `${what} brings no device grant`)
  // bound to this asker: the same grant from another relay is checked (and refused) afresh
  const key = `${asker.peer.toString()}!${hexOf(sha256(Buffer.concat([grant.signature, mailbox])))}`
  if (!asker.grants.has(key)) {
    verifyFetchGrant(mailbox, asker.peer.toMultihash().bytes, grant, deps.now(), deps.components.recordCache)
    asker.grants.add(key)
  }
}

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
    const fresh: CheckedEnvelope[] = []
    valid.forEach((v, k) => {
      const s = stored[k]
      results[v.n] = s === undefined ? { outcome: StoreOutcome.STORE_REJECTED, errorCode: ErrorCode.Unavailable } : { outcome: s.outcome, errorCode: s.errorCode ?? '' }
      if (s?.outcome === StoreOutcome.STORE_STORED) fresh.push(v.checked)
    })
    // a handover moves envelopes pushed long ago: only a writer's new envelopes are pushed
    if (!req.handover && fresh.length > 0) deps.onStored(fresh)
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

  // an online-only envelope (a SEND with online_only): pushed to the devices attached here and to the
  // relays watching its mailbox, like a newly stored one, but never written anywhere
  [ReplicaRequestType.REPLICA_PUSH_ONLINE]: async (req, deps) => {
    if (req.envelopes.length !== 1) throw new RelaymeshError(ErrorCode.Invalid, 'push online: exactly one envelope per request')
    const checked = decodePeerEnvelope(req.envelopes[0] as Uint8Array, rules(deps))
    if (checked.env.payload.byteLength > ONLINE_ONLY_MAX_BYTES) throw new RelaymeshError(ErrorCode.TooLarge, `push online: payload over ${ONLINE_ONLY_MAX_BYTES} bytes`)
    // only a replica has the mailbox's watchers; any other node has nothing to push it to
    if (!includes(deps.closest(checked.env.mailbox, deps.components.config.replicas), deps.components.host.peerId)) {
      throw new RelaymeshError(ErrorCode.Unauthorized, 'push online: this node is not a replica of the mailbox')
    }
    deps.onOnline([checked])
    return { count: 1 }
  },

  [ReplicaRequestType.REPLICA_FETCH]: async (req, deps, asker) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    if (!await responsibleFor(req.mailbox, deps)) throw new RelaymeshError(ErrorCode.Unauthorized, 'fetch: this node is not a replica of the mailbox')
    // a replica may list what it holds itself; any other relay only for the device that attached to it
    if (!isPartner(req.mailbox, deps, asker.peer, 1)) checkGrant(req.mailbox, req.grant, deps, asker, 'fetch: the asking relay is not a replica of the mailbox and')
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

  [ReplicaRequestType.REPLICA_WATCH]: async (req, deps, asker) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    // an asker only ever removes itself
    if (req.unwatch) {
      deps.watchers.unwatch(mailbox, asker.peer)
      return {}
    }
    if (!await responsibleFor(req.mailbox, deps)) throw new RelaymeshError(ErrorCode.Unauthorized, 'watch: this node is not a replica of the mailbox')
    if (req.pushDelayMs > MAX_PUSH_DELAY_MS) throw new RelaymeshError(ErrorCode.Invalid, `watch: push delay over ${MAX_PUSH_DELAY_MS} ms`)
    // replicas included: pushes go only where the device itself attached
    checkGrant(req.mailbox, req.grant, deps, asker, 'watch: the asking relay')
    deps.watchers.watch(mailbox, asker.peer, deps.now(), req.pushDelayMs)
    return { watchTtlMs: deps.watchers.ttlMs }
  },

  [ReplicaRequestType.REPLICA_ACK]: async (req, deps) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    if (req.ids.length > MAX_ACK_IDS) throw new RelaymeshError(ErrorCode.TooLarge, `ack: more than ${MAX_ACK_IDS} ids`)
    const ids = idsOf(req.ids)
    if (req.expires.length !== 0 && req.expires.length !== ids.length) throw new RelaymeshError(ErrorCode.Invalid, 'ack: expires must be empty or one per id')
    // Whoever sends it (an entry node for its device, a replica handing a tombstone over), this
    // replica checks the device's signature itself and deletes nothing on a relay's word; the
    // evidence is kept with the tombstones and travels with them. `expires` only shortens how
    // long a tombstone for an id not held here is kept.
    const evidence = { signature: req.signature, deviceList: req.deviceList, deviceId: req.deviceId }
    verifyAckEvidence(req.mailbox, req.ids, evidence, deps.now(), deps.components.recordCache)
    return { count: await deps.envelopes.ack(mailbox, ids, storedProof(req.ids, evidence), req.expires.length > 0 ? req.expires : undefined) }
  },

  [ReplicaRequestType.REPLICA_DIGEST]: async (req, deps, asker) => {
    const differ: number[] = []
    const ackedDiffer: number[] = []
    for (const [n, d] of req.digests.entries()) {
      const mailbox = hexOf(bytesOf(d.mailbox, MAILBOX_ADDRESS_BYTES, 'digest mailbox'))
      bytesOf(d.digest, 32, 'digest')
      bytesOf(d.ackedDigest, 32, 'acked digest')
      // to a relay that is not a replica (nor a handover partner), or about a mailbox this node is not
      // responsible for, the answer is "differs" without looking: it learns nothing, and a partner
      // falls back to SYNC, which only tells about ids it names
      if (!isPartner(d.mailbox, deps, asker.peer, 1) || !await responsibleFor(d.mailbox, deps)) {
        differ.push(n)
        ackedDiffer.push(n)
        continue
      }
      const mine = await deps.envelopes.digest(mailbox)
      if (mine.count !== d.count || !equalBytes(mine.digest, d.digest)) differ.push(n)
      const acks = await deps.envelopes.ackDigest(mailbox)
      if (acks.count !== d.ackedCount || !equalBytes(acks.digest, d.ackedDigest)) ackedDiffer.push(n)
    }
    return { differ, ackedDiffer }
  },

  [ReplicaRequestType.REPLICA_SYNC]: async (req, deps, asker) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    const ids = idsOf(req.ids)
    // replicas only: a node leaving the set offers its envelopes with STORE instead
    await mustServe(req.mailbox, deps, asker, 'sync', 1)
    const { held, acked } = await deps.envelopes.check(mailbox, ids)
    return {
      missing: req.ids.filter((_, n) => held[n] !== true && acked[n] !== true),
      acked: req.ids.filter((_, n) => acked[n] === true)
    }
  },

  [ReplicaRequestType.REPLICA_PROOFS]: async (req, deps, asker) => {
    const mailbox = hexOf(bytesOf(req.mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    if (req.ids.length > MAX_ACK_IDS) throw new RelaymeshError(ErrorCode.TooLarge, `proofs: more than ${MAX_ACK_IDS} ids`)
    const ids = idsOf(req.ids)
    // replicas and handover partners (a node leaving the set was told "acknowledged" by STORE and
    // must see the proof before it drops its copy); a proof shows only that the device acknowledged
    // ids the asker names, which STORE of those envelopes tells anyway
    await mustServe(req.mailbox, deps, asker, 'proofs', ACK_SPREAD)
    const budget = deps.components.config.limits.maxFrameBytes - FRAME_MARGIN_BYTES
    const proofs: Uint8Array[] = []
    let bytes = 0
    for (const p of await deps.envelopes.proofs(mailbox, ids)) {
      // what does not fit is asked for again (the asker re-asks the ids still unproven)
      if (proofs.length > 0 && bytes + p.proof.byteLength > budget) break
      proofs.push(p.proof)
      bytes += p.proof.byteLength + 8
    }
    return { proofs: proofs.map((b) => decode(AckProof, b, budget, 'AckProof', null)) }
  }
}

function errorAnswer (err: unknown, requestId = 0): Uint8Array {
  const code = RelaymeshError.is(err) ? err.code : ErrorCode.Invalid
  const message = err instanceof Error ? err.message : String(err)
  return encode(ReplicaResponse, { version: WIRE_VERSION, status: ReplicaStatus.REPLICA_ERROR, errorCode: code, errorMessage: message, requestId })
}

/** Answer one request frame (never throws). */
export function replicaAnswerer (deps: ReplicaHandlerDeps): (frame: Uint8Array, connection: Connection) => Promise<Uint8Array> {
  const grants = new GrantMemory()
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
      const answer = await handler(req, deps, { peer: connection.remotePeer, grants })
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
