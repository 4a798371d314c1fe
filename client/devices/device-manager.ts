// This user's devices, from one device's point of view: start a link (show a
// pairing code) and wait for it, finish links found while receiving (send
// the sealed answer, publish the new list), list and remove devices, and
// adopt a newer device list another of our devices signed (on every attach),
// so every device converges on the latest list (docs/protocol.md §8c).
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { RecordKind } from '../../protocol/constants.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { newestRecordOf } from '../../protocol/records.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import type { MessagingContext } from '../messaging/context.js'
import type { EnvelopeIds } from '../messaging/envelope-id.js'
import type { StoreOp } from '../store/sealed-store.js'
import type { NodeConnection } from '../transport/node-connection.js'
import type { Serial } from '../util/serial.js'
import { createLink, type LinkOutcome } from './link-handler.js'

/** how long `awaitLink` waits by default */
export const LINK_WAIT_MS = 5 * 60 * 1000

export interface DeviceInfo {
  deviceId: number
  /** this device */
  current: boolean
  /** from gossiped presence; null when not known (not attached) */
  online: boolean | null
}

export interface DeviceManagerDeps {
  ctx: MessagingContext
  serial: Serial
  ids: EnvelopeIds
  ready: () => Promise<NodeConnection>
  /** the attached connection, if any (no waiting) */
  connection: () => NodeConnection | undefined
  /** fetch the mailbox now (links in it complete during the drain) */
  drain: (conn: NodeConnection) => Promise<void>
  /** forget a cached user lookup (our own device list changed) */
  forgetUser: (userId: string) => void
  /** our own user as the mesh shows it (for presence) */
  ownPresence: (conn: NodeConnection) => Promise<Map<number, boolean>>
}

export class DeviceManager {
  private readonly waiters = new Map<string, (deviceId: number) => void>()
  private rejected = 0

  constructor (private readonly deps: DeviceManagerDeps) {}

  /** Store a new one-time pairing secret; the code to show on this device. */
  async startLink (): Promise<{ code: string, linkId: string, expiresAt: number }> {
    const { ctx, serial } = this.deps
    return await serial.run(async () => {
      const link = createLink(ctx, ctx.now())
      await ctx.store.batch([link.op], { sync: true })
      return { code: link.code, linkId: link.secretId, expiresAt: link.expiresAt }
    })
  }

  /**
   * Wait until the link `linkId` completes (a new device's request arrives
   * and is answered); drains the mailbox now, live pushes do the rest.
   * Timeout after `timeoutMs` (the code stays valid until it expires: a
   * later receive completes it). `onRejected` hears of requests that did not
   * open with any pending code.
   */
  async awaitLink (linkId: string, options: { timeoutMs?: number, onRejected?: () => void } = {}): Promise<{ deviceId: number }> {
    const timeoutMs = options.timeoutMs ?? LINK_WAIT_MS
    let timer: NodeJS.Timeout | undefined
    let poll: NodeJS.Timeout | undefined
    const seenRejected = this.rejected
    const done = new Promise<{ deviceId: number }>((resolve, reject) => {
      this.waiters.set(linkId, (deviceId) => { resolve({ deviceId }) })
      timer = setTimeout(() => { reject(new RelaymeshError(ErrorCode.Timeout, `no device joined within ${Math.round(timeoutMs / 1000)} s (the code stays valid for a while; a later \`relaymesh recv\` completes the link)`)) }, timeoutMs)
      // pushes bring the request at once; a slow drain now and then covers a push missed during a reconnect
      const check = (): void => {
        if (this.rejected > seenRejected) options.onRejected?.()
        this.deps.ready().then(async (conn) => { await this.deps.drain(conn) }).catch(() => {})
      }
      poll = setInterval(check, 2_000)
    })
    try {
      await this.deps.drain(await this.deps.ready())
      return await done
    } finally {
      clearTimeout(timer)
      clearInterval(poll)
      this.waiters.delete(linkId)
    }
  }

