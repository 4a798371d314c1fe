// Presence as a client asks for it: a user's (contacts-only: 'unknown' without
// their profile key), asked over the send channel so the attached node never
// learns whose presence we follow; and our own devices', asked of the attached node.
import type { MessagingContext } from '../messaging/context.js'
import type { PeerDirectory } from '../messaging/peer-directory.js'
import { checkUserId } from '../messaging/user-directory.js'
import { heldProfileKey } from '../profiles/profile-keys.js'
import type { NodeConnection } from '../transport/node-connection.js'
import { devicesPresence, type PresenceView } from './contact-presence.js'

export interface PresenceDeps {
  ctx: MessagingContext
  peers: PeerDirectory
  /** the attached connection, if any (no waiting) */
  connection: () => NodeConnection | undefined
}

export class PresenceOps {
  constructor (private readonly d: PresenceDeps) {}

  /**
   * Whether a user is online, as far as this client may know: 'unknown' without
   * their profile key (they have not shared it: not a contact) or when no node answers.
   * Asked over the send channel: the attached node never learns whose presence we follow.
   */
  async of (userId: string): Promise<PresenceView> {
    const { ctx, peers } = this.d
    checkUserId(userId)
    const profileKey = await heldProfileKey(ctx, userId)
    const conn = this.d.connection()
    if (conn === undefined || profileKey === undefined) return 'unknown'
    const user = await peers.user(conn, userId)
    return (await devicesPresence(ctx.outbound, profileKey, user.devices.map((d) => d.deviceId), ctx.now())).state
  }

  /** Our own devices that `conn` knows online (true) or offline (false); unknown ones are left out. */
  async ownDevices (conn: NodeConnection): Promise<Map<number, boolean>> {
    const { ctx, peers } = this.d
    const now = ctx.now()
    const own = await peers.own(conn, now)
    const seen = await devicesPresence(conn, ctx.identity.profileKey, own.devices.map((d) => d.deviceId), now)
    const out = new Map<number, boolean>()
    for (const [deviceId, v] of seen.devices) if (v !== 'unknown') out.set(deviceId, v === 'online')
    return out
  }
}
