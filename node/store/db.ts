// LevelDB (classic-level) behind one small interface. Values are raw bytes;
// writes that precede an acknowledgement use `sync: true` (persist before ack).
import { ClassicLevel } from 'classic-level'
import { mkdir } from 'node:fs/promises'

export type BatchOp =
  | { type: 'put', key: string, value: Uint8Array }
  | { type: 'del', key: string }

export interface NodeStore {
  get: (key: string) => Promise<Uint8Array | undefined>
  getMany: (keys: string[]) => Promise<Array<Uint8Array | undefined>>
  put: (key: string, value: Uint8Array, options?: { sync?: boolean }) => Promise<void>
  del: (key: string, options?: { sync?: boolean }) => Promise<void>
  batch: (ops: BatchOp[], options?: { sync?: boolean }) => Promise<void>
  /** entries with gte <= key < lt, in key order */
  range: (options: { gte: string, lt: string, limit?: number, reverse?: boolean }) => AsyncIterable<[string, Uint8Array]>
  keys: (options: { gte: string, lt: string, limit?: number }) => AsyncIterable<string>
  close: () => Promise<void>
}

export interface StoreMemory {
  /** LevelDB block cache, bytes @default classic-level's 8 MiB */
  cacheBytes?: number
  /** LevelDB memtable, bytes @default classic-level's 4 MiB */
  writeBufferBytes?: number
}

export async function openStore (path: string, memory: StoreMemory = {}): Promise<NodeStore> {
  await mkdir(path, { recursive: true, mode: 0o700 })
  const db = new ClassicLevel<string, Uint8Array>(path, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
    ...(memory.cacheBytes !== undefined ? { cacheSize: memory.cacheBytes } : {}),
    ...(memory.writeBufferBytes !== undefined ? { writeBufferSize: memory.writeBufferBytes } : {})
  })
  await db.open()
  return {
    get: async (key) => await db.get(key),
    getMany: async (keys) => await db.getMany(keys),
    put: async (key, value, options) => { await db.put(key, value, { sync: options?.sync ?? false }) },
    del: async (key, options) => { await db.del(key, { sync: options?.sync ?? false }) },
    batch: async (ops, options) => { if (ops.length > 0) await db.batch(ops, { sync: options?.sync ?? false }) },
    range: (options) => db.iterator(options),
    keys: (options) => db.keys(options),
    close: async () => { await db.close() }
  }
}
