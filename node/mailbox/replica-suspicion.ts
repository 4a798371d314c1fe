// A replica request that failed in transport (dial, reset, timeout) makes the
// replica suspect: the relay directory probes it and drops it if the probe
// fails too. A replica's own answer (a refusal) never does.
import type { PeerId } from '@libp2p/interface'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayDirectory } from '../components.js'

/** Report `peer` after `err`; resolves true when the directory dropped it. */
export type Suspect = (peer: PeerId, err: unknown) => Promise<boolean>

export interface SuspectDeps {
  self: PeerId
  relays: RelayDirectory
  /** aborted when the node stops: nothing is reported then */
  shutdown: AbortSignal
}

/** A transport failure (dial, reset, timeout), as opposed to a replica's answer. */
export function isUnreachable (err: unknown): boolean {
  return RelaymeshError.is(err) && (err.code === ErrorCode.Unavailable || err.code === ErrorCode.Timeout)
}

export function createSuspect (deps: SuspectDeps): Suspect {
  const { self, relays, shutdown } = deps
  /** A replica request failed as unreachable: let the directory probe it (it drops the peer if the probe fails too). */
  return async (peer: PeerId, err: unknown): Promise<boolean> => {
    if (shutdown.aborted || peer.equals(self) || !isUnreachable(err)) return false
    return await relays.reportUnreachable(peer)
  }
}
