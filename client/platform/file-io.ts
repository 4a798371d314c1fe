// File input and output on Node (docs/protocol.md §8b; twin:
// file-io.browser.ts). What is sent is read from a FileSource (a path here, or
// a Blob on either platform); what is received is written to a FileSink: on
// Node a temp file (0600) in <home>/downloads (0700) that gets a safe name
// replacing nothing. The file's `path` in history is that file.
import { createHash } from 'node:crypto'
import { openAsBlob } from 'node:fs'
import { chmod, link, mkdir, open, readdir, stat, unlink } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import type { SealedStore } from '../store/sealed-store.js'
import { DIR_MODE, FILE_MODE } from '../store/permissions.js'
import { DOWNLOADS_FOLDER } from '../files/constants.js'
import type { FileSink, FileSource, Sha256Stream } from './file-types.js'
export type { FileSink, FileSource, Sha256Stream } from './file-types.js'

/** most " (n)" suffixes tried before giving up */
const MAX_SUFFIX = 10_000
/** a received file being written: `.<16 hex>.part` */
const TEMP_NAME = /^\.[0-9a-f]{16}\.part$/

/** An incremental SHA-256 (node:crypto here, @noble/hashes in the browser). */
export function newSha256 (): Sha256Stream {
  const h = createHash('sha256')
  return {
    update: (data) => { h.update(data) },
    digest: () => new Uint8Array(h.digest())
  }
}

/** A regular file on disk as a source: NotFound if it cannot be read, Invalid if it is not a regular file. */
export async function openPathSource (path: string): Promise<FileSource> {
  const full = resolve(path)
  let s
  try {
    s = await stat(full)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.NotFound, `cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err })
  }
  if (!s.isFile()) throw new RelaymeshError(ErrorCode.Invalid, `${full} is not a regular file`)
  const fh = await open(full, 'r')
  return {
    name: basename(full),
    size: s.size,
    mime: '',
    path: full,
    read: async (offset, length) => {
      const buf = new Uint8Array(length)
      let got = 0
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      return got === length ? buf : buf.subarray(0, got)
    },
    close: async () => { await fh.close() }
  }
}

/** Where a received file named `name` (made safe already) is written: a temp file, named on commit. */
export async function openSink (store: SealedStore, name: string): Promise<FileSink> {
  const dir = join(store.home, DOWNLOADS_FOLDER)
  await mkdir(dir, { recursive: true, mode: DIR_MODE })
  await chmod(dir, DIR_MODE)
  const temp = join(dir, `.${Buffer.from(randomBytes(8)).toString('hex')}.part`)
  const fh = await open(temp, 'wx', FILE_MODE)
  let open_ = true
  const closeFh = async (): Promise<void> => {
    if (open_) { open_ = false; await fh.close() }
  }
  return {
    write: async (plain) => { await fh.write(plain) },
    commit: async () => {
      try {
        await fh.sync()
        await closeFh()
        return await placeFile(temp, dir, name)
      } catch (err) {
        await closeFh().catch(() => {})
        await unlink(temp).catch(() => {})
        throw err
      }
    },
    abort: async () => {
      await closeFh().catch(() => {})
      await unlink(temp).catch(() => {})
    }
  }
}

/**
 * Delete what an assembly cut short (the process stopped mid-file) left: temp
 * files `.<16 hex>.part` in <home>/downloads. Called when the store opens,
 * before anything can assemble (the home is held by this process alone).
 * Returns how many were deleted.
 */
export async function removeUnfinishedFiles (store: SealedStore): Promise<number> {
  const dir = join(store.home, DOWNLOADS_FOLDER)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return 0
  }
  let n = 0
  for (const name of names) {
    if (!TEMP_NAME.test(name)) continue
    await unlink(join(dir, name)).catch(() => {})
    n++
  }
  return n
}

/** Delete a received file (its expiry came, or its request was dropped); one missing already is fine. */
export async function removeReceivedFile (_store: SealedStore, path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err })
}

/** A received file as a Blob (read from disk as it is consumed). NotFound when it is gone. */
export async function receivedFileBlob (_store: SealedStore, path: string, mime = ''): Promise<Blob> {
  try {
    return await openAsBlob(path, { type: mime })
  } catch (err) {
    throw new RelaymeshError(ErrorCode.NotFound, `the received file ${path} is gone: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err })
  }
}

/**
 * Give the finished temp file its final name in `dir` without replacing
 * anything: link() fails when the name exists (atomically), so try
 * "name", "name (1)", … then drop the temp name. Returns the path.
 */
async function placeFile (tempPath: string, dir: string, name: string): Promise<string> {
  const ext = extname(name)
  const stem = ext === '' || ext === name ? name : name.slice(0, -ext.length)
  for (let i = 0; i < MAX_SUFFIX; i++) {
    const path = join(dir, i === 0 ? name : `${stem} (${i})${ext}`)
    try {
      await link(tempPath, path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw err
    }
    await unlink(tempPath)
    return path
  }
  throw new Error(`no free name for ${name} in ${dir}`)
}
