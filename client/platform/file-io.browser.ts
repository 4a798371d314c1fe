// File input and output in a browser (twin of file-io.ts, same exports).
// There is no file system: a file is sent from a Blob or File (blobSource in
// client/files/file-source.ts), and a received file's plaintext is kept in
// the sealed store (IndexedDB, sealed like every value), one record per
// chunk under PREFIX.fileData + a random reference, so a reload keeps it.
// Its `path` in history is RECEIVED_SCHEME + that reference; receivedFileBlob
// turns it back into a Blob one chunk at a time.
import { sha256 } from '@noble/hashes/sha2.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { PREFIX } from '../store/keys.js'
import type { SealedStore, StoreOp } from '../store/sealed-store.js'
import type { FileSink, FileSource, Sha256Stream } from './file-types.js'
export type { FileSink, FileSource, Sha256Stream } from './file-types.js'

/** a received file's `path` in the browser: this, then the hex reference of its chunk records */
const RECEIVED_SCHEME = 'relaymesh-store:'
/** chunk records deleted per batch when a file is removed */
const DELETE_BATCH = 64

/** An incremental SHA-256 (@noble/hashes). */
export function newSha256 (): Sha256Stream {
  const h = sha256.create()
  return {
    update: (data) => { h.update(data) },
    digest: () => h.digest()
  }
}

/** Paths mean nothing in a browser: send a Blob or File instead. */
export async function openPathSource (path: string): Promise<FileSource> {
  throw new RelaymeshError(ErrorCode.Invalid, `cannot read ${path}: in a browser a file is sent from a Blob or File, not a path`)
}

/** A received file kept in the sealed store, chunk after chunk; `name` only travels in history. */
export async function openSink (store: SealedStore, _name: string): Promise<FileSink> {
  const ref = hex(randomBytes(16))
  let index = 0
  const abort = async (): Promise<void> => { await deleteChunks(store, ref) }
  return {
    write: async (plain) => {
      // not synced one by one: commit's caller persists the file message in a synced batch after these
      await store.batch([store.putOp(chunkKey(ref, index++), plain)], { sync: false })
    },
    commit: async () => {
      // the head record: the file is whole (a file of 0 bytes has no chunk records)
      try {
        await store.batch([store.jsonOp(PREFIX.fileData + ref, { v: 1, chunks: index })], { sync: true })
      } catch (err) {
        await abort().catch(() => {})
        throw err
      }
      return RECEIVED_SCHEME + ref
    },
    abort
  }
}

/**
 * Delete what an assembly cut short (the tab closed mid-file) left: chunk
 * records of a reference without a head record. Called when the store opens,
 * before anything can assemble (the home is held by this tab alone). Returns
 * how many files' records were deleted.
 */
export async function removeUnfinishedFiles (store: SealedStore): Promise<number> {
  const heads = new Set<string>()
  const unfinished = new Set<string>()
  // keys only (nothing unsealed); a head `fd!<ref>` sorts before its chunks `fd!<ref>!…`
  for await (const key of store.keys(PREFIX.fileData)) {
    const ref = key.slice(PREFIX.fileData.length, PREFIX.fileData.length + 32)
    if (key.length === PREFIX.fileData.length + 32) heads.add(ref)
    else if (!heads.has(ref)) unfinished.add(ref)
  }
  for (const ref of unfinished) await deleteChunks(store, ref)
  return unfinished.size
}

/** Delete a received file's chunk records; one gone already is fine. */
export async function removeReceivedFile (store: SealedStore, path: string): Promise<void> {
  const ref = refOf(path)
  if (ref !== undefined) await deleteChunks(store, ref)
}

/** A received file as a Blob, built one chunk at a time (the browser may keep a large Blob on disk). NotFound when it is gone. */
export async function receivedFileBlob (store: SealedStore, path: string, mime = ''): Promise<Blob> {
  const ref = refOf(path)
  if (ref === undefined) throw new RelaymeshError(ErrorCode.NotFound, `${path} is not a file this browser received`)
  if (!await store.has(PREFIX.fileData + ref)) throw new RelaymeshError(ErrorCode.NotFound, `the received file ${path} is gone`)
  let blob = new Blob([], { type: mime })
  for await (const [, plain] of store.range(`${PREFIX.fileData}${ref}!`)) {
    blob = new Blob([blob, plain as Uint8Array<ArrayBuffer>], { type: mime })
  }
  return blob
}

function chunkKey (ref: string, index: number): string {
  return `${PREFIX.fileData}${ref}!${index.toString(16).padStart(8, '0')}`
}

function refOf (path: string): string | undefined {
  if (!path.startsWith(RECEIVED_SCHEME)) return undefined
  const ref = path.slice(RECEIVED_SCHEME.length)
  return /^[0-9a-f]{32}$/.test(ref) ? ref : undefined
}

async function deleteChunks (store: SealedStore, ref: string): Promise<void> {
  for (;;) {
    const ops: StoreOp[] = []
    for await (const key of store.keys(`${PREFIX.fileData}${ref}!`, { limit: DELETE_BATCH })) ops.push({ type: 'del', key })
    if (ops.length === 0) break
    await store.batch(ops, { sync: true })
  }
  await store.batch([{ type: 'del', key: PREFIX.fileData + ref }], { sync: true })
}

function hex (bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
