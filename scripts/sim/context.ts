// What the simulator's coordinator modules (setup, workload, timeline) share
// during one run: the options, the seeded PRNG, the clock, the mesh, the
// people and the ledger.
import type { Cluster } from './cluster.js'
import type { Population, SimClient } from './clients.js'
import type { Ledger } from './ledger.js'
import type { SimOptions } from './options.js'
import type { Random } from './random.js'

export interface SimGroup { groupId: string, members: number[] }

export interface SimContext {
  options: SimOptions
  rng: Random
  /** ms since the simulation started */
  clock: () => number
  /** a worker's wall-clock ms -> the simulation clock */
  toClock: (wallMs: number) => number
  log: (line: string) => void
  ledger: Ledger
  cluster: Cluster
  people: Population
  groups: SimGroup[]
  /** remarks for the report */
  notes: string[]
  /** attach a client to a random running node (other than `avoid` if it can) */
  attach: (c: SimClient, avoid?: number) => Promise<void>
}
