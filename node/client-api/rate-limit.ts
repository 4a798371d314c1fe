// A token bucket per attached connection: `take(n)` fails when the client
// sends faster than its rate, so one client cannot starve the node.
export class TokenBucket {
  private tokens: number
  private last: number

  constructor (private readonly ratePerSecond: number, private readonly burst: number, private readonly now: () => number = Date.now) {
    this.tokens = burst
    this.last = now()
  }

  take (n = 1): boolean {
    const t = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond)
    this.last = t
    if (this.tokens < n) return false
    this.tokens -= n
    return true
  }
}
