// /relaymesh/nodes/1.0.0: a peer's unexpired node records, pulled when a relay
// connects, so that a node that joins or restarts learns the relay set
// without waiting for the next refresh. The requester sends nothing; the
// responder writes NodeRecordPage frames until one has done = true.
// Reads go through protocol/frame-reader.ts (bounded prefix and frame).
import type { PeerId, Stream } from '@libp2p/interface'
import { FrameReader } from '../../protocol/frame-reader.js'
import { writeFrame } from '../../protocol/frame-writer.js'
import { decode, encode } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { NodeRecordPage } from '../../protocol/pb/node-gossip.js'
import type { RelayHost } from '../host.js'
import { EXCHANGE_MAX_PAGES, EXCHANGE_PAGE_BYTES, EXCHANGE_PAGE_RECORDS, NODES_PROTOCOL } from './constants.js'

/** Split records into pages bounded by count and bytes; always at least one (possibly empty) page, the last marked done. */
export function nodeRecordPages (records: Uint8Array[]): NodeRecordPage[] {
  const pages: NodeRecordPage[] = []
  let current: Array<Uint8Array<ArrayBuffer>> = []
  let bytes = 0
  for (const r of records) {
    if (current.length === EXCHANGE_PAGE_RECORDS || (current.length > 0 && bytes + r.byteLength + 8 > EXCHANGE_PAGE_BYTES)) {
      pages.push({ version: WIRE_VERSION, records: current, done: false })
      current = []
      bytes = 0
    }
    current.push(r as Uint8Array<ArrayBuffer>)
    bytes += r.byteLength + 8
  }
  pages.push({ version: WIRE_VERSION, records: current, done: true })
  return pages.slice(0, EXCHANGE_MAX_PAGES).map((p, i, all) => ({ ...p, done: i === all.length - 1 }))
}

/** Serve one exchange: write every page, then close. The requester sends nothing: any byte from it resets the stream. */
export async function serveNodeRecords (stream: Stream, records: Uint8Array[], maxFrameBytes: number, signal: AbortSignal): Promise<void> {
  // a requester that does not close its side within `signal` is reset too (no-op once both sides closed)
  const reader = new FrameReader(stream, { maxFrameBytes: 0 })
  void reader.next(signal).then((frame) => {
    if (frame !== undefined) stream.abort(new RelaymeshError(ErrorCode.Invalid, 'node records: the requester sends nothing'))
  }, (err: Error) => { stream.abort(err) })
  for (const page of nodeRecordPages(records)) {
    await writeFrame(stream, encode(NodeRecordPage, page), signal)
  }
  await stream.close({ signal })
}

/** Pull a peer's node records (unverified bytes: the caller opens each one). */
export async function pullNodeRecords (host: RelayHost, peer: PeerId, maxFrameBytes: number, signal: AbortSignal): Promise<Uint8Array[]> {
  const stream = await host.dialProtocol(peer, NODES_PROTOCOL, { signal })
  try {
    const reader = new FrameReader(stream, { maxFrameBytes })
    const out: Uint8Array[] = []
    for (let pages = 0; ; pages++) {
      if (pages === EXCHANGE_MAX_PAGES) {
        throw new RelaymeshError(ErrorCode.TooLarge, `node records: more than ${EXCHANGE_MAX_PAGES} pages`)
      }
      const frame = await reader.read(signal)
      const page = decode(NodeRecordPage, frame, maxFrameBytes, 'NodeRecordPage')
      out.push(...page.records)
      if (page.done) break
    }
    reader.close()
    await stream.close({ signal })
    return out
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}
