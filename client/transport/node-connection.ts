// One client's link to one relay node: attach (prove the device key, receive
// live pushes) and requests (send, fetch, ack, prekeys, records), each with a
// timeout. Requests are pipelined on a small pool of long-lived
// /relaymesh/client/1.1.0 streams (each tagged with a request id, answered in
// any order); a node that only speaks 1.0.0 gets one stream per request.
// The plumbing is the node's own (protocol/rpc-pipeline.ts), and every read
// is bounded in bytes and time (protocol/frame-reader.ts): a hostile node
// cannot make the client buffer an endless length prefix or hang a stream.
// Errors come back as RelaymeshError codes.
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { AttachChallenge, AttachEvent, AttachRequest, AttachUpdate, ClientRequest, ClientResponse, RequestType, Status } from '../../protocol/pb/client-api.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { varint } from '../../protocol/framing.js'
import { FrameReader } from '../../protocol/frame-reader.js'
import { writeFrame } from '../../protocol/frame-writer.js'
import { PipelinedChannel } from '../../protocol/rpc-pipeline.js'
import { ATTACH_PROTOCOL, CLIENT_PROTOCOL, CLIENT_PROTOCOL_PIPELINED, ackSignaturePayload, attachSignaturePayload } from '../../protocol/client-protocol.js'
import { ed25519Sign, equalBytes } from '../../protocol/crypto/primitives.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import { MAX_ENVELOPE_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { signPresenceBlobs, PRESENCE_TTL_MS, type DeviceCredentials } from '../device.js'
import { unrefTimer } from '../util/timers.js'

export const REQUEST_TIMEOUT_MS = 30_000
export const MAX_FRAME_BYTES = 1024 * 1024
/** pipelined request streams per node connection (the node accepts 4) */
export const REQUEST_STREAMS = 2
/** a frame from the node that started must be whole within this (a stalled partial frame fails the stream) */
export const FRAME_TIMEOUT_MS = 10_000

export interface AttachHandlers {
  onEnvelope: (envelope: Envelope) => void
  onLowPreKeys?: (remaining: number) => void
  onClose?: (err?: Error) => void
}

export class NodeConnection {
  private attachStream: Stream | undefined
  private refreshTimer: NodeJS.Timeout | undefined
  private lanes: RequestLane[] = []
  private opening: Promise<RequestLane | undefined> | undefined
  /** undefined until known; false: the node only speaks /relaymesh/client/1.0.0 */
  private pipelining: boolean | undefined
  /** set by attach(): the one-time prekeys the node counted on this device's replicas (undefined: not counted) */
  prekeysRemaining: number | undefined

  private constructor (readonly host: Libp2p, readonly nodePeerId: PeerId, readonly address: string) {}

  /** Dial a node by multiaddr (with /p2p/<peer id>). */
  static async connect (host: Libp2p, address: string, signal?: AbortSignal): Promise<NodeConnection> {
    const ma = multiaddr(address)
    let conn
    try {
      conn = await host.dial(ma, { signal: signal ?? AbortSignal.timeout(10_000) })
    } catch (err) {
      // Noise's "Payload identity key A does not match expected remote identity key B": say it as a person can fix it
      const wrongId = /identity key (\S+) does not match expected remote identity key (\S+)/.exec((err as Error).message)
      if (wrongId !== null) throw new RelaymeshError(ErrorCode.Unavailable, `the node at ${address} has peer id ${wrongId[1] ?? ''}, not ${wrongId[2] ?? ''}: fix the /p2p/ part of the address`, { cause: err })
      throw new RelaymeshError(ErrorCode.Unavailable, `cannot reach node ${address}: ${(err as Error).message}`, { cause: err })
    }
    return new NodeConnection(host, conn.remotePeer, address)
  }

