// Profiles (docs/protocol.md, "Profiles"): set ours (sealed under our profile
// key, signed, published as a RecordKind.Profile record), open a peer's with
// the profile key it sent us, and rotate ours when a contact is removed: a
// new key, our profile re-sealed and republished under it, the device list
// re-signed with the new access key's verifier, and the new key sent end to
// end to every remaining contact and to our own other devices. The removed
// contact keeps only the old key, which opens nothing published from then on.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RecordKind } from '../../protocol/constants.js'
import { checkAvatar, openProfile, profileNameProblem, signProfile, type Avatar, type AvatarType, type ProfileData } from '../../protocol/profile.js'
import { newestRecordOf, type VerifiedRecord } from '../../protocol/records.js'
import { listContacts, type Contact } from '../contacts.js'
import { DAY_MS } from '../device.js'
import { ContentKind, encodeContent, newMessageId } from '../messaging/content.js'
import type { MessagingContext, SendingDeps } from '../messaging/context.js'
import { claimPreKeys, encryptForTargets, targetsOf } from '../messaging/sender.js'
import { checkUserId } from '../messaging/user-directory.js'
import { PREFIX } from '../store/keys.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import { loadOwnProfile, loadPeerProfile, ownProfileOp, peerProfileNames, peerProfileOp, type OwnProfile } from './profile-store.js'

/** a Profile record lives this long; an attached client re-signs it when less than PROFILE_REFRESH_MS is left */
export const PROFILE_TTL_MS = 30 * DAY_MS
export const PROFILE_REFRESH_MS = 15 * DAY_MS

export type ProfileDeps = SendingDeps

export interface ProfileView {
  userId: string
  name: string
  avatar?: { type: AvatarType, bytes: Uint8Array }
  /** seq of the record it came from (0: our own, not yet published) */
  seq: number
}

export interface RemovedContact {
  userId: string
  /** every alias the user was known under (all are removed) */
  aliases: string[]
  /** users told the new profile key (remaining contacts, and our own user when we have other devices) */
  notified: number
  /** users the new key could not reach now (they learn it from our next message) */
  failed: Array<{ userId: string, error: string }>
}

/** The profile in `bytes` (a person's input): InvalidArgument from protocol/profile.ts becomes Invalid. */
function checkInput (input: { name: string, avatar?: Uint8Array }): ProfileData {
  const problem = profileNameProblem(input.name)
  if (problem !== undefined) throw new RelaymeshError(ErrorCode.Invalid, `profile ${problem}`)
  if (input.avatar === undefined) return { name: input.name }
  let avatar: Avatar
  try {
    avatar = checkAvatar(input.avatar)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Invalid, (err as Error).message, { cause: err })
  }
  return { name: input.name, avatar }
}

export class ProfileManager {
  constructor (private readonly d: ProfileDeps) {}

  private get ctx (): MessagingContext { return this.d.ctx }
  private get self (): string { return this.d.ctx.identity.userId }

  /** Seal, sign and publish our profile (persisted first). */
  async set (input: { name: string, avatar?: Uint8Array }): Promise<ProfileView> {
    const data = checkInput(input)
    const conn = await this.d.ready()
    const held = await this.latestRecord(this.self)
    const { record, seq } = await this.d.serial.run(async () => {
      const own = await loadOwnProfile(this.ctx.store)
      const signed = this.sign(own, data, held?.seq ?? 0)
      await this.d.persist([signed.op])
      return signed
    })
    await conn.publish([record])
    return { userId: this.self, name: data.name, ...(data.avatar !== undefined ? { avatar: data.avatar } : {}), seq }
  }

