// Sealed SEND from tests, as raw client requests (the client library's own
// sealed path lives in client/transport): with recipients' access keys, or
// with a stamp of the given work for the mailboxes no key covers.
import { RequestType, type ClientResponse } from '../../protocol/pb/client-api.js'
import { deriveAccessKey, makeStamp, minuteOf, stampBitsFor } from '../../protocol/send-access.js'
import type { DeviceCredentials } from '../../client/device.js'
import type { NodeConnection } from '../../client/transport/node-connection.js'
import { TEST_STAMP_BITS } from './mesh.js'

export interface SealedSendOptions {
  /** recipients whose access keys go with the request */
  access?: Array<Pick<DeviceCredentials, 'userId' | 'profileKey'>>
  /** stamp bits for the whole request (undefined: none); see stamped() */
  stampBits?: number
  /** the minute the stamp is made for @default now */
  minute?: number
  expiresAt?: number
}

/** The access entry a contact of `user` sends. */
export function accessOf (user: Pick<DeviceCredentials, 'userId' | 'profileKey'>): { userId: string, accessKey: Uint8Array } {
  return { userId: user.userId, accessKey: deriveAccessKey(user.profileKey) }
}

/** A SEND request with access keys and/or a stamp (raw: an ERROR answer throws RelaymeshError with `.response`). */
export async function sealedSend (conn: NodeConnection, mailboxes: Uint8Array[], envelopeId: Uint8Array, payload: Uint8Array, options: SealedSendOptions = {}): Promise<ClientResponse> {
  const minute = options.minute ?? minuteOf(Date.now())
  const stamp = options.stampBits !== undefined ? makeStamp({ envelopeId, payload, mailboxes, minute }, options.stampBits) : new Uint8Array(0)
  return await conn.request({
    type: RequestType.SEND,
    mailboxes,
    envelopeId,
    payload,
    expiresAt: options.expiresAt ?? 0,
    access: (options.access ?? []).map(accessOf),
    stamp,
    stampMinute: options.stampBits !== undefined ? minute : 0
  })
}

/** A stranger's SEND: a stamp enough for every mailboxes at the test nodes' stamp bits. */
export async function stampedSend (conn: NodeConnection, mailboxes: Uint8Array[], envelopeId: Uint8Array, payload: Uint8Array, options: { expiresAt?: number } = {}): Promise<ClientResponse> {
  return await sealedSend(conn, mailboxes, envelopeId, payload, { ...options, stampBits: stampBitsFor(TEST_STAMP_BITS, mailboxes.length) })
}
