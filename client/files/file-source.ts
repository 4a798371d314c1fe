// Where a file to send comes from: a path (Node; client/platform/file-io.ts)
// or a Blob/File (either platform: Node 20 has Blob and File too).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { openPathSource, type FileSource } from '../platform/file-io.js'
import { MAX_MIME_BYTES } from './constants.js'

export type { FileSource } from '../platform/file-io.js'

/** what sendFile takes: a path, or a Blob/File (a File's name is used; a bare Blob needs `name`) */
export type FileInput = string | Blob

const te = new TextEncoder()

/** Open `input` for reading. A Blob without a name (not a File) is called `name` or "file". */
export async function openFileSource (input: FileInput, name?: string): Promise<FileSource> {
  if (typeof input === 'string') return await openPathSource(input)
  if (typeof Blob === 'undefined' || !(input instanceof Blob)) throw new RelaymeshError(ErrorCode.Invalid, 'a file to send is a path or a Blob')
  return blobSource(input, name)
}

/** A Blob (or File) as a source: read slice by slice, never whole. */
export function blobSource (blob: Blob, name?: string): FileSource {
  const fileName = name ?? ((blob as Partial<File>).name ?? '')
  const mime = te.encode(blob.type).byteLength <= MAX_MIME_BYTES ? blob.type : ''
  return {
    name: fileName === '' ? 'file' : fileName,
    size: blob.size,
    mime,
    path: fileName === '' ? 'file' : fileName,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
    close: async () => {}
  }
}
