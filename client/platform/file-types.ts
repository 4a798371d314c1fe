// The shapes file-io.ts and its browser twin share (platform-free).

/** An incremental SHA-256 */
export interface Sha256Stream {
  update: (data: Uint8Array) => void
  digest: () => Uint8Array
}

/** What a file is sent from: a file on disk (Node) or a Blob/File (either platform). */
export interface FileSource {
  /** the file's name as the sender has it (made safe before it goes out) */
  name: string
  size: number
  /** MIME type, '' if unknown */
  mime: string
  /** where it came from, for the sender's own history: a path, or a Blob's name */
  path: string
  /** `length` bytes at `offset`; fewer only when the source ended (it changed meanwhile) */
  read: (offset: number, length: number) => Promise<Uint8Array>
  close: () => Promise<void>
}

/** Where a received file's plaintext goes, chunk after chunk, in order. */
export interface FileSink {
  write: (plain: Uint8Array) => Promise<void>
  /** everything was written and checked: keep it; resolves with the file's `path` for history */
  commit: () => Promise<string>
  /** drop what was written */
  abort: () => Promise<void>
}
