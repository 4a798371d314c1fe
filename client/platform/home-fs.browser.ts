// The client home in a browser (twin of home-fs.ts, same exports): the
// sealed store is the IndexedDB database STORE_DB_PREFIX + home of this
// origin (browser-level, through `level`). There are no folders and no file
// modes: the origin's storage is the browser's to protect, and every value
// in it is sealed anyway. One tab at a time holds a home (a Web Lock), as
// LevelDB's LOCK file makes one process at a time hold it on Node.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'

/** Node only: the store's LevelDB folder under the home (kept for the same exports) */
export const STORE_FOLDER = 'store'
/** the IndexedDB database of a home is named STORE_DB_PREFIX + home */
export const STORE_DB_PREFIX = 'relaymesh-'

/** The `level` location of a home's store: the home itself (browser-level adds STORE_DB_PREFIX). */
export function storeLocation (home: string): string {
  return home
}

/** Whether this origin has the home's IndexedDB database. */
export async function storeExists (home: string): Promise<boolean> {
  const dbs = await indexedDB.databases()
  return dbs.some((d) => d.name === STORE_DB_PREFIX + home)
}

/** Nothing to make: opening the store creates its database. */
export async function prepareHome (_home: string): Promise<void> {}

/** No file modes in a browser. */
export async function restrictHome (_home: string): Promise<void> {}

/** Hold the home for this tab (Web Locks) until release is called; InvalidState while another tab holds it. */
export async function lockHome (home: string): Promise<() => void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks
  if (locks === undefined) return () => {}
  return await new Promise<() => void>((resolve, reject) => {
    locks.request(`${STORE_DB_PREFIX}${home}`, { ifAvailable: true }, async (lock) => {
      if (lock === null) {
        reject(new RelaymeshError(ErrorCode.InvalidState, `the local store ${home} is in use by another tab or window`))
        return
      }
      await new Promise<void>((release) => { resolve(release) })
    }).catch(reject)
  })
}
