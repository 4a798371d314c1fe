// Client requests (/relaymesh/client/1.0.0, one per stream; 1.1.0, pipelined
// on long-lived streams), dispatched from a table. Every handler validates its input and answers a typed error when bad.
import { ClientRequest, ClientResponse, RequestType, Status, type SendResult } from '../../protocol/pb/client-api.js'
import type { RelayDirectoryService } from '../relays/relay-directory.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { OneTimePreKey } from '../../protocol/pb/records.js'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { parseUserId } from '../../protocol/identity.js'
import { ENVELOPE_ID_BYTES, MAILBOX_ADDRESS_BYTES, MAX_PRESENCE_IDS, WIRE_VERSION, X25519_KEY_BYTES } from '../../protocol/constants.js'
import { CLAIM_STAMP_ID } from '../../protocol/send-access.js'
import { ONLINE_ONLY_MAX_BYTES, ONLINE_ONLY_TTL_MS } from '../mailbox/constants.js'
import type { AttachedDevice, AttachedDevices } from './attached-devices.js'
import { checkStillListed } from './device-list-check.js'
import { deviceBucketKey, type StrangerLimits } from './rate-limit.js'
import { checkSendAccess, deviceListLookup } from './send-access-check.js'
import type { ChannelService, MailboxService, NodeComponents, PreKeyService, PresenceService, RecordService } from '../components.js'

export interface RequestDeps {
  records: RecordService
  mailbox: MailboxService
  prekeys: PreKeyService
  devices: AttachedDevices
  strangers: StrangerLimits
  presence: PresenceService
  channels: ChannelService
  /** the relay directory, for STATUS (relays admitted and live, node records held); absent: counted as 0 */
  relays?: Pick<RelayDirectoryService, 'peers' | 'nodeRecords' | 'isAdmitted' | 'overlay'>
}

export interface RequestContext {
  components: NodeComponents
  deps: RequestDeps
  peerId: string
  /** the remote IP address of the connection (undefined on transports without one) */
  remoteIp?: string | undefined
  signal: AbortSignal
}

type Handler = (req: ClientRequest, ctx: RequestContext) => Promise<Loose<Partial<ClientResponse>>>

/** Envelopes per FETCH answer stay this far below the frame limit. */
const FETCH_FRAME_MARGIN = 64 * 1024
export const DEFAULT_FETCH_LIMIT = 256
export const MAX_FETCH_LIMIT = 1024
/** other relays whose addresses a STATUS answer lists (relayAddresses) */
export const STATUS_RELAY_ADDRESSES = 32

/**
 * The device attached over this request's connection, still in its user's
 * latest device list, with `cost` tokens taken from both its device bucket
 * and its peer's (shared by all their connections).
 */
async function attached (ctx: RequestContext, cost = 1): Promise<AttachedDevice> {
  const device = ctx.deps.devices.get(ctx.peerId)
  if (device === undefined) throw new RelaymeshError(ErrorCode.Unauthorized, 'attach first: this request needs an attached device')
  await checkStillListed(ctx.components, ctx.deps.records, device)
  if (!ctx.deps.devices.limits.take(ctx.peerId, deviceBucketKey(device.userId, device.deviceId), cost)) {
    throw new RelaymeshError(ErrorCode.RateLimited, 'rate limit exceeded: slow down')
  }
  return device
}

/** Requests that need no attached device still count against the peer's bucket. */
function peerLimited (ctx: RequestContext, cost = 1): void {
  if (!ctx.deps.devices.limits.take(ctx.peerId, undefined, cost)) throw new RelaymeshError(ErrorCode.RateLimited, 'rate limit exceeded: slow down')
}

function bytesOf (value: Uint8Array<ArrayBuffer>, length: number, what: string): Uint8Array<ArrayBuffer> {
  if (value.byteLength !== length) throw new RelaymeshError(ErrorCode.Invalid, `${what}: expected ${length} bytes, got ${value.byteLength}`)
  return value
}

