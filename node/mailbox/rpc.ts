// One request, one response, one stream: the transport of the node-to-node
// protocols (replica, prekey). Frames are length-prefixed and bounded by
// limits.maxFrameBytes (protocol/frame-reader.ts: an oversized prefix is
// refused while it is read); every read and write runs under an AbortSignal,
// and the request frame must arrive within readTimeoutMs.
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { FrameReader, type ByteBudget } from '../../protocol/frame-reader.js'
import { refuseStream, writeFrame } from '../../protocol/frame-writer.js'
import { ReplicaStatus } from '../../protocol/pb/node-replica.js'
import type { NodeComponents } from '../components.js'
import type { RelayHost } from '../host.js'
import { INBOUND_TIMEOUT_MS } from './constants.js'

export interface RequestOptions {
  signal: AbortSignal
  maxFrameBytes: number
}

/** Open a stream to `peer`, send one frame, read one frame back. Failures become typed errors. */
export async function request (host: RelayHost, peer: PeerId, protocol: string, frame: Uint8Array, options: RequestOptions): Promise<Uint8Array> {
  const { signal } = options
  let stream: Stream | undefined
  try {
    // an open connection is used directly: dialProtocol's peer-store work costs more than the request
    const conn = host.getConnections(peer).find((c) => c.status === 'open')
    stream = conn !== undefined ? await conn.newStream(protocol, { signal }) : await host.dialProtocol(peer, protocol, { signal })
    const reader = new FrameReader(stream, { maxFrameBytes: options.maxFrameBytes })
    await writeFrame(stream, frame, signal)
    const answer = await reader.read(signal)
    reader.close()
    const s = stream
    // the answer is in hand: closing is housekeeping, not part of the request
    s.close({ signal }).catch((err: Error) => { s.abort(err) })
    return answer
  } catch (err) {
    stream?.abort(err as Error)
    throw asTyped(err, signal, `${protocol} to ${peer.toString()}`)
  }
}

/** Map transport failures to ErrorCode (frame-reader errors keep theirs; Timeout when our signal fired, else Unavailable). */
export function asTyped (err: unknown, signal: AbortSignal, what: string): RelaymeshError {
  if (RelaymeshError.is(err)) return err
  const e = err as Error
  if (signal.aborted) return new RelaymeshError(ErrorCode.Timeout, `${what}: timed out`, { cause: err })
  return new RelaymeshError(ErrorCode.Unavailable, `${what}: ${e?.message ?? String(err)}`, { cause: err })
}

export interface ServeOptions {
  protocol: string
  maxFrameBytes: number
  maxInboundStreams: number
  /** the whole exchange: read, answer, write */
  timeoutMs: number
  /** the request frame must be whole within this, ms @default timeoutMs */
  readTimeoutMs?: number
  /** the inbound byte budget of a connection's streams (node/inbound-budget.ts) @default no budget */
  budget?: (connection: Connection) => ByteBudget
  shutdown: AbortSignal
  log: Logger
  /**
   * admission, checked before a byte of the request is read: an error refuses
   * the stream (answered with unreadable(err), then reset)
   */
  admit?: (connection: Connection) => RelaymeshError | undefined
  /** answer one request frame; must not throw (encode errors into the answer) */
  answer: (frame: Uint8Array, connection: Connection, signal: AbortSignal) => Promise<Uint8Array>
  /** the answer to a frame that could not be read (oversized, truncated), or undefined to just close */
  unreadable: (err: RelaymeshError) => Uint8Array | undefined
}

/** Register a one-request-per-stream handler with a per-peer stream limit. */
export async function serve (host: RelayHost, options: ServeOptions): Promise<void> {
  const handler = (stream: Stream, connection: Connection): void => {
    void handleOne(stream, connection, options)
  }
  await host.handle(options.protocol, handler, {
    maxInboundStreams: options.maxInboundStreams,
    // our own outbound requests are limited per peer by PeerLimiter; leave libp2p's cap above it
    maxOutboundStreams: 64
  })
}

