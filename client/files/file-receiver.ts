// Receiving files (docs/protocol.md §8b). Chunk envelopes (first byte
// FILE_CHUNK_TAG) are set aside before the 1:1 path: each is kept in the
// sealed store (synced) and only then acknowledged, so the mailbox quota is
// freed while the file is still arriving and nothing is lost. A FILE message
// (decrypted on the 1:1 path) stores its manifest as pending, in the same
// batch as the session update. Once every chunk a manifest names is here, the
// file is assembled: each chunk's hash is checked against the manifest, it is
// decrypted, streamed into the platform's sink (client/platform/file-io.ts:
// on Node a temp file (0600) in <home>/downloads (0700); in a browser sealed
// records in the store), the whole file's SHA-256 is checked, the file is
// kept (on Node under a safe name that replaces nothing), and then one batch drops the pending records and stores the file
// message for receive(). A damaged chunk or file is reported (a notice) and
// never written under its name.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import type { AppContent } from '../messaging/content.js'
import type { MessagingContext } from '../messaging/context.js'
import type { StoredMessage } from '../messaging/message-log.js'
import { PREFIX } from '../store/keys.js'
import { parseJson, type StoreOp } from '../store/sealed-store.js'
import { Serial } from '../util/serial.js'
import { b64, hex, unb64 } from '../util/bytes.js'
import { chunkEnvelopeId, decryptChunk, isFileChunk } from './chunk-crypto.js'
import { MAX_PENDING_CHUNKS, MAX_PENDING_FILES, PENDING_CHUNK_TTL_MS } from './constants.js'
import { decodeManifest, type Manifest } from './manifest.js'
import { safeFileName } from './safe-name.js'
import { newSha256, openSink } from '../platform/file-io.js'
import { fileText } from './file-sender.js'
import { expiryOp } from './file-expiry.js'
import type { FileMessage } from './types.js'
import { holdMessage, mayNotify } from '../requests/gate.js'

/** a kept chunk: u64be(received at) ‖ envelope id (16) ‖ payload */
const CHUNK_HEADER = 8 + 16

/** a manifest waiting for its chunks (sealed JSON) */
interface PendingFile {
  v: 1
  from: string
  /** our own copy of a file we sent from another device: the recipient */
  peer: string
  id: string
  sentAt: number
  at: number
  manifest: string
}

export interface TakenChunks {
  /** the envelopes that are not file chunks, for the 1:1 and group path */
  rest: Envelope[]
  /** chunk envelopes kept (or known already): acknowledge them */
  ack: Uint8Array[]
}

/**
 * Called on the 1:1 path (under the session lock) for a FILE content: check
 * the manifest and add the op that keeps it until its chunks are here.
 * A malformed manifest, or one too many waiting, is dropped with a notice.
 */
export async function acceptManifest (ctx: MessagingContext, from: string, content: AppContent, ops: StoreOp[], now: number): Promise<{ seq: number, message: StoredMessage } | undefined> {
  const msgHex = hex(content.messageId)
  const peer = from === ctx.identity.userId && content.destination !== undefined ? content.destination : from
  let manifest: Manifest
  try {
    manifest = decodeManifest(content.fileManifest ?? new Uint8Array(0))
  } catch (err) {
    ctx.log.warn({ from, err: (err as Error).message }, 'file manifest rejected')
    return notice(ctx, ops, now, `file-${msgHex}`, from, peer, `a file from ${from} was refused: its manifest is malformed`)
  }
  if (manifest.expiresAt > 0 && manifest.expiresAt <= now) {
    return notice(ctx, ops, now, `file-${msgHex}`, from, peer, `file "${safeFileName(manifest.name)}" from ${from} expired before it arrived; it was not saved`)
  }
  let waiting = 0
  for await (const _ of ctx.store.keys(PREFIX.fileManifest, { limit: MAX_PENDING_FILES })) waiting++
  if (waiting >= MAX_PENDING_FILES) {
    return notice(ctx, ops, now, `file-${msgHex}`, from, peer, `file "${safeFileName(manifest.name)}" from ${from} was refused: ${MAX_PENDING_FILES} files are still incomplete`)
  }
  const pending: PendingFile = { v: 1, from, peer, id: msgHex, sentAt: content.sentAt, at: now, manifest: b64(content.fileManifest as Uint8Array) }
  ops.push(ctx.store.jsonOp(PREFIX.fileManifest + ctx.store.name(`${from}/${msgHex}`), pending))
  return undefined
}

