// The testbed's report: the testbed run next to the loopback run, as a table.
import type { RunSummary, TestbedResult } from './runner.js'

const BY: Record<string, string> = {
  netem: 'kernel netem',
  gact: 'kernel tc gact random drop: real packets dropped, TCP retransmits',
  bpf: 'kernel cls_bpf random drop: real packets dropped, TCP retransmits',
  tbf: 'kernel tbf',
  forwarder: 'user-space forwarder',
  none: 'none'
}

const v = (x: number | null | undefined): string => x === null || x === undefined ? '-' : String(x)

export function formatTable (r: TestbedResult): string {
  const c = r.config
  const rows: Array<[string, (s: RunSummary) => string]> = [
    ['messages sent', (s) => v(s.messages.sent)],
    ['answered "stored"', (s) => v(s.messages.stored)],
    ['send failed', (s) => v(s.messages.failed)],
    ['deliveries expected', (s) => v(s.messages.expectedDeliveries)],
    ['delivered', (s) => v(s.messages.delivered)],
    ['LOST', (s) => v(s.messages.lost)],
    ['DUPLICATES', (s) => v(s.messages.duplicates)],
    ['latency p50 (ms)', (s) => v(s.latencyMs.p50)],
    ['latency p95 (ms)', (s) => v(s.latencyMs.p95)],
    ['latency p99 (ms)', (s) => v(s.latencyMs.p99)],
    ['latency max (ms)', (s) => v(s.latencyMs.max)],
    ['mesh converged (s)', (s) => s.setupMs.meshMs === undefined ? '-' : (s.setupMs.meshMs / 1000).toFixed(1)],
    ['converged after recovery', (s) => s.converged ? 'yes' : 'NO'],
    ['final drain (s)', (s) => (s.recoveryMs / 1000).toFixed(1)]
  ]
  const w = 28
  const col = 16
  const lines = [
    `relaymesh testbed: ${c.nodes} nodes, each in its own network namespace (${r.namespaces.run}-n0..n${c.nodes - 1}, ${r.namespaces.addresses[0] ?? ''}...), clients in ${r.namespaces.run}-c, bridge in ${r.namespaces.bridge}`,
    `workload: ${c.clients} clients (each writing to ${Math.min(3, c.clients - 1)} contacts, once each before the workload), ${c.groups} group(s), ${c.msgs} messages over ${c.duration} s, seed ${c.seed}, scenario ${c.scenario ?? 'none'}`,
    `links (each direction of each path): delay ${c.delayMs} ms +/- ${c.jitterMs} ms by ${BY[r.mechanisms.delay] ?? r.mechanisms.delay}; loss ${c.lossPct} % by ${BY[r.mechanisms.loss] ?? r.mechanisms.loss}; rate ${c.rate > 0 ? `${c.rate} B/s` : 'unlimited'} by ${BY[r.mechanisms.rate] ?? r.mechanisms.rate}`,
    `kernel: netem ${r.kernel.netem ? 'yes' : 'no'}, gact ${r.kernel.gact ? 'yes' : 'no'}, cls_bpf ${r.kernel.bpf ? 'yes' : 'no'}, tbf ${r.kernel.tbf ? 'yes' : 'no'}`,
    '',
    `${''.padEnd(w)}${'testbed'.padEnd(col)}${r.loopback !== null ? 'loopback' : ''}`,
    ...rows.map(([label, f]) => `${label.padEnd(w)}${f(r.testbed).padEnd(col)}${r.loopback !== null ? f(r.loopback) : ''}`),
    '',
    ...(r.kernelLoss !== null ? [`kernel loss on the bridge ports: ${r.kernelLoss.dropped} of ${r.kernelLoss.packets} packets dropped (${r.kernelLoss.packets > 0 ? (100 * r.kernelLoss.dropped / r.kernelLoss.packets).toFixed(2) : '0'} %)`] : []),
    `TCP in the testbed's namespaces: ${r.tcp.outSegs} segments sent, ${r.tcp.retransSegs} retransmitted (${r.tcp.outSegs > 0 ? (100 * r.tcp.retransSegs / r.tcp.outSegs).toFixed(2) : '0'} %)`,
    `teardown: ${r.namespaces.created} namespaces removed, ${r.namespaces.leftAfterTeardown.length} left${r.namespaces.leftAfterTeardown.length > 0 ? ` (${r.namespaces.leftAfterTeardown.join(', ')})` : ''}${r.namespaces.sweptStale.length > 0 ? `; swept ${r.namespaces.sweptStale.length} stale` : ''}`
  ]
  if (r.loopbackError !== null) lines.push('', `LOOPBACK RUN FAILED: ${r.loopbackError}`)
  const notes = [...r.testbed.notes.map((n) => `testbed: ${n}`), ...(r.loopback?.notes ?? []).map((n) => `loopback: ${n}`)]
  if (notes.length > 0) lines.push('', ...notes.map((n) => `note: ${n}`))
  return lines.join('\n')
}

/** Whether the run kept every guarantee: nothing lost, nothing duplicated, converged, nothing left behind. */
export function passed (r: TestbedResult): boolean {
  const ok = (s: RunSummary | null): boolean => s === null || (s.messages.lost === 0 && s.messages.duplicates === 0 && s.converged)
  return ok(r.testbed) && ok(r.loopback) && r.loopbackError === null && r.namespaces.leftAfterTeardown.length === 0
}
