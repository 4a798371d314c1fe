// A relay's signed node record: its peer id, multiaddrs, seq and expiry,
// signed with its libp2p key (the key its peer id names), so that any node can
// check it without asking anyone (docs/protocol.md §9, "Node records").
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { decode, encode } from '../../protocol/codec.js'
import { CONTEXT, WIRE_VERSION } from '../../protocol/constants.js'
import { concat, equalBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { NodeRecord, SignedNodeRecord } from '../../protocol/pb/node-gossip.js'
import {
  MAX_MULTIADDR_BYTES, MAX_NODE_RECORD_BYTES, MAX_NODE_RECORD_LIFETIME_MS, MAX_NODE_SIGNATURE_BYTES,
  MAX_RECORD_MULTIADDRS, MAX_SIGNED_NODE_RECORD_BYTES, MAX_ID_NONCE_BYTES, MAX_ADMISSION_CERT_BYTES
} from './constants.js'
import { nodeIdOf } from './node-id.js'

export interface VerifiedNodeRecord {
  peerId: PeerId
  /** peerId.toString() */
  id: string
  seq: number
  expiresAt: number
  multiaddrs: Multiaddr[]
  /** the SignedNodeRecord bytes as received (canonical) */
  bytes: Uint8Array
  /** the node-id puzzle's nonce (node-id.ts); empty at difficulty 0 */
  idNonce: Uint8Array
  /** the placement position: nodeIdOf(peer id, idNonce); its work is checked by admission.ts, not here */
  nodeId: Uint8Array
  /** an AdmissionCertificate (permissioned meshes), else empty; checked by admission.ts */
  admission: Uint8Array
}

export interface NodeRecordInit {
  multiaddrs: Multiaddr[]
  seq: number
  expiresAt: number
  /** the node-id puzzle's nonce @default empty */
  idNonce?: Uint8Array
  /** an AdmissionCertificate for this peer id (permissioned meshes) @default empty */
  admission?: Uint8Array
}

/** Multiaddrs worth publishing: no /p2p part, no wildcard, bounded in size and count. */
export function publishableMultiaddrs (addrs: Multiaddr[]): Uint8Array[] {
  const out: Uint8Array[] = []
  let total = 0
  for (const a of addrs) {
    const bare = a.decapsulateCode(421) // /p2p/<id>: the record names the peer already
    const s = bare.toString()
    if (s.includes('/ip4/0.0.0.0/') || s.includes('/ip6/::/')) continue
    const bytes = bare.bytes
    if (bytes.byteLength > MAX_MULTIADDR_BYTES) continue
    if (total + bytes.byteLength + 4 > MAX_NODE_RECORD_BYTES - 128 - MAX_ADMISSION_CERT_BYTES - MAX_ID_NONCE_BYTES) break
    if (out.some((b) => equalBytes(b, bytes))) continue
    out.push(bytes)
    total += bytes.byteLength + 4
    if (out.length === MAX_RECORD_MULTIADDRS) break
  }
  return out
}

/** Sign a node record with the node's libp2p key: signature over CONTEXT.nodeRecord || NodeRecord bytes. */
export async function signNodeRecord (privateKey: PrivateKey, peerId: PeerId, init: NodeRecordInit): Promise<Uint8Array> {
  if (!Number.isSafeInteger(init.seq) || init.seq < 0) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `node record seq ${init.seq} is not a safe unsigned integer`)
  }
  if (!Number.isSafeInteger(init.expiresAt) || init.expiresAt <= 0) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, `node record expiry ${init.expiresAt} is not a time`)
  }
  const record = encode(NodeRecord, {
    version: WIRE_VERSION,
    peerId: peerId.toMultihash().bytes as Uint8Array<ArrayBuffer>,
    multiaddrs: publishableMultiaddrs(init.multiaddrs) as Array<Uint8Array<ArrayBuffer>>,
    seq: init.seq,
    expiresAt: init.expiresAt,
    idNonce: (init.idNonce ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>,
    admission: (init.admission ?? new Uint8Array(0)) as Uint8Array<ArrayBuffer>
  })
  const signature = await privateKey.sign(concat(CONTEXT.nodeRecord, record))
  return encode(SignedNodeRecord, {
    version: WIRE_VERSION,
    record: record as Uint8Array<ArrayBuffer>,
    signature: signature as Uint8Array<ArrayBuffer>
  })
}

