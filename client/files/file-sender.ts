// Sending a file (docs/protocol.md §8b): hash it, cut it into CHUNK_BYTES
// chunks, encrypt each under its own fresh key, store each as an envelope in
// every recipient device's mailbox (SEND, a few in flight), then send the
// manifest (keys and hashes) in an end-to-end encrypted FILE message.
//
// Resumable: the transfer (chunk keys, file id, message id) is recorded in
// the sealed store before the first chunk, and a mark (the chunk's hash) after
// each chunk the mesh stored. Sending the same file to the same user again
// reads and sends only the chunks without a mark; encryption is
// deterministic, so a chunk whose "stored" answer was lost is re-sent as the
// very same envelope (the node answers duplicate). The record is deleted
// once the manifest was stored.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { ContentKind, encodeContent, type AppContent } from '../messaging/content.js'
import { withProfileKey } from '../profiles/profile-keys.js'
import { claimPreKeys, encryptForTargets, targetsOf } from '../messaging/sender.js'
import { checkUserId } from '../messaging/user-directory.js'
import type { GroupDeps } from '../groups/group-manager.js'
import { PREFIX } from '../store/keys.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import { b64, hex, unb64 } from '../util/bytes.js'
import { CHUNK_KEY_BYTES, FILE_ID_BYTES, chunkEnvelopeId, chunkHash, encryptChunk } from './chunk-crypto.js'
import { CHUNK_BYTES, HASH_READ_BYTES, MAX_FILE_BYTES, MAX_FILE_EXPIRY_MS, MIN_FILE_EXPIRY_MS, SEND_WINDOW } from './constants.js'
import { chunkLengths, encodeManifest, type ChunkRef } from './manifest.js'
import { safeFileName } from './safe-name.js'
import { openFileSource, type FileInput, type FileSource } from './file-source.js'
import { newSha256 } from '../platform/file-io.js'
import type { FileMessage, FileProgress, SendFileOptions, SendFileResult } from './types.js'

/** what a transfer record holds (sealed, versioned JSON) */
interface TransferRecord {
  v: 1
  to: string
  name: string
  size: number
  sha256: string
  fileId: string
  /** the chunk keys, concatenated (base64) */
  keys: string
  messageId: string
  sentAt: number
  /** when receivers delete their copy and relays the chunks (ms since epoch); absent or 0: never */
  expiresAt?: number
}

/** the same collaborators the group manager uses: the session lock, envelope ids, users, persistence */
export type FileDeps = GroupDeps

export class FileSender {
  constructor (private readonly d: FileDeps) {}

  /** Send a file from a path or a Blob/File (`name` names a bare Blob). */
  async send (to: string, input: FileInput, options: SendFileOptions = {}): Promise<SendFileResult> {
    checkUserId(to)
    if (to === this.d.ctx.identity.userId) throw new RelaymeshError(ErrorCode.Invalid, 'cannot send a file to yourself')
    const expiresIn = checkExpiry(options.expiresInMs)
    const source = await openFileSource(input, options.name)
    try {
      return await this.sendFrom(to, source, expiresIn, options)
    } finally {
      await source.close()
    }
  }

