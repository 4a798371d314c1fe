// scripts/testbed: the WAN testbed. Real namespaces, a real bridge, real
// relay-node processes and clients inside them, real kernel packet loss where
// the kernel has it. Where this machine cannot create namespaces (not root,
// no iproute2) these tests FAIL with the one-line reason: they are never skipped.
import { strict as assert } from 'node:assert'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { cannotBuild, create, destroy, execIn, list, plan, stale } from '../../scripts/testbed/netns.js'
import type { TestbedResult } from '../../scripts/testbed/runner.js'
import { waitFor } from '../helpers/wait.js'

const CLI = join(import.meta.dirname, '../../scripts/testbed.js')

function requireNamespaces (): void {
  const why = cannotBuild()
  if (why !== undefined) assert.fail(`cannot run the testbed here: ${why}`)
}

/** Run a Node.js snippet inside a namespace; its stdout. */
function inNs (ns: string, script: string): string {
  return execFileSync(execIn(ns)[0] as string, [...execIn(ns).slice(1), process.execPath, '-e', script], { encoding: 'utf8', timeout: 15_000 })
}

const hostLinks = (): string[] => execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).split('\n').map((l) => l.split(':')[1]?.trim() ?? '').filter((n) => n !== '').sort()

async function runCli (args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); onStderr?.(stderr, child) })
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => { child.once('exit', (c, s) => { resolve([c, s]) }) })
  return { code, signal, stdout, stderr }
}

