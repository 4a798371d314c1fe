// What the kernel offers for shaping the testbed's links, found by trying it
// in a throw-away namespace, and applying it. Preference, per property:
//   delay + jitter: netem                 else the user-space forwarder (SlowLink)
//   loss:           netem, else tc gact random drop, else a cls_bpf filter
//                   (classic BPF, direct action) that drops on a random
//                   number: real packets dropped, real TCP retransmissions;
//                   else the forwarder's loss model (a chunk held one RTO)
//   rate:           netem, else tbf       else the forwarder's token bucket
// Everything is applied on the bridge's ports (egress: towards each host), so
// every direction of every path crosses exactly one shaped port; rate also on
// each host's own interface (its uplink). Every host interface sends one
// segment per packet (gso_max_segs 1), so a drop removes one packet, not a
// 64 KiB GSO burst.
import { HOST_IF, run, type Topology } from './netns.js'

export type DelayBy = 'netem' | 'forwarder'
export type LossBy = 'netem' | 'gact' | 'bpf' | 'forwarder' | 'none'
export type RateBy = 'netem' | 'tbf' | 'forwarder' | 'none'

export interface Kernel { netem: boolean, gact: boolean, bpf: boolean, tbf: boolean }

export interface Shape {
  delayMs: number
  jitterMs: number
  lossPct: number
  /** bytes per second per host and direction; 0: unlimited */
  rate: number
}

export interface Mechanisms { delay: DelayBy, loss: LossBy, rate: RateBy }

/** classic BPF: A = random u32; if A >= threshold return TC_ACT_OK (0) else TC_ACT_SHOT (2). SKF_AD_OFF + SKF_AD_RANDOM = -4096 + 56. */
export function bpfDropBytecode (lossPct: number): string {
  const threshold = Math.min(2 ** 32 - 1, Math.round(lossPct / 100 * 2 ** 32))
  return `4,32 0 0 ${2 ** 32 - 4096 + 56},53 0 1 ${threshold},6 0 0 0,6 0 0 2`
}

/** Try each mechanism on a veth pair in a namespace of its own (removed after). */
export function probe (probeNs: string): Kernel {
  const attempt = (args: string[]): boolean => { try { run('tc', ['-n', probeNs, ...args]); return true } catch { return false } }
  run('ip', ['netns', 'add', probeNs])
  try {
    run('ip', ['-n', probeNs, 'link', 'add', 'pa', 'type', 'veth', 'peer', 'name', 'pb'])
    const netem = attempt(['qdisc', 'add', 'dev', 'pa', 'root', 'netem', 'delay', '10ms', '2ms', 'loss', '1%'])
    const tbf = attempt(['qdisc', 'add', 'dev', 'pb', 'root', 'tbf', 'rate', '1mbit', 'burst', '16kb', 'latency', '100ms'])
    const clsact = attempt(['qdisc', 'add', 'dev', 'pb', 'clsact'])
    const gact = clsact && attempt(['filter', 'add', 'dev', 'pb', 'egress', 'protocol', 'ip', 'prio', '1', 'u32', 'match', 'u32', '0', '0', 'action', 'gact', 'ok', 'random', 'netrand', 'drop', '100'])
    const bpf = clsact && attempt(['filter', 'add', 'dev', 'pb', 'egress', 'protocol', 'ip', 'prio', '2', 'bpf', 'da', 'bytecode', bpfDropBytecode(1)])
    return { netem, gact, bpf, tbf }
  } finally {
    try { run('ip', ['netns', 'del', probeNs]) } catch {}
  }
}

export function choose (k: Kernel, s: Shape): Mechanisms {
  return {
    delay: k.netem ? 'netem' : 'forwarder',
    loss: s.lossPct === 0 ? 'none' : k.netem ? 'netem' : k.gact ? 'gact' : k.bpf ? 'bpf' : 'forwarder',
    rate: s.rate === 0 ? 'none' : k.netem ? 'netem' : k.tbf ? 'tbf' : 'forwarder'
  }
}

