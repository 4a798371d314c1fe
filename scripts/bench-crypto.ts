// `npm run bench:crypto`: relaymesh's 1:1 protocol (PQXDH + Double Ratchet,
// with its PQ ratchet when the build has it) against
// @signalapp/libsignal-client (PQXDH + Double Ratchet + SPQR, always on in
// 0.103), side by side, in one process:
//   1. session setup/s  bundle bytes -> PQXDH (incl. the KEM prekey) -> first message -> decrypted
//   2. ping-pong pairs/s  256 B, direction changes every message (each decrypt is a DH ratchet step)
//   3. streaming pairs/s  256 B, one direction
//   4. throughput MB/s    16 KiB, one direction
// A pair is one encrypt plus the decrypt of its wire bytes; both sides decrypt
// what they encrypt. Rounds of the two sides are interleaved; each figure is
// the median round. Which post-quantum ratchet each side ran is read off its
// messages, and the per-message wire overhead (wire bytes minus plaintext,
// averaged over every message of a row) is reported for both.
// `--quick` for a short run, `--rows setup,streaming` for some rows only,
// `--relaymesh-pq default|on|off` for relaymesh's PQ ratchet, `--json` adds
// one JSON object on the last line of stdout. RELAYMESH_ML_KEM=noble runs
// relaymesh on the pure-JavaScript ML-KEM where the runtime has a native one.
// Progress goes to stderr.
import os from 'node:os'
import { compare, type Measurement, type RoundPlan, type Scenario } from './bench/crypto-harness.js'
import type { Contender, WireRow, WireTally } from './bench/crypto-contender.js'
import { libsignalContender } from './bench/crypto-libsignal.js'
import { PQ_RATCHET_MODES, relaymeshContender, type PqRatchetMode } from './bench/crypto-relaymesh.js'

const THROUGHPUT_BYTES = 16 * 1024
const GROUPS = ['setup', 'pingPong', 'streaming', 'throughput'] as const
type Group = typeof GROUPS[number]
/** the issue-14 targets: relaymesh/libsignal by wall time, with both sides running their PQ ratchet */
const TARGETS: Partial<Record<RowKey, number>> = { setup: 1.0, pingPongInlineKeys: 1.5, streaming: 3.0 }

interface Options { json: boolean, quick: boolean, pq: PqRatchetMode, groups: Group[] }

function usage (code: number): never {
  process.stdout.write(`usage: bench-crypto [--quick] [--json] [--rows ${GROUPS.join(',')}] [--relaymesh-pq ${PQ_RATCHET_MODES.join('|')}]\n`)
  process.exit(code)
}

function parseArgs (argv: string[]): Options {
  const opts: Options = { json: false, quick: false, pq: 'default', groups: [...GROUPS] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined) { process.stderr.write(`bench-crypto: ${flag} needs a value\n`); usage(2) }
      return v
    }
    if (flag === '--json') opts.json = true
    else if (flag === '--quick') opts.quick = true
    else if (flag === '--relaymesh-pq') {
      const v = value()
      if (!(PQ_RATCHET_MODES as readonly string[]).includes(v)) { process.stderr.write(`bench-crypto: --relaymesh-pq ${v}: expected ${PQ_RATCHET_MODES.join('|')}\n`); usage(2) }
      opts.pq = v as PqRatchetMode
    } else if (flag === '--rows') {
      const rows = value().split(',').filter((r) => r !== '')
      const bad = rows.filter((r) => !(GROUPS as readonly string[]).includes(r))
      if (bad.length > 0 || rows.length === 0) { process.stderr.write(`bench-crypto: --rows: unknown ${bad.join(',')}\n`); usage(2) }
      opts.groups = GROUPS.filter((g) => rows.includes(g))
    } else if (flag === '--help' || flag === '-h') usage(0)
    else {
      process.stderr.write(`bench-crypto: unknown argument ${a}\n`)
      usage(2)
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

type RowKey = 'setup' | 'setupPooled' | 'pingPong' | 'pingPongInlineKeys' | 'streaming' | 'throughput'

interface Row {
  key: RowKey
  label: string
  relaymesh: Measurement
  libsignal: Measurement
  /** figures shown and stored are ops/s times this (MB/s for throughput) */
  scale: number
  digits: number
}

function need<T> (v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`a measurement is missing: ${what}`)
  return v
}

