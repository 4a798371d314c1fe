// A tiny seeded PRNG (mulberry32) so a simulation's choices (who sends to
// whom, which node a client attaches to, which nodes a fault hits) repeat
// for a given --seed. Timing still varies from run to run: the mesh is real.
export class Random {
  private state: number

  constructor (seed: number) {
    this.state = seed >>> 0
  }

  /** uniform in [0, 1) */
  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** integer in [0, n) */
  int (n: number): number {
    return Math.floor(this.next() * n)
  }

  pick<T> (items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[this.int(items.length)] as T
  }

  shuffle<T> (items: readonly T[]): T[] {
    const a = [...items]
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = a[i] as T
      a[i] = a[j] as T
      a[j] = t
    }
    return a
  }

  /** `n` distinct items (fewer if the list is shorter) */
  sample<T> (items: readonly T[], n: number): T[] {
    return this.shuffle(items).slice(0, n)
  }
}