  private async sendFrom (to: string, source: FileSource, expiresIn: number, options: SendFileOptions): Promise<SendFileResult> {
    const { ctx } = this.d
    const size = checkSize(source)
    const sha256 = await hashFile(source, size)
    const name = safeFileName(source.name)
    const transfer = ctx.store.name(`file-send\n${to}\n${name}\n${hex(sha256)}`)
    const record = await this.openTransfer(transfer, { to, name, size, sha256, expiresIn })
    const expiresAt = record.expiresAt ?? 0
    // chunks go from the relays at the file's expiry (the manifest keeps the mesh's retention: it reports the expiry)
    const sendOptions = expiresAt > 0 ? { expiresAt } : {}
    const lengths = chunkLengths(size, CHUNK_BYTES)
    const keys = unb64(record.keys)
    const fileId = unb64(record.fileId)
    const hashes = await this.storedHashes(transfer, lengths.length)
    const resumed = hashes.filter((h) => h !== undefined).length

    const conn = await this.d.ready()
    const peer = await this.d.user(conn, to)
    const targets = targetsOf(peer)
    if (!targets.some((t) => t.bundle !== undefined)) throw new RelaymeshError(ErrorCode.NotFound, `user ${to} has published no prekey bundle`)
    const own = ctx.identity.otherDeviceIds.length > 0 ? targetsOf(await this.d.user(conn, ctx.identity.userId), ctx.identity.deviceId) : []
    const recipients = [...targets, ...own].filter((t) => t.bundle !== undefined)

    // the chunks
    const progress: FileProgress = { chunksStored: resumed, chunks: lengths.length, bytesStored: 0, size, sent: 0 }
    hashes.forEach((h, i) => { if (h !== undefined) progress.bytesStored += lengths[i] as number })
    options.onProgress?.({ ...progress })
    const missing = lengths.map((_, i) => i).filter((i) => hashes[i] === undefined)
    try {
      await runWindow(missing, SEND_WINDOW, async (i) => {
        const length = lengths[i] as number
        const plain = await readChunk(source, i * CHUNK_BYTES, length)
        const payload = encryptChunk(keys.subarray(i * CHUNK_KEY_BYTES, (i + 1) * CHUNK_KEY_BYTES), fileId, i, plain)
        const hash = chunkHash(payload)
        await ctx.outbound.send(recipients, chunkEnvelopeId(hash), payload, sendOptions)
        // not synced: a mark lost in a crash only means the chunk is sent again (the same envelope)
        await ctx.store.batch([ctx.store.putOp(markKey(transfer, i), hash)], { sync: false })
        hashes[i] = hash
        progress.chunksStored++
        progress.bytesStored += length
        progress.sent++
        options.onProgress?.({ ...progress })
      })
    } catch (err) {
      const code = RelaymeshError.is(err) ? err.code : ErrorCode.Unavailable
      throw new RelaymeshError(code, `file transfer interrupted: ${progress.chunksStored} of ${lengths.length} chunks stored in the mesh; send the same file again to resume (${(err as Error).message})`, { cause: err })
    }

    // the manifest, in an end-to-end encrypted message (to our own other devices too, naming the recipient)
    const chunks: ChunkRef[] = lengths.map((length, i) => ({ key: keys.subarray(i * CHUNK_KEY_BYTES, (i + 1) * CHUNK_KEY_BYTES), hash: hashes[i] as Uint8Array, length }))
    const manifest = encodeManifest({ fileId, name, size, mime: source.mime, chunkSize: CHUNK_BYTES, chunks, sha256, expiresAt })
    const content: AppContent = await withProfileKey(ctx, to, { messageId: unb64(record.messageId), sentAt: record.sentAt, kind: ContentKind.FILE, text: '', fileManifest: manifest })
    await this.sendManifest(conn, to, content, own.length > 0)

    const idHex = hex(content.messageId)
    const now = ctx.now()
    const ops: StoreOp[] = [ctx.messages.seenMessageOp(ctx.identity.userId, idHex, now), { type: 'del', key: PREFIX.fileSend + transfer }]
    for (let i = 0; i < lengths.length; i++) ops.push({ type: 'del', key: markKey(transfer, i) })
    const m: FileMessage = { id: idHex, from: ctx.identity.userId, peer: to, group: null, text: fileText(name, size), sentAt: record.sentAt, receivedAt: now, outgoing: true, file: { name, size, path: source.path, ...(source.mime !== '' ? { mime: source.mime } : {}), ...(expiresAt > 0 ? { expiresAt } : {}) } }
    ctx.messages.append(m, ops, false)
    await this.d.serial.run(async () => { await ctx.store.batch(ops) })
    return { id: idHex, name, size, chunks: lengths.length, sent: progress.sent, resumed, ...(expiresAt > 0 ? { expiresAt } : {}) }
  }

  /** The transfer record for this file and recipient: the earlier one (resume) or a new one, persisted before any chunk leaves. */
  private async openTransfer (transfer: string, f: { to: string, name: string, size: number, sha256: Uint8Array, expiresIn: number }): Promise<TransferRecord> {
    const { store } = this.d.ctx
    const key = PREFIX.fileSend + transfer
    const old = await store.getJson<TransferRecord>(key)
    const n = chunkLengths(f.size, CHUNK_BYTES).length
    const now = this.d.ctx.now()
    // an earlier run whose expiry passed: its chunks are gone from the relays, so start over
    const lapsed = old?.expiresAt !== undefined && old.expiresAt > 0 && old.expiresAt <= now + MIN_FILE_EXPIRY_MS
    if (old !== undefined && old.v === 1 && old.size === f.size && unb64(old.keys).byteLength === n * CHUNK_KEY_BYTES && !lapsed) return old
    if (lapsed) {
      const marks: StoreOp[] = []
      for await (const k of store.keys(`${PREFIX.fileSendChunk}${transfer}!`)) marks.push({ type: 'del', key: k })
      await store.batch(marks, { sync: true })
    }
    const record: TransferRecord = {
      v: 1,
      to: f.to,
      name: f.name,
      size: f.size,
      sha256: b64(f.sha256),
      fileId: b64(randomBytes(FILE_ID_BYTES)),
      keys: b64(randomBytes(n * CHUNK_KEY_BYTES)),
      messageId: b64(randomBytes(16)),
      sentAt: now,
      ...(f.expiresIn > 0 ? { expiresAt: now + f.expiresIn } : {})
    }
    await store.batch([store.jsonOp(key, record)], { sync: true })
    return record
  }