/** What the forwarders must still do once the kernel does its part. */
export function forwarderShare (m: Mechanisms, s: Shape): { delayMs: number, jitterMs: number, lossPct: number, bytesPerSecond?: number } {
  return {
    delayMs: m.delay === 'forwarder' ? s.delayMs : 0,
    jitterMs: m.delay === 'forwarder' ? s.jitterMs : 0,
    lossPct: m.loss === 'forwarder' ? s.lossPct : 0,
    ...(m.rate === 'forwarder' ? { bytesPerSecond: s.rate } : {})
  }
}

/** Apply the kernel's share on every bridge port (and rate on every host's uplink). */
export function apply (t: Topology, m: Mechanisms, s: Shape): void {
  const hosts = [...t.nodes, t.clients]
  for (const h of hosts) run('ip', ['-n', h.ns, 'link', 'set', HOST_IF, 'gso_max_segs', '1'])
  const bridge: string[] = []
  const bits = `${Math.round(s.rate * 8)}bit`
  // tbf: a bucket of at least one packet and 10 ms of the rate; a queue of at most 1 s of it
  const tbf = `tbf rate ${bits} burst ${Math.max(3000, Math.ceil(s.rate / 100))} latency 1s`
  for (const h of hosts) {
    if (m.delay === 'netem') {
      const loss = m.loss === 'netem' ? ` loss ${s.lossPct}%` : ''
      const rate = m.rate === 'netem' ? ` rate ${bits}` : ''
      bridge.push(`qdisc add dev ${h.port} root netem delay ${s.delayMs}ms ${s.jitterMs}ms${loss}${rate} limit 100000`)
    } else if (m.rate === 'tbf') {
      bridge.push(`qdisc add dev ${h.port} root ${tbf}`)
    }
    if (m.loss === 'gact' || m.loss === 'bpf') {
      bridge.push(`qdisc add dev ${h.port} clsact`)
      const one = Math.max(1, Math.round(100 / s.lossPct))
      bridge.push(m.loss === 'gact'
        ? `filter add dev ${h.port} egress protocol ip prio 1 u32 match u32 0 0 action gact ok random netrand drop ${one}`
        : `filter add dev ${h.port} egress protocol ip prio 1 bpf da bytecode "${bpfDropBytecode(s.lossPct)}"`)
    }
  }
  if (bridge.length > 0) run('tc', ['-n', t.bridgeNs, '-batch', '-'], bridge.join('\n') + '\n')
  if (m.rate === 'tbf') for (const h of hosts) run('tc', ['-n', h.ns, ...`qdisc add dev ${HOST_IF} root ${tbf}`.split(' ')])
}

/** TCP segments sent and retransmitted inside these namespaces (/proc/net/snmp is per namespace). */
export function tcpCounters (namespaces: string[]): { outSegs: number, retransSegs: number } {
  let outSegs = 0
  let retransSegs = 0
  for (const ns of namespaces) {
    try {
      const lines = run('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp']).split('\n').filter((l) => l.startsWith('Tcp:'))
      const names = (lines[0] ?? '').split(/\s+/)
      const values = (lines[1] ?? '').split(/\s+/)
      outSegs += Number(values[names.indexOf('OutSegs')] ?? 0)
      retransSegs += Number(values[names.indexOf('RetransSegs')] ?? 0)
    } catch {}
  }
  return { outSegs, retransSegs }
}

/** Packets through the bridge ports' qdiscs of one kind (clsact: the random drop; netem; tbf) and how many they dropped. */
export function qdiscCounters (bridgeNs: string, kind: string): { packets: number, dropped: number } {
  let packets = 0
  let dropped = 0
  try {
    const out = run('tc', ['-s', '-n', bridgeNs, 'qdisc', 'show'])
    // "qdisc clsact ffff: dev p0 parent ffff:fff1 \n Sent 86514 bytes 2007 pkt (dropped 210, overlimits 0 requeues 0)"
    const re = new RegExp(`qdisc ${kind} [^\\n]*\\n\\s*Sent \\d+ bytes (\\d+) pkt \\(dropped (\\d+)`, 'g')
    for (const m of out.matchAll(re)) { packets += Number(m[1]); dropped += Number(m[2]) }
  } catch {}
  return { packets, dropped }
}

/** The qdisc kind that drops packets for a loss mechanism (undefined: none in the kernel). */
export function lossQdisc (m: Mechanisms): string | undefined {
  return m.loss === 'netem' ? 'netem' : m.loss === 'gact' || m.loss === 'bpf' ? 'clsact' : undefined
}
