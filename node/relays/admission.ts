// Admission: which node records this node accepts, so which peers may act as
// relays towards it (placement, replication, prekey shares, record sync, node
// exchange). A record is admitted when it verified (node-record.ts) and
// - its node id carries the mesh's puzzle work (node-id.ts), and
// - in a permissioned mesh, it carries a valid admission certificate for its
//   peer id signed by the mesh key (admission-certificate.ts).
// Identify's protocol list and the kad-dht routing table never admit anyone.
// docs/protocol.md
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { verifyAdmission } from './admission-certificate.js'
import { nodeIdWork } from './node-id.js'
import type { VerifiedNodeRecord } from './node-record.js'

export interface AdmissionPolicyInit {
  /** leading zero bits required of SHA-256(node id) */
  idDifficulty: number
  /** permissioned mesh: the mesh's Ed25519 public key; undefined: open mesh */
  meshPublicKey?: Uint8Array
}

export interface AdmissionPolicy {
  readonly idDifficulty: number
  readonly permissioned: boolean
  /**
   * Throws RelaymeshError(Unauthorized) when `r` may not be admitted at `now`; else
   * returns until when it stays admitted (its expiry, or its certificate's if sooner).
   */
  check: (r: VerifiedNodeRecord, now: number) => number
}

export function createAdmissionPolicy (init: AdmissionPolicyInit): AdmissionPolicy {
  const { idDifficulty, meshPublicKey } = init
  return {
    idDifficulty,
    permissioned: meshPublicKey !== undefined,
    check (r, now) {
      const work = nodeIdWork(r.nodeId)
      if (work < idDifficulty) {
        throw new RelaymeshError(ErrorCode.Unauthorized, `node record of ${r.id}: node id carries ${work} bits of work, this mesh requires ${idDifficulty}`)
      }
      if (meshPublicKey === undefined) return r.expiresAt
      const cert = verifyAdmission(r.admission, meshPublicKey, r.peerId.toMultihash().bytes, now)
      return Math.min(r.expiresAt, cert.notAfter)
    }
  }
}
