// One sealed SEND (docs/protocol.md §5a): nothing in the request names the
// sender. Each recipient user's mailboxes are opened by that user's
// unidentified access key when we hold its profile key; the rest need a stamp
// (proof of work), whose required bits the node says when it refuses one.
import { MAX_SEND_STAMP_BITS } from '../../protocol/constants.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { ClientResponse } from '../../protocol/pb/client-api.js'
import { RequestType } from '../../protocol/pb/client-api.js'
import { deriveAccessKey, makeStamp, minuteOf, stampBitsFor } from '../../protocol/send-access.js'
import type { NodeConnection } from './node-connection.js'

export interface Recipient {
  /** the user whose device list names `mailbox` */
  userId: string
  mailbox: Uint8Array
}

export interface SealedSendOptions {
  expiresAt?: number
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

/**
 * Send one payload to `to` over `conn` without naming the sender. `profileKeyOf`
 * gives the profile key we hold of a user (undefined: a stranger to us, or one who
 * has not shared it). A refusal for want of work is answered once with a stamp of
 * the bits the node asks (never more than MAX_SEND_STAMP_BITS).
 */
export async function sendSealed (conn: NodeConnection, to: Recipient[], envelopeId: Uint8Array, payload: Uint8Array,
  profileKeyOf: (userId: string) => Uint8Array | undefined, bits: StampBits, options: SealedSendOptions = {}): Promise<ClientResponse> {
  const mailboxes = to.map((r) => r.mailbox)
  const access: Array<{ userId: string, accessKey: Uint8Array }> = []
  let uncovered = 0
  for (const userId of new Set(to.map((r) => r.userId))) {
    const profileKey = profileKeyOf(userId)
    if (profileKey !== undefined) access.push({ userId, accessKey: deriveAccessKey(profileKey) })
    else uncovered += to.filter((r) => r.userId === userId).length
  }
  const now = options.now ?? Date.now
  const attempt = async (stampBits: number): Promise<ClientResponse> => {
    const minute = minuteOf(now())
    const stamp = stampBits > 0 ? makeStamp({ envelopeId, payload, mailboxes, minute }, stampBits) : new Uint8Array(0)
    return await conn.request({
      type: RequestType.SEND, mailboxes, envelopeId, payload, expiresAt: options.expiresAt ?? 0, access, stamp, stampMinute: stampBits > 0 ? minute : 0
    }, options.signal)
  }
  try {
    return await attempt(stampBitsFor(bits.of(conn.address), uncovered))
  } catch (err) {
    if (!RelaymeshError.is(err, ErrorCode.StampRequired)) throw err
    // an access key the user has since rotated (we were removed) covers nothing: every mailbox may need the work
    const required = (err as RelaymeshError & { response?: ClientResponse }).response?.stampBits ?? 0
    if (required > MAX_SEND_STAMP_BITS) {
      throw new RelaymeshError(ErrorCode.StampRequired, `node ${conn.address} asks for ${required} bits of work per send, more than the ${MAX_SEND_STAMP_BITS} this client does`)
    }
    bits.learn(conn.address, required, Math.max(1, uncovered === 0 ? to.length : uncovered))
    return await attempt(required)
  }
}
