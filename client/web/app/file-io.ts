// Files between the page and the client library: what sendFile gets for a
// picked File, and a download link for a received one. The only place that
// knows how the browser build of client/files hands files in and out.
import type { Client, FileInfo, FileProgress, SendFileResult } from '../../client.js'

/** Send a File the person picked; `onProgress` after every stored chunk. */
export async function sendPickedFile (client: Client, to: string, file: File, onProgress: (p: FileProgress) => void): Promise<SendFileResult> {
  // the browser build takes a Blob where Node takes a path (client/files, browser twin)
  return await client.sendFile(to, file as unknown as string, { onProgress })
}

/** An object URL for a received file, or undefined when this build cannot hand it out (expired, not here). */
export async function downloadUrl (info: FileInfo): Promise<string | undefined> {
  if (info.expired === true) return undefined
  const withBlob = info as FileInfo & { blob?: Blob }
  if (withBlob.blob instanceof Blob) return URL.createObjectURL(withBlob.blob)
  return undefined
}

export function sizeText (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