function notice (ctx: MessagingContext, ops: StoreOp[], now: number, id: string, from: string, peer: string, text: string): { seq: number, message: StoredMessage } | undefined {
  // no notices about strangers or blocked users (client/requests)
  if (!mayNotify(ctx, from)) return undefined
  const message: StoredMessage = { id, from, peer, group: null, text, sentAt: now, receivedAt: now, outgoing: false, system: true }
  return { seq: ctx.messages.append(message, ops, true), message }
}

export class FileReceiver {
  /** one chunk intake or assembly at a time */
  private readonly lock = new Serial()
  private pendingChunks: number | undefined

  constructor (private readonly ctx: MessagingContext, private readonly serial: Serial) {}

  /** Keep the chunk envelopes among `envelopes` (one synced batch); they may then be acknowledged. */
  async takeChunks (envelopes: Envelope[]): Promise<TakenChunks> {
    const rest = envelopes.filter((e) => !isFileChunk(e.payload))
    if (rest.length === envelopes.length) return { rest, ack: [] }
    return await this.lock.run(async () => {
      const { store, messages } = this.ctx
      const now = this.ctx.now()
      const ack: Uint8Array[] = []
      const ops: StoreOp[] = []
      const batch = new Set<string>()
      let count = await this.countPending()
      for (const env of envelopes) {
        if (!isFileChunk(env.payload)) continue
        const idHex = hex(env.id)
        const key = PREFIX.fileChunk + store.name(idHex)
        if (batch.has(idHex) || await messages.seenEnvelope(idHex) || await store.has(key)) {
          ack.push(env.id) // kept already, or its file is done (or was dropped)
          continue
        }
        if (count >= MAX_PENDING_CHUNKS) count -= await this.pruneExpired(now)
        if (count >= MAX_PENDING_CHUNKS) {
          // not kept, not acknowledged: it waits in the mailbox until a file completes
          this.ctx.log.warn({ envelope: idHex, pending: count }, 'too many file chunks without a manifest; chunk left in the mailbox')
          continue
        }
        const value = new Uint8Array(CHUNK_HEADER + env.payload.byteLength)
        new DataView(value.buffer).setBigUint64(0, BigInt(now))
        value.set(env.id, 8)
        value.set(env.payload, CHUNK_HEADER)
        ops.push(store.putOp(key, value))
        batch.add(idHex)
        ack.push(env.id)
        count++
      }
      await store.batch(ops, { sync: true })
      this.pendingChunks = count
      return { rest, ack }
    })
  }

  /**
   * Assemble every pending file whose chunks are all here; drop pending files
   * older than the retention. Returns the stored messages (files and notices)
   * for receive(), with their sequence numbers.
   */
  async complete (): Promise<Array<{ seq: number, message: StoredMessage }>> {
    const { store } = this.ctx
    let any = false
    for await (const _ of store.keys(PREFIX.fileManifest, { limit: 1 })) any = true
    if (!any) return []
    return await this.lock.run(async () => {
      const out: Array<{ seq: number, message: StoredMessage }> = []
      const pending: Array<[string, PendingFile]> = []
      for await (const [key, raw] of store.range(PREFIX.fileManifest)) pending.push([key, parseJson<PendingFile>(key, raw)])
      for (const [key, p] of pending) {
        try {
          const done = await this.tryAssemble(key, p)
          if (done !== undefined) out.push(done)
        } catch (err) {
          // e.g. the downloads folder is not writable: the file stays pending and is tried again with the next envelope
          this.ctx.log.warn({ from: p.from, err: (err as Error).message }, 'received file not assembled yet')
        }
      }
      return out
    })
  }

  private async tryAssemble (key: string, p: PendingFile): Promise<{ seq: number, message: StoredMessage } | undefined> {
    const { store } = this.ctx
    const now = this.ctx.now()
    const manifest = decodeManifest(unb64(p.manifest))
    const name = safeFileName(manifest.name)
    const chunkKeys = manifest.chunks.map((c) => PREFIX.fileChunk + store.name(hex(chunkEnvelopeId(c.hash))))
    // runs after every batch while chunks come in: stop at the first one missing
    if (manifest.expiresAt > 0 && manifest.expiresAt <= now) {
      return await this.finish(key, p, manifest, chunkKeys, { text: `file "${name}" from ${p.from} expired before all of it arrived; it was not saved` })
    }
    let complete = true
    for (const k of chunkKeys) if (!await store.has(k)) { complete = false; break }
    if (!complete) {
      if (now - p.at < PENDING_CHUNK_TTL_MS) return undefined
      let missing = 0
      for (const k of chunkKeys) if (!await store.has(k)) missing++
      return await this.finish(key, p, manifest, chunkKeys, { text: `file "${name}" from ${p.from} is incomplete: ${missing} of ${manifest.chunks.length} chunks never arrived; it was not saved` })
    }
    let path: string
    try {
      path = await this.assemble(manifest, name, chunkKeys)
    } catch (err) {
      if (!RelaymeshError.is(err, ErrorCode.DecryptFailed)) throw err
      this.ctx.log.warn({ from: p.from, file: name, err: err.message }, 'received file is damaged; not saved')
      return await this.finish(key, p, manifest, chunkKeys, { text: `file "${name}" from ${p.from} is damaged (${err.message}); it was not saved: ask the sender to send it again` })
    }
    return await this.finish(key, p, manifest, chunkKeys, { path, name })
  }

