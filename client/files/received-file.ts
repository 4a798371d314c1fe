// A file in history as a Blob (the web client's download link; works on Node
// too). The bytes come from the platform (client/platform/file-io.ts: the
// saved file on Node, the sealed chunk records in a browser), one chunk at a
// time. The Blob's type is the sender's MIME type only when it is one a
// browser shows without running anything (SAFE_BLOB_TYPES): the type comes
// from the network, and a Blob URL of type text/html or image/svg+xml would
// run the sender's script in the app's origin.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { MessagingContext } from '../messaging/context.js'
import { receivedFileBlob } from '../platform/file-io.js'
import { OPAQUE_BLOB_TYPE, SAFE_BLOB_TYPES } from './constants.js'
import type { FileMessage } from './types.js'

/** The file of history message `message` (its sender and id) as a Blob; NotFound if there is none or it expired. */
export async function receivedFile (ctx: MessagingContext, message: { from: string, id: string }): Promise<Blob> {
  if (typeof message?.from !== 'string' || typeof message.id !== 'string') throw new RelaymeshError(ErrorCode.Invalid, 'a history message (from, id) is required')
  const found = await ctx.messages.find(message.from, message.id)
  const file = (found?.message as FileMessage | undefined)?.file
  if (file === undefined) throw new RelaymeshError(ErrorCode.NotFound, `no file message ${message.id} from ${message.from}`)
  if (file.expired === true) throw new RelaymeshError(ErrorCode.NotFound, `file "${file.name}" expired and was deleted`)
  return await receivedFileBlob(ctx.store, file.path, blobType(file.mime))
}

/** The sender's MIME type if a browser shows it inertly, else application/octet-stream. */
export function blobType (mime: string | undefined): string {
  const m = (mime ?? '').trim().toLowerCase()
  return SAFE_BLOB_TYPES.has(m) ? m : OPAQUE_BLOB_TYPE
}
