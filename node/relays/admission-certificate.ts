// Permissioned meshes: a mesh key (Ed25519) signs an AdmissionCertificate for
// each relay's peer id; every node of the mesh, started with the mesh's public
// key, admits only relays whose node record carries a valid, unexpired one.
// docs/protocol.md
import type { PeerId } from '@libp2p/interface'
import { decode, encode } from '../../protocol/codec.js'
import { CONTEXT, WIRE_VERSION } from '../../protocol/constants.js'
import { concat, ed25519PublicFromPrivate, ed25519Sign, ed25519Verify, equalBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { AdmissionCertificate, AdmissionGrant } from '../../protocol/pb/node-gossip.js'
import { MAX_ADMISSION_CERT_BYTES } from './constants.js'

export const MESH_PUBLIC_KEY_BYTES = 32

export interface CheckedCertificate {
  meshPublicKey: Uint8Array
  /** peer id multihash bytes */
  peerId: Uint8Array
  notAfter: number
}

/** Sign a certificate admitting `peerId` (multihash bytes) to the mesh of `meshPrivateKey` (32-byte seed) until `notAfter`. */
export function signAdmission (meshPrivateKey: Uint8Array, peerId: Uint8Array, notAfter: number): Uint8Array {
  if (!Number.isSafeInteger(notAfter) || notAfter <= 0) throw new RelaymeshError(ErrorCode.InvalidArgument, `admission: not-after ${notAfter} is not a time`)
  const grant = encode(AdmissionGrant, {
    version: WIRE_VERSION,
    meshPublicKey: ed25519PublicFromPrivate(meshPrivateKey) as Uint8Array<ArrayBuffer>,
    peerId: peerId as Uint8Array<ArrayBuffer>,
    notAfter
  })
  const signature = ed25519Sign(meshPrivateKey, concat(CONTEXT.admission, grant))
  return encode(AdmissionCertificate, { version: WIRE_VERSION, grant: grant as Uint8Array<ArrayBuffer>, signature: signature as Uint8Array<ArrayBuffer> })
}

function refuse (what: string): never {
  throw new RelaymeshError(ErrorCode.Unauthorized, `admission certificate: ${what}`)
}

/**
 * Check a certificate against the mesh key and the peer id it must name.
 * Decode errors and every failed check are ErrorCode.Unauthorized (the record is refused).
 */
export function verifyAdmission (bytes: Uint8Array, meshPublicKey: Uint8Array, peerId: Uint8Array, now: number): CheckedCertificate {
  if (bytes.byteLength === 0) refuse('missing (this mesh admits only relays certified by its mesh key)')
  let cert: AdmissionCertificate
  let grant: AdmissionGrant
  try {
    cert = decode(AdmissionCertificate, bytes, MAX_ADMISSION_CERT_BYTES, 'AdmissionCertificate')
    grant = decode(AdmissionGrant, cert.grant, MAX_ADMISSION_CERT_BYTES, 'AdmissionGrant')
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Unauthorized, 'admission certificate: malformed', { cause: err })
  }
  if (!equalBytes(grant.meshPublicKey, meshPublicKey)) refuse('signed by another mesh key')
  if (!equalBytes(grant.peerId, peerId)) refuse('issued to another peer id')
  if (!ed25519Verify(meshPublicKey, concat(CONTEXT.admission, cert.grant), cert.signature)) refuse('signature does not verify')
  if (!Number.isSafeInteger(grant.notAfter) || grant.notAfter <= now) refuse(`expired at ${new Date(grant.notAfter).toISOString()}`)
  return { meshPublicKey: grant.meshPublicKey, peerId: grant.peerId, notAfter: grant.notAfter }
}

/** A mesh public key as written by `relaymesh mesh keygen`: base64url (43 chars) or hex (64 chars) of 32 bytes. */
export function parseMeshPublicKey (text: string): Uint8Array {
  const s = text.trim()
  let bytes: Uint8Array | undefined
  if (/^[0-9a-fA-F]{64}$/.test(s)) bytes = new Uint8Array(Buffer.from(s, 'hex'))
  else if (/^[A-Za-z0-9_-]{43}=?$/.test(s)) bytes = new Uint8Array(Buffer.from(s, 'base64url'))
  if (bytes?.byteLength !== MESH_PUBLIC_KEY_BYTES) {
    throw new RelaymeshError(ErrorCode.InvalidArgument, 'a mesh public key is 32 bytes as base64url (43 characters) or hex (64), as `relaymesh mesh keygen` prints it')
  }
  return bytes
}

export function formatMeshPublicKey (key: Uint8Array): string {
  return Buffer.from(key).toString('base64url')
}

/** A permissioned node's own certificate must name it and the mesh key it was given (a clear refusal at start). */
export function checkOwnAdmission (mesh: { publicKey: Uint8Array, certificate: Uint8Array }, peerId: PeerId, now: number = Date.now()): void {
  try {
    verifyAdmission(mesh.certificate, mesh.publicKey, peerId.toMultihash().bytes, now)
  } catch (err) {
    throw new RelaymeshError(ErrorCode.Unauthorized, `this node's ${(err as Error).message}`, { cause: err })
  }
}
