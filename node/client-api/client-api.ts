// createClientApi: the protocols a relay node serves to clients.
import { ATTACH_PROTOCOL, CLIENT_PROTOCOL } from '../../protocol/client-protocol.js'
import { handleAttach } from './attach.js'
import { AttachedDevices } from './attached-devices.js'
import { handleRequest, type RequestDeps } from './requests.js'
import { errorMessage, frames, readFrame, writeFrame } from './frames.js'
import { SECOND } from '../config.js'
import type { MailboxService, NodeComponents, PreKeyService, RecordService, Startable } from '../components.js'

export const REQUEST_TIMEOUT_MS = 30 * SECOND

export interface ClientApi extends Startable {
  readonly devices: AttachedDevices
}

export function createClientApi (components: NodeComponents, services: { records: RecordService, mailbox: MailboxService, prekeys: PreKeyService }): ClientApi {
  const devices = new AttachedDevices()
  const deps: RequestDeps = { ...services, devices }
  const { host, config, log } = components
  const inflight = new Set<Promise<void>>()
  const track = (p: Promise<void>): void => {
    inflight.add(p)
    void p.finally(() => inflight.delete(p))
  }

  return {
    devices,
    start: async () => {
      const streamLimits = { maxInboundStreams: config.limits.maxStreamsPerPeer, maxOutboundStreams: config.limits.maxStreamsPerPeer }
      await host.handle(ATTACH_PROTOCOL, (stream, connection) => {
        track(handleAttach(components, deps, stream, connection))
      }, { maxInboundStreams: 2, maxOutboundStreams: 1 })
      await host.handle(CLIENT_PROTOCOL, (stream, connection) => {
        track((async () => {
          const fs = frames(stream, config.limits.maxFrameBytes)
          const signal = AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), components.shutdown])
          try {
            const bytes = await readFrame(fs, signal)
            const response = await handleRequest(bytes, { components, deps, peerId: connection.remotePeer.toString(), signal })
            await writeFrame(fs, response, signal)
            await stream.close({ signal })
          } catch (err) {
            log.debug({ peer: connection.remotePeer.toString(), err: errorMessage(err) }, 'client request stream failed')
            stream.abort(err instanceof Error ? err : new Error(String(err)))
          }
        })())
      }, streamLimits)
    },
    stop: async () => {
      // refuse new client work, then let in-flight requests (and their synced writes) finish
      await host.unhandle([ATTACH_PROTOCOL, CLIENT_PROTOCOL]).catch(() => {})
      await Promise.race([
        Promise.allSettled([...inflight]),
        new Promise((resolve) => setTimeout(resolve, 5 * SECOND).unref())
      ])
    }
  }
}