const handlers: Partial<Record<RequestType, Handler>> = {
  [RequestType.PUBLISH]: async (req, ctx) => {
    await attached(ctx, req.records.length)
    for (const record of req.records) {
      try {
        await ctx.deps.records.publish(record)
      } catch (err) {
        // republishing what the mesh already has is not an error
        if (!RelaymeshError.is(err, ErrorCode.Stale)) throw err
      }
    }
    return {}
  },

  // sealed: no attached device, and nothing about who sends is read or kept (docs/protocol.md §5a);
  // access keys or a stamp open the mailboxes (send-access-check.ts)
  [RequestType.SEND]: async (req, ctx) => {
    const { limits, envelopeTtlMs, stampBits } = ctx.components.config
    if (req.mailboxes.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'send: no recipient mailbox')
    if (req.mailboxes.length > limits.maxRecipients) throw new RelaymeshError(ErrorCode.TooLarge, `send: more than ${limits.maxRecipients} recipients`)
    peerLimited(ctx, req.mailboxes.length)
    bytesOf(req.envelopeId, ENVELOPE_ID_BYTES, 'envelope_id')
    if (req.payload.byteLength === 0) throw new RelaymeshError(ErrorCode.Invalid, 'send: empty payload')
    if (req.payload.byteLength > limits.maxEnvelopeBytes - 128) throw new RelaymeshError(ErrorCode.TooLarge, `send: payload over ${limits.maxEnvelopeBytes - 128} bytes`)
    const now = Date.now()
    const expiresAt = req.expiresAt === 0 ? now + envelopeTtlMs : req.expiresAt
    if (expiresAt <= now || expiresAt > now + envelopeTtlMs) throw new RelaymeshError(ErrorCode.Invalid, 'send: expires_at must be in the future and within the node\'s retention')
    if (req.onlineOnly && req.payload.byteLength > ONLINE_ONLY_MAX_BYTES) throw new RelaymeshError(ErrorCode.TooLarge, `send: an online-only payload is at most ${ONLINE_ONLY_MAX_BYTES} bytes`)
    const mailboxes = req.mailboxes.map((m) => bytesOf(m, MAILBOX_ADDRESS_BYTES, 'mailbox'))
    const verdict = await checkSendAccess({ envelopeId: req.envelopeId, payload: req.payload, mailboxes, access: req.access, stamp: req.stamp, stampMinute: req.stampMinute },
      { stampBits, now, deviceList: deviceListLookup(ctx.components, ctx.deps.records) })
    if (!verdict.ok) {
      ctx.components.metrics.clientErrors.inc({ code: ErrorCode.StampRequired })
      return { status: Status.ERROR, errorCode: ErrorCode.StampRequired, errorMessage: verdict.message, stampBits: verdict.bits }
    }
    // strangers (stamped) are bounded per source address too: the only thing known of them
    if (verdict.uncovered > 0 && !ctx.deps.strangers.take(ctx.remoteIp)) throw new RelaymeshError(ErrorCode.RateLimited, 'stamped sends from this address exceed the node\'s budget: slow down')
    const reasons: string[] = []
    // online-only (typing indicators): pushed to the attached device if there is one, never stored, short-lived
    if (req.onlineOnly) return { sent: await sendOnlineOnly(req, mailboxes, now, ctx) }
    const results = await Promise.all(mailboxes.map(async (mailbox): Promise<Loose<SendResult>> => {
      try {
        const stored = await ctx.deps.mailbox.store({ version: WIRE_VERSION, id: req.envelopeId, mailbox, expiresAt, payload: req.payload }, { signal: ctx.signal })
        return { mailbox, replicas: stored.replicas.length, errorCode: '' }
      } catch (err) {
        reasons.push(err instanceof Error ? err.message : String(err))
        return { mailbox, replicas: 0, errorCode: RelaymeshError.is(err) ? err.code : ErrorCode.Unavailable }
      }
    }))
    const failed = results.find((r) => r.errorCode !== '')
    if (failed !== undefined) {
      // the first reason, e.g. "1 relay reachable, 2 needed", so the person sees why
      return { status: Status.ERROR, errorCode: failed.errorCode, errorMessage: `not stored for ${results.filter((r) => r.errorCode !== '').length} of ${results.length} mailboxes: ${reasons[0] ?? ''}`, sent: results }
    }
    return { sent: results }
  },

  [RequestType.FETCH]: async (req, ctx) => {
    const device = await attached(ctx)
    if (req.after !== '' && !/^[0-9a-f]{32}$/.test(req.after)) throw new RelaymeshError(ErrorCode.Invalid, 'fetch: after must be an envelope id in hex')
    const limit = Math.min(req.limit === 0 ? DEFAULT_FETCH_LIMIT : req.limit, MAX_FETCH_LIMIT)
    const found = await ctx.deps.mailbox.fetch(device.mailbox, { limit: limit + 1, ...(req.after !== '' ? { after: req.after } : {}), ...(device.grant !== undefined ? { grant: device.grant } : {}), signal: ctx.signal })
    const budget = ctx.components.config.limits.maxFrameBytes - FETCH_FRAME_MARGIN
    const envelopes: Uint8Array[] = []
    let used = 0
    for (const env of found.slice(0, limit)) {
      const bytes = encode(Envelope, env)
      if (used + bytes.byteLength > budget) break
      envelopes.push(bytes)
      used += bytes.byteLength
    }
    return { envelopes, more: envelopes.length < found.length }
  },

  [RequestType.ACK]: async (req, ctx) => {
    const device = await attached(ctx)
    if (req.ids.length === 0) return {}
    const ids = req.ids.map((id) => bytesOf(id, ENVELOPE_ID_BYTES, 'ack id'))
    // only the recipient device may delete from its mailbox: MailboxService.ack checks the signature
    // against the user's signed device list before anything is deleted (once per node: it is the costly part)
    await ctx.deps.mailbox.ack(device.mailbox, ids, { signal: ctx.signal, proof: { signature: req.signature, userId: device.userId } })
    return {}
  },

  [RequestType.UPLOAD_PREKEYS]: async (req, ctx) => {
    const device = await attached(ctx)
    if (req.prekeys.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'upload: no prekeys')
    for (const k of req.prekeys) {
      const key = decode(OneTimePreKey, k, 128, 'OneTimePreKey', null)
      bytesOf(key.publicKey, X25519_KEY_BYTES, 'one-time prekey')
    }
    const remaining = await ctx.deps.prekeys.upload(device.mailbox, req.prekeys, { signal: ctx.signal })
    return { remaining }
  },

  // sealed like SEND: whoever starts a session is not named. The mailbox's user's access key, or a stamp
  // over CLAIM_STAMP_ID, no payload and the mailbox, opens it; an attached device may claim as before
  [RequestType.CLAIM_PREKEY]: async (req, ctx) => {
    const mailbox = req.mailboxes[0]
    if (mailbox === undefined || req.mailboxes.length !== 1) throw new RelaymeshError(ErrorCode.Invalid, 'claim: name exactly one mailbox')
    bytesOf(mailbox, MAILBOX_ADDRESS_BYTES, 'mailbox')
    if (req.access.length === 0 && req.stamp.byteLength === 0 && ctx.deps.devices.get(ctx.peerId) !== undefined) {
      await attached(ctx)
    } else {
      peerLimited(ctx)
      const verdict = await checkSendAccess({ envelopeId: CLAIM_STAMP_ID, payload: new Uint8Array(0), mailboxes: [mailbox], access: req.access, stamp: req.stamp, stampMinute: req.stampMinute },
        { stampBits: ctx.components.config.stampBits, now: Date.now(), deviceList: deviceListLookup(ctx.components, ctx.deps.records) })
      if (!verdict.ok) {
        ctx.components.metrics.clientErrors.inc({ code: ErrorCode.StampRequired })
        return { status: Status.ERROR, errorCode: ErrorCode.StampRequired, errorMessage: verdict.message, stampBits: verdict.bits }
      }
      if (verdict.uncovered > 0 && !ctx.deps.strangers.take(ctx.remoteIp)) throw new RelaymeshError(ErrorCode.RateLimited, 'stamped requests from this address exceed the node\'s budget: slow down')
    }
    const { key, remaining } = await ctx.deps.prekeys.claim(mailbox, { signal: ctx.signal })
    return { prekey: key ?? new Uint8Array(0), remaining }
  },

  [RequestType.GET_USER]: async (req, ctx) => {
    peerLimited(ctx)
    parseUserId(req.userId)
    // the device list and bundles; presence is no longer public (PRESENCE_GET: contacts only)
    const records = await ctx.deps.records.userRecords(req.userId)
    if (records.length === 0) throw new RelaymeshError(ErrorCode.NotFound, `no records for user ${req.userId}`)
    return { records: records.slice(0, 64) }
  },

  // contacts-only presence blobs by id: no attach needed (the asker names nobody), peer-rate-limited
  [RequestType.PRESENCE_GET]: async (req, ctx) => {
    if (req.presenceIds.length === 0) throw new RelaymeshError(ErrorCode.Invalid, 'presence: no ids')
    if (req.presenceIds.length > MAX_PRESENCE_IDS) throw new RelaymeshError(ErrorCode.TooLarge, `presence: more than ${MAX_PRESENCE_IDS} ids`)
    // one token per 16 ids: a contact list's worth costs about one request
    peerLimited(ctx, Math.ceil(req.presenceIds.length / 16))
    return { presence: await ctx.deps.presence.get(req.presenceIds) }
  },

  // public channels (node/channel): no attach needed, a post is signed by its author's identity key
  [RequestType.CHANNEL_POST]: async (req, ctx) => {
    peerLimited(ctx)
    ctx.deps.channels.post(req.channelPost)
    return {}
  },

  [RequestType.CHANNEL_READ]: async (req, ctx) => {
    peerLimited(ctx)
    return { channelPosts: ctx.deps.channels.read(req.channel, req.since) }
  },

  [RequestType.STATUS]: async (_req, ctx) => {
    peerLimited(ctx)
    const { host, config } = ctx.components
    return {
      statusJson: JSON.stringify({
        peerId: host.peerId.toString(),
        multiaddrs: host.getMultiaddrs().map(String),
        // relays: admitted relays in the live set (self excluded), never mere connections (clients, status callers)
        relays: ctx.deps.relays?.peers().length ?? 0,
        nodeRecords: ctx.deps.relays?.nodeRecords().filter((r) => r.id !== host.peerId.toString()).length ?? 0,
        // where else a client may attach or send from: the signed addresses of other relays (a browser picks their /ws ones)
        relayAddresses: relayAddresses(ctx),
        connections: host.getConnections().length,
        // bounded connectivity (node/relays/overlay.ts): relay connections open now, and the overlay neighbours among them
        relayConnections: new Set(host.getConnections().filter((c) => ctx.deps.relays?.isAdmitted(c.remotePeer) === true).map((c) => c.remotePeer.toString())).size,
        overlayNeighbours: ctx.deps.relays?.overlay().neighbours.length ?? 0,
        attached: ctx.deps.devices.size,
        replicas: config.replicas,
        writeQuorum: config.writeQuorum
      })
    }
  }
}

