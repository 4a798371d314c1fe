// One client's link to one relay node: attach (prove the device key, receive
// live pushes) and requests (send, fetch, ack, prekeys, records), each request
// on its own stream with a timeout. Errors come back as RelaymeshError codes.
import { multiaddr } from '@multiformats/multiaddr'
import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { AttachChallenge, AttachEvent, AttachRequest, AttachUpdate, ClientRequest, ClientResponse, RequestType, Status } from '../../protocol/pb/client-api.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import { decode, encode, type Loose } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ATTACH_PROTOCOL, CLIENT_PROTOCOL, ackSignaturePayload, attachSignaturePayload } from '../../protocol/client-protocol.js'
import { ed25519Sign } from '../../protocol/crypto/primitives.js'
import { MAX_ENVELOPE_BYTES, WIRE_VERSION } from '../../protocol/constants.js'
import { signPresencePair, PRESENCE_TTL_MS, type DeviceCredentials } from '../device.js'

export const REQUEST_TIMEOUT_MS = 30_000
export const MAX_FRAME_BYTES = 1024 * 1024

export interface AttachHandlers {
  onEnvelope: (envelope: Envelope) => void
  onLowPreKeys?: (remaining: number) => void
  onClose?: (err?: Error) => void
}

export class NodeConnection {
  private attachStream: Stream | undefined
  private refreshTimer: NodeJS.Timeout | undefined

  private constructor (readonly host: Libp2p, readonly nodePeerId: PeerId, readonly address: string) {}

  /** Dial a node by multiaddr (with /p2p/<peer id>). */
  static async connect (host: Libp2p, address: string, signal?: AbortSignal): Promise<NodeConnection> {
    const ma = multiaddr(address)
    let conn
    try {
      conn = await host.dial(ma, { signal: signal ?? AbortSignal.timeout(10_000) })
    } catch (err) {
      throw new RelaymeshError(ErrorCode.Unavailable, `cannot reach node ${address}: ${(err as Error).message}`, { cause: err })
    }
    return new NodeConnection(host, conn.remotePeer, address)
  }

  /** One request, one stream; a status ERROR answer throws RelaymeshError with the node's code. */
  async request (req: Loose<Partial<ClientRequest>>, signal: AbortSignal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)): Promise<ClientResponse> {
    let stream: Stream
    try {
      stream = await this.host.dialProtocol(this.nodePeerId, CLIENT_PROTOCOL, { signal })
    } catch (err) {
      throw new RelaymeshError(ErrorCode.Unavailable, `node ${this.nodePeerId.toString()} unreachable: ${(err as Error).message}`, { cause: err })
    }
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    let res: ClientResponse
    try {
      await lp.write(encode(ClientRequest, { version: WIRE_VERSION, ...req }), { signal })
      res = decode(ClientResponse, (await lp.read({ signal })).subarray(), MAX_FRAME_BYTES, 'ClientResponse')
      await stream.close({ signal }).catch(() => {})
    } catch (err) {
      stream.abort(err as Error)
      if (RelaymeshError.is(err)) throw err
      throw new RelaymeshError(signal.aborted ? ErrorCode.Timeout : ErrorCode.Unavailable, `request ${String(req.type)} failed: ${(err as Error).message}`, { cause: err })
    }
    if (res.status !== Status.OK) {
      const err = new RelaymeshError((res.errorCode as ErrorCode) ?? ErrorCode.Invalid, res.errorMessage)
      ;(err as RelaymeshError & { response?: ClientResponse }).response = res
      throw err
    }
    return res
  }

  /** Attach as `creds`' device: resolves once the node accepted; pushes then arrive on handlers.onEnvelope. */
  async attach (creds: DeviceCredentials, handlers: AttachHandlers, signal: AbortSignal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)): Promise<void> {
    const stream = await this.host.dialProtocol(this.nodePeerId, ATTACH_PROTOCOL, { signal })
    const lp = lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
    try {
      const challenge = decode(AttachChallenge, (await lp.read({ signal })).subarray(), 1024, 'AttachChallenge')
      const clientId = this.host.peerId.toMultihash().bytes
      const signature = ed25519Sign(creds.deviceKey.privateKey, attachSignaturePayload(challenge.nonce, challenge.nodeId, clientId))
      const presence = signPresencePair(creds, challenge.nodeId, Date.now() * 2)
      await lp.write(encode(AttachRequest, {
        version: WIRE_VERSION,
        deviceList: creds.deviceList,
        deviceId: creds.deviceId,
        signature,
        presenceOnline: presence.online,
        presenceOffline: presence.offline
      }), { signal })
      const first = decode(AttachEvent, (await lp.read({ signal })).subarray(), MAX_FRAME_BYTES, 'AttachEvent')
      if (first.status !== Status.OK) throw new RelaymeshError((first.errorCode as ErrorCode) ?? ErrorCode.Invalid, `attach refused: ${first.errorMessage}`)
      this.attachStream = stream
      // keep presence fresh while attached
      this.refreshTimer = setInterval(() => {
        const p = signPresencePair(creds, challenge.nodeId, Date.now() * 2)
        lp.write(encode(AttachUpdate, { version: WIRE_VERSION, presenceOnline: p.online, presenceOffline: p.offline })).catch(() => {})
      }, PRESENCE_TTL_MS / 3)
      this.refreshTimer.unref()
      void this.readPushes(lp, handlers)
    } catch (err) {
      stream.abort(err as Error)
      throw err
    }
  }

  private async readPushes (lp: ReturnType<typeof lpStream>, handlers: AttachHandlers): Promise<void> {
    let failure: Error | undefined
    try {
      for (;;) {
        const ev = decode(AttachEvent, (await lp.read()).subarray(), MAX_FRAME_BYTES, 'AttachEvent')
        if (ev.lowPrekeys > 0) handlers.onLowPreKeys?.(ev.lowPrekeys)
        if (ev.envelope.byteLength > 0) handlers.onEnvelope(decode(Envelope, ev.envelope, MAX_ENVELOPE_BYTES, 'Envelope'))
      }
    } catch (err) {
      failure = err as Error
    } finally {
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
  }

  async send (mailboxes: Uint8Array[], envelopeId: Uint8Array, payload: Uint8Array, options: { expiresAt?: number, signal?: AbortSignal } = {}): Promise<ClientResponse> {
    return await this.request({ type: RequestType.SEND, mailboxes, envelopeId, payload, expiresAt: options.expiresAt ?? 0 }, options.signal)
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

  async claimPreKey (mailbox: Uint8Array): Promise<{ prekey: Uint8Array | undefined, remaining: number }> {
    const res = await this.request({ type: RequestType.CLAIM_PREKEY, mailboxes: [mailbox] })
    return { prekey: res.prekey.byteLength > 0 ? res.prekey : undefined, remaining: res.remaining }
  }

  async getUser (userId: string): Promise<Uint8Array[]> {
    return (await this.request({ type: RequestType.GET_USER, userId })).records
  }

  async status (): Promise<Record<string, unknown>> {
    return JSON.parse((await this.request({ type: RequestType.STATUS })).statusJson) as Record<string, unknown>
  }
}
