// Timing harness for `npm run bench:crypto`: each contender (relaymesh,
// libsignal) exposes the same scenarios as "prepare up to n operations
// outside the clock, then run them inside the clock until a deadline".
// Rounds of the contenders are interleaved (A, B, A, B, ...) so that drift of
// a noisy machine (turbo, other processes) hits both sides alike; we report
// the median round. Each round is measured twice: by wall time (what a user
// waits) and by this process's CPU time (user + system, all threads), which
// other processes on a shared machine disturb much less.
// performance is the global one: this harness also runs in the browser
// (scripts/bench-crypto-browser.ts), where there is no process CPU time and a
// round's CPU rate is its wall rate.

/**
 * A prepared batch: runs operations until `deadline` (a performance.now()
 * value) has passed or all prepared operations are done; returns how many it ran.
 */
export type TimedBatch = (deadline: number) => Promise<number>

export interface Scenario {
  /** Does everything that must not be timed (bundles, pool refills) for up to `n` operations; returns the timed batch. */
  prepare: (n: number) => Promise<TimedBatch>
}

export interface RoundPlan {
  rounds: number
  /** wall time of one timed round, seconds */
  roundSeconds: number
  /** operations in the calibration (warm-up) batch */
  warmupOps: number
  /** floor on the operations prepared for one round */
  minOps: number
}

export interface Stats {
  /** operations per second of every round, in round order */
  perRound: number[]
  median: number
  min: number
  max: number
}

export interface Measurement {
  /** by wall time */
  wall: Stats
  /** by this process's CPU time */
  cpu: Stats
  /** operations prepared per round (the deadline usually ends a round first) */
  preparedPerRound: number
  /** operations actually run per round */
  opsPerRound: number[]
}

export function median (values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  if (s.length === 0) return Number.NaN
  return s.length % 2 === 1 ? s[mid] as number : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

function stats (rates: number[]): Stats {
  return { perRound: rates, median: median(rates), min: Math.min(...rates), max: Math.max(...rates) }
}

interface Round { ops: number, wallRate: number, cpuRate: number }

async function timeBatch (scenario: Scenario, n: number, seconds: number): Promise<Round> {
  const batch = await scenario.prepare(n)
  const cpuUsage = globalThis.process?.cpuUsage
  const c0 = cpuUsage?.()
  const t0 = performance.now()
  const ops = await batch(t0 + seconds * 1000)
  const wall = (performance.now() - t0) / 1000
  if (ops <= 0) throw new Error('benchmark batch ran no operation')
  if (cpuUsage === undefined) return { ops, wallRate: ops / wall, cpuRate: ops / wall }
  const c = cpuUsage(c0)
  const cpu = (c.user + c.system) / 1e6
  return { ops, wallRate: ops / wall, cpuRate: ops / Math.max(cpu, 1e-6) }
}

/**
 * Measures several scenarios against each other. A warm-up batch per scenario
 * warms the JIT and calibrates how many operations to prepare (twice what one
 * round should need, so the deadline, not the supply, ends a round); then the
 * rounds run interleaved, alternating the order.
 */
export async function compare (scenarios: Scenario[], plan: RoundPlan): Promise<Measurement[]> {
  const sizes: number[] = []
  for (const s of scenarios) {
    await timeBatch(s, Math.max(1, plan.warmupOps >> 2), Number.POSITIVE_INFINITY) // JIT warm-up, discarded
    const { wallRate } = await timeBatch(s, plan.warmupOps, Number.POSITIVE_INFINITY)
    sizes.push(Math.max(plan.minOps, Math.ceil(wallRate * plan.roundSeconds * 2)))
  }
  const rounds: Round[][] = scenarios.map(() => [])
  for (let r = 0; r < plan.rounds; r++) {
    for (let i = 0; i < scenarios.length; i++) {
      const k = r % 2 === 0 ? i : scenarios.length - 1 - i
      rounds[k]?.push(await timeBatch(scenarios[k] as Scenario, sizes[k] as number, plan.roundSeconds))
    }
  }
  return rounds.map((rs, i) => ({
    wall: stats(rs.map((x) => x.wallRate)),
    cpu: stats(rs.map((x) => x.cpuRate)),
    preparedPerRound: sizes[i] as number,
    opsPerRound: rs.map((x) => x.ops)
  }))
}

/** Runs `op` until `deadline` or `n` times; the shape of every scenario's timed loop. */
export async function runUntil (n: number, deadline: number, op: (i: number) => unknown): Promise<number> {
  let i = 0
  while (i < n) {
    await op(i++)
    if (performance.now() >= deadline) break
  }
  return i
}

/** runUntil for synchronous operations (no await between operations). */
export function runUntilSync (n: number, deadline: number, op: (i: number) => void): number {
  let i = 0
  while (i < n) {
    op(i++)
    if (performance.now() >= deadline) break
  }
  return i
}

/** Checks a round trip in the benchmark loop: a contender that loses data must not produce a figure. */
export function assertSame (got: Uint8Array, want: Uint8Array, what: string): void {
  // Buffer.compare is a memcmp: checking every message costs well under 1% of a pair.
  if (Buffer.compare(view(got), view(want)) !== 0) {
    throw new Error(`${what}: decrypted ${got.byteLength} bytes that differ from the ${want.byteLength} sent`)
  }
}

function view (b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}
