// The client <-> node protocol's constants and the exact bytes a device signs.
// Both node/ (verifies) and client/ (signs) use these functions.
import { concat } from './crypto/primitives.js'

export const ATTACH_PROTOCOL = '/relaymesh/attach/1.0.0'
export const CLIENT_PROTOCOL = '/relaymesh/client/1.0.0'
/** many requests per stream, pipelined, each response tagged with its request_id */
export const CLIENT_PROTOCOL_PIPELINED = '/relaymesh/client/1.1.0'

const te = new TextEncoder()
export const ATTACH_CONTEXT = te.encode('relaymesh/attach/v1')
export const ACK_CONTEXT = te.encode('relaymesh/ack/v1')

export const ATTACH_NONCE_BYTES = 32

/** What a device signs to attach: binds the node's nonce, the node and the client's own peer id (Noise-authenticated). */
export function attachSignaturePayload (nonce: Uint8Array, nodeId: Uint8Array, clientPeerId: Uint8Array): Uint8Array {
  return concat(ATTACH_CONTEXT, u16(nonce.byteLength), nonce, u16(nodeId.byteLength), nodeId, u16(clientPeerId.byteLength), clientPeerId)
}

/** What a device signs to acknowledge (delete) envelopes from its mailbox. */
export function ackSignaturePayload (mailbox: Uint8Array, ids: Uint8Array[]): Uint8Array {
  return concat(ACK_CONTEXT, mailbox, u16(ids.length), ...ids)
}

function u16 (n: number): Uint8Array {
  return Uint8Array.of((n >>> 8) & 0xff, n & 0xff)
}
