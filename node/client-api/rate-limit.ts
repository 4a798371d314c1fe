// Client rate limits that hold per identity, not per connection: one token
// bucket per attached device (user id + device id) and one per remote peer
// id, each shared by every connection and stream of that device or peer.
// `take(n)` fails when the client sends faster than its rate, so one client
// cannot starve the node by opening more connections.

/** buckets kept per map (devices, peers) before idle ones are dropped */
export const MAX_BUCKETS = 10_000

export class TokenBucket {
  private tokens: number
  private last: number

  constructor (private readonly ratePerSecond: number, private readonly burst: number, private readonly now: () => number = Date.now) {
    this.tokens = burst
    this.last = now()
  }

  private refill (): void {
    const t = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond)
    this.last = t
  }

  /** whether `n` tokens are there now (takes none) */
  has (n = 1): boolean {
    this.refill()
    return this.tokens >= n
  }

  take (n = 1): boolean {
    this.refill()
    if (this.tokens < n) return false
    this.tokens -= n
    return true
  }

  /** back at its burst: indistinguishable from a new bucket, so it can be dropped */
  get full (): boolean {
    this.refill()
    return this.tokens >= this.burst
  }
}

/**
 * Token buckets by key, bounded: when MAX_BUCKETS are held, full (idle)
 * buckets are dropped first, since a new one is the same; only when none is
 * full does the least recently used go. Dropping a bucket that is not full
 * hands its owner a fresh burst, so the bound is set far above the number of
 * identities a node serves at once.
 */
export class BucketMap {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor (private readonly ratePerSecond: number, private readonly burst: number, private readonly maxBuckets = MAX_BUCKETS, private readonly now: () => number = Date.now) {}

  get (key: string): TokenBucket {
    let b = this.buckets.get(key)
    if (b !== undefined) {
      // most recently used goes last
      this.buckets.delete(key)
      this.buckets.set(key, b)
      return b
    }
    if (this.buckets.size >= this.maxBuckets) this.evict()
    b = new TokenBucket(this.ratePerSecond, this.burst, this.now)
    this.buckets.set(key, b)
    return b
  }

  get size (): number {
    return this.buckets.size
  }

  /** the keys of the buckets held (what this map remembers about who made requests) */
  keys (): string[] {
    return [...this.buckets.keys()]
  }

  private evict (): void {
    for (const [k, b] of this.buckets) if (b.full) this.buckets.delete(k)
    if (this.buckets.size < this.maxBuckets) return
    const oldest = this.buckets.keys().next().value
    if (oldest !== undefined) this.buckets.delete(oldest)
  }
}

/** The two limits every client request passes: its peer's bucket, and its device's when attached. */
export class ClientRateLimits {
  readonly devices: BucketMap
  readonly peers: BucketMap

  constructor (ratePerSecond: number, burst: number, maxBuckets = MAX_BUCKETS) {
    this.devices = new BucketMap(ratePerSecond, burst, maxBuckets)
    this.peers = new BucketMap(ratePerSecond, burst, maxBuckets)
  }

  /** Takes `cost` from the peer's bucket and the device's (when given) only if both have it; false otherwise. */
  take (peerId: string, deviceKey: string | undefined, cost: number): boolean {
    const peer = this.peers.get(peerId)
    const device = deviceKey !== undefined ? this.devices.get(deviceKey) : undefined
    if (!peer.has(cost) || (device !== undefined && !device.has(cost))) return false
    peer.take(cost)
    device?.take(cost)
    return true
  }
}

/** The key of a device's bucket: the same for every connection it attaches over. */
export function deviceBucketKey (userId: string, deviceId: number): string {
  return `${userId}/${deviceId}`
}

/**
 * Sealed sends that no access key covers (strangers, with a stamp) are
 * bounded per source IP: the only thing a node knows about an unidentified
 * sender. One bucket per remote address, `ratePerMinute` refill up to
 * `burst`; addresses in `allow` (NodeConfig allowIps: meshes that share one
 * address on purpose) are not limited, as for the per-IP connection cap.
 * Connections without an IP (in-memory transports) share one bucket.
 */
export class StrangerLimits {
  readonly ips: BucketMap

  constructor (ratePerMinute: number, burst: number, private readonly allow: { has: (ip: string) => boolean }, maxBuckets = MAX_BUCKETS) {
    this.ips = new BucketMap(ratePerMinute / 60, burst, maxBuckets)
  }

  /** Takes `cost` from the bucket of `ip`; false when it has not got that many. */
  take (ip: string | undefined, cost = 1): boolean {
    if (ip !== undefined && this.allow.has(ip)) return true
    return this.ips.get(ip ?? NO_IP).take(cost)
  }
}

/** the bucket shared by connections without an IP address */
export const NO_IP = 'no-ip'
