// Application content (protocol/pb/content.proto): what the Double Ratchet
// encrypts. Padded with zeros to a multiple of CONTENT_PAD_BLOCK bytes, so
// ciphertext sizes say little about message lengths (Signal pads to 160).
import { decode, encode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { WIRE_VERSION } from '../../protocol/constants.js'
import { Content, ContentKind, GroupAction, ReceiptType, TypingState } from '../../protocol/pb/content.js'
import { GROUP_ID_BYTES, PROFILE_KEY_BYTES } from '../../protocol/constants.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'

export const MESSAGE_ID_BYTES = 16
export const CONTENT_PAD_BLOCK = 160
/** longest text a message may carry (UTF-8 bytes) */
export const MAX_TEXT_BYTES = 64 * 1024
export const MAX_CONTENT_BYTES = MAX_TEXT_BYTES + 4 * 1024

export { ContentKind, GroupAction, ReceiptType, TypingState }

/** most sequence numbers one RESEND content names (Content.resend_seqs limit) */
export const MAX_RESEND_SEQS = 256

/** most message ids one RECEIPT content carries (Content.receipt_ids limit) */
export const MAX_RECEIPT_IDS = 256

/** most members a group may have (GroupUpdate.members and GroupFanout.headers limits) */
export const MAX_GROUP_MEMBERS = 256
/** longest group name (UTF-8 bytes) */
export const MAX_GROUP_NAME_BYTES = 256
/** longest user id string accepted in a group update */
const MAX_USER_ID_CHARS = 128

/** A group's new state, as a GroupUpdate carries it (docs/protocol.md §8a). */
export interface GroupUpdateContent {
  groupId: Uint8Array
  epoch: number
  name: string
  members: string[]
  action: GroupAction
  /** ADD / REMOVE: the user added or removed */
  target: string
}

export interface AppContent {
  messageId: Uint8Array
  sentAt: number
  kind: ContentKind
  text: string
  /** set on copies to our own other devices: the user id the message went to */
  destination?: string
  /** GROUP_UPDATE */
  groupUpdate?: GroupUpdateContent
  /** GROUP_UPDATE / SENDER_KEY: an encoded SenderKeyDistribution */
  senderKey?: Uint8Array
  /** TEXT inside a group message: the group id (16 bytes) */
  groupId?: Uint8Array
  /** FILE: an encoded FileManifest (client/files/manifest.ts checks it) */
  fileManifest?: Uint8Array
  /** RECEIPT: what happened to the messages `receiptIds` (client/receipts) */
  receiptType?: ReceiptType
  receiptIds?: Uint8Array[]
  /** the sender's profile key (32 bytes): on 1:1 TEXT/FILE to a contact, and PROFILE_KEY (client/profiles) */
  profileKey?: Uint8Array
  /** EDIT / DELETE: the id (16 bytes) of the author's message it changes (client/edits) */
  targetId?: Uint8Array
  /** per sender device per conversation: 1, 2, ... (client/gaps); unset or 0: not counted */
  seq?: number
  /** TYPING */
  typing?: TypingState
  /** RESEND: the missing sequence numbers of device `resendDevice` (client/gaps) */
  resendSeqs?: number[]
  resendDevice?: number
  /** RESEND from the sender: these can no longer be resent */
  resendGone?: boolean
}

export function newMessageId (): Uint8Array {
  return randomBytes(MESSAGE_ID_BYTES)
}

export function encodeContent (c: AppContent): Uint8Array {
  if (Buffer.byteLength(c.text, 'utf8') > MAX_TEXT_BYTES) throw new RelaymeshError(ErrorCode.Invalid, `message too long: at most ${MAX_TEXT_BYTES} bytes of text`)
  const body = {
    version: WIRE_VERSION,
    messageId: c.messageId,
    sentAt: c.sentAt,
    kind: c.kind,
    text: c.text,
    destination: c.destination ?? '',
    ...(c.groupUpdate !== undefined ? { groupUpdate: c.groupUpdate } : {}),
    senderKey: c.senderKey ?? new Uint8Array(0),
    groupId: c.groupId ?? new Uint8Array(0),
    fileManifest: c.fileManifest ?? new Uint8Array(0),
    receiptType: c.receiptType ?? ReceiptType.RECEIPT_NONE,
    receiptIds: c.receiptIds ?? [],
    profileKey: c.profileKey ?? new Uint8Array(0),
    targetId: c.targetId ?? new Uint8Array(0),
    seq: c.seq ?? 0,
    typing: c.typing ?? TypingState.TYPING_NONE,
    resendSeqs: c.resendSeqs ?? [],
    resendDevice: c.resendDevice ?? 0,
    resendGone: c.resendGone ?? false
  }
  const bare = encode(Content, body).byteLength
  // field 15 costs 1 tag byte + a 1-2 byte length; aim the total at the next block boundary
  const target = Math.ceil((bare + 3) / CONTENT_PAD_BLOCK) * CONTENT_PAD_BLOCK
  let pad = target - bare - 2
  if (pad > 127) pad -= 1
  return encode(Content, { ...body, padding: new Uint8Array(Math.max(0, pad)) })
}

/** Bounded, versioned decode; ErrorCode.Decode when malformed. */
export function decodeContent (bytes: Uint8Array): AppContent {
  const c = decode(Content, bytes, MAX_CONTENT_BYTES, 'Content')
  if (c.messageId.byteLength !== MESSAGE_ID_BYTES) throw new RelaymeshError(ErrorCode.Decode, `Content: message id must be ${MESSAGE_ID_BYTES} bytes`)
  if (!Number.isSafeInteger(c.sentAt) || c.sentAt < 0) throw new RelaymeshError(ErrorCode.Decode, 'Content: bad sent_at')
  if (!KNOWN_KINDS.has(c.kind)) {
    throw new RelaymeshError(ErrorCode.Decode, `Content: unknown kind ${String(c.kind)}`)
  }
  if (Buffer.byteLength(c.text, 'utf8') > MAX_TEXT_BYTES) throw new RelaymeshError(ErrorCode.Decode, 'Content: text too long')
  const out: AppContent = { messageId: c.messageId, sentAt: c.sentAt, kind: c.kind, text: c.text }
  if (c.destination !== '') out.destination = c.destination
  if (c.senderKey.byteLength > 0) out.senderKey = c.senderKey
  if (c.groupId.byteLength > 0) {
    if (c.groupId.byteLength !== GROUP_ID_BYTES) throw new RelaymeshError(ErrorCode.Decode, `Content: group id must be ${GROUP_ID_BYTES} bytes`)
    out.groupId = c.groupId
  }
  if (c.groupUpdate !== undefined) out.groupUpdate = checkGroupUpdate(c.groupUpdate)
  if (c.kind === ContentKind.GROUP_UPDATE && out.groupUpdate === undefined) throw new RelaymeshError(ErrorCode.Decode, 'Content: GROUP_UPDATE without an update')
  if (c.kind === ContentKind.SENDER_KEY && out.senderKey === undefined) throw new RelaymeshError(ErrorCode.Decode, 'Content: SENDER_KEY without a key')
  if (c.fileManifest.byteLength > 0) out.fileManifest = c.fileManifest
  if (c.kind === ContentKind.FILE && out.fileManifest === undefined) throw new RelaymeshError(ErrorCode.Decode, 'Content: FILE without a manifest')
  if (c.kind === ContentKind.RECEIPT) {
    if (c.receiptType !== ReceiptType.DELIVERED && c.receiptType !== ReceiptType.READ) throw new RelaymeshError(ErrorCode.Decode, 'Content: RECEIPT of unknown type')
    if (c.receiptIds.length === 0 || c.receiptIds.some((id) => id.byteLength !== MESSAGE_ID_BYTES)) throw new RelaymeshError(ErrorCode.Decode, `Content: RECEIPT ids must be ${MESSAGE_ID_BYTES} bytes`)
    out.receiptType = c.receiptType
    out.receiptIds = c.receiptIds
  }
  if (c.profileKey.byteLength > 0) {
    if (c.profileKey.byteLength !== PROFILE_KEY_BYTES) throw new RelaymeshError(ErrorCode.Decode, `Content: profile key must be ${PROFILE_KEY_BYTES} bytes`)
    out.profileKey = c.profileKey
  }
  if (c.kind === ContentKind.PROFILE_KEY && out.profileKey === undefined) throw new RelaymeshError(ErrorCode.Decode, 'Content: PROFILE_KEY without a key')
  checkEditsAndGaps(c, out)
  return out
}

const KNOWN_KINDS = new Set<ContentKind>([ContentKind.TEXT, ContentKind.SESSION_RESET, ContentKind.GROUP_UPDATE, ContentKind.SENDER_KEY, ContentKind.FILE, ContentKind.RECEIPT,
  ContentKind.PROFILE_KEY, ContentKind.EDIT, ContentKind.DELETE, ContentKind.TYPING, ContentKind.RESEND])

/** EDIT / DELETE / TYPING / RESEND and the sequence number (docs/protocol.md §8g-8h): checked, copied onto `out`. */
function checkEditsAndGaps (c: Content, out: AppContent): void {
  const bad = (what: string): never => { throw new RelaymeshError(ErrorCode.Decode, `Content: ${what}`) }
  if (!Number.isSafeInteger(c.seq) || c.seq < 0) bad('bad seq')
  if (c.seq > 0) out.seq = c.seq
  if (c.targetId.byteLength > 0) {
    if (c.targetId.byteLength !== MESSAGE_ID_BYTES) bad(`target id must be ${MESSAGE_ID_BYTES} bytes`)
    out.targetId = c.targetId
  }
  if (c.kind === ContentKind.EDIT || c.kind === ContentKind.DELETE) {
    if (out.targetId === undefined) bad('EDIT/DELETE without a target')
    if (c.kind === ContentKind.EDIT && c.text.length === 0) bad('EDIT without text (a DELETE removes a message)')
    if (c.kind === ContentKind.DELETE && c.text.length > 0) bad('DELETE with text')
  }
  if (c.kind === ContentKind.TYPING) {
    if (c.typing !== TypingState.STARTED && c.typing !== TypingState.STOPPED) bad('TYPING of unknown state')
    out.typing = c.typing
  }
  if (c.kind === ContentKind.RESEND) {
    if (c.resendSeqs.length === 0 || c.resendSeqs.length > MAX_RESEND_SEQS) bad('RESEND seq count')
    if (c.resendSeqs.some((s) => !Number.isSafeInteger(s) || s < 1)) bad('RESEND bad seq')
    if (c.resendDevice < 1) bad('RESEND without a device')
    out.resendSeqs = [...c.resendSeqs]
    out.resendDevice = c.resendDevice
    if (c.resendGone) out.resendGone = true
  }
}

function checkGroupUpdate (u: GroupUpdateContent): GroupUpdateContent {
  const bad = (what: string): never => { throw new RelaymeshError(ErrorCode.Decode, `GroupUpdate: ${what}`) }
  if (u.groupId.byteLength !== GROUP_ID_BYTES) bad(`group id must be ${GROUP_ID_BYTES} bytes`)
  if (!Number.isSafeInteger(u.epoch) || u.epoch < 1) bad('bad epoch')
  if (Buffer.byteLength(u.name, 'utf8') > MAX_GROUP_NAME_BYTES) bad('name too long')
  if (u.members.length === 0 || u.members.length > MAX_GROUP_MEMBERS) bad('bad member count')
  if (new Set(u.members).size !== u.members.length) bad('duplicate members')
  if (u.members.some((m) => m.length === 0 || m.length > MAX_USER_ID_CHARS) || u.target.length > MAX_USER_ID_CHARS) bad('bad user id')
  if (!Object.values(GroupAction).includes(u.action) || u.action === GroupAction.GROUP_ACTION_NONE) bad('unknown action')
  return { groupId: u.groupId, epoch: u.epoch, name: u.name, members: [...u.members], action: u.action, target: u.target }
}
