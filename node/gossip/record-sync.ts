// /relaymesh/sync/1.0.0: anti-entropy for signed records, so a node that
// joins late or restarts converges (docs/protocol.md §9, "Sync").
// The requester sends its bucket digests; the responder streams the records
// of every bucket whose digest differs, one page per SyncNext, so the reader
// sets the pace (stream reads have no backpressure, shared/NOTES.md).
import { lpStream, type LengthPrefixedStream } from '@libp2p/utils'
import type { PeerId, Stream } from '@libp2p/interface'
import { decode, encode } from '../../protocol/codec.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { SyncNext, SyncPage, SyncRequest, SyncStatus } from '../../protocol/pb/node-gossip.js'
import type { RelayHost } from '../host.js'
import { SYNC_BUCKETS, SYNC_DIGEST_BYTES, SYNC_PAGE_BYTES, SYNC_PAGE_RECORDS, SYNC_PROTOCOL, SYNC_STEP_TIMEOUT_MS } from './constants.js'
import type { RecordStore } from './record-store.js'

/** room left in a frame for the SyncPage around its records */
const PAGE_MARGIN_BYTES = 16 * 1024

function step (session: AbortSignal): AbortSignal {
  return AbortSignal.any([session, AbortSignal.timeout(SYNC_STEP_TIMEOUT_MS)])
}

async function readFrame (lp: LengthPrefixedStream<Stream>, signal: AbortSignal): Promise<Uint8Array> {
  try {
    return (await lp.read({ signal })).subarray()
  } catch (err) {
    if (signal.aborted) throw new RelaymeshError(ErrorCode.Timeout, 'sync: timed out', { cause: err })
    throw new RelaymeshError(ErrorCode.Decode, `sync: ${(err as Error).message}`, { cause: err })
  }
}

function page (status: SyncStatus, records: Uint8Array[], done: boolean): Uint8Array {
  return encode(SyncPage, { version: WIRE_VERSION, status, records: records as Array<Uint8Array<ArrayBuffer>>, done })
}

/** Refuse a session politely (too many in progress). */
export async function refuseSync (stream: Stream, signal: AbortSignal): Promise<void> {
  const lp = lpStream(stream)
  await lp.write(page(SyncStatus.SYNC_BUSY, [], true), { signal })
  await stream.close({ signal })
}

/** Serve one sync session from `store`. */
export async function serveSync (stream: Stream, store: RecordStore, maxFrameBytes: number, session: AbortSignal): Promise<number> {
  const lp = lpStream(stream, { maxDataLength: maxFrameBytes })
  const request = decode(SyncRequest, await readFrame(lp, step(session)), maxFrameBytes, 'SyncRequest')
  const digests = request.bucketDigests
  if (digests.byteLength !== 0 && digests.byteLength !== SYNC_BUCKETS * SYNC_DIGEST_BYTES) {
    await lp.write(page(SyncStatus.SYNC_BAD_REQUEST, [], true), { signal: step(session) })
    await stream.close({ signal: step(session) })
    throw new RelaymeshError(ErrorCode.Decode, `SyncRequest: ${digests.byteLength} bytes of bucket digests`)
  }
  const maxPageBytes = Math.min(SYNC_PAGE_BYTES, maxFrameBytes - PAGE_MARGIN_BYTES)
  const now = Date.now()
  let records: Uint8Array[] = []
  let bytes = 0
  let sent = 0
  const flush = async (done: boolean): Promise<void> => {
    await lp.write(page(SyncStatus.SYNC_OK, records, done), { signal: step(session) })
    sent += records.length
    records = []
    bytes = 0
    if (!done) decode(SyncNext, await readFrame(lp, step(session)), 64, 'SyncNext')
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
    const lp = lpStream(stream, { maxDataLength: maxFrameBytes })
    await lp.write(encode(SyncRequest, { version: WIRE_VERSION, bucketDigests: store.bucketDigests() as Uint8Array<ArrayBuffer> }), { signal: step(session) })
    let received = 0
    for (;;) {
      const p = decode(SyncPage, await readFrame(lp, step(session)), maxFrameBytes, 'SyncPage')
      if (p.status === SyncStatus.SYNC_BUSY) throw new RelaymeshError(ErrorCode.Unavailable, 'sync: peer busy')
      if (p.status !== SyncStatus.SYNC_OK) throw new RelaymeshError(ErrorCode.Invalid, `sync: peer answered ${p.status}`)
      received += p.records.length
      if (p.records.length > 0) await onPage(p.records)
      if (p.done) break
      await lp.write(encode(SyncNext, { version: WIRE_VERSION }), { signal: step(session) })
    }
    await stream.close({ signal: step(session) })
    return received
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}
