// Length-prefixed protobuf frames on a libp2p stream, every read bounded in
// size and time (protocol/frame-reader.ts: an oversized length prefix is
// refused while the varint is read; a started frame and a silent stream
// have time bounds). Shared by the client API handlers.
import type { Stream } from '@libp2p/interface'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { FrameReader, type FrameReaderOptions } from '../../protocol/frame-reader.js'
import { writeFrame as writeOne } from '../../protocol/frame-writer.js'

export interface FrameStream {
  reader: FrameReader
  stream: Stream
}

/** `bounds`: the time bounds of a long-lived stream (frame completion, idle); one-request streams bound each read by its signal. */
export function frames (stream: Stream, maxFrameBytes: number, bounds: Omit<FrameReaderOptions, 'maxFrameBytes'> = {}): FrameStream {
  return { reader: new FrameReader(stream, { ...bounds, maxFrameBytes }), stream }
}

/** Read one frame; a frame over the limit, a closed stream or a timeout become typed errors (TooLarge, Decode, Timeout). */
export async function readFrame (fs: FrameStream, signal: AbortSignal): Promise<Uint8Array> {
  try {
    return await fs.reader.read(signal)
  } catch (err) {
    if (RelaymeshError.is(err)) throw err
    throw new RelaymeshError(signal.aborted ? ErrorCode.Timeout : ErrorCode.Decode, `reading a frame failed: ${(err as Error).message}`, { cause: err })
  }
}

export async function writeFrame (fs: FrameStream, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
  await writeOne(fs.stream, bytes, signal)
}

/** The typed code of any error, for the wire. */
export function errorCode (err: unknown): string {
  return RelaymeshError.is(err) ? err.code : ErrorCode.Invalid
}

export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
