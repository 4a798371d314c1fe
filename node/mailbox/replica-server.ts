// The serving side of the replica protocol on this node: /relaymesh/replica
// 1.0.0 (one request per stream) and 1.1.0 (many requests pipelined on a
// long-lived stream, protocol/rpc-pipeline.ts), both answered by
// replica-protocol.ts. Admission is checked before a byte of a request is read.
import type { PeerId } from '@libp2p/interface'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayHost } from '../host.js'
import { INBOUND_TIMEOUT_MS, PIPELINE_MAX_PENDING, PIPELINED_STREAMS_PER_PEER, REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED } from './constants.js'
import { servePipelined } from './pipeline.js'
import { replicaAnswerer, replicaUnreadable, type ReplicaHandlerDeps } from './replica-protocol.js'
import { serveRelays } from './rpc.js'

/** Handle both versions of the replica protocol. */
export async function serveReplicaProtocols (deps: ReplicaHandlerDeps): Promise<void> {
  const { components, isRelay } = deps
  const { host, config, log, shutdown } = components
  const answer = replicaAnswerer(deps)
  // admission is checked before a byte of the request is read
  const admit = (peer: PeerId): RelaymeshError | undefined => isRelay(peer) ? undefined : new RelaymeshError(ErrorCode.Unauthorized, 'the replica protocol is for admitted relays')
  await serveRelays(components, { protocol: REPLICA_PROTOCOL, maxFrameBytes: config.limits.maxFrameBytes, isAdmitted: isRelay, answer, unreadable: replicaUnreadable })
  // the pipelined version: many requests per long-lived stream (protocol/rpc-pipeline.ts)
  await host.handle(REPLICA_PROTOCOL_PIPELINED, (stream, connection) => {
    void servePipelined(stream, {
      maxFrameBytes: config.limits.maxFrameBytes,
      maxPending: PIPELINE_MAX_PENDING,
      timeoutMs: INBOUND_TIMEOUT_MS,
      frameTimeoutMs: config.limits.frameReadTimeoutMs,
      idleTimeoutMs: config.limits.streamIdleTimeoutMs,
      budget: components.inbound.for(connection),
      admit: () => admit(connection.remotePeer),
      shutdown,
      answer: async (frame) => await answer(frame, connection),
      unreadable: replicaUnreadable,
      onError: (err) => { log.debug({ err: err.message, peer: connection.remotePeer.toString() }, 'pipelined replica stream ended') }
    })
  }, { maxInboundStreams: PIPELINED_STREAMS_PER_PEER, maxOutboundStreams: PIPELINED_STREAMS_PER_PEER })
}

/** Stop handling both versions; a failure to unhandle is ignored. */
export async function stopServingReplicaProtocols (host: RelayHost): Promise<void> {
  await host.unhandle([REPLICA_PROTOCOL, REPLICA_PROTOCOL_PIPELINED]).catch(() => {})
}
