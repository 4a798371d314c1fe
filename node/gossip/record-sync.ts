// /relaymesh/sync/1.0.0: anti-entropy for signed records, so a node that
// joins late or restarts converges (docs/protocol.md §9, "Sync").
// The requester sends its bucket digests; the responder streams the records
// of every bucket whose digest differs, one page per SyncNext, so the reader
// sets the pace (stream reads have no backpressure, shared/NOTES.md).
// Every read is bounded (protocol/frame-reader.ts): the requester's frames
// by SYNC_REQUEST_MAX_BYTES, pages by limits.maxFrameBytes, each step in time.
import type { PeerId, Stream } from '@libp2p/interface'
import { FrameReader } from '../../protocol/frame-reader.js'
import { writeFrame } from '../../protocol/frame-writer.js'
import { decode, encode } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { SyncNext, SyncPage, SyncRequest, SyncStatus } from '../../protocol/pb/node-gossip.js'
import type { RelayHost } from '../host.js'
import { SYNC_BUCKETS, SYNC_DIGEST_BYTES, SYNC_PAGE_BYTES, SYNC_PAGE_RECORDS, SYNC_PROTOCOL, SYNC_REQUEST_MAX_BYTES, SYNC_STEP_TIMEOUT_MS } from './constants.js'
import type { RecordStore } from './record-store.js'

/** room left in a frame for the SyncPage around its records */
const PAGE_MARGIN_BYTES = 16 * 1024

function step (session: AbortSignal): AbortSignal {
  return AbortSignal.any([session, AbortSignal.timeout(SYNC_STEP_TIMEOUT_MS)])
}

async function readFrame (reader: FrameReader, signal: AbortSignal): Promise<Uint8Array> {
  try {
    return await reader.read(signal)
  } catch (err) {
    if (RelaymeshError.is(err)) throw new RelaymeshError(err.code, `sync: ${err.message}`, { cause: err })
    throw new RelaymeshError(signal.aborted ? ErrorCode.Timeout : ErrorCode.Decode, `sync: ${(err as Error).message}`, { cause: err })
  }
}

function page (status: SyncStatus, records: Uint8Array[], done: boolean): Uint8Array {
  return encode(SyncPage, { version: WIRE_VERSION, status, records: records as Array<Uint8Array<ArrayBuffer>>, done })
}

/** Refuse a session politely (too many in progress). */
export async function refuseSync (stream: Stream, signal: AbortSignal): Promise<void> {
  await writeFrame(stream, page(SyncStatus.SYNC_BUSY, [], true), signal)
  await stream.close({ signal })
}

/** Serve one sync session from `store`. */
export async function serveSync (stream: Stream, store: RecordStore, maxFrameBytes: number, session: AbortSignal): Promise<number> {
  const reader = new FrameReader(stream, { maxFrameBytes: SYNC_REQUEST_MAX_BYTES })
  const request = decode(SyncRequest, await readFrame(reader, step(session)), SYNC_REQUEST_MAX_BYTES, 'SyncRequest')
  const digests = request.bucketDigests
  if (digests.byteLength !== 0 && digests.byteLength !== SYNC_BUCKETS * SYNC_DIGEST_BYTES) {
    await writeFrame(stream, page(SyncStatus.SYNC_BAD_REQUEST, [], true), step(session))
    await stream.close({ signal: step(session) })
    throw new RelaymeshError(ErrorCode.Decode, `SyncRequest: ${digests.byteLength} bytes of bucket digests`)
  }
  const maxPageBytes = Math.min(SYNC_PAGE_BYTES, maxFrameBytes - PAGE_MARGIN_BYTES)
  const now = Date.now()
  let records: Uint8Array[] = []
  let bytes = 0
  let sent = 0
  const flush = async (done: boolean): Promise<void> => {
    await writeFrame(stream, page(SyncStatus.SYNC_OK, records, done), step(session))
    sent += records.length
    records = []
    bytes = 0
    if (!done) decode(SyncNext, await readFrame(reader, step(session)), 64, 'SyncNext')
  }
  for (const bucket of store.differingBuckets(digests)) {
    for await (const r of store.bucketRecords(bucket, now)) {
      if (records.length === SYNC_PAGE_RECORDS || (records.length > 0 && bytes + r.byteLength + 8 > maxPageBytes)) await flush(false)
      records.push(r)
      bytes += r.byteLength + 8
    }
  }
  await flush(true)
  await stream.close({ signal: step(session) })
  return sent
}

/**
 * Run one sync session against `peer`: `onPage` gets each page's records
 * (unverified bytes; it checks and stores them, and throws to end the
 * session on a bad one). Returns the number of records received.
 */
export async function pullSync (host: RelayHost, peer: PeerId, store: RecordStore, maxFrameBytes: number, session: AbortSignal,
  onPage: (records: Uint8Array[]) => Promise<void>): Promise<number> {
  const stream = await host.dialProtocol(peer, SYNC_PROTOCOL, { signal: step(session) })
  try {
    const reader = new FrameReader(stream, { maxFrameBytes })
    await writeFrame(stream, encode(SyncRequest, { version: WIRE_VERSION, bucketDigests: store.bucketDigests() as Uint8Array<ArrayBuffer> }), step(session))
    let received = 0
    for (;;) {
      const p = decode(SyncPage, await readFrame(reader, step(session)), maxFrameBytes, 'SyncPage')
      if (p.status === SyncStatus.SYNC_BUSY) throw new RelaymeshError(ErrorCode.Unavailable, 'sync: peer busy')
      if (p.status !== SyncStatus.SYNC_OK) throw new RelaymeshError(ErrorCode.Invalid, `sync: peer answered ${p.status}`)
      received += p.records.length
      if (p.records.length > 0) await onPage(p.records)
      if (p.done) break
      await writeFrame(stream, encode(SyncNext, { version: WIRE_VERSION }), step(session))
    }
    reader.close()
    await stream.close({ signal: step(session) })
    return received
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}
