// /relaymesh/nodes/1.0.0: a peer's unexpired node records, pulled when a relay
// connects, so that a node that joins or restarts learns the relay set
// without waiting for the next refresh. The requester first sends its own
// SignedNodeRecord (one NodeRecordPage, done = true): the responder serves only
// a requester it admits (admission.ts), and so learns of it in the same round
// trip. The responder then writes NodeRecordPage frames until one has done = true.
// Reads go through protocol/frame-reader.ts (bounded prefix and frame).
import type { PeerId, Stream } from '@libp2p/interface'
import { FrameReader } from '../../protocol/frame-reader.js'
import { writeFrame } from '../../protocol/frame-writer.js'
import { decode, encode } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { NodeRecordPage } from '../../protocol/pb/node-gossip.js'
import type { RelayHost } from '../host.js'
import { EXCHANGE_MAX_PAGES, EXCHANGE_PAGE_BYTES, EXCHANGE_PAGE_RECORDS, MAX_SIGNED_NODE_RECORD_BYTES, NODES_PROTOCOL } from './constants.js'

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

/** the requester's first frame: a page holding its own record; at most this many bytes */
export const HELLO_MAX_BYTES = MAX_SIGNED_NODE_RECORD_BYTES + 64

/**
 * Serve one exchange: read the requester's own record and hand it to `admit`
 * (which throws, e.g. ErrorCode.Unauthorized, to refuse: the stream is then
 * aborted and nothing served), then write every page of `records()`, then close.
 * The requester sends nothing after its record: any further byte resets the stream.
 */
export async function serveNodeRecords (stream: Stream, admit: (record: Uint8Array) => Promise<void>, records: () => Uint8Array[],
  maxFrameBytes: number, signal: AbortSignal): Promise<void> {
  const reader = new FrameReader(stream, { maxFrameBytes: Math.min(maxFrameBytes, HELLO_MAX_BYTES) })
  const hello = decode(NodeRecordPage, await reader.read(signal), HELLO_MAX_BYTES, 'NodeRecordPage')
  const own = hello.records[0]
  if (hello.records.length !== 1 || own === undefined || !hello.done) {
    throw new RelaymeshError(ErrorCode.Unauthorized, 'node records: the request must carry the requester\'s own node record')
  }
  await admit(own)
  // a requester that writes more, or does not close its side within `signal`, is reset
  void reader.next(signal).then((frame) => {
    if (frame !== undefined) stream.abort(new RelaymeshError(ErrorCode.Invalid, 'node records: the requester sends only its own record'))
  }, (err: Error) => { stream.abort(err) })
  for (const page of nodeRecordPages(records())) {
    await writeFrame(stream, encode(NodeRecordPage, page), signal)
  }
  await stream.close({ signal })
}

/** Pull a peer's node records, presenting `own` (this node's SignedNodeRecord); unverified bytes: the caller opens each one. */
export async function pullNodeRecords (host: RelayHost, peer: PeerId, own: Uint8Array, maxFrameBytes: number, signal: AbortSignal): Promise<Uint8Array[]> {
  const stream = await host.dialProtocol(peer, NODES_PROTOCOL, { signal })
  try {
    const reader = new FrameReader(stream, { maxFrameBytes })
    await writeFrame(stream, encode(NodeRecordPage, { version: WIRE_VERSION, records: [own as Uint8Array<ArrayBuffer>], done: true }), signal)
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
