// What one simulation is asked to do (scripts/sim/run.ts), as the CLI
// (scripts/sim.ts), the tests and bench:mesh pass it.
import type { Transport } from './cluster.js'
import type { SimNetwork } from './network.js'
import type { Scenario } from './scenario.js'

export interface SimOptions {
  nodes: number
  clients: number
  groups: number
  /** messages per second offered by the whole population */
  rate: number
  /** workload duration, seconds */
  duration: number
  replicas: number
  transport: Transport
  scenario?: Scenario
  seed: number
  /** padding characters per message text @default 64 */
  pad?: number
  /** files sent during the workload (spread evenly over it) @default 0 */
  files?: number
  /** bytes per workload file @default 256 KiB */
  fileSize?: number
  /** each client sends 1:1 messages only to this many contacts (one of them popular) @default 0: to anyone */
  contacts?: number
  /** before the workload, every client writes once to each contact (or everyone): sessions exist when it starts @default false */
  warmup?: boolean
  /** count each node's libp2p bytes in and out for the report (a wrapper on every stream: bench:mesh turns it off) @default true */
  countTraffic?: boolean
  /** processes hosting the nodes @default the number of cores (1 with the memory transport) */
  workers?: number
  /** processes hosting the clients @default the number of cores (with the memory transport, the one node worker hosts them) */
  clientWorkers?: number
  /** a delivery to an attached recipient slower than this counts as not recovered @default 2000 ms */
  slowMs?: number
  /** how long the final drain may take @default 60 s */
  drainTimeoutMs?: number
  /** seconds the mesh is measured idle (CPU, bytes, connections) right after it converged and again with every client attached, before the workload; 0: not measured @default 5 */
  idleSeconds?: number
  /** seconds to wait after convergence before the idle-mesh window (the tail of start-up: records still spreading, the overlay closing start-up connections) @default 0 */
  idleSettleSeconds?: number
  /** how long the mesh may take to converge @default max(120 s, 2 s per node), from the last node started */
  convergeTimeoutMs?: number
  /** clients attached at once during setup @default 10 */
  attachBatch?: number
  /** clients' sealed stores with the client's own passphrase KDF (scrypt N=2^15) instead of the test cost (N=2^10) @default false */
  realKdf?: boolean
  /** a wall-clock time (Date.now() ms) by which the run must be over: setup and recovery waits stop there and the run fails (sim --find-max) */
  deadline?: number
  /** where homes and node data go; removed at the end unless keepData */
  dir?: string
  keepData?: boolean
  /** live progress lines (stderr in the CLI) */
  progress?: (line: string) => void
  /** the WAN testbed (scripts/testbed/): namespaces for the workers and a link in front of every node; needs workers = nodes @default loopback */
  network?: SimNetwork
}