  /** Decrypt the chunks in order into the platform's sink (a temp file on Node), check the whole file's hash, then keep it under its name. */
  private async assemble (manifest: Manifest, name: string, chunkKeys: string[]): Promise<string> {
    const sink = await openSink(this.ctx.store, name)
    const h = newSha256()
    try {
      for (const [i, ref] of manifest.chunks.entries()) {
        const value = await this.ctx.store.get(chunkKeys[i] as string)
        if (value === undefined) throw new RelaymeshError(ErrorCode.DecryptFailed, `chunk ${i} vanished`)
        const plain = decryptChunk(ref, manifest.fileId, i, value.subarray(CHUNK_HEADER))
        h.update(plain)
        await sink.write(plain)
      }
      if (!equalBytes(h.digest(), manifest.sha256)) throw new RelaymeshError(ErrorCode.DecryptFailed, 'the whole file\'s SHA-256 does not match the manifest')
    } catch (err) {
      await sink.abort().catch(() => {})
      throw err
    }
    return await sink.commit()
  }

  /** One synced batch: drop the pending file and its chunks (their ids stay seen), store the file message or the notice. */
  private async finish (key: string, p: PendingFile, manifest: Manifest, chunkKeys: string[], outcome: { path: string, name: string } | { text: string }): Promise<{ seq: number, message: StoredMessage } | undefined> {
    const { store, messages } = this.ctx
    const now = this.ctx.now()
    const ops: StoreOp[] = [{ type: 'del', key }]
    for (const [i, k] of chunkKeys.entries()) {
      ops.push({ type: 'del', key: k })
      ops.push(messages.seenEnvelopeOp(hex(chunkEnvelopeId((manifest.chunks[i] as { hash: Uint8Array }).hash)), now))
    }
    const own = p.from === this.ctx.identity.userId
    const message: FileMessage = 'path' in outcome
      ? { id: p.id, from: p.from, peer: p.peer, group: null, text: fileText(outcome.name, manifest.size), sentAt: p.sentAt, receivedAt: now, outgoing: own, file: { name: outcome.name, size: manifest.size, path: outcome.path, ...(manifest.mime !== '' ? { mime: manifest.mime } : {}), ...(manifest.expiresAt > 0 ? { expiresAt: manifest.expiresAt } : {}) } }
      : { id: `file-${p.id}`, from: p.from, peer: p.peer, group: null, text: outcome.text, sentAt: now, receivedAt: now, outgoing: false, system: true }
    const seq = await this.serial.run(async () => {
      // a stranger's file waits as a request; a notice about a stranger's file is not shown (client/requests)
      const held = 'path' in outcome ? holdMessage(this.ctx, message, ops, now) : !mayNotify(this.ctx, p.from)
      const s = held ? undefined : messages.append(message, ops, true)
      // a file that expires is deleted then, held or not (client/files/file-expiry.ts)
      const expiry = 'path' in outcome ? expiryOp(this.ctx, message) : undefined
      if (expiry !== undefined) ops.push(expiry)
      try {
        await store.batch(ops, { sync: true })
      } catch (err) {
        this.ctx.requests?.invalidate()
        throw err
      }
      return s
    })
    if (this.pendingChunks !== undefined) this.pendingChunks = Math.max(0, this.pendingChunks - chunkKeys.length)
    return seq === undefined ? undefined : { seq, message }
  }

  private async countPending (): Promise<number> {
    if (this.pendingChunks === undefined) {
      let n = 0
      for await (const _ of this.ctx.store.keys(PREFIX.fileChunk)) n++
      this.pendingChunks = n
    }
    return this.pendingChunks
  }

  /** Drop kept chunks older than the retention (their manifest never came); returns how many. Reads every kept chunk: only when full. */
  private async pruneExpired (now: number): Promise<number> {
    const ops: StoreOp[] = []
    for await (const [key, value] of this.ctx.store.range(PREFIX.fileChunk)) {
      const at = Number(new DataView(value.buffer, value.byteOffset, value.byteLength).getBigUint64(0))
      if (now - at >= PENDING_CHUNK_TTL_MS) ops.push({ type: 'del', key })
    }
    await this.ctx.store.batch(ops, { sync: true })
    return ops.length
  }
}