  /** Under the lock: a record of `data` under our current profile key with a seq above every one we know of. */
  private sign (own: OwnProfile, data: ProfileData, meshSeq: number): { record: Uint8Array, seq: number, op: StoreOp } {
    const now = this.ctx.now()
    const seq = Math.max(now, own.seq + 1, meshSeq + 1)
    const expiresAt = now + PROFILE_TTL_MS
    const record = signProfile(this.ctx.identity.identity, this.ctx.identity.profileKey, { seq, expiresAt }, data)
    const next: OwnProfile = { ...own, name: data.name, seq, expiresAt }
    if (data.avatar !== undefined) next.avatar = data.avatar; else delete next.avatar
    return { record, seq, op: ownProfileOp(this.ctx.store, next) }
  }

  /**
   * A user's profile: the newest Profile record the mesh holds, opened with
   * their profile key (ours for ourselves). Undefined when we hold no key for
   * them, they published none, or the key we hold no longer opens it (they
   * rotated it away from us).
   */
  async profileOf (userId: string): Promise<ProfileView | undefined> {
    checkUserId(userId)
    const key = userId === this.self ? this.ctx.identity.profileKey : (await loadPeerProfile(this.ctx.store, userId))?.key
    if (key === undefined) return undefined
    const record = await this.latestRecord(userId)
    let data: ProfileData | undefined
    if (record !== undefined) {
      try {
        data = openProfile(record, key)
      } catch (err) {
        this.ctx.log.debug({ user: userId, err: (err as Error).message }, 'profile does not open with the key we hold')
      }
    }
    if (userId === this.self) {
      if (data === undefined) {
        // not (yet) in the mesh: what this device set
        const own = await loadOwnProfile(this.ctx.store)
        if (own.name === undefined) return undefined
        return { userId, name: own.name, ...(own.avatar !== undefined ? { avatar: own.avatar } : {}), seq: 0 }
      }
    } else {
      await this.rememberName(userId, data?.name)
    }
    if (data === undefined || record === undefined) return undefined
    return { userId, name: data.name, ...(data.avatar !== undefined ? { avatar: data.avatar } : {}), seq: record.seq }
  }

  /** The name shown for a peer follows what its profile says now (none once it no longer opens). */
  private async rememberName (userId: string, name: string | undefined): Promise<void> {
    await this.d.serial.run(async () => {
      const held = await loadPeerProfile(this.ctx.store, userId)
      if (held === undefined || held.name === name) return
      const next = { key: held.key, at: held.at, ...(name !== undefined ? { name } : {}) }
      await this.ctx.store.batch([peerProfileOp(this.ctx.store, userId, next)])
    })
  }

  /** Profile names last opened, by user id (local, no network). */
  async names (): Promise<Map<string, string>> {
    return await peerProfileNames(this.ctx.store)
  }

  /** After an attach: re-sign and republish our profile when it expires within PROFILE_REFRESH_MS. */
  async refreshIfDue (conn: NodeConnection): Promise<void> {
    const own = await loadOwnProfile(this.ctx.store)
    if (own.name === undefined || own.expiresAt === undefined || own.expiresAt - this.ctx.now() > PROFILE_REFRESH_MS) return
    const held = await this.latestRecord(this.self)
    const { record } = await this.d.serial.run(async () => {
      const now = await loadOwnProfile(this.ctx.store)
      const signed = this.sign(now, { name: own.name as string, ...(own.avatar !== undefined ? { avatar: own.avatar } : {}) }, held?.seq ?? 0)
      await this.d.persist([signed.op])
      return signed
    })
    await conn.publish([record])
  }

