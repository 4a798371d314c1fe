// Limits per remote IP: an allow list of CIDRs (explicit only: NodeConfig
// allowIps, `--allow-ip`) and a cap on the inbound connections one IP may
// hold open. libp2p 3.3's connection manager limits the rate of new inbound
// connections per IP (inboundConnectionThreshold) and the pending upgrades
// in all (maxIncomingPendingConnections), but not how many stay open from
// one IP: IpConnectionLimiter is the connection gater check that does.
import { BlockList, isIP } from 'node:net'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { MultiaddrConnection } from '@libp2p/interface'

/** "10.0.0.0/8", "::1/128" or a bare address; Error with the reason otherwise. */
export function parseCidr (cidr: string): { address: string, prefix: number, family: 'ipv4' | 'ipv6' } {
  const [address = '', bits, extra] = cidr.trim().split('/')
  const v = isIP(address)
  if (v === 0 || extra !== undefined) throw new Error(`expected an address or a CIDR such as 127.0.0.0/8 or ::1/128, got "${cidr}"`)
  const max = v === 4 ? 32 : 128
  const prefix = bits === undefined ? max : Number(bits)
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) {
    throw new Error(`prefix length of "${cidr}" must be an integer from 0 to ${max}`)
  }
  return { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' }
}

/** "127.0.0.0/8" -> "/ip4/127.0.0.0/ipcidr/8", the form libp2p's connectionManager.allow takes. */
export function cidrMultiaddr (cidr: string): string {
  const { address, prefix, family } = parseCidr(cidr)
  return `/${family === 'ipv4' ? 'ip4' : 'ip6'}/${address}/ipcidr/${prefix}`
}

/** A set of CIDRs answering has(ip); usable as gossipsub's IPColocationFactorWhitelist (which only calls has). */
export class CidrSet extends Set<string> {
  private readonly list = new BlockList()
  private ranges = 0

  constructor (cidrs: Iterable<string> = []) {
    super()
    for (const c of cidrs) this.addCidr(c)
  }

  addCidr (cidr: string): this {
    const { address, prefix, family } = parseCidr(cidr)
    this.list.addSubnet(address, prefix, family)
    this.ranges++
    super.add(cidr)
    return this
  }

  /** true when `ip` (an address, not a CIDR) lies in one of the ranges */
  override has (ip: string): boolean {
    if (this.ranges === 0) return false
    const v = isIP(ip)
    if (v === 0) return false
    return this.list.check(ip, v === 4 ? 'ipv4' : 'ipv6')
  }
}

/** The IP of a /ip4|/ip6/... multiaddr, or undefined (memory, dns, ...). */
export function ipOf (ma: Multiaddr): string | undefined {
  const first = ma.getComponents()[0]
  if (first === undefined || (first.name !== 'ip4' && first.name !== 'ip6')) return undefined
  return first.value
}

/** true for a /ws or /tls/ws (or /wss) multiaddr */
export function isWebSocket (ma: Multiaddr): boolean {
  return ma.getComponents().some((c) => c.name === 'ws' || c.name === 'wss')
}

/**
 * Counts open inbound connections per remote IP from the moment the socket
 * is accepted (before the Noise handshake) until it closes, and refuses one
 * more beyond `maxPerIp`. Addresses in `allow` are not counted.
 */
export class IpConnectionLimiter {
  private readonly open = new Map<string, number>()

  constructor (private readonly maxPerIp: number, private readonly allow: CidrSet) {}

  /** connection gater denyInboundConnection: true refuses the connection */
  denyInbound (maConn: MultiaddrConnection): boolean {
    // a WebSocket connection was counted when its socket was accepted (node/ws-transport.ts),
    // before its HTTP upgrade, and is released when that socket closes: not twice
    if (isWebSocket(maConn.remoteAddr)) return false
    const ip = ipOf(maConn.remoteAddr)
    if (ip === undefined) return false
    const release = this.acquire(ip)
    if (release === undefined) return true
    maConn.addEventListener('close', release, { once: true })
    if (maConn.status === 'closed') release()
    return false
  }

  /**
   * Count one more open connection from `ip`: a release function (idempotent)
   * to call when it closes, or undefined when `ip` holds maxPerIp already.
   * Allowed addresses are not counted (a no-op release).
   */
  acquire (ip: string): (() => void) | undefined {
    if (this.allow.has(ip)) return () => {}
    const n = this.open.get(ip) ?? 0
    if (n >= this.maxPerIp) return undefined
    this.open.set(ip, n + 1)
    let counted = true
    return (): void => {
      if (!counted) return
      counted = false
      const left = (this.open.get(ip) ?? 1) - 1
      if (left <= 0) this.open.delete(ip); else this.open.set(ip, left)
    }
  }

  /** open inbound connections counted for `ip` (status, tests) */
  count (ip: string): number {
    return this.open.get(ip) ?? 0
  }
}
