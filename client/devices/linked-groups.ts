// The groups a linked device starts with (docs/protocol.md §8c):
// the first device puts every active group it is in into the link answer
// (state and its own sender key distribution); the new device stores them as
// a member, with a sender key rotation owed, so on its first attach it sends
// its own sender key to every member device. A member that then receives a
// sender key from a new device of a user whose other device's key it holds
// rotates its own key (client/groups/group-receiver.ts), and so the new
// device gets every member's key.
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { GROUP_ID_BYTES } from '../../protocol/constants.js'
import { decodeDistribution, distributionMessage, encodeDistribution, processDistribution } from '../../protocol/crypto/sender-keys.js'
import { equalBytes } from '../../protocol/crypto/primitives.js'
import { parseUserId } from '../../protocol/identity.js'
import { MAX_GROUP_MEMBERS, MAX_GROUP_NAME_BYTES } from '../messaging/content.js'
import type { MessagingContext } from '../messaging/context.js'
import type { GroupStore } from '../groups/group-store.js'
import type { StoreOp } from '../store/sealed-store.js'
import { hex } from '../util/bytes.js'

/** room the groups may take in a link answer (an envelope holds 256 KiB; the rest is identity, list and contacts) */
export const MAX_LINKED_GROUP_BYTES = 128 * 1024

export interface LinkedGroup {
  groupId: Uint8Array
  name: string
  members: string[]
  epoch: number
  actor: string
  /** the first device's SenderKeyDistribution (encoded), empty when it has no key yet */
  senderKey: Uint8Array
}

/** First device: every active group, with our own sender key distribution, within MAX_LINKED_GROUP_BYTES. */
export async function groupsForLink (ctx: MessagingContext): Promise<LinkedGroup[]> {
  const out: LinkedGroup[] = []
  let bytes = 0
  for (const g of await ctx.groups.list()) {
    if (!g.active) continue
    const own = await ctx.groups.ownSenderKey(g.groupId)
    const group: LinkedGroup = {
      groupId: new Uint8Array(Buffer.from(g.groupId, 'hex')),
      name: g.name,
      members: [...g.members],
      epoch: g.epoch,
      actor: g.actor,
      senderKey: own === undefined ? new Uint8Array(0) : encodeDistribution(distributionMessage(own))
    }
    const size = 64 + Buffer.byteLength(g.name) + g.members.reduce((n, m) => n + m.length + 2, 0) + group.senderKey.byteLength
    if (bytes + size > MAX_LINKED_GROUP_BYTES) {
      ctx.log.warn({ group: g.groupId }, 'too many groups for one link answer; the new device is not told of this group (a later update adds it)')
      continue
    }
    bytes += size
    out.push(group)
  }
  return out
}

/** New device: each group as the answer carries it must be one we could hold; Decode otherwise. */
export function checkLinkedGroup (g: LinkedGroup, userId: string): LinkedGroup {
  const bad = (what: string): never => { throw new RelaymeshError(ErrorCode.Decode, `ProvisioningResponse: group ${what}`) }
  if (g.groupId.byteLength !== GROUP_ID_BYTES) bad('id must be 16 bytes')
  if (g.name.trim().length === 0 || Buffer.byteLength(g.name, 'utf8') > MAX_GROUP_NAME_BYTES) bad('name')
  if (g.members.length > MAX_GROUP_MEMBERS || new Set(g.members).size !== g.members.length) bad('members')
  for (const m of [...g.members, g.actor]) {
    try { parseUserId(m) } catch { bad(`member ${m} is not a user id`) }
  }
  if (!g.members.includes(userId)) bad('does not list this user')
  if (!Number.isInteger(g.epoch) || g.epoch < 1) bad('epoch')
  if (g.senderKey.byteLength > 0) {
    let dist
    try { dist = decodeDistribution(g.senderKey) } catch { return bad('sender key') }
    if (!equalBytes(dist.groupId, g.groupId)) bad('sender key is for another group')
  }
  return g
}

/** New device: the ops that make us a member of each group (a rotation owed), holding the first device's key. */
export function storeLinkedGroups (groups: GroupStore, userId: string, fromDeviceId: number, linked: LinkedGroup[]): StoreOp[] {
  const ops: StoreOp[] = []
  for (const g of linked) {
    const groupId = hex(g.groupId)
    ops.push(groups.put({ groupId, name: g.name, members: [...g.members], epoch: g.epoch, actor: g.actor, active: true, rotate: true, changes: 1 }))
    if (g.senderKey.byteLength > 0) ops.push(groups.putRecord(groupId, userId, fromDeviceId, processDistribution(undefined, decodeDistribution(g.senderKey))))
  }
  return ops
}
