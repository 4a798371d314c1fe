// Length-prefixed protobuf frames on a libp2p stream, every read bounded in
// size and time. Shared by the client API handlers.
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'

export interface FrameStream {
  lp: LengthPrefixedStream<Stream>
  stream: Stream
}

export function frames (stream: Stream, maxFrameBytes: number): FrameStream {
  return { lp: lpStream(stream, { maxDataLength: maxFrameBytes }), stream }
}

/** Read one frame; a frame over the limit, a closed stream or a timeout become typed errors. */
export async function readFrame (fs: FrameStream, signal: AbortSignal): Promise<Uint8Array> {
  try {
    const list = await fs.lp.read({ signal })
    return list.subarray()
  } catch (err) {
    const e = err as Error & { code?: string }
    if (e.name === 'InvalidDataLengthError' || e.name === 'InvalidDataLengthLengthError' || e.name === 'InvalidMessageLengthError') {
      throw new RelaymeshError(ErrorCode.TooLarge, 'frame exceeds the size limit', { cause: err })
    }
    if (signal.aborted) throw new RelaymeshError(ErrorCode.Timeout, 'timed out reading a frame', { cause: err })
    throw new RelaymeshError(ErrorCode.Decode, `stream ended before a whole frame (${e.message})`, { cause: err })
  }
}

export async function writeFrame (fs: FrameStream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  await fs.lp.write(bytes, { signal })
}

/** The typed code of any error, for the wire. */
export function errorCode (err: unknown): string {
  return RelaymeshError.is(err) ? err.code : ErrorCode.Invalid
}

export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
