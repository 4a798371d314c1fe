// The client home on Node: a folder (0700) with the sealed store's LevelDB
// folder inside. Its browser twin (home-fs.browser.ts) keeps the store in an
// IndexedDB database instead; both export the same names. Only this module
// (and its twin) knows where a home lives and how it is protected.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { DIR_MODE, restrictTree } from '../store/permissions.js'

/** the store's LevelDB folder under the home */
export const STORE_FOLDER = 'store'
/** browsers only: the IndexedDB database of a home is named STORE_DB_PREFIX + home */
export const STORE_DB_PREFIX = 'relaymesh-'

/** The `level` location of a home's store: a folder path here, a database name in the browser. */
export function storeLocation (home: string): string {
  return join(home, STORE_FOLDER)
}

/** Whether a home holds a store (LevelDB writes CURRENT when it creates one). */
export async function storeExists (home: string): Promise<boolean> {
  return existsSync(join(home, STORE_FOLDER, 'CURRENT'))
}

/** Make the home and the store folder (0700) before a new store opens. */
export async function prepareHome (home: string): Promise<void> {
  await mkdir(home, { recursive: true, mode: DIR_MODE })
  await mkdir(join(home, STORE_FOLDER), { recursive: true, mode: DIR_MODE })
}

/** Owner-only modes for the whole home (folders 0700, files 0600). */
export async function restrictHome (home: string): Promise<void> {
  await restrictTree(home)
}

/**
 * Hold the home for this process until the returned release is called.
 * LevelDB's own LOCK file does it here (opening a store in use fails), so
 * this is a no-op; the browser twin takes a Web Lock (one tab at a time).
 */
export async function lockHome (_home: string): Promise<() => void> {
  return () => {}
}
