// Turning received envelopes into stored messages (under the session lock).
// Per envelope: skip if its id was seen; open the sealed sender; decrypt on
// the sender device's session (current first, then the kept earlier ones;
// a PqxdhInitial that matches none starts a new session); decode the
// content; skip if its message id was seen from that sender. A message no
// session reads is reported (notice + reset) but the sessions are KEPT, as
// libsignal keeps them: it may be a straggler on a session we replaced, and
// dropping the fresh one would leave the two sides apart (docs/protocol.md §8).
// Everything a batch of envelopes changes (messages, sessions, used one-time prekeys,
// seen ids) goes into ONE synced LevelDB batch, and only then are the
// envelopes acknowledged to the node: a crash loses nothing and repeats nothing.
import { ContentType } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { acceptSession, decryptMessage, type Session } from '../../protocol/crypto/session.js'
import { openSealedSender, type OpenedSealedSender } from '../../protocol/crypto/sealed-sender.js'
import { userIdFromIdentityKey } from '../../protocol/identity.js'
import type { Envelope } from '../../protocol/pb/envelope.js'
import type { StoreOp } from '../store/sealed-store.js'
import { hex } from '../util/bytes.js'
import { decodeContent } from './content.js'
import type { MessagingContext } from './context.js'
import type { StoredMessage } from './message-log.js'
import type { SessionSet } from './sessions.js'
import { seenBefore, type BatchState, type ProcessResult } from './content-handlers.js'
import { isFanout } from '../groups/fanout.js'
import { handleFanout } from '../groups/group-receiver.js'
import { handleProvisioning } from '../devices/link-handler.js'
import { isProvisioning } from '../devices/provisioning.js'
import { DEFER, senderAllowed } from '../devices/sender-devices.js'
import { profileKeysTaken, takeProfileKey } from '../profiles/profile-keys.js'
import { dropBlocked, isBlocked, mayNotify } from '../requests/gate.js'

export type { ProcessResult } from './content-handlers.js'

/** Errors that mean no session we hold with a device reads its messages (answer with a fresh one). */
const SESSION_BREAKS = new Set<ErrorCode>([ErrorCode.DecryptFailed, ErrorCode.InvalidState, ErrorCode.UnknownPreKey, ErrorCode.TooManySkipped, ErrorCode.Decode])

export async function processEnvelopes (ctx: MessagingContext, envelopes: Envelope[]): Promise<ProcessResult> {
  const now = ctx.now()
  const ops: StoreOp[] = []
  const result: ProcessResult = { stored: [], ack: [], resets: [], distribute: [] }
  const envSeen = new Set<string>()
  const msgSeen = new Set<string>()
  await ctx.requests?.ready()
  for (const env of envelopes) {
    const idHex = hex(env.id)
    result.ack.push(env.id)
    if (envSeen.has(idHex) || await ctx.messages.seenEnvelope(idHex)) continue
    envSeen.add(idHex)
    const seenAt = ops.length
    ops.push(ctx.messages.seenEnvelopeOp(idHex, now))
    if (await processOne(ctx, env, idHex, { now, ops, msgSeen, result }) === DEFER) {
      // nothing was changed for it: not seen, not acknowledged, so a later fetch brings it again
      ops.splice(seenAt, 1)
      result.ack.pop()
      envSeen.delete(idHex)
    }
  }
  try {
    await ctx.store.batch(ops, { sync: true })
  } catch (err) {
    // memory ran ahead of the disk: reload sessions before anything else uses them
    ctx.sessions.invalidate()
    ctx.groups.invalidate()
    ctx.requests?.invalidate()
    throw err
  }
  result.profileKeys = profileKeysTaken(ops)
  return result
}