  /** A request (pipelined on a shared stream); a status ERROR answer throws RelaymeshError with the node's code. */
  async request (req: Loose<Partial<ClientRequest>>, signal: AbortSignal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)): Promise<ClientResponse> {
    const lane = await this.lane(signal)
    const res = lane !== undefined ? await lane.request(req, signal) : await this.requestOnOwnStream(req, signal)
    if (res.status !== Status.OK) {
      const err = new RelaymeshError((res.errorCode as ErrorCode) ?? ErrorCode.Invalid, res.errorMessage)
      ;(err as RelaymeshError & { response?: ClientResponse }).response = res
      throw err
    }
    return res
  }

  /** The least loaded usable pipelined stream, opening one (one at a time) while the pool is not full; undefined when the node only speaks 1.0.0. */
  private async lane (signal: AbortSignal): Promise<RequestLane | undefined> {
    if (this.pipelining === false) return undefined
    this.lanes = this.lanes.filter((l) => l.usable)
    const best = this.lanes.reduce<RequestLane | undefined>((a, l) => a === undefined || l.load < a.load ? l : a, undefined)
    if (best !== undefined && (best.load === 0 || this.lanes.length >= REQUEST_STREAMS || this.opening !== undefined)) return best
    this.opening ??= this.openLane(signal).finally(() => { this.opening = undefined })
    try {
      return await this.opening
    } catch (err) {
      if (best !== undefined) return best
      throw err
    }
  }

  private async openLane (signal: AbortSignal): Promise<RequestLane | undefined> {
    try {
      const stream = await this.host.dialProtocol(this.nodePeerId, CLIENT_PROTOCOL_PIPELINED, { signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) })
      const lane = new RequestLane(stream)
      this.lanes.push(lane)
      this.pipelining = true
      return lane
    } catch (err) {
      if ((err as Error).name === 'UnsupportedProtocolError') {
        this.pipelining = false
        return undefined
      }
      throw new RelaymeshError(signal.aborted ? ErrorCode.Timeout : ErrorCode.Unavailable, `node ${this.nodePeerId.toString()} unreachable: ${(err as Error).message}`, { cause: err })
    }
  }

  /** /relaymesh/client/1.0.0: one request, one stream. */
  private async requestOnOwnStream (req: Loose<Partial<ClientRequest>>, signal: AbortSignal): Promise<ClientResponse> {
    let stream: Stream
    try {
      stream = await this.host.dialProtocol(this.nodePeerId, CLIENT_PROTOCOL, { signal })
    } catch (err) {
      throw new RelaymeshError(ErrorCode.Unavailable, `node ${this.nodePeerId.toString()} unreachable: ${(err as Error).message}`, { cause: err })
    }
    const reader = new FrameReader(stream, { maxFrameBytes: MAX_FRAME_BYTES })
    try {
      await writeFrame(stream, encode(ClientRequest, { version: WIRE_VERSION, ...req }), signal)
      const res = decode(ClientResponse, await reader.read(signal), MAX_FRAME_BYTES, 'ClientResponse')
      await stream.close({ signal }).catch(() => {})
      return res
    } catch (err) {
      stream.abort(err as Error)
      if (RelaymeshError.is(err)) throw err
      throw new RelaymeshError(signal.aborted ? ErrorCode.Timeout : ErrorCode.Unavailable, `request ${String(req.type)} failed: ${(err as Error).message}`, { cause: err })
    } finally {
      reader.close()
    }
  }

  /** Attach as `creds`' device: resolves once the node accepted; pushes then arrive on handlers.onEnvelope. */
  async attach (creds: DeviceCredentials, handlers: AttachHandlers, signal: AbortSignal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)): Promise<void> {
    const stream = await this.host.dialProtocol(this.nodePeerId, ATTACH_PROTOCOL, { signal })
    // one reader for the whole session: the handshake, then pushes (a started frame must complete)
    const reader = new FrameReader(stream, { maxFrameBytes: MAX_FRAME_BYTES, frameTimeoutMs: FRAME_TIMEOUT_MS })
    try {
      const challenge = decode(AttachChallenge, await reader.read(signal), 1024, 'AttachChallenge')
      // sign nothing for a node that names another (a relay for it, or a mix-up): the signature names challenge.nodeId
      checkChallengeNode(challenge.nodeId, this.nodePeerId)
      const clientId = this.host.peerId.toMultihash().bytes
      const signature = ed25519Sign(creds.deviceKey.privateKey, attachSignaturePayload(challenge.nonce, challenge.nodeId, clientId))
      const presence = signPresenceBlobs(creds, Date.now() * 2)
      await writeFrame(stream, encode(AttachRequest, {
        version: WIRE_VERSION,
        deviceList: creds.deviceList,
        deviceId: creds.deviceId,
        signature,
        presenceOnline: presence.online,
        presenceOffline: presence.offline
      }), signal)
      const first = decode(AttachEvent, await reader.read(signal), MAX_FRAME_BYTES, 'AttachEvent')
      if (first.status !== Status.OK) throw new RelaymeshError((first.errorCode as ErrorCode) ?? ErrorCode.Invalid, `attach refused: ${first.errorMessage}`)
      this.prekeysRemaining = first.prekeysRemaining
      this.attachStream = stream
      // keep presence fresh while attached
      this.refreshTimer = setInterval(() => {
        const p = signPresenceBlobs(creds, Date.now() * 2)
        const update = encode(AttachUpdate, { version: WIRE_VERSION, presenceOnline: p.online, presenceOffline: p.offline })
        try { stream.send(new Uint8ArrayList(varint(update.byteLength), update)) } catch {}
      }, PRESENCE_TTL_MS / 3)
      unrefTimer(this.refreshTimer)
      void this.readPushes(stream, reader, handlers)
    } catch (err) {
      reader.close()
      stream.abort(err as Error)
      if (RelaymeshError.is(err)) throw err
      throw new RelaymeshError(signal.aborted ? ErrorCode.Timeout : ErrorCode.Unavailable, `attach failed: ${(err as Error).message}`, { cause: err })
    }
  }

  private async readPushes (stream: Stream, reader: FrameReader, handlers: AttachHandlers): Promise<void> {
    let failure: Error | undefined
    try {
      for (;;) {
        const frame = await reader.next()
        if (frame === undefined) break
        const ev = decode(AttachEvent, frame, MAX_FRAME_BYTES, 'AttachEvent')
        if (ev.lowPrekeys > 0) handlers.onLowPreKeys?.(ev.lowPrekeys)
        if (ev.envelope.byteLength > 0) handlers.onEnvelope(decode(Envelope, ev.envelope, MAX_ENVELOPE_BYTES, 'Envelope'))
      }
      failure = new RelaymeshError(ErrorCode.Unavailable, 'the node closed the attach stream')
    } catch (err) {
      failure = err as Error
      stream.abort(failure)
    } finally {
      reader.close()
      clearInterval(this.refreshTimer)
      this.attachStream = undefined
      handlers.onClose?.(failure)
    }
  }

  get attached (): boolean {
    return this.attachStream !== undefined
  }

  async detach (): Promise<void> {
    clearInterval(this.refreshTimer)
    await this.attachStream?.close().catch(() => {})
    this.attachStream = undefined
    for (const lane of this.lanes) lane.close()
    this.lanes = []
  }

  async fetch (options: { after?: string, limit?: number } = {}): Promise<{ envelopes: Envelope[], more: boolean }> {
    const res = await this.request({ type: RequestType.FETCH, after: options.after ?? '', limit: options.limit ?? 0 })
    return { envelopes: res.envelopes.map((e) => decode(Envelope, e, MAX_ENVELOPE_BYTES, 'Envelope')), more: res.more }
  }

  async ack (creds: DeviceCredentials, ids: Uint8Array[]): Promise<void> {
    const signature = ed25519Sign(creds.deviceKey.privateKey, ackSignaturePayload(creds.mailbox, ids))
    await this.request({ type: RequestType.ACK, ids, signature })
  }

  async publish (records: Uint8Array[]): Promise<void> {
    await this.request({ type: RequestType.PUBLISH, records })
  }

  async uploadPreKeys (prekeys: Uint8Array[]): Promise<number> {
    return (await this.request({ type: RequestType.UPLOAD_PREKEYS, prekeys })).remaining
  }

  async getUser (userId: string): Promise<Uint8Array[]> {
    return (await this.request({ type: RequestType.GET_USER, userId })).records
  }

  /** contacts-only presence blobs the node holds of these ids (PRESENCE_GET; no attach needed) */
  async presence (ids: Uint8Array[]): Promise<Uint8Array[]> {
    return (await this.request({ type: RequestType.PRESENCE_GET, presenceIds: ids })).presence
  }

  async status (): Promise<Record<string, unknown>> {
    return JSON.parse((await this.request({ type: RequestType.STATUS })).statusJson) as Record<string, unknown>
  }
}

