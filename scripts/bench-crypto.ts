// `npm run bench:crypto`: relaymesh's 1:1 protocol (PQXDH + Double Ratchet)
// against @signalapp/libsignal-client, side by side, in one process:
//   1. session setup/s  bundle bytes -> PQXDH (incl. the KEM prekey) -> first message -> decrypted
//   2. ping-pong pairs/s  256 B, direction changes every message (each decrypt is a DH ratchet step)
//   3. streaming pairs/s  256 B, one direction
//   4. throughput MB/s    16 KiB, one direction
// A pair is one encrypt plus the decrypt of its wire bytes; both sides decrypt
// what they encrypt. Rounds of the two sides are interleaved; each figure is
// the median round. `--quick` for a short run, `--json` adds one JSON object
// on the last line of stdout. Progress goes to stderr.
import os from 'node:os'
import { compare, type Measurement, type RoundPlan, type Scenario } from './bench/crypto-harness.js'
import type { Contender } from './bench/crypto-contender.js'
import { libsignalContender } from './bench/crypto-libsignal.js'
import { relaymeshContender } from './bench/crypto-relaymesh.js'

const THROUGHPUT_BYTES = 16 * 1024

interface Options { json: boolean, quick: boolean }

function parseArgs (argv: string[]): Options {
  const opts: Options = { json: false, quick: false }
  for (const a of argv) {
    if (a === '--json') opts.json = true
    else if (a === '--quick') opts.quick = true
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: bench-crypto [--quick] [--json]\n')
      process.exit(0)
    } else {
      process.stderr.write(`bench-crypto: unknown argument ${a}\n`)
      process.exit(2)
    }
  }
  return opts
}

function plans (quick: boolean): { setup: RoundPlan, messages: RoundPlan } {
  return quick
    ? { setup: { rounds: 3, roundSeconds: 0.3, warmupOps: 20, minOps: 10 }, messages: { rounds: 3, roundSeconds: 0.25, warmupOps: 200, minOps: 50 } }
    : { setup: { rounds: 7, roundSeconds: 0.9, warmupOps: 40, minOps: 20 }, messages: { rounds: 7, roundSeconds: 0.7, warmupOps: 400, minOps: 100 } }
}

function log (msg: string): void { process.stderr.write(`bench:crypto ${msg}\n`) }

