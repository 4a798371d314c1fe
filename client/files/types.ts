// What the files feature adds to messages and the API (client/client.ts re-exports these).
import type { StoredMessage } from '../messaging/message-log.js'

/** a received (or sent) file: its name, size and where it is on disk */
export interface FileInfo {
  name: string
  size: number
  /**
   * the saved file (received) or the source file (sent). In a browser a received file is kept in
   * the sealed store and this is an opaque reference (client/platform/file-io.browser.ts); a sent
   * Blob's path is its name. Client.receivedFile gives the bytes on either platform.
   */
  path: string
  /** the sender's MIME type, if it named one (from the network: see Client.receivedFile for how it is used) */
  mime?: string
  /** when the received copy is (or was) deleted, ms since epoch; unset: never */
  expiresAt?: number
  /** the received copy was deleted at its expiry */
  expired?: boolean
}

/** a history entry for a file: a StoredMessage with `file` set */
export type FileMessage = StoredMessage & { file?: FileInfo }

export interface FileProgress {
  /** chunks the mesh holds for this transfer, earlier runs included */
  chunksStored: number
  chunks: number
  /** plaintext bytes of those chunks */
  bytesStored: number
  size: number
  /** chunks this run sent (a resumed run sends only the missing ones) */
  sent: number
}

export interface SendFileOptions {
  /** called after every stored chunk (and once before the first) */
  onProgress?: (p: FileProgress) => void
  /**
   * receivers delete their copy this long after sending, and relays drop the chunks then
   * (MIN_FILE_EXPIRY_MS..MAX_FILE_EXPIRY_MS); a resumed transfer keeps its first run's expiry
   * @default undefined (never)
   */
  expiresInMs?: number
  /** the name a bare Blob is sent under (a File or a path has its own) @default "file" */
  name?: string
}

export interface SendFileResult {
  /** the manifest message's id, 32 hex digits */
  id: string
  name: string
  size: number
  chunks: number
  /** chunks this run sent */
  sent: number
  /** chunks an earlier run had stored already */
  resumed: number
  /** when receivers delete their copy, ms since epoch; undefined: never */
  expiresAt?: number
}
