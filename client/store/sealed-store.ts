// The client's local state: one LevelDB database per home (`level`: a folder
// under the home on Node, an IndexedDB database in the browser; where and
// how is client/platform/home-fs.ts and its twin), every value
// sealed with protocol/crypto/local-state.ts under a key derived once per
// unlock (scrypt runs once, then one AES-256-GCM per value). Each sealed
// plaintext starts with the LevelDB key it is stored under, so a value moved
// to another key does not open there. The KDF parameters are stored
// unsealed; a sealed check value tells a wrong passphrase apart before
// anything else is read.
import { Level } from 'level'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { concat, equalBytes, hmacSha256, randomBytes, wipe } from '../../protocol/crypto/primitives.js'
import {
  deriveLocalStateKey, newLocalStateKdf, openWithKey, sealWithKey, wipeLocalStateKey,
  type LocalStateKdf, type LocalStateKey
} from '../../protocol/crypto/local-state.js'
import { SCRYPT_PARAMS } from '../../protocol/constants.js'
import { PREFIX, rangeEnd } from './keys.js'
import { lockHome, prepareHome, restrictHome, STORE_DB_PREFIX, storeExists, storeLocation } from '../platform/home-fs.js'

const te = new TextEncoder()
const td = new TextDecoder()
const CHECK_PLAINTEXT = te.encode('relaymesh client store v1')
export { STORE_FOLDER } from '../platform/home-fs.js'

export type StoreOp =
  | { type: 'put', key: string, value: Uint8Array }
  | { type: 'del', key: string }

export interface StoreOptions {
  /** scrypt parameters for a new store (tests use cheaper ones) */
  scrypt?: { N: number, r: number, p: number }
}

export class SealedStore {
  private constructor (
    readonly home: string,
    private readonly db: Level<string, Uint8Array>,
    private readonly key: LocalStateKey,
    private readonly nameKey: Uint8Array,
    private readonly unlock: () => void
  ) {}

  /** Create the store (and the home, 0700). ErrorCode.Invalid if one exists. */
  static async create (home: string, passphrase: string, options: StoreOptions = {}): Promise<SealedStore> {
    if (await storeExists(home)) throw new RelaymeshError(ErrorCode.Invalid, `${home} is already initialised (a local store exists)`)
    const unlock = await lockHome(home)
    let db: Level<string, Uint8Array>
    try {
      await prepareHome(home)
      db = await openDb(storeLocation(home))
    } catch (err) {
      unlock()
      throw err
    }
    const kdf = newLocalStateKdf(options.scrypt ?? SCRYPT_PARAMS)
    const key = deriveLocalStateKey(passphrase, kdf)
    const nameKey = randomBytes(32)
    const store = new SealedStore(home, db, key, nameKey, unlock)
    await db.batch([
      { type: 'put', key: PREFIX.kdf, value: te.encode(JSON.stringify({ v: 1, N: kdf.N, r: kdf.r, p: kdf.p, salt: Buffer.from(kdf.salt).toString('base64') })) },
      { type: 'put', key: PREFIX.check, value: store.seal(PREFIX.check, CHECK_PLAINTEXT) },
      { type: 'put', key: PREFIX.nameKey, value: store.seal(PREFIX.nameKey, nameKey) }
    ], { sync: true })
    await restrictHome(home)
    return store
  }

  /** Unlock: ErrorCode.NotFound without a store, WrongPassphrase, InvalidState if corrupted or in use. */
  static async open (home: string, passphrase: string): Promise<SealedStore> {
    if (!await storeExists(home)) throw new RelaymeshError(ErrorCode.NotFound, `no identity in ${home}: run \`relaymesh init\` first`)
    const unlock = await lockHome(home)
    let db: Level<string, Uint8Array>
    try {
      db = await openDb(storeLocation(home))
    } catch (err) {
      unlock()
      throw err
    }
    try {
      const kdf = parseKdf(await db.get(PREFIX.kdf))
      const check = await db.get(PREFIX.check)
      if (check === undefined) throw corrupted('the passphrase check value is missing')
      let key: LocalStateKey
      try {
        key = deriveLocalStateKey(passphrase, kdf)
      } catch (err) {
        throw corrupted('the key derivation header is out of bounds', err)
      }
      const probe = new SealedStore(home, db, key, new Uint8Array(0), () => {})
      let plain: Uint8Array
      try {
        plain = probe.unseal(PREFIX.check, check, ErrorCode.WrongPassphrase)
      } catch (err) {
        wipeLocalStateKey(key)
        throw err
      }
      if (!equalBytes(plain, CHECK_PLAINTEXT)) throw corrupted('the passphrase check value is wrong')
      const nameKeySealed = await db.get(PREFIX.nameKey)
      if (nameKeySealed === undefined) throw corrupted('the name key is missing')
      const nameKey = probe.unseal(PREFIX.nameKey, nameKeySealed)
      await restrictHome(home)
      return new SealedStore(home, db, key, nameKey, unlock)
    } catch (err) {
      await db.close().catch(() => {})
      unlock()
      throw err
    }
  }

  /** A keyed hash of a name (user id, alias, message id) for use inside a LevelDB key. */
  name (value: string): string {
    return Buffer.from(hmacSha256(this.nameKey, te.encode(value)).subarray(0, 16)).toString('hex')
  }

  seal (key: string, value: Uint8Array): Uint8Array {
    const k = te.encode(key)
    return sealWithKey(this.key, concat(Uint8Array.of(k.byteLength >>> 8, k.byteLength & 0xff), k, value))
  }