async function measure (row: string, scenarios: Scenario[], plan: RoundPlan): Promise<Measurement[]> {
  const t0 = Date.now()
  const m = await compare(scenarios, plan)
  log(`${row}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  return m
}

const fmt = (v: number | undefined, digits = 0): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })

interface Row {
  key: 'setup' | 'setupPooled' | 'pingPong' | 'pingPongInlineKeys' | 'streaming' | 'throughput'
  label: string
  relaymesh: Measurement
  libsignal: Measurement
  /** figures shown and stored are ops/s times this (MB/s for throughput) */
  scale: number
  digits: number
}

async function main (): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const plan = plans(opts.quick)
  const started = Date.now()
  log('preparing contenders')
  const ls = await libsignalContender()
  const rm: Contender = await relaymeshContender()
  if (rm.pingPongInline === undefined) throw new Error('relaymesh contender has no inline ping-pong variant')

  if (rm.setupPooled === undefined) throw new Error('relaymesh contender has no pooled setup variant')
  const [rmSetup, rmSetupPooled, lsSetup] = await measure('setup', [rm.setup, rm.setupPooled, ls.setup], plan.setup)
  // The two relaymesh variants and libsignal interleaved in one comparison, so load changes hit all three alike.
  const [rmPing, rmPingInline, lsPing] = await measure('ping-pong', [rm.pingPong, rm.pingPongInline, ls.pingPong], plan.messages)
  const [rmStream, lsStream] = await measure('streaming', [rm.streaming, ls.streaming], plan.messages)
  const [rmBulk, lsBulk] = await measure('throughput', [rm.throughput, ls.throughput], plan.messages)
  const all = [rmSetup, rmSetupPooled, lsSetup, rmPing, rmPingInline, lsPing, rmStream, lsStream, rmBulk, lsBulk]
  if (all.some((m) => m === undefined)) throw new Error('a measurement is missing')
  const mb = THROUGHPUT_BYTES / 1e6
  const rows: Row[] = [
    { key: 'setup', label: 'session setup /s (PQXDH: bundle -> 1st message decrypted)', relaymesh: rmSetup as Measurement, libsignal: lsSetup as Measurement, scale: 1, digits: 0 },
    { key: 'setupPooled', label: 'session setup /s (ephemeral + ratchet keys pooled in idle time) *', relaymesh: rmSetupPooled as Measurement, libsignal: lsSetup as Measurement, scale: 1, digits: 0 },
    { key: 'pingPong', label: 'ping-pong pairs/s, 256 B (ratchet keys pooled in idle time) *', relaymesh: rmPing as Measurement, libsignal: lsPing as Measurement, scale: 1, digits: 0 },
    { key: 'pingPongInlineKeys', label: 'ping-pong pairs/s, 256 B (ratchet keys generated inline)', relaymesh: rmPingInline as Measurement, libsignal: lsPing as Measurement, scale: 1, digits: 0 },
    { key: 'streaming', label: 'streaming pairs/s, 256 B, one direction', relaymesh: rmStream as Measurement, libsignal: lsStream as Measurement, scale: 1, digits: 0 },
    { key: 'throughput', label: 'throughput MB/s, 16 KiB, one direction', relaymesh: rmBulk as Measurement, libsignal: lsBulk as Measurement, scale: mb, digits: 1 }
  ]

  const lines: string[] = []
  const cpu0 = os.cpus()[0]?.model.trim() ?? '?'
  const [load1] = os.loadavg()
  lines.push(`relaymesh vs @signalapp/libsignal-client 0.103.0 | Node ${process.version}, ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs (${cpu0}), load average ${fmt(load1, 1)}`)
  lines.push(`median of ${plan.messages.rounds} interleaved rounds (${plan.setup.roundSeconds} s setup, ${plan.messages.roundSeconds} s messages)${opts.quick ? ', --quick' : ''}; pair = encrypt + decrypt of the wire bytes`)
  lines.push('')
  const table = (basis: 'wall' | 'cpu'): void => {
    const head = [basis === 'wall' ? 'by wall time' : 'per CPU-second of this process', 'relaymesh', 'libsignal', 'relaymesh/libsignal']
    const cells: string[][] = rows.map((r) => {
      const show = (m: Measurement): string => `${fmt(m[basis].median * r.scale, r.digits)} (${fmt(m[basis].min * r.scale, r.digits)}–${fmt(m[basis].max * r.scale, r.digits)})`
      return [r.label, show(r.relaymesh), show(r.libsignal), `${(r.relaymesh[basis].median / r.libsignal[basis].median).toFixed(2)}×`]
    })
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
    const line = (c: string[]): string => c.map((x, i) => i === 0 ? x.padEnd(widths[i] as number) : x.padStart(widths[i] as number)).join('  ')
    lines.push(line(head))
    for (const c of cells) lines.push(line(c))
    lines.push('')
  }
  table('wall')
  table('cpu')
  lines.push('median (min–max over rounds); ratio > 1 means relaymesh is faster. The CPU-second table divides the same')
  lines.push('rounds by this process\'s CPU time (user + system, all threads): other processes on a shared machine')
  lines.push('disturb it much less than wall time; on an idle machine the two agree (both sides work on the main thread).')
  const busy = (load1 ?? 0) > os.cpus().length
  if (busy) lines.push(`WARNING: machine busy (load average ${fmt(load1, 1)} on ${os.cpus().length} CPUs): wall-time figures and ratios are unreliable; use the CPU-second table.`)
  lines.push('* headline ping-pong: a chat client has idle time between messages, and relaymesh refills its ratchet key')
  lines.push('  pool then (here: outside the timed region, before each round). The key generation costs the same CPU,')
  lines.push('  only off the message path; the "inline" row is what a client with no idle time sees (e.g. a bot answering')
  lines.push('  back to back). libsignal has no such pool: it always generates the key inline.')
  lines.push(`KEM prekey: relaymesh ${rm.info.kem}, ${rm.info.kemPublicKeyBytes} B public key; libsignal ${ls.info.kem}, ${ls.info.kemPublicKeyBytes} B serialized public key.`)
  lines.push(`Wire bytes for 256 B of plaintext: first (prekey) message relaymesh ${rm.info.preKeyMessageBytes256}, libsignal ${ls.info.preKeyMessageBytes256}; ratchet message relaymesh ${rm.info.messageBytes256}, libsignal ${ls.info.messageBytes256}.`)
  lines.push('libsignal 0.103 sessions also run its SPQR post-quantum ratchet (a KEM chunk in every message); relaymesh has no PQ ratchet.')
  lines.push(`whole run ${((Date.now() - started) / 1000).toFixed(1)} s`)
  process.stdout.write(lines.join('\n') + '\n')

  if (opts.json) {
    const r3 = (v: number): number | null => Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null
    const figures = (m: Measurement, r: Row): Record<string, number | null> =>
      ({ median: r3(m.wall.median * r.scale), min: r3(m.wall.min * r.scale), max: r3(m.wall.max * r.scale), cpuMedian: r3(m.cpu.median * r.scale) })
    const rm2 = Object.fromEntries(rows.map((r) => [r.key, figures(r.relaymesh, r)]))
    // libsignal has one ping-pong figure (the inline row repeats it)
    const ls2 = Object.fromEntries(rows.filter((r) => r.key !== 'pingPongInlineKeys' && r.key !== 'setupPooled').map((r) => [r.key, figures(r.libsignal, r)]))
    const out = {
      bench: 'crypto',
      units: { setup: 'sessions/s', setupPooled: 'sessions/s', pingPong: 'pairs/s', pingPongInlineKeys: 'pairs/s', streaming: 'pairs/s', throughput: 'MB/s' },
      node: process.version,
      cpus: os.cpus().length,
      loadAverage1m: r3(load1 ?? Number.NaN),
      quick: opts.quick,
      rounds: plan.messages.rounds,
      relaymesh: { ...rm2, info: rm.info },
      libsignal: { ...ls2, info: ls.info },
      ratios: Object.fromEntries(rows.map((r) => [r.key, r3(r.relaymesh.wall.median / r.libsignal.wall.median)])),
      busy: (load1 ?? 0) > os.cpus().length,
      ratiosCpu: Object.fromEntries(rows.map((r) => [r.key, r3(r.relaymesh.cpu.median / r.libsignal.cpu.median)])),
      notes: {
        setupPooled: 'relaymesh generates EK_A and the first ratchet key pairs of both sides in idle time (outside the timed region); setup generates them inline',
        pingPong: 'relaymesh headline refills a ratchet key pool outside the timed region (idle time between messages); pingPongInlineKeys generates keys on the message path, as libsignal always does',
        kem: `relaymesh ${rm.info.kem} vs libsignal ${ls.info.kem}; libsignal also runs SPQR`
      }
    }
    process.stdout.write(JSON.stringify(out) + '\n')
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:crypto failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