  /**
   * Remove a contact (every alias of its user) and rotate our profile key:
   * persisted, then the new device list and our re-sealed profile are
   * published, then the new key goes to every remaining contact and to our
   * own other devices.
   */
  async removeContact (aliasOrUserId: string): Promise<RemovedContact> {
    const given = String(aliasOrUserId).trim()
    const contacts = await listContacts(this.ctx.store)
    const match = contacts.find((c) => c.alias === given) ?? contacts.find((c) => c.userId === given.toLowerCase())
    if (match === undefined) throw new RelaymeshError(ErrorCode.NotFound, `"${given}" is not one of your contacts (\`relaymesh contacts list\` shows them)`)
    const removed = contacts.filter((c) => c.userId === match.userId)
    const remaining = [...new Set(contacts.filter((c) => c.userId !== match.userId).map((c) => c.userId))]
    const conn = await this.d.ready()
    // what we republish under the new key: our profile as this device or the mesh knows it
    const current = await this.currentOwn(conn)
    const now = this.ctx.now()
    const { list, record, key } = await this.d.serial.run(async () => {
      const { identity, store } = this.ctx
      const ops: StoreOp[] = removed.map((c: Contact) => ({ type: 'del' as const, key: PREFIX.contact + store.name(c.alias) }))
      const list = identity.rotateProfileKey(now)
      ops.push(identity.saveOp(store))
      const own: OwnProfile = { ...await loadOwnProfile(store), keyAt: now }
      let record: Uint8Array | undefined
      if (current.data !== undefined) {
        const signed = this.sign(own, current.data, current.seq)
        record = signed.record
        ops.push(signed.op)
      } else {
        ops.push(ownProfileOp(store, own))
      }
      await this.d.persist(ops)
      return { list, record, key: identity.profileKey }
    })
    await conn.publish(record !== undefined ? [list, record] : [list])
    // the new key, end to end (no text: never stored as a message)
    const plaintext = encodeContent({ messageId: newMessageId(), sentAt: now, kind: ContentKind.PROFILE_KEY, text: '', profileKey: key })
    const to = this.ctx.identity.otherDeviceIds.length > 0 ? [...remaining, this.self] : remaining
    const failed: RemovedContact['failed'] = []
    for (const userId of to) {
      await this.sendTo(conn, userId, plaintext).catch((err: Error) => { failed.push({ userId, error: err.message }) })
    }
    return { userId: match.userId, aliases: removed.map((c) => c.alias), notified: to.length - failed.length, failed }
  }

  /** Our profile's content and record seq: this device's copy, else the mesh's record opened with our key. */
  private async currentOwn (conn: NodeConnection): Promise<{ data: ProfileData | undefined, seq: number }> {
    const own = await loadOwnProfile(this.ctx.store)
    const record = await this.latestRecord(this.self).catch(() => undefined)
    const seq = Math.max(own.seq, record?.seq ?? 0)
    if (record !== undefined && record.seq > own.seq) {
      try {
        return { data: openProfile(record, this.ctx.identity.profileKey), seq }
      } catch {}
    }
    if (own.name === undefined) return { data: undefined, seq }
    return { data: { name: own.name, ...(own.avatar !== undefined ? { avatar: own.avatar } : {}) }, seq }
  }

  /** One content to every device of `userId` (our own: every other device), over the 1:1 sessions. */
  private async sendTo (conn: NodeConnection, userId: string, plaintext: Uint8Array): Promise<void> {
    const peer = await this.d.user(conn, userId)
    const targets = targetsOf(peer, userId === this.self ? this.ctx.identity.deviceId : undefined)
    await claimPreKeys(this.ctx, targets)
    const envelopes = await this.d.serial.run(async () => {
      const ops: StoreOp[] = []
      const out = await encryptForTargets(this.ctx, targets, plaintext, this.d.ids, ops)
      await this.d.persist(ops)
      return out
    })
    await Promise.all(envelopes.map(async (e) => { await this.ctx.outbound.send([e.target], e.id, e.payload) }))
  }

  /** The newest valid Profile record of `userId` the mesh holds (GET_USER), or undefined. */
  private async latestRecord (userId: string): Promise<VerifiedRecord | undefined> {
    let raw: Uint8Array[]
    try {
      // over the send channel: the attached node never learns whose profile we look at
      raw = await this.ctx.outbound.getUser(userId)
    } catch (err) {
      if (RelaymeshError.is(err, ErrorCode.NotFound)) return undefined
      throw err
    }
    return newestRecordOf(raw, RecordKind.Profile, userId, this.ctx.now())
  }
}

/** Hand envelopes to the node (the one send of this module). */