describe('scripts/testbed: a WAN testbed in network namespaces', function () {
  it('without root it stops at once with one line saying why', () => {
    // as nobody (or as whoever runs the suite, when that is not root already)
    const r = process.getuid?.() === 0
      ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, '--nodes', '2'], { encoding: 'utf8', timeout: 15_000 })
      : spawnSync(process.execPath, [CLI, '--nodes', '2'], { encoding: 'utf8', timeout: 15_000 })
    assert.equal(r.status, 2, r.stderr)
    assert.equal(r.stderr, 'testbed: the testbed creates network namespaces and must run as root\n')
    assert.equal(r.stdout, '')
  })

  it('isolates: hosts reach each other only through the bridge, nothing routes out, and teardown leaves nothing', function () {
    this.timeout(60_000)
    requireNamespaces()
    const before = hostLinks()
    const t = plan(2)
    try {
      create(t)
      assert.deepEqual(hostLinks(), before, 'no interface was created in the host namespace')
      for (const h of [...t.nodes, t.clients]) {
        assert.equal(execFileSync('ip', ['-n', h.ns, 'route', 'show', 'default'], { encoding: 'utf8' }).trim(), '', `${h.ns} has no default route`)
        assert.deepEqual(execFileSync('ip', ['-n', h.ns, '-o', 'link', 'show'], { encoding: 'utf8' }).split('\n').filter((l) => l !== '').map((l) => l.split(':')[1]?.trim().split('@')[0]), ['lo', 'eth0'])
      }
      assert.doesNotMatch(execFileSync('ip', ['-n', t.bridgeNs, '-o', 'addr', 'show'], { encoding: 'utf8' }), /inet .* br0/, 'the bridge has no address')
      const [a, b] = t.nodes
      assert.ok(a !== undefined && b !== undefined)
      // node 1 serves, node 0 connects across the bridge; node 0 cannot reach anything outside
      const server = spawn(execIn(b.ns)[0] as string, [...execIn(b.ns).slice(1), process.execPath, '-e', `require('net').createServer((s) => s.end('across')).listen(4100, '${b.address}', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] })
      try {
        const connect = (host: string): string => inNs(a.ns, `const s = require('net').connect(4100, '${host}'); let d = ''; s.on('data', (x) => { d += x }); s.on('end', () => { console.log(d); process.exit() }); s.on('error', (e) => { console.log(e.code); process.exit() }); setTimeout(() => { console.log('TIMEOUT'); process.exit() }, 5000)`).trim()
        const reached = (): string => connect(b.address)
        let got = ''
        // until the server is listening (ECONNREFUSED before)
        for (let i = 0; i < 50 && got !== 'across'; i++) got = reached()
        assert.equal(got, 'across')
        assert.equal(inNs(a.ns, `require('net').connect(80, '1.1.1.1').on('error', (e) => console.log(e.code)).on('connect', () => console.log('OUT'))`).trim(), 'ENETUNREACH')
      } finally {
        server.kill('SIGKILL')
      }
    } finally {
      assert.deepEqual(destroy(t.all), [])
    }
    assert.deepEqual(list().filter((n) => n.startsWith(`${t.run}-`)), [], 'every namespace of the run is gone')
    assert.deepEqual(hostLinks(), before)
  })

  it('sweeps namespaces whose owning run is dead, and only those', function () {
    this.timeout(30_000)
    requireNamespaces()
    const dead = spawnSync('true').pid as number
    const mine = `rmtb-${process.pid}-sweeptest`
    const theirs = `rmtb-${dead}-sweeptest`
    try {
      execFileSync('ip', ['netns', 'add', mine])
      execFileSync('ip', ['netns', 'add', theirs])
      const found = stale()
      assert.ok(found.includes(theirs) && !found.includes(mine), found.join(', '))
      assert.deepEqual(destroy([theirs]), [])
      assert.ok(!list().includes(theirs) && list().includes(mine))
    } finally {
      destroy([mine, theirs])
    }
  })

  it('6 nodes, 50 ms +/- 10 ms, 1 % loss: nothing lost, nothing duplicated, every node converged, nothing left behind', async function () {
    this.timeout(110_000)
    requireNamespaces()
    const before = hostLinks()
    const r = await runCli(['--nodes', '6', '--delay', '50', '--jitter', '10', '--loss', '1', '--clients', '4', '--msgs', '24', '--duration', '8', '--no-loopback', '--json', '--deadline', '100'])
    assert.equal(r.code, 0, r.stderr.slice(-3000))
    const result = JSON.parse(r.stdout) as TestbedResult
    const m = result.testbed.messages
    assert.ok(m.sent >= 20, `the workload ran: ${m.sent} sent`)
    assert.ok(m.stored >= m.sent - 2, `${m.stored} of ${m.sent} answered "stored"`)
    assert.equal(m.lost, 0, 'stored and never delivered')
    assert.equal(m.duplicates, 0, 'delivered twice')
    assert.equal(m.delivered, m.expectedDeliveries)
    assert.equal(m.foreign, 0)
    assert.equal(result.testbed.converged, true)
    assert.equal(result.loopback, null)
    assert.ok(result.mechanisms.loss !== 'none' && result.mechanisms.delay !== undefined)
    // real packet loss where the kernel can drop: the bridge ports dropped packets, and TCP retransmitted
    if (result.mechanisms.loss !== 'forwarder') {
      assert.ok(result.kernelLoss !== null && result.kernelLoss.dropped > 0 && result.kernelLoss.dropped < result.kernelLoss.packets / 10, `dropped ${JSON.stringify(result.kernelLoss)}`)
      assert.ok(result.tcp.retransSegs > 0, `retransmitted ${result.tcp.retransSegs} of ${result.tcp.outSegs} segments`)
    }
    // the links delayed what crossed them: nothing was delivered faster than one 40 ms hop
    assert.ok((result.testbed.latencyMs.p50 ?? 0) >= 40, `p50 ${result.testbed.latencyMs.p50} ms`)
    assert.equal(result.namespaces.created, 8)
    assert.deepEqual(result.namespaces.leftAfterTeardown, [])
    assert.deepEqual(list().filter((n) => n.startsWith(`${result.namespaces.run}-`)), [])
    assert.deepEqual(hostLinks(), before, 'no interface left in (or ever added to) the host namespace')
  })

  it('SIGTERM mid-run tears everything down (processes, namespaces), and a dead run\'s namespaces are swept at start', async function () {
    this.timeout(60_000)
    requireNamespaces()
    const dead = spawnSync('true').pid as number
    const leftover = `rmtb-${dead}-n0`
    execFileSync('ip', ['netns', 'add', leftover])
    let run = ''
    let pids: number[] = []
    const r = await runCli(['--nodes', '3', '--delay', '20', '--clients', '2', '--msgs', '10', '--duration', '30', '--no-loopback', '--deadline', '55'], (text, child) => {
      // once the node and client workers run inside the namespaces
      const m = /namespaces: \d+ \((rmtb-\d+)-\*\)[^]*workers: .*\(pids ([\d, ]+)\)/.exec(text)
      if (m !== null && run === '') { run = m[1] as string; pids = (m[2] as string).split(', ').map(Number); child.kill('SIGTERM') }
    })
    destroy([leftover])
    assert.equal(r.code, 143, r.stderr.slice(-2000))
    assert.match(r.stderr, /swept 1 namespace\(s\) left by dead runs/)
    assert.match(r.stderr, /testbed: SIGTERM: torn down/)
    assert.notEqual(run, '')
    assert.equal(pids.length, 5, 'three node workers and two client workers were running')
    const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true } catch { return false } }
    await waitFor(() => pids.every((p) => !alive(p)), { what: 'every worker gone', timeout: 5_000 })
    await waitFor(() => list().every((n) => !n.startsWith(`${run}-`)), { what: 'no namespace of the run', timeout: 5_000 })
    assert.ok(!list().includes(leftover))
  })
})