async function processOne (ctx: MessagingContext, env: Envelope, idHex: string, b: BatchState): Promise<void | typeof DEFER> {
  const { now, ops, result } = b
  if (isProvisioning(env.payload)) {
    // a new device asking to be linked (docs/protocol.md §8c)
    const outcome = await handleProvisioning(ctx, env.payload, idHex, now, ops)
    if (outcome !== undefined) (result.linked ??= []).push(outcome)
    return
  }
  if (isFanout(env.payload)) {
    // a group message: one payload fanned out to every member device (docs/protocol.md §8a)
    return await handleFanout(ctx, env, idHex, b)
  }
  let sealed: OpenedSealedSender
  try {
    sealed = openSealedSender({ recipientIdentity: ctx.identity.identity, bytes: env.payload })
  } catch (err) {
    ctx.log.warn({ envelope: idHex, err: (err as Error).message }, 'envelope does not open (not for us or damaged); dropped')
    return
  }
  const from = userIdFromIdentityKey(sealed.senderIdentityKey)
  const deviceId = sealed.senderDeviceId
  if (sealed.contentType !== ContentType.PreKey && sealed.contentType !== ContentType.Ratchet) {
    ctx.log.warn({ envelope: idHex, from, type: sealed.contentType }, 'content type not supported by this client yet; dropped')
    return
  }
  const allowed = await senderAllowed(ctx, from, deviceId, idHex)
  if (allowed !== true) return allowed === DEFER ? DEFER : undefined
  let plaintext: Uint8Array
  try {
    plaintext = await decrypt(ctx, from, deviceId, sealed, ops)
  } catch (err) {
    const code = RelaymeshError.is(err) ? err.code : undefined
    if (code === ErrorCode.DuplicateMessage || isBlocked(ctx, from)) return
    if (code !== undefined && SESSION_BREAKS.has(code)) {
      // no drop: a message sent on a session we replaced (a reset racing it) must not cost us the
      // fresh session the peer is about to accept; the reset adds one and keeps the others
      ctx.log.warn({ envelope: idHex, from, device: deviceId, err: (err as Error).message }, 'no session reads this message; reset')
      result.resets.push({ userId: from, deviceId })
      if (!mayNotify(ctx, from)) return
      const notice: StoredMessage = {
        id: `reset-${idHex}`,
        from,
        peer: from,
        group: null,
        text: `a message from ${from} (device ${deviceId}) could not be decrypted; the secure session was reset (ask them to resend if something is missing)`,
        sentAt: now,
        receivedAt: now,
        outgoing: false,
        system: true
      }
      result.stored.push({ seq: ctx.messages.append(notice, ops, true), message: notice })
      return
    }
    ctx.log.warn({ envelope: idHex, from, err: (err as Error).message }, 'message rejected')
    return
  }
  let content
  try {
    content = decodeContent(plaintext)
  } catch (err) {
    ctx.log.warn({ envelope: idHex, from, err: (err as Error).message }, 'content does not decode; dropped')
    return
  }
  if (await seenBefore(ctx, from, content.messageId, b)) return
  // after decryption (the session stays in step), before anything is stored (client/requests)
  if (await dropBlocked(ctx, from, content)) return
  // profile keys ride on 1:1 contents; a PROFILE_KEY content is consumed there (client/profiles)
  if (await takeProfileKey(ctx, from, content, ops)) return
  // the rest is the handler of its kind (content-handlers.ts; core kinds in core-handlers.ts)
  await ctx.handlers.handle({ ctx, from, deviceId, content, plaintext, envelope: idHex, b })
}

/** Decrypt a 1:1 message; the session changes are pushed onto `ops`. */
async function decrypt (ctx: MessagingContext, from: string, deviceId: number, sealed: OpenedSealedSender, ops: StoreOp[]): Promise<Uint8Array> {
  let set: SessionSet | undefined
  try {
    set = await ctx.sessions.get(from, deviceId)
  } catch (err) {
    // an unreadable session record reads nothing: forget it (a PqxdhInitial still starts a new session);
    // an I/O failure of the store is not the session's fault, and drops nothing
    if (!RelaymeshError.is(err) || !SESSION_BREAKS.has(err.code)) throw err
    ctx.log.warn({ from, device: deviceId, err: (err as Error).message }, 'session record unreadable; dropped')
    ops.push(ctx.sessions.drop(from, deviceId))
  }
  const candidates: Session[] = set === undefined ? [] : [set.current, ...set.previous]
  let last: unknown
  for (const [i, s] of candidates.entries()) {
    // sealed sender authenticated the sender's identity key: the session must be with that key
    if (!equalBytes(s.peerIdentityKey, sealed.senderIdentityKey)) continue
    let plaintext: Uint8Array
    try {
      plaintext = decryptMessage(s, sealed.contentType, sealed.content)
    } catch (err) {
      if (RelaymeshError.is(err, ErrorCode.DuplicateMessage)) throw err
      last = err
      continue
    }
    const next: SessionSet = i === 0 ? set as SessionSet : { current: s, previous: candidates.filter((c) => c !== s) }
    ops.push(ctx.sessions.put(from, deviceId, next))
    return plaintext
  }
  if (sealed.contentType === ContentType.Ratchet) {
    throw last ?? new RelaymeshError(ErrorCode.InvalidState, `no session with ${from} device ${deviceId}`)
  }
  // a PqxdhInitial that belongs to no session we hold: the peer started a new one (PQXDH §3.4)
  const source = ctx.prekeys.source()
  const accepted = acceptSession({ identity: ctx.identity.identity, store: source, initialBytes: sealed.content })
  if (!equalBytes(accepted.peerIdentityKey, sealed.senderIdentityKey) || accepted.peerDeviceId !== sealed.senderDeviceId) {
    throw new RelaymeshError(ErrorCode.UntrustedIdentity, 'the session\'s identity is not the sealed sender\'s')
  }
  ops.push(...source.takeRemovals())
  ops.push(ctx.sessions.install(from, deviceId, set, accepted.session))
  return accepted.plaintext
}
