// One request, one response, one stream: the transport of the node-to-node
// protocols (replica, prekey). Frames are length-prefixed and bounded by
// limits.maxFrameBytes; every read and write runs under an AbortSignal.
import { lpStream } from '@libp2p/utils'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import type { Logger } from 'pino'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayHost } from '../host.js'

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
    const lp = lpStream(stream, { maxDataLength: options.maxFrameBytes })
    await lp.write(frame, { signal })
    const answer = await lp.read({ signal })
    const s = stream
    // the answer is in hand: closing is housekeeping, not part of the request
    s.close({ signal }).catch((err: Error) => { s.abort(err) })
    return answer.subarray()
  } catch (err) {
    stream?.abort(err as Error)
    throw asTyped(err, signal, `${protocol} to ${peer.toString()}`)
  }
}

/** Map transport failures to ErrorCode (Timeout when our signal fired, TooLarge for oversized frames, else Unavailable). */
export function asTyped (err: unknown, signal: AbortSignal, what: string): RelaymeshError {
  if (RelaymeshError.is(err)) return err
  const e = err as Error
  if (isFrameSizeError(e)) return new RelaymeshError(ErrorCode.TooLarge, `${what}: frame exceeds the size limit`, { cause: err })
  if (signal.aborted) return new RelaymeshError(ErrorCode.Timeout, `${what}: timed out`, { cause: err })
  return new RelaymeshError(ErrorCode.Unavailable, `${what}: ${e?.message ?? String(err)}`, { cause: err })
}

function isFrameSizeError (e: Error | undefined): boolean {
  return e?.name === 'InvalidDataLengthError' || e?.name === 'InvalidDataLengthLengthError' || e?.name === 'InvalidMessageLengthError'
}

export interface ServeOptions {
  protocol: string
  maxFrameBytes: number
  maxInboundStreams: number
  timeoutMs: number
  shutdown: AbortSignal
  log: Logger
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
  const lp = lpStream(stream, { maxDataLength: options.maxFrameBytes })
  try {
    let frame: Uint8Array
    try {
      frame = (await lp.read({ signal })).subarray()
    } catch (err) {
      const typed = asTyped(err, signal, `${options.protocol} from ${connection.remotePeer.toString()}`)
      const reply = typed.code === ErrorCode.TooLarge ? options.unreadable(typed) : undefined
      if (reply !== undefined) await lp.write(reply, { signal })
      stream.abort(typed)
      return
    }
    const reply = await options.answer(frame, connection, signal)
    await lp.write(reply, { signal })
    await stream.close({ signal })
  } catch (err) {
    options.log.debug({ err: (err as Error).message, peer: connection.remotePeer.toString(), protocol: options.protocol }, 'inbound request failed')
    stream.abort(err as Error)
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