/** Unauthorized unless the challenge names `dialled`, the peer Noise authenticated on this connection (the /p2p/ id dialled). */
export function checkChallengeNode (nodeId: Uint8Array, dialled: PeerId): void {
  if (equalBytes(nodeId, dialled.toMultihash().bytes)) return
  let named: string
  try {
    named = peerIdFromString(uint8ArrayToString(nodeId, 'base58btc')).toString()
  } catch {
    named = `<${nodeId.byteLength} bytes that are no peer id>`
  }
  throw new RelaymeshError(ErrorCode.Unauthorized, `attach challenge names node ${named}, not the node dialled (${dialled.toString()}): refused, nothing signed`)
}

/** One /relaymesh/client/1.1.0 stream: the shared pipelined channel (protocol/rpc-pipeline.ts) speaking ClientRequest/ClientResponse. */
class RequestLane {
  private readonly channel: PipelinedChannel<ClientResponse>

  constructor (stream: Stream) {
    this.channel = new PipelinedChannel(stream, MAX_FRAME_BYTES, (frame) => decode(ClientResponse, frame, MAX_FRAME_BYTES, 'ClientResponse'), 'request stream', {
      frameTimeoutMs: FRAME_TIMEOUT_MS,
      unreadable: (res) => new RelaymeshError((res.errorCode as ErrorCode) || ErrorCode.Decode, `the node could not read a request: ${res.errorMessage}`)
    })
  }

  get load (): number { return this.channel.load }

  get usable (): boolean { return this.channel.usable }

  async request (req: Loose<Partial<ClientRequest>>, signal: AbortSignal): Promise<ClientResponse> {
    try {
      return await this.channel.request((requestId) => encode(ClientRequest, { version: WIRE_VERSION, ...req, requestId }), signal)
    } catch (err) {
      if (RelaymeshError.is(err, ErrorCode.Timeout)) throw new RelaymeshError(ErrorCode.Timeout, `request ${String(req.type)} timed out`, { cause: err })
      throw err
    }
  }

  close (): void {
    this.channel.close()
  }
}
