// createClientApi: the protocols a relay node serves to clients.
import { ATTACH_PROTOCOL, CLIENT_PROTOCOL, CLIENT_PROTOCOL_PIPELINED } from '../../protocol/client-protocol.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { ClientResponse, Status } from '../../protocol/pb/client-api.js'
import { encode } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { servePipelined } from '../mailbox/pipeline.js'
import { handleAttach } from './attach.js'
import { AttachedDevices } from './attached-devices.js'
import { ClientRateLimits, StrangerLimits } from './rate-limit.js'
import { CidrSet, ipOf } from '../connection-limits.js'
import { handleRequest, type RequestDeps } from './requests.js'
import { errorMessage, frames, readFrame, writeFrame } from './frames.js'
import { SECOND } from '../config.js'
import type { ChannelService, MailboxService, NodeComponents, PreKeyService, PresenceService, RecordService, Startable } from '../components.js'

export const REQUEST_TIMEOUT_MS = 30 * SECOND
/** /relaymesh/client/1.1.0 streams one client connection may hold open */
export const PIPELINED_STREAMS_PER_CLIENT = 4
/** requests handled at once on one 1.1.0 stream; further frames wait unread */
export const PIPELINED_MAX_PENDING = 64

export interface ClientApi extends Startable {
  readonly devices: AttachedDevices
  /** per-IP budget of stamped (stranger) sealed sends */
  readonly strangers: StrangerLimits
}

export function createClientApi (components: NodeComponents, services: { records: RecordService, mailbox: MailboxService, prekeys: PreKeyService, presence: PresenceService, channels: ChannelService, relays?: RequestDeps['relays'] }): ClientApi {
  const { host, config, log } = components
  // one bucket per device and one per peer, shared by all their connections
  const devices = new AttachedDevices(new ClientRateLimits(config.limits.clientRatePerSecond, config.limits.clientRateBurst))
  // sealed sends without an access key: a budget per source IP (the node knows nothing else of the sender)
  const strangers = new StrangerLimits(config.limits.strangerSendsPerMinute, config.limits.strangerSendBurst, new CidrSet(config.allowIps))
  const deps: RequestDeps = { ...services, devices, strangers }
  const inflight = new Set<Promise<void>>()
  const track = (p: Promise<void>): void => {
    inflight.add(p)
    void p.finally(() => inflight.delete(p))
  }

  return {
    devices,
    strangers,
    start: async () => {
      const streamLimits = { maxInboundStreams: config.limits.maxStreamsPerPeer, maxOutboundStreams: config.limits.maxStreamsPerPeer }
      await host.handle(ATTACH_PROTOCOL, (stream, connection) => {
        track(handleAttach(components, deps, stream, connection))
      }, { maxInboundStreams: 2, maxOutboundStreams: 1 })
      await host.handle(CLIENT_PROTOCOL, (stream, connection) => {
        track((async () => {
          const fs = frames(stream, config.limits.maxFrameBytes, { budget: components.inbound.for(connection) })
          const signal = AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), components.shutdown])
          try {
            // the request must be whole within the frame read bound (the answer may take longer)
            const bytes = await readFrame(fs, AbortSignal.any([signal, AbortSignal.timeout(config.limits.frameReadTimeoutMs)]))
            const response = await handleRequest(bytes, { components, deps, peerId: connection.remotePeer.toString(), remoteIp: ipOf(connection.remoteAddr), signal })
            await writeFrame(fs, response, signal)
            await stream.close({ signal })
          } catch (err) {
            log.debug({ peer: connection.remotePeer.toString(), err: errorMessage(err) }, 'client request stream failed')
            stream.abort(err instanceof Error ? err : new Error(String(err)))
          } finally {
            fs.reader.close()
          }
        })())
      }, streamLimits)
      // many requests per stream, answered as they complete, each tagged with its request id
      await host.handle(CLIENT_PROTOCOL_PIPELINED, (stream, connection) => {
        const peerId = connection.remotePeer.toString()
        const remoteIp = ipOf(connection.remoteAddr)
        track(servePipelined(stream, {
          maxFrameBytes: config.limits.maxFrameBytes,
          maxPending: PIPELINED_MAX_PENDING,
          timeoutMs: REQUEST_TIMEOUT_MS,
          frameTimeoutMs: config.limits.frameReadTimeoutMs,
          idleTimeoutMs: config.limits.streamIdleTimeoutMs,
          budget: components.inbound.for(connection),
          shutdown: components.shutdown,
          answer: async (frame, signal) => await handleRequest(frame, { components, deps, peerId, remoteIp, signal }),
          unreadable: (err: RelaymeshError) => encode(ClientResponse, { version: WIRE_VERSION, status: Status.ERROR, errorCode: err.code ?? ErrorCode.TooLarge, errorMessage: err.message }),
          onError: (err) => { log.debug({ peer: peerId, err: errorMessage(err) }, 'pipelined client stream ended') }
        }))
      }, { maxInboundStreams: PIPELINED_STREAMS_PER_CLIENT, maxOutboundStreams: 1 })
    },
    stop: async () => {
      // refuse new client work, then let in-flight requests (and their synced writes) finish
      await host.unhandle([ATTACH_PROTOCOL, CLIENT_PROTOCOL, CLIENT_PROTOCOL_PIPELINED]).catch(() => {})
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((resolve) => setTimeout(resolve, 5 * SECOND).unref())
      ])
    }
  }
}