function bad (what: string): never {
  throw new RelaymeshError(ErrorCode.Decode, `node record: ${what}`)
}

/**
 * Decode and check a node record. Order: bounded decode and version
 * (Decode), canonical encodings (Decode), peer id with an inlined public key
 * (Decode), multiaddrs (Decode), signature (BadSignature, skipped when
 * `verify` is false: records this node stored after checking them), expiry
 * <= now (Expired), expiry more than MAX_NODE_RECORD_LIFETIME_MS ahead (Decode).
 */
export async function openNodeRecord (bytes: Uint8Array, now: number, options: { verify?: boolean } = {}): Promise<VerifiedNodeRecord> {
  const outer = decode(SignedNodeRecord, bytes, MAX_SIGNED_NODE_RECORD_BYTES, 'SignedNodeRecord')
  // canonical only: a re-encoded wrapper would be a new gossip message id for the same record
  if (!equalBytes(encode(SignedNodeRecord, outer), bytes)) bad('SignedNodeRecord not in canonical encoding')
  if (outer.signature.byteLength === 0 || outer.signature.byteLength > MAX_NODE_SIGNATURE_BYTES) bad('signature size')
  const inner = decode(NodeRecord, outer.record, MAX_NODE_RECORD_BYTES, 'NodeRecord')
  if (!equalBytes(encode(NodeRecord, inner), outer.record)) bad('NodeRecord not in canonical encoding')

  let peerId: PeerId
  try {
    peerId = peerIdFromString(uint8ArrayToString(inner.peerId, 'base58btc'))
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Decode, 'node record: malformed peer id', { cause: err })
  }
  const publicKey = peerId.publicKey
  if (publicKey === undefined) bad('peer id does not carry its public key')
  if (!Number.isSafeInteger(inner.seq)) bad('seq out of range')
  if (!Number.isSafeInteger(inner.expiresAt) || inner.expiresAt <= 0) bad('expiry out of range')
  if (inner.idNonce.byteLength > MAX_ID_NONCE_BYTES) bad('id nonce too long')
  if (inner.admission.byteLength > MAX_ADMISSION_CERT_BYTES) bad('admission certificate too long')

  const multiaddrs: Multiaddr[] = []
  for (const a of inner.multiaddrs) {
    if (a.byteLength === 0 || a.byteLength > MAX_MULTIADDR_BYTES) bad('multiaddr size')
    try {
      multiaddrs.push(multiaddr(a))
    } catch (err) {
      throw new RelaymeshError(ErrorCode.Decode, 'node record: malformed multiaddr', { cause: err })
    }
  }

  if (options.verify !== false) {
    let ok = false
    try {
      ok = await publicKey.verify(concat(CONTEXT.nodeRecord, outer.record), outer.signature)
    } catch {
      ok = false
    }
    if (!ok) throw new RelaymeshError(ErrorCode.BadSignature, 'node record: signature does not verify')
  }
  if (inner.expiresAt <= now) {
    throw new RelaymeshError(ErrorCode.Expired, `node record: expired at ${inner.expiresAt} (now ${now})`)
  }
  if (inner.expiresAt - now > MAX_NODE_RECORD_LIFETIME_MS) bad(`expiry more than ${MAX_NODE_RECORD_LIFETIME_MS} ms ahead`)

  return {
    peerId,
    id: peerId.toString(),
    seq: inner.seq,
    expiresAt: inner.expiresAt,
    multiaddrs,
    bytes,
    idNonce: inner.idNonce,
    nodeId: nodeIdOf(inner.peerId, inner.idNonce),
    admission: inner.admission
  }
}
