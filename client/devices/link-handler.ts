// The first device's half of linking (docs/protocol.md §8c): pending
// links (one-time pairing secrets with an expiry, kept in the sealed store so
// a later `recv` can finish a link too), and the handling of a provisioning
// request found in our mailbox. Runs under the session lock inside the
// envelope batch: the consumed link and the re-signed device list are
// persisted in the same synced batch as the envelope's seen id, before the
// envelope is acknowledged; the answer is sent after that (LinkOutcome).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { MAX_DEVICES } from '../../protocol/constants.js'
import { equalBytes, randomBytes } from '../../protocol/crypto/primitives.js'
import { mailboxAddress, userIdFromIdentityKey } from '../../protocol/identity.js'
import { listContacts } from '../contacts.js'
import type { MessagingContext } from '../messaging/context.js'
import { PREFIX } from '../store/keys.js'
import { parseJson, type StoreOp } from '../store/sealed-store.js'
import { b64, hex, unb64 } from '../util/bytes.js'
import { encodePairingCode, LINK_SECRET_BYTES, MAX_LINK_DEVICE_ID } from './pairing-code.js'
import { groupsForLink } from './linked-groups.js'
import { decodeProvisioning, openLinkRequest, ProvisioningKind, sealLinkResponse } from './provisioning.js'

/** a pairing code works once, for this long */
export const LINK_TTL_MS = 10 * 60 * 1000

interface PendingLinkJson { v: 1, secret: string, createdAt: number, expiresAt: number }

export type LinkOutcome =
  | { status: 'linked', secretId: string, deviceId: number, deviceList: Uint8Array, reply: { userId: string, mailbox: Uint8Array, payload: Uint8Array } }
  | { status: 'rejected' }

/** An id for a pending link that does not reveal its secret (keyed hash, as store keys are). */
function secretId (ctx: MessagingContext, secret: Uint8Array): string {
  return ctx.store.name(`link/${hex(secret)}`)
}

/** A new pending link: the pairing code to show and the op that stores its secret. */
export function createLink (ctx: MessagingContext, now: number): { code: string, secretId: string, expiresAt: number, op: StoreOp } {
  const { identity } = ctx
  if (identity.removed) throw new RelaymeshError(ErrorCode.InvalidState, 'this device was removed from the device list; link new devices from one that is still listed')
  if (identity.devices.length >= MAX_DEVICES) throw new RelaymeshError(ErrorCode.Invalid, `at most ${MAX_DEVICES} devices per user: remove one first (\`relaymesh devices remove DEVICEID\`)`)
  if (identity.deviceId > MAX_LINK_DEVICE_ID) throw new RelaymeshError(ErrorCode.Invalid, 'this device id does not fit a pairing code; link from another device')
  const secret = randomBytes(LINK_SECRET_BYTES)
  const id = secretId(ctx, secret)
  const expiresAt = now + LINK_TTL_MS
  const json: PendingLinkJson = { v: 1, secret: b64(secret), createdAt: now, expiresAt }
  const code = encodePairingCode({ userId: identity.userId, deviceId: identity.deviceId, secret })
  return { code, secretId: id, expiresAt, op: ctx.store.jsonOp(PREFIX.deviceLink + id, json) }
}

async function pendingLinks (ctx: MessagingContext, now: number, ops: StoreOp[]): Promise<Array<{ key: string, id: string, secret: Uint8Array }>> {
  const out: Array<{ key: string, id: string, secret: Uint8Array }> = []
  for await (const [key, raw] of ctx.store.range(PREFIX.deviceLink)) {
    const j = parseJson<PendingLinkJson>(key, raw)
    if (j.v !== 1 || typeof j.secret !== 'string' || !(j.expiresAt > now)) {
      ops.push({ type: 'del', key }) // expired (or unreadable): a code works for LINK_TTL_MS only
      continue
    }
    out.push({ key, id: key.slice(PREFIX.deviceLink.length), secret: unb64(j.secret) })
  }
  return out
}

/**
 * A provisioning envelope in our mailbox. A request that opens with a
 * pending link's secret consumes the link, adds the new device to our
 * device list (re-signed, seq increases) and yields the sealed answer; any
 * other provisioning envelope changes nothing.
 */
export async function handleProvisioning (ctx: MessagingContext, payload: Uint8Array, envelopeHex: string, now: number, ops: StoreOp[]): Promise<LinkOutcome | undefined> {
  let env
  try {
    env = decodeProvisioning(payload)
  } catch (err) {
    ctx.log.warn({ envelope: envelopeHex, err: (err as Error).message }, 'malformed provisioning envelope; dropped')
    return undefined
  }
  if (env.kind !== ProvisioningKind.REQUEST) {
    ctx.log.warn({ envelope: envelopeHex }, 'provisioning answer in a device mailbox; dropped')
    return undefined
  }
  const { identity } = ctx
  for (const link of await pendingLinks(ctx, now, ops)) {
    let request
    try {
      request = openLinkRequest(env, identity.userId, identity.deviceId, link.secret)
    } catch {
      continue
    }
    // one use only, whatever happens next
    ops.push({ type: 'del', key: link.key })
    const devices = identity.devices
    if (devices.some((d) => equalBytes(d.deviceKey, request.deviceKey))) {
      ctx.log.warn({ envelope: envelopeHex }, 'link request for a device key already listed; ignored')
      return { status: 'rejected' }
    }
    if (devices.length >= MAX_DEVICES || identity.removed) {
      ctx.log.warn({ envelope: envelopeHex }, 'link request cannot be granted (device limit, or this device was removed); ignored')
      return { status: 'rejected' }
    }
    const deviceId = Math.max(...devices.map((d) => d.deviceId)) + 1
    const others = devices.filter((d) => d.deviceId !== identity.deviceId)
    const deviceList = identity.setOtherDevices([...others, { deviceId, deviceKey: request.deviceKey }], now)
    ops.push(identity.saveOp(ctx.store))
    const contacts = await listContacts(ctx.store)
    const reply = {
      userId: userIdFromIdentityKey(request.replyIdentityKey),
      mailbox: mailboxAddress(request.replyIdentityKey, 1),
      payload: sealLinkResponse(request, link.secret, { identitySeed: identity.identity.privateKey, deviceId, deviceList, contacts, name: identity.name ?? '', profileKey: identity.profileKey, groups: await groupsForLink(ctx) })
    }
    ctx.log.info({ device: deviceId }, 'device linked')
    return { status: 'linked', secretId: link.id, deviceId, deviceList, reply }
  }
  ctx.log.warn({ envelope: envelopeHex }, 'a device link request did not open with any pending pairing code (wrong or expired code); ignored')
  return { status: 'rejected' }
}