async function measureRows (groups: Group[], rm: Contender, ls: Contender, plan: { setup: RoundPlan, messages: RoundPlan }): Promise<Row[]> {
  const rows: Row[] = []
  if (groups.includes('setup')) {
    // The two relaymesh variants and libsignal interleaved in one comparison, so load changes hit all three alike.
    const [a, b, l] = await measure('setup', [rm.setup, need(rm.setupPooled, 'relaymesh setupPooled'), ls.setup], plan.setup)
    rows.push({ key: 'setup', label: 'session setup /s (PQXDH: bundle -> 1st message decrypted)', relaymesh: need(a, 'setup'), libsignal: need(l, 'setup'), scale: 1, digits: 0 })
    rows.push({ key: 'setupPooled', label: 'session setup /s (ephemeral + ratchet keys pooled in idle time) *', relaymesh: need(b, 'setupPooled'), libsignal: need(l, 'setup'), scale: 1, digits: 0 })
  }
  if (groups.includes('pingPong')) {
    const [a, b, l] = await measure('ping-pong', [rm.pingPong, need(rm.pingPongInline, 'relaymesh pingPongInline'), ls.pingPong], plan.messages)
    rows.push({ key: 'pingPong', label: 'ping-pong pairs/s, 256 B (ratchet keys pooled in idle time) *', relaymesh: need(a, 'pingPong'), libsignal: need(l, 'pingPong'), scale: 1, digits: 0 })
    rows.push({ key: 'pingPongInlineKeys', label: 'ping-pong pairs/s, 256 B (ratchet keys generated inline)', relaymesh: need(b, 'pingPongInline'), libsignal: need(l, 'pingPong'), scale: 1, digits: 0 })
  }
  if (groups.includes('streaming')) {
    const [a, l] = await measure('streaming', [rm.streaming, ls.streaming], plan.messages)
    rows.push({ key: 'streaming', label: 'streaming pairs/s, 256 B, one direction', relaymesh: need(a, 'streaming'), libsignal: need(l, 'streaming'), scale: 1, digits: 0 })
  }
  if (groups.includes('throughput')) {
    const [a, l] = await measure('throughput', [rm.throughput, ls.throughput], plan.messages)
    rows.push({ key: 'throughput', label: 'throughput MB/s, 16 KiB, one direction', relaymesh: need(a, 'throughput'), libsignal: need(l, 'throughput'), scale: THROUGHPUT_BYTES / 1e6, digits: 1 })
  }
  return rows
}

/** average bytes on the wire beyond the plaintext, per message */
const overhead = (t: WireTally): number => t.messages === 0 ? Number.NaN : (t.wireBytes - t.plaintextBytes) / t.messages
const WIRE_ROWS: Array<{ key: WireRow, group: Group, label: string }> = [
  { key: 'pingPong', group: 'pingPong', label: 'ping-pong, 256 B (both variants)' },
  { key: 'streaming', group: 'streaming', label: 'streaming, 256 B' },
  { key: 'throughput', group: 'throughput', label: 'throughput, 16 KiB' }
]

function pqLine (name: string, c: Contender): string {
  const p = c.info.pqRatchet
  const asked = p.requested !== undefined ? ` (asked: ${p.requested})` : ''
  return `${name} ${p.mode}${asked}: ${p.withPqData} of ${p.messages} probe messages carried PQ ratchet data`
}

