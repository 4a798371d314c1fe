// Sealed requests (docs/protocol.md §5a): a SEND, or a prekey claim that
// starts a session; nothing in either names the sender. Each recipient user's mailboxes are opened by that user's
// unidentified access key when we hold its profile key; the rest need a stamp
// (proof of work), whose required bits the node says when it refuses one.
import { MAX_SEND_STAMP_BITS } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { Loose } from '../../protocol/codec.js'
import { RequestType, type ClientRequest, type ClientResponse } from '../../protocol/pb/client-api.js'
import { CLAIM_STAMP_ID, deriveAccessKey, makeStamp, minuteOf, stampBitsFor } from '../../protocol/send-access.js'
import type { NodeConnection } from './node-connection.js'

export interface Recipient {
  /** the user whose device list names `mailbox` */
  userId: string
  mailbox: Uint8Array
}

export interface SealedSendOptions {
  expiresAt?: number
  /** online-only (typing indicators): the node pushes it to an attached device and never stores it */
  onlineOnly?: boolean
  signal?: AbortSignal
  now?: () => number
}

/** Per node: the base bits a stamp needs there, learnt from its refusals (0 until one says otherwise). */
export class StampBits {
  private readonly base = new Map<string, number>()
  of (node: string): number { return this.base.get(node) ?? 0 }
  learn (node: string, required: number, uncovered: number): void {
    this.base.set(node, Math.max(0, required - stampBitsFor(0, uncovered)))
  }
}

/** The profile key we hold of a user (undefined: a stranger to us, or one who has not shared it). */
export type ProfileKeyOf = (userId: string) => Promise<Uint8Array | undefined>

/** The access entries we can give for `to`, and how many mailboxes none of them covers. */
async function accessFor (to: Recipient[], profileKeyOf: ProfileKeyOf): Promise<{ access: Array<{ userId: string, accessKey: Uint8Array }>, uncovered: number }> {
  const access: Array<{ userId: string, accessKey: Uint8Array }> = []
  let uncovered = 0
  for (const userId of new Set(to.map((r) => r.userId))) {
    const profileKey = await profileKeyOf(userId)
    if (profileKey !== undefined) access.push({ userId, accessKey: deriveAccessKey(profileKey) })
    else uncovered += to.filter((r) => r.userId === userId).length
  }
  return { access, uncovered }
}

/**
 * One sealed request (SEND or CLAIM_PREKEY) over `conn`: access keys for the
 * users we hold a profile key of, a stamp for the rest. A refusal for want of
 * work is answered once with a stamp of the bits the node asks (never more
 * than MAX_SEND_STAMP_BITS); an access key the user has since rotated (we
 * were removed) covers nothing there, so the retry stamps every mailbox.
 */
async function sealedRequest (conn: NodeConnection, to: Recipient[], stamped: { envelopeId: Uint8Array, payload: Uint8Array },
  request: Loose<Partial<ClientRequest>>, profileKeyOf: ProfileKeyOf, bits: StampBits, options: SealedSendOptions): Promise<ClientResponse> {
  const mailboxes = to.map((r) => r.mailbox)
  const { access, uncovered } = await accessFor(to, profileKeyOf)
  const now = options.now ?? Date.now
  const attempt = async (stampBits: number): Promise<ClientResponse> => {
    const minute = minuteOf(now())
    const stamp = stampBits > 0 ? makeStamp({ ...stamped, mailboxes, minute }, stampBits) : new Uint8Array(0)
    return await conn.request({ ...request, mailboxes, access, stamp, stampMinute: stampBits > 0 ? minute : 0 }, options.signal)
  }
  try {
    return await attempt(stampBitsFor(bits.of(conn.address), uncovered))
  } catch (err) {
    if (!RelaymeshError.is(err, ErrorCode.StampRequired)) throw err
    const required = (err as RelaymeshError & { response?: ClientResponse }).response?.stampBits ?? 0
    if (required > MAX_SEND_STAMP_BITS) {
      throw new RelaymeshError(ErrorCode.StampRequired, `node ${conn.address} asks for ${required} bits of work per send, more than the ${MAX_SEND_STAMP_BITS} this client does`)
    }
    bits.learn(conn.address, required, uncovered === 0 ? to.length : uncovered)
    return await attempt(required)
  }
}

/** Send one payload to `to` over `conn` without naming the sender (`profileKeyOf`: the profile key we hold of a user, if any). */
export async function sendSealed (conn: NodeConnection, to: Recipient[], envelopeId: Uint8Array, payload: Uint8Array,
  profileKeyOf: ProfileKeyOf, bits: StampBits, options: SealedSendOptions = {}): Promise<ClientResponse> {
  return await sealedRequest(conn, to, { envelopeId, payload }, { type: RequestType.SEND, envelopeId, payload, expiresAt: options.expiresAt ?? 0, ...(options.onlineOnly === true ? { onlineOnly: true } : {}) }, profileKeyOf, bits, options)
}

/** Claim one of a device's one-time prekeys without naming who starts the session. */
export async function claimSealed (conn: NodeConnection, to: Recipient, profileKeyOf: ProfileKeyOf, bits: StampBits,
  options: SealedSendOptions = {}): Promise<{ prekey: Uint8Array | undefined, remaining: number }> {
  const res = await sealedRequest(conn, [to], { envelopeId: CLAIM_STAMP_ID, payload: new Uint8Array(0) }, { type: RequestType.CLAIM_PREKEY }, profileKeyOf, bits, options)
  return { prekey: res.prekey.byteLength > 0 ? res.prekey : undefined, remaining: res.remaining }
}
