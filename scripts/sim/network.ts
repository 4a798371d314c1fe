// Where a simulation's processes run and how their nodes are reached, when
// not all on this host's loopback: the WAN testbed (scripts/testbed/) puts
// every node worker in a network namespace of its own and the clients in
// another, and puts a link emulator (SlowLink) in front of every node.
import type { SlowLinkSettings } from './slow-link.js'

export interface SimNetwork {
  /** the command worker `name` (nodes-I, clients-I, crash-I) runs under, e.g. ['ip', 'netns', 'exec', NS]; undefined: a plain fork */
  launch: (worker: string) => string[] | undefined
  /** node I's own address: its link listens there and the node announces it (node I lives in worker nodes-I) */
  nodeHost: (index: number) => string
  /** every node's link starts with these (delay, jitter, loss, rate) */
  link: SlowLinkSettings
}

/** Inside a namespace of its own each node has the whole port range: the node listens on loopback here, its link on its own address. */
export const NETWORK_NODE_PORT = 4001
export const NETWORK_LINK_PORT = 4002
