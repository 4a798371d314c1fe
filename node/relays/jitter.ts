// Timer jitter for the relay directory's periodic work (liveness rounds,
// overlay ticks, node-record refreshes): relays started together would
// otherwise act in step, every one of them in the same second.

/** `ms` ± 20 %, uniformly */
export function jitter (ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4))
}