async function handleOne (stream: Stream, connection: Connection, options: ServeOptions): Promise<void> {
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.shutdown])
  const reader = new FrameReader(stream, { maxFrameBytes: options.maxFrameBytes, ...(options.budget !== undefined ? { budget: options.budget(connection) } : {}) })
  try {
    const refusal = options.admit?.(connection)
    if (refusal !== undefined) {
      await refuseStream(stream, options.unreadable(refusal), refusal, options.readTimeoutMs ?? options.timeoutMs)
      return
    }
    let frame: Uint8Array
    const readSignal = options.readTimeoutMs !== undefined && options.readTimeoutMs < options.timeoutMs
      ? AbortSignal.any([signal, AbortSignal.timeout(options.readTimeoutMs)])
      : signal
    try {
      frame = await reader.read(readSignal)
    } catch (err) {
      const typed = asTyped(err, readSignal, `${options.protocol} from ${connection.remotePeer.toString()}`)
      const reply = typed.code === ErrorCode.TooLarge ? options.unreadable(typed) : undefined
      if (reply !== undefined) await writeFrame(stream, reply, signal).catch(() => {})
      stream.abort(typed)
      return
    }
    const reply = await options.answer(frame, connection, signal)
    await writeFrame(stream, reply, signal)
    await stream.close({ signal })
  } catch (err) {
    options.log.debug({ err: (err as Error).message, peer: connection.remotePeer.toString(), protocol: options.protocol }, 'inbound request failed')
    stream.abort(err as Error)
  } finally {
    reader.close()
  }
}

/**
 * serve() for a node-to-node protocol only admitted relays may use: the
 * node's stream, time and inbound-byte limits, and admission checked before
 * a byte of the request is read (refused with unreadable(ERR_UNAUTHORIZED)).
 */
export async function serveRelays (components: NodeComponents, options: Pick<ServeOptions, 'protocol' | 'maxFrameBytes' | 'answer' | 'unreadable'> & { isAdmitted: (peer: PeerId) => boolean }): Promise<void> {
  const { host, config, shutdown, log } = components
  const { isAdmitted, ...rest } = options
  await serve(host, {
    ...rest,
    maxInboundStreams: config.limits.maxStreamsPerPeer,
    timeoutMs: INBOUND_TIMEOUT_MS,
    readTimeoutMs: config.limits.frameReadTimeoutMs,
    budget: (connection) => components.inbound.for(connection),
    shutdown,
    log,
    admit: (connection) => isAdmitted(connection.remotePeer) ? undefined : new RelaymeshError(ErrorCode.Unauthorized, `${options.protocol} is for admitted relays`)
  })
}

/** The fields of an error answer (prekey, presence): REPLICA_ERROR with the error's code and message. */
export function errorFields (err: unknown): { status: ReplicaStatus, errorCode: string, errorMessage: string } {
  return {
    status: ReplicaStatus.REPLICA_ERROR,
    errorCode: RelaymeshError.is(err) ? err.code : ErrorCode.Invalid,
    errorMessage: err instanceof Error ? err.message : String(err)
  }
}

/** Bounded concurrency per peer: at most `max` tasks run for one peer, the rest wait in order. */
export class PeerLimiter {
  private readonly peers = new Map<string, { active: number, waiting: Array<() => void> }>()

  constructor (private readonly max: number) {}

  async run<T> (peer: PeerId, task: () => Promise<T>): Promise<T> {
    const key = peer.toString()
    let slot = this.peers.get(key)
    if (slot === undefined) {
      slot = { active: 0, waiting: [] }
      this.peers.set(key, slot)
    }
    if (slot.active >= this.max) {
      // the finishing task hands its slot over (active stays counted), so no newcomer overtakes
      const s = slot
      await new Promise<void>((resolve) => { s.waiting.push(resolve) })
    } else {
      slot.active++
    }
    try {
      return await task()
    } finally {
      const next = slot.waiting.shift()
      if (next !== undefined) {
        next()
      } else {
        slot.active--
        if (slot.active === 0) this.peers.delete(key)
      }
    }
  }

  /** a slot is free for this peer right now */
  idle (peer: PeerId): boolean {
    const slot = this.peers.get(peer.toString())
    return slot === undefined || slot.active < this.max
  }
}