  /** Hashes of the chunks an earlier run stored (undefined where none). */
  private async storedHashes (transfer: string, n: number): Promise<Array<Uint8Array | undefined>> {
    const out: Array<Uint8Array | undefined> = new Array(n).fill(undefined)
    const prefix = `${PREFIX.fileSendChunk}${transfer}!`
    for await (const [key, hash] of this.d.ctx.store.range(prefix)) {
      const i = parseInt(key.slice(prefix.length), 16)
      if (Number.isInteger(i) && i >= 0 && i < n && hash.byteLength === 32) out[i] = hash
    }
    return out
  }

  /** Like a text message: a session per device, persisted before anything leaves; resolves once stored for all. */
  private async sendManifest (conn: NodeConnection, to: string, content: AppContent, toOwn: boolean): Promise<void> {
    const { ctx } = this.d
    const peer = await this.d.user(conn, to)
    const targets = targetsOf(peer)
    const own = toOwn ? targetsOf(await this.d.user(conn, ctx.identity.userId), ctx.identity.deviceId) : []
    await claimPreKeys(ctx, [...targets, ...own])
    const envelopes = await this.d.serial.run(async () => {
      const ops: StoreOp[] = []
      const out = await encryptForTargets(ctx, targets, encodeContent(content), this.d.ids, ops)
      if (own.length > 0) out.push(...await encryptForTargets(ctx, own, encodeContent({ ...content, destination: to }), this.d.ids, ops))
      this.d.rememberPeer(peer, ops)
      await this.d.persist(ops)
      return out
    })
    await Promise.all(envelopes.map(async (e) => { await ctx.outbound.send([e.target], e.id, e.payload) }))
  }
}

export function fileText (name: string, size: number): string {
  return `[file] ${name} (${size} bytes)`
}

/** An expiry option: 0 (never) or MIN_FILE_EXPIRY_MS..MAX_FILE_EXPIRY_MS. */
function checkExpiry (ms: number | undefined): number {
  if (ms === undefined || ms === 0) return 0
  if (!Number.isSafeInteger(ms) || ms < MIN_FILE_EXPIRY_MS || ms > MAX_FILE_EXPIRY_MS) {
    throw new RelaymeshError(ErrorCode.Invalid, `a file's expiry must be between ${MIN_FILE_EXPIRY_MS / 1000} s and ${MAX_FILE_EXPIRY_MS / 86_400_000} days, or never`)
  }
  return ms
}

function markKey (transfer: string, index: number): string {
  return `${PREFIX.fileSendChunk}${transfer}!${index.toString(16).padStart(8, '0')}`
}

/** The source's size, checked before anything is read: at most MAX_FILE_BYTES. */
function checkSize (source: FileSource): number {
  if (source.size > MAX_FILE_BYTES) throw new RelaymeshError(ErrorCode.TooLarge, `${source.path} has ${source.size} bytes; files may have at most ${MAX_FILE_BYTES} bytes (100 MiB)`)
  return source.size
}

/** SHA-256 of the whole source, read HASH_READ_BYTES at a time; Invalid when it is not `size` bytes long (changed meanwhile). */
async function hashFile (source: FileSource, size: number): Promise<Uint8Array> {
  const h = newSha256()
  for (let offset = 0; offset < size; offset += HASH_READ_BYTES) {
    const want = Math.min(HASH_READ_BYTES, size - offset)
    const chunk = await source.read(offset, want)
    if (chunk.byteLength !== want) throw new RelaymeshError(ErrorCode.Invalid, 'the file changed while it was being read')
    h.update(chunk)
  }
  // one byte past the end: a file that grew meanwhile is refused too
  if ((await source.read(size, 1)).byteLength !== 0) throw new RelaymeshError(ErrorCode.Invalid, 'the file changed while it was being read')
  return h.digest()
}

async function readChunk (source: FileSource, offset: number, length: number): Promise<Uint8Array> {
  const buf = await source.read(offset, length)
  if (buf.byteLength !== length) throw new RelaymeshError(ErrorCode.Invalid, 'the file changed while it was being sent (it is shorter now)')
  return buf
}

/**
 * Run `fn` over `items` with at most `width` in flight. On the first failure
 * no new item starts; the ones in flight settle, then that failure is thrown.
 */
async function runWindow<T> (items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { err: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T
      try {
        await fn(item)
      } catch (err) {
        failure ??= { err }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  if (failure !== undefined) throw failure.err
}
