// Gossipsub peer scoring for the relaymesh topics (gossipsub v1.1 §"Peer
// scoring"). Topic validators reject invalid records; these parameters turn
// each rejection into a penalty (P4) for the peer that sent it, so a peer
// that forges, replays or sends expired records loses its place in the mesh.
// Passed to createHost as its `gossip` option (node/relay-node.ts).
import type { GossipsubOpts } from '@libp2p/gossipsub'
import type { TopicScoreParams } from '@libp2p/gossipsub/score'
import { SECOND } from '../config.js'
import { CidrSet } from '../connection-limits.js'
import { NODES_TOPIC } from '../relays/constants.js'
import { RECORDS_TOPIC } from './constants.js'
import { channelTopic } from '../channel/constants.js'
import { DEFAULT_CHANNEL } from '../../protocol/constants.js'

/**
 * One invalid message costs -20 (P4 = -20 × count², topic weight 1): below
 * the gossip threshold (-10) at once, graylisted (-80) at the second. The
 * count decays by 0.97 per second, so a single incident is forgotten after
 * about a minute (decayToZero 0.1 is reached in ~75 s).
 */
export const RELAYMESH_TOPIC_SCORE: TopicScoreParams = {
  topicWeight: 1,
  // P1: a little credit for staying in the mesh (at most +3.6)
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: SECOND,
  timeInMeshCap: 360,
  // P2: credit for delivering valid records first (at most +10)
  firstMessageDeliveriesWeight: 0.5,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 20,
  // P3, P3b off: record traffic is sparse and bursty, so no delivery rate can be expected of a peer
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5 * SECOND,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  // P4: invalid messages (topic validator Reject)
  invalidMessageDeliveriesWeight: -20,
  invalidMessageDeliveriesDecay: 0.97
}

export interface GossipScoringInit {
  /**
   * CIDRs whose peers are never penalised for sharing an address (P6): the
   * node's allowIps (NodeConfig), nothing unless the operator names it @default []
   */
  ipColocationWhitelist?: string[]
}

/** The gossipsub options node/gossip needs: scored topics and the P6 whitelist. */
export function gossipScoring (init: GossipScoringInit = {}): Partial<GossipsubOpts> {
  return {
    scoreParams: {
      topics: {
        [RECORDS_TOPIC]: { ...RELAYMESH_TOPIC_SCORE },
        [NODES_TOPIC]: { ...RELAYMESH_TOPIC_SCORE },
        [channelTopic(DEFAULT_CHANNEL)]: { ...RELAYMESH_TOPIC_SCORE }
      },
      // only explicitly allowed ranges (tests and simulations name loopback: they put every peer on one IP);
      // gossipsub only asks has(ip) of this set, which CidrSet answers for whole ranges
      IPColocationFactorWhitelist: new CidrSet(init.ipColocationWhitelist ?? [])
    }
  }
}