/** Addresses (with /p2p) of up to STATUS_RELAY_ADDRESSES other admitted relays, from their signed node records. */
function relayAddresses (ctx: RequestContext): string[] {
  const self = ctx.components.host.peerId.toString()
  const records = (ctx.deps.relays?.nodeRecords() ?? []).filter((r) => r.id !== self).slice(0, STATUS_RELAY_ADDRESSES)
  return records.flatMap((r) => r.multiaddrs.map((a) => `${a.toString()}/p2p/${r.id}`))
}

/** An online-only SEND: each mailbox's replicas push it to where its device is attached; `replicas` says how many took it. */
async function sendOnlineOnly (req: ClientRequest, mailboxes: Uint8Array<ArrayBuffer>[], now: number, ctx: RequestContext): Promise<Array<Loose<SendResult>>> {
  const expiresAt = Math.min(now + ONLINE_ONLY_TTL_MS, req.expiresAt === 0 ? Infinity : req.expiresAt)
  return await Promise.all(mailboxes.map(async (mailbox): Promise<Loose<SendResult>> => {
    try {
      const pushed = await ctx.deps.mailbox.pushOnline({ version: WIRE_VERSION, id: req.envelopeId, mailbox, expiresAt, payload: req.payload }, { signal: ctx.signal })
      return { mailbox, replicas: pushed.replicas, errorCode: '' }
    } catch (err) {
      return { mailbox, replicas: 0, errorCode: RelaymeshError.is(err) ? err.code : ErrorCode.Unavailable }
    }
  }))
}

export async function handleRequest (bytes: Uint8Array, ctx: RequestContext): Promise<Uint8Array> {
  let response: Loose<Partial<ClientResponse>>
  // echoed (1.1.0 pipelines requests on one stream); 0 when the frame cannot be read
  let requestId = 0
  try {
    const req = decode(ClientRequest, bytes, ctx.components.config.limits.maxFrameBytes, 'ClientRequest')
    requestId = req.requestId
    const handler = handlers[req.type]
    if (handler === undefined) throw new RelaymeshError(ErrorCode.Invalid, `unknown request type ${req.type}`)
    ctx.components.metrics.clientRequests.inc({ type: RequestType[req.type] })
    response = await handler(req, ctx)
  } catch (err) {
    const code = RelaymeshError.is(err) ? err.code : ErrorCode.Invalid
    ctx.components.metrics.clientErrors.inc({ code })
    response = { status: Status.ERROR, errorCode: code, errorMessage: err instanceof Error ? err.message : String(err) }
  }
  return encode(ClientResponse, { version: WIRE_VERSION, status: Status.OK, ...response, requestId })
}