  /** After an envelope batch was persisted and acknowledged: answer completed links. */
  async afterIngest (conn: NodeConnection, outcomes: LinkOutcome[] | undefined): Promise<void> {
    for (const o of outcomes ?? []) {
      if (o.status === 'rejected') {
        this.rejected++
        continue
      }
      const { ctx } = this.deps
      try {
        // the new list first (the new device attaches with its own copy anyway), then the answer
        await conn.publish([o.deviceList])
        await ctx.outbound.send([o.reply], this.deps.ids.next(ctx.now()), o.reply.payload)
      } catch (err) {
        ctx.log.warn({ device: o.deviceId, err: (err as Error).message }, 'link answer not sent; the new device will time out (remove it with `relaymesh devices remove` and link again)')
        continue
      }
      this.deps.forgetUser(ctx.identity.userId)
      this.waiters.get(o.secretId)?.(o.deviceId)
    }
  }

  /** Adopt the newest device list the mesh holds for us (`records`: our records, when already fetched), if another of our devices signed a newer one. */
  async sync (conn: NodeConnection, records?: Uint8Array[]): Promise<void> {
    const { ctx, serial } = this.deps
    const raw = records ?? await conn.getUser(ctx.identity.userId).catch(() => [] as Uint8Array[])
    const newest = newestRecordOf(raw, RecordKind.DeviceList, ctx.identity.userId, ctx.now())
    if (newest === undefined || !equalBytes(newest.identityKey, ctx.identity.identity.publicKey) || newest.seq <= ctx.identity.deviceListSeq) return
    const list = newest.body as DeviceList
    const record = newest
    await serial.run(async () => {
      const changed = ctx.identity.adoptDeviceList({ bytes: record.bytes, seq: record.seq, expiresAt: record.expiresAt, devices: list.devices })
      if (changed) {
        await ctx.store.batch([ctx.identity.saveOp(ctx.store)], { sync: true })
        this.deps.forgetUser(ctx.identity.userId)
        if (ctx.identity.removed) ctx.log.warn({ device: ctx.identity.deviceId }, 'this device was removed from the device list by another device')
      }
    })
  }

  async list (): Promise<{ devices: DeviceInfo[], removed: boolean }> {
    const conn = this.deps.connection()
    let presence: Map<number, boolean> | undefined
    if (conn !== undefined) {
      await this.sync(conn)
      presence = await this.deps.ownPresence(conn).catch(() => undefined)
    }
    const { identity } = this.deps.ctx
    const devices = identity.devices.map((d) => ({ deviceId: d.deviceId, current: d.deviceId === identity.deviceId, online: presence?.get(d.deviceId) ?? null }))
    devices.sort((a, b) => a.deviceId - b.deviceId)
    return { devices, removed: identity.removed }
  }

  /** Re-sign the device list without `deviceId` and publish it: senders stop encrypting to that device. */
  async remove (deviceId: number): Promise<void> {
    const { ctx, serial } = this.deps
    if (!Number.isInteger(deviceId) || deviceId < 1) throw new RelaymeshError(ErrorCode.Invalid, `not a device id: ${String(deviceId)}`)
    const conn = await this.deps.ready()
    await this.sync(conn)
    const list = await serial.run(async () => {
      const { identity } = ctx
      if (deviceId === identity.deviceId) throw new RelaymeshError(ErrorCode.Invalid, 'cannot remove this device from itself: remove it from another of your devices')
      const others = identity.devices.filter((d) => d.deviceId !== identity.deviceId)
      if (!others.some((d) => d.deviceId === deviceId)) throw new RelaymeshError(ErrorCode.NotFound, `no device ${deviceId} in your device list`)
      const bytes = identity.setOtherDevices(others.filter((d) => d.deviceId !== deviceId), ctx.now())
      const ops: StoreOp[] = [identity.saveOp(ctx.store), ctx.sessions.drop(identity.userId, deviceId)]
      await ctx.store.batch(ops, { sync: true })
      return bytes
    })
    await conn.publish([list])
    this.deps.forgetUser(ctx.identity.userId)
  }
}
