// Signed transcript export (opt-in): the local history of one 1:1
// conversation, signed by this user's identity key (protocol/transcript.ts).
// Deniability stays the default for everything else: an export is a
// deliberate statement by the exporter alone; it proves nothing about what
// the peer sent beyond the exporter's word.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { signTranscript, type SignedTranscript, type TranscriptMessage } from '../../protocol/transcript.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { checkUserId } from '../messaging/user-directory.js'
import type { FileMessage } from '../files/types.js'

export interface ExportedTranscript {
  transcript: SignedTranscript
  /** the file's bytes (UTF-8 JSON) */
  bytes: Uint8Array
}

/** The 1:1 conversation with `peer` from local history (oldest first), signed. NotFound when there is none. */
export async function exportTranscript (ctx: MessagingContext, peer: string): Promise<ExportedTranscript> {
  checkUserId(peer)
  if (peer === ctx.identity.userId) throw new RelaymeshError(ErrorCode.Invalid, 'there is no conversation with yourself to export')
  const history = (await ctx.messages.history(peer)).filter((m) => m.group === null && m.system !== true)
  if (history.length === 0) throw new RelaymeshError(ErrorCode.NotFound, `no conversation with ${peer} in local history`)
  const messages = history.map((m) => toTranscriptMessage(ctx.identity.userId, m))
  return signTranscript(ctx.identity.identity, { peer, exportedAt: ctx.now(), messages })
}

function toTranscriptMessage (self: string, m: StoredMessage): TranscriptMessage {
  const out: TranscriptMessage = { id: m.id, from: m.from, to: m.outgoing ? m.peer : self, text: m.deletedAt !== undefined ? '' : m.text, sentAt: m.sentAt, receivedAt: m.receivedAt }
  if (m.editedAt !== undefined) out.editedAt = m.editedAt
  if (m.deletedAt !== undefined) out.deletedAt = m.deletedAt
  const file = (m as FileMessage).file
  if (file !== undefined) out.file = { name: file.name, size: file.size }
  return out
}