  private unseal (key: string, sealed: Uint8Array, failCode = ErrorCode.InvalidState): Uint8Array {
    let plain: Uint8Array
    try {
      plain = openWithKey(this.key, sealed)
    } catch (err) {
      if (failCode === ErrorCode.WrongPassphrase && RelaymeshError.is(err, ErrorCode.WrongPassphrase)) {
        throw new RelaymeshError(ErrorCode.WrongPassphrase, 'wrong passphrase: the local store did not open', { cause: err })
      }
      throw corrupted(`record ${key} does not open`, err)
    }
    const n = ((plain[0] ?? 0) << 8) | (plain[1] ?? 0)
    if (plain.byteLength < 2 + n || td.decode(plain.subarray(2, 2 + n)) !== key) throw corrupted(`record ${key} belongs to another key`)
    return plain.subarray(2 + n)
  }

  async get (key: string): Promise<Uint8Array | undefined> {
    const sealed = await this.db.get(key)
    return sealed === undefined ? undefined : this.unseal(key, sealed)
  }

  async getJson<T> (key: string): Promise<T | undefined> {
    const v = await this.get(key)
    return v === undefined ? undefined : parseJson<T>(key, v)
  }

  putOp (key: string, value: Uint8Array): StoreOp {
    return { type: 'put', key, value: this.seal(key, value) }
  }

  jsonOp (key: string, value: unknown): StoreOp {
    return this.putOp(key, te.encode(JSON.stringify(value)))
  }

  async has (key: string): Promise<boolean> {
    return (await this.db.get(key)) !== undefined
  }

  /** One atomic LevelDB batch; `sync` (the default) persists it before resolving. Ops must come from putOp/jsonOp. */
  async batch (ops: StoreOp[], options: { sync?: boolean } = {}): Promise<void> {
    if (ops.length > 0) await this.db.batch(ops, { sync: options.sync ?? true })
  }

  /** Opened values whose keys start with `prefix`, in key order. */
  async * range (prefix: string, options: { limit?: number, reverse?: boolean } = {}): AsyncGenerator<[string, Uint8Array]> {
    for await (const [key, sealed] of this.db.iterator({ gte: prefix, lt: rangeEnd(prefix), limit: options.limit ?? -1, reverse: options.reverse ?? false })) {
      yield [key, this.unseal(key, sealed)]
    }
  }

  async * keys (prefix: string, options: { limit?: number, reverse?: boolean } = {}): AsyncGenerator<string> {
    for await (const key of this.db.keys({ gte: prefix, lt: rangeEnd(prefix), limit: options.limit ?? -1, reverse: options.reverse ?? false })) yield key
  }

  async close (): Promise<void> {
    if (this.db.status === 'open') {
      await this.db.close()
      await restrictHome(this.home).catch(() => {})
      this.unlock()
    }
    wipeLocalStateKey(this.key)
    wipe(this.nameKey)
  }
}

export function parseJson<T> (key: string, bytes: Uint8Array): T {
  try {
    return JSON.parse(td.decode(bytes)) as T
  } catch (err) {
    throw corrupted(`record ${key} is not valid JSON`, err)
  }
}

function corrupted (what: string, cause?: unknown): RelaymeshError {
  return new RelaymeshError(ErrorCode.InvalidState, `local store corrupted: ${what} (restore the home folder from a backup)`, cause === undefined ? undefined : { cause })
}

function parseKdf (bytes: Uint8Array | undefined): LocalStateKdf {
  if (bytes === undefined) throw corrupted('the key derivation header is missing')
  const j = parseJson<{ v?: number, N?: number, r?: number, p?: number, salt?: string }>(PREFIX.kdf, bytes)
  if (j.v !== 1 || typeof j.N !== 'number' || typeof j.r !== 'number' || typeof j.p !== 'number' || typeof j.salt !== 'string') {
    throw corrupted('the key derivation header is malformed')
  }
  // deriveLocalStateKey bounds N, r, p and the salt length (InvalidArgument): report those as corruption too
  return { N: j.N, r: j.r, p: j.p, salt: new Uint8Array(Buffer.from(j.salt, 'base64')) }
}

// One device's state is small (sessions, prekeys, the message log) and read
// mostly right after it was written: a fraction of classic-level's 8 MiB
// block cache and 4 MiB memtable per database is plenty. Keys utf8 and values
// raw bytes, as ever: level 10 on Node is classic-level 3, so a home written
// before the move to `level` opens unchanged. browser-level ignores the cache
// options and names the IndexedDB database prefix + location.
const CLIENT_DB_CACHE_BYTES = 1024 * 1024
const CLIENT_DB_WRITE_BUFFER_BYTES = 1024 * 1024

async function openDb (path: string): Promise<Level<string, Uint8Array>> {
  const db = new Level<string, Uint8Array>(path, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
    cacheSize: CLIENT_DB_CACHE_BYTES,
    writeBufferSize: CLIENT_DB_WRITE_BUFFER_BYTES,
    prefix: STORE_DB_PREFIX
  })
  try {
    await db.open()
  } catch (err) {
    const locked = (err as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED'
    throw new RelaymeshError(ErrorCode.InvalidState, locked
      ? `the local store in ${path} is in use by another relaymesh process`
      : `the local store in ${path} does not open: ${(err as Error).message}`, { cause: err })
  }
  return db
}
