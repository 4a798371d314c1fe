// What a client does after every attach: take in a newer device list from our
// other devices, re-sign what is due and publish only what changed or is due (a
// republish on every attach would tell every relay and gossip listener when
// this user attaches), refresh the profile, top up one-time prekeys, then owed
// sender key rotations and a waiting receive().
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { MessagingContext } from '../messaging/context.js'
import type { PeerUser } from '../messaging/user-directory.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import type { Serial } from '../util/serial.js'
import { BUNDLE_TTL_MS, SIGNED_PREKEY_ROTATE_MS } from './prekeys.js'

export interface AttachUpkeepDeps {
  ctx: MessagingContext
  serial: Serial
  /** our own user from its signed records (as `getUser` gives them) */
  own: (records: { getUser: (userId: string) => Promise<Uint8Array[]> }, now: number) => Promise<PeerUser>
  /** take in a newer device list of ours (client/devices) from our records, fetched once per attach */
  syncDevices: (conn: NodeConnection, records: Uint8Array[]) => Promise<void>
  /** republish our profile when due (client/profiles) */
  refreshProfile: (conn: NodeConnection) => Promise<void>
  /** sender key rotations owed from before a restart or a failed send (client/groups) */
  distributeOwed: () => Promise<void>
  /** the attach is done: a waiting receive() drains now */
  attached: () => void
}

export class AttachUpkeep {
  constructor (private readonly d: AttachUpkeepDeps) {}

  /**
   * After every attach: re-sign what is due and publish only what changed or is due (a
   * republish on every attach would tell every relay and gossip listener when this user
   * attaches), top up one-time prekeys.
   */
  async onAttached (conn: NodeConnection): Promise<void> {
    const { ctx } = this.d
    const { store, identity, prekeys } = ctx
    const now = ctx.now()
    // our own records, once (asked of the node we attached to, which knows us anyway): a newer device list
    // from another of our devices (a link or a removal) first, never re-sign an older one; then the bundle it holds
    const records = await conn.getUser(identity.userId).catch(() => [] as Uint8Array[])
    await this.d.syncDevices(conn, records)
    const held = await this.ownBundleOnMesh(records, now)
    const publish = await this.d.serial.run(async () => {
      const ops: StoreOp[] = []
      const records: Uint8Array[] = []
      // the attach carried the current list (the node publishes it): only a re-signed one is new
      if (identity.refreshDeviceList(now)) { ops.push(identity.saveOp(store)); records.push(identity.deviceList) }
      const rotation = prekeys.rotateIfDue(now)
      ops.push(...rotation.ops)
      const stale = held === undefined || held.seq < prekeys.bundleSeq || held.expiresAt - now < BUNDLE_TTL_MS - SIGNED_PREKEY_ROTATE_MS
      if (rotation.rotated || stale) {
        const signed = prekeys.signBundle(identity.deviceId, now)
        ops.push(signed.op)
        records.push(signed.record)
      }
      await store.batch(ops)
      return records
    })
    if (publish.length > 0) await conn.publish(publish)
    await this.d.refreshProfile(conn).catch((err: Error) => { ctx.log.warn({ err: err.message }, 'profile not republished; retried on the next attach') })
    // the node's count of our one-time prekeys: refill below the low-water mark. A refill that fails
    // costs the keys it carried, never the attach (senders fall back to the signed last-resort keys)
    await this.topUp(conn, conn.prekeysRemaining).catch((err: Error) => {
      if (!RelaymeshError.is(err) || err.code === ErrorCode.InvalidState) throw err
      ctx.log.warn({ err: err.message }, 'one-time prekey refill failed; retried on the next attach')
    })
    // sender key rotations owed from before a restart or a failed send
    this.d.distributeOwed().catch((err: Error) => { ctx.log.warn({ err: err.message }, 'sender key distribution failed; retried before the next group message') })
    this.d.attached()
  }

  /** seq and expiry of this device's bundle as the mesh holds it (undefined: none, or the lookup failed) */
  private async ownBundleOnMesh (records: Uint8Array[], now: number): Promise<{ seq: number, expiresAt: number } | undefined> {
    try {
      const own = await this.d.own({ getUser: async () => records }, now)
      const bundle = own.devices.find((d) => d.deviceId === this.d.ctx.identity.deviceId)?.bundle
      return bundle === undefined ? undefined : { seq: bundle.seq, expiresAt: bundle.expiresAt }
    } catch {
      return undefined
    }
  }

  /**
   * Upload one-time prekeys never sent, generating fresh ids when the mesh holds
   * fewer than ONE_TIME_LOW. The ids are marked sent on disk before the upload
   * leaves: an upload whose answer is lost is never sent again.
   */
  async topUp (conn: NodeConnection, reportedRemaining?: number): Promise<void> {
    const { ctx } = this.d
    await this.d.serial.run(async () => {
      const plan = ctx.prekeys.planUpload(reportedRemaining)
      await ctx.store.batch(plan.ops, { sync: true })
      if (plan.keys.length === 0) return
      const remaining = await conn.uploadPreKeys(plan.keys)
      await ctx.store.batch([ctx.prekeys.uploaded(remaining)])
      ctx.log.debug({ uploaded: plan.keys.length, remaining }, 'one-time prekeys uploaded')
    })
  }
}
