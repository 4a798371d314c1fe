// `relaymesh node start` as operators run it: a real process, its stdout
// contract, graceful shutdown, and a peer id that survives restarts.
import { strict as assert } from 'node:assert'
import { execFile } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CLI, killAll, removeDir, spawnNode, tempDir, type NodeProcess } from '../../helpers/mesh.js'

const run = promisify(execFile)

describe('relaymesh node start (CLI process)', function () {
  this.timeout(60_000)
  const procs: NodeProcess[] = []
  const dirs: string[] = []
  after(async () => {
    await killAll(procs)
    for (const d of dirs) removeDir(d)
  })

  it('prints the ready line first, exits 0 on SIGTERM, and keeps its peer id across restarts', async () => {
    const dataDir = tempDir()
    dirs.push(dataDir)
    const a = await spawnNode({ dataDir })
    procs.push(a)
    assert.match(a.peerId, /^12D3Koo/)
    assert.match(a.address, new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${a.peerId}$`))
    assert.equal(statSync(join(dataDir, 'node.key')).mode & 0o777, 0o600)
    assert.ok(existsSync(join(dataDir, 'db')))

    a.proc.kill('SIGTERM')
    assert.equal(await a.exited, 0)

    const b = await spawnNode({ dataDir })
    procs.push(b)
    assert.equal(b.peerId, a.peerId)
    b.proc.kill('SIGINT')
    assert.equal(await b.exited, 0)
  })

  it('answers `node status` and serves Prometheus metrics', async () => {
    const a = await spawnNode({ extra: ['--metrics', '127.0.0.1:0'] })
    procs.push(a)
    dirs.push(a.dataDir)
    const { stdout } = await run(process.execPath, [CLI, 'node', 'status', a.address, '--json'])
    const status = JSON.parse(stdout) as { peerId: string, replicas: number }
    assert.equal(status.peerId, a.peerId)
    assert.equal(status.replicas, 3)
    assert.ok(a.ready.metrics !== undefined, 'ready line names the metrics URL')
    const body = await (await fetch(a.ready.metrics)).text()
    for (const name of ['relaymesh_envelopes_stored_total', 'relaymesh_envelopes_pushed_total', 'relaymesh_envelopes_acked_total', 'relaymesh_envelopes_handed_over_total', 'relaymesh_envelopes_expired_total', 'relaymesh_gossip_accepted_total', 'relaymesh_gossip_rejected_total', 'libp2p_']) {
      assert.ok(body.includes(name), `metrics include ${name}`)
    }
    a.proc.kill('SIGTERM')
    assert.equal(await a.exited, 0)
  })

  it('refuses bad options with a clear message and a non-zero exit', async () => {
    await assert.rejects(run(process.execPath, [CLI, 'node', 'start', '--replicas', 'many']), (err: { code: number, stderr: string }) => {
      assert.notEqual(err.code, 0)
      assert.match(err.stderr, /--replicas/)
      assert.doesNotMatch(err.stderr, /at .*\.js:\d+/)
      return true
    })
  })

  it('advertises --announce addresses (repeatable, comma lists) and refuses a bad one in one line', async () => {
    const a = await spawnNode({ extra: ['--announce', '/ip4/127.0.0.1/tcp/40001,/ip4/127.0.0.1/tcp/40002', '--announce', '/dns4/relay.example.org/tcp/4001'] })
    procs.push(a)
    dirs.push(a.dataDir)
    assert.deepEqual(a.ready.multiaddrs.map((m) => m.replace(/\/p2p\/.*$/, '')).sort(),
      ['/dns4/relay.example.org/tcp/4001', '/ip4/127.0.0.1/tcp/40001', '/ip4/127.0.0.1/tcp/40002'])
    a.proc.kill('SIGTERM')
    assert.equal(await a.exited, 0)

    await assert.rejects(run(process.execPath, [CLI, 'node', 'start', '--announce', '203.0.113.7:4001']), (err: { code: number, stderr: string }) => {
      assert.notEqual(err.code, 0)
      assert.match(err.stderr, /--announce/)
      assert.match(err.stderr, /expected a multiaddr/)
      assert.equal(err.stderr.trim().split('\n').length, 1, `one line: ${err.stderr}`)
      return true
    })
  })

  it('prints help for every node command', async () => {
    for (const args of [['node', '--help'], ['node', 'start', '--help'], ['node', 'status', '--help']]) {
      const { stdout } = await run(process.execPath, [CLI, ...args])
      assert.match(stdout, /Usage: relaymesh node/)
    }
  })
})