async function main (): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  const plan = plans(opts.quick)
  const started = Date.now()
  log('preparing contenders')
  const ls = await libsignalContender()
  const rm: Contender = await relaymeshContender({ pqRatchet: opts.pq })
  const rows = await measureRows(opts.groups, rm, ls, plan)
  const likeForLike = rm.info.pqRatchet.mode === ls.info.pqRatchet.mode

  const lines: string[] = []
  const cpu0 = os.cpus()[0]?.model.trim() ?? '?'
  const [load1] = os.loadavg()
  const runtime = `Node ${process.version} (OpenSSL ${process.versions.openssl})`
  lines.push(`relaymesh vs @signalapp/libsignal-client 0.103.0 | ${runtime}, ${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs (${cpu0}), load average ${fmt(load1, 1)}`)
  lines.push(`median of ${plan.messages.rounds} interleaved rounds (${plan.setup.roundSeconds} s setup, ${plan.messages.roundSeconds} s messages)${opts.quick ? ', --quick' : ''}; pair = encrypt + decrypt of the wire bytes`)
  lines.push(`PQ ratchet: ${pqLine('relaymesh', rm)}; ${pqLine('libsignal', ls)}`)
  if (!likeForLike) lines.push('WARNING: not like for like: one side runs a post-quantum ratchet and the other does not.')
  lines.push(`ML-KEM: relaymesh ${rm.info.kem}; libsignal ${ls.info.kem}`)
  lines.push('')
  const table = (basis: 'wall' | 'cpu'): void => {
    const head = [basis === 'wall' ? 'by wall time' : 'per CPU-second of this process', 'relaymesh', 'libsignal', 'relaymesh/libsignal']
    const cells: string[][] = rows.map((r) => {
      const show = (m: Measurement): string => `${fmt(m[basis].median * r.scale, r.digits)} (${fmt(m[basis].min * r.scale, r.digits)}–${fmt(m[basis].max * r.scale, r.digits)})`
      const target = basis === 'wall' && TARGETS[r.key] !== undefined ? ` (target ${TARGETS[r.key]?.toFixed(1)}×)` : ''
      return [r.label, show(r.relaymesh), show(r.libsignal), `${(r.relaymesh[basis].median / r.libsignal[basis].median).toFixed(2)}×${target}`]
    })
    const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
    const line = (c: string[]): string => c.map((x, i) => i === 0 ? x.padEnd(widths[i] as number) : x.padStart(widths[i] as number)).join('  ')
    lines.push(line(head))
    for (const c of cells) lines.push(line(c))
    lines.push('')
  }
  table('wall')
  table('cpu')
  const wireRows = WIRE_ROWS.filter((w) => opts.groups.includes(w.group))
  if (wireRows.length > 0) {
    lines.push('wire overhead per message (bytes on the wire minus plaintext, averaged over every message of the row: relaymesh | libsignal)')
    for (const w of wireRows) {
      const a = rm.wire[w.key]
      const b = ls.wire[w.key]
      lines.push(`  ${w.label.padEnd(34)} ${fmt(overhead(a), 1).padStart(7)} B over ${fmt(a.messages)} msgs | ${fmt(overhead(b), 1).padStart(7)} B over ${fmt(b.messages)} msgs`)
    }
    lines.push('')
  }
  lines.push('median (min–max over rounds); ratio > 1 means relaymesh is faster. The CPU-second table divides the same')
  lines.push('rounds by this process\'s CPU time (user + system, all threads): other processes on a shared machine')
  lines.push('disturb it much less than wall time; on an idle machine the two agree (both sides work on the main thread).')
  const busy = (load1 ?? 0) > os.cpus().length
  if (busy) lines.push(`WARNING: machine busy (load average ${fmt(load1, 1)} on ${os.cpus().length} CPUs): wall-time figures and ratios are unreliable; use the CPU-second table.`)
  lines.push('* headline ping-pong: a chat client has idle time between messages, and relaymesh refills its ratchet key')
  lines.push('  pool then (here: outside the timed region, before each round). The key generation costs the same CPU,')
  lines.push('  only off the message path; the "inline" row is what a client with no idle time sees (e.g. a bot answering')
  lines.push('  back to back). libsignal has no such pool: it always generates the key inline.')
  lines.push(`KEM prekey: relaymesh ${rm.info.kemPublicKeyBytes} B public key; libsignal ${ls.info.kemPublicKeyBytes} B serialized public key.`)
  lines.push(`Wire bytes for 256 B of plaintext: first (prekey) message relaymesh ${rm.info.preKeyMessageBytes256}, libsignal ${ls.info.preKeyMessageBytes256}; one ratchet message relaymesh ${rm.info.messageBytes256}, libsignal ${ls.info.messageBytes256}.`)
  lines.push(`whole run ${((Date.now() - started) / 1000).toFixed(1)} s`)
  process.stdout.write(lines.join('\n') + '\n')

  if (opts.json) {
    const r3 = (v: number): number | null => Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null
    const figures = (m: Measurement, r: Row): Record<string, number | null> =>
      ({ median: r3(m.wall.median * r.scale), min: r3(m.wall.min * r.scale), max: r3(m.wall.max * r.scale), cpuMedian: r3(m.cpu.median * r.scale) })
    const rm2 = Object.fromEntries(rows.map((r) => [r.key, figures(r.relaymesh, r)]))
    // libsignal has one ping-pong figure (the inline row repeats it) and one setup figure
    const ls2 = Object.fromEntries(rows.filter((r) => r.key !== 'pingPongInlineKeys' && r.key !== 'setupPooled').map((r) => [r.key, figures(r.libsignal, r)]))
    const wireJson = (c: Contender): Record<string, unknown> => Object.fromEntries(wireRows.map((w) =>
      [w.key, { overheadBytesPerMessage: r3(overhead(c.wire[w.key])), messages: c.wire[w.key].messages, wireBytes: c.wire[w.key].wireBytes, plaintextBytes: c.wire[w.key].plaintextBytes }]))
    const ratios = Object.fromEntries(rows.map((r) => [r.key, r3(r.relaymesh.wall.median / r.libsignal.wall.median)]))
    const out = {
      bench: 'crypto',
      units: { setup: 'sessions/s', setupPooled: 'sessions/s', pingPong: 'pairs/s', pingPongInlineKeys: 'pairs/s', streaming: 'pairs/s', throughput: 'MB/s', wireOverhead: 'bytes per message' },
      node: process.version,
      openssl: process.versions.openssl,
      mlkem: rm.info.kem,
      cpus: os.cpus().length,
      loadAverage1m: r3(load1 ?? Number.NaN),
      quick: opts.quick,
      rounds: plan.messages.rounds,
      pqRatchet: { relaymesh: rm.info.pqRatchet, libsignal: ls.info.pqRatchet },
      likeForLike,
      relaymesh: { ...rm2, wireOverhead: wireJson(rm), info: rm.info },
      libsignal: { ...ls2, wireOverhead: wireJson(ls), info: ls.info },
      ratios,
      busy,
      ratiosCpu: Object.fromEntries(rows.map((r) => [r.key, r3(r.relaymesh.cpu.median / r.libsignal.cpu.median)])),
      targets: Object.fromEntries(rows.filter((r) => TARGETS[r.key] !== undefined).map((r) =>
        [r.key, { want: TARGETS[r.key], ratio: ratios[r.key], met: likeForLike && (ratios[r.key] ?? 0) >= (TARGETS[r.key] as number) }])),
      notes: {
        setupPooled: 'relaymesh generates EK_A and the first ratchet key pairs of both sides in idle time (outside the timed region); setup generates them inline',
        pingPong: 'relaymesh headline refills a ratchet key pool outside the timed region (idle time between messages); pingPongInlineKeys generates keys on the message path, as libsignal always does',
        pqRatchet: 'read off each side\'s messages in a probe conversation; libsignal 0.103 runs SPQR on every session (no switch in its API)',
        wireOverhead: 'bytes on the wire minus plaintext, averaged over every message the row ran (warm-up included): relaymesh the encoded RatchetMessage, libsignal the serialized SignalMessage',
        targets: 'met only when both sides ran the same PQ ratchet mode (likeForLike)'
      }
    }
    process.stdout.write(JSON.stringify(out) + '\n')
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:crypto failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  process.exit(1)
})
