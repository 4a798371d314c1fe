// `npm start` then `npm run web` (or any chat command) on the same machine
// needs no address copied by hand: a running node writes its addresses to
// <data>/node.addresses.json, and commands given no --node and no configured
// node use the node running from ./.relaymesh/node. Real processes.
import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { CLI, killAll, removeDir, spawnNode, tempDir, type NodeProcess } from '../../helpers/mesh.js'
import { cliEnv } from '../../client/cli/run-cli.js'

/** the first stdout line of a CLI process run in `cwd`, then the process is stopped */
async function firstLine (args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  const proc = spawn(process.execPath, [CLI, ...args], { cwd, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`no output: ${stderr}`)) }, 20_000)
      createInterface({ input: proc.stdout }).once('line', (line) => { clearTimeout(timer); resolve(line) })
      proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`exited ${String(code)}: ${stderr}`)) })
    })
  } finally {
    proc.kill('SIGTERM')
  }
}

async function runIn (args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const proc = spawn(process.execPath, [CLI, ...args], { cwd, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve))
  return { code, stdout, stderr }
}

describe('the node running from ./.relaymesh/node is the default for commands on the same machine', function () {
  this.timeout(60_000)
  const procs: NodeProcess[] = []
  const dirs: string[] = []
  after(async () => {
    await killAll(procs)
    for (const d of dirs) removeDir(d)
  })

  it('node start writes its addresses (0600) and removes them when it stops; `web` and `recv` use them', async () => {
    const cwd = tempDir()
    dirs.push(cwd)
    const dataDir = join(cwd, '.relaymesh', 'node')
    const node = await spawnNode({ dataDir, extra: ['--quorum', '1'] })
    procs.push(node)
    const file = join(dataDir, 'node.addresses.json')
    assert.equal(statSync(file).mode & 0o777, 0o600)
    const written = JSON.parse(readFileSync(file, 'utf8')) as { pid: number, peerId: string, multiaddrs: string[] }
    assert.equal(written.peerId, node.peerId)
    assert.deepEqual(written.multiaddrs, node.ready.multiaddrs)

    // `relaymesh web` with no --node and no configured node: the page gets this node's /ws address
    const listening = JSON.parse(await firstLine(['web', '--listen', '127.0.0.1:0', '--json', '--home', join(cwd, 'home')], cwd)) as { nodes: string[] }
    assert.equal(listening.nodes[0], node.wsAddress)

    // a chat command attaches to it over TCP (without a node it fails: none configured)
    const home = join(cwd, 'home')
    const env = { RELAYMESH_PASSPHRASE: 'local node test' }
    assert.equal((await runIn(['init', '--home', home], cwd, env)).code, 0)
    const recv = await runIn(['recv', '--home', home], cwd, env)
    assert.equal(recv.code, 0, recv.stderr)
    assert.match(recv.stderr, /no new messages/)

    node.proc.kill('SIGTERM')
    assert.equal(await node.exited, 0)
    assert.equal(existsSync(file), false, 'the file goes when the node stops')
  })

  it('a file left by a node that is gone (a crash) is ignored: web says there is no node', async () => {
    const cwd = tempDir()
    dirs.push(cwd)
    const dataDir = join(cwd, '.relaymesh', 'node')
    mkdirSync(dataDir, { recursive: true })
    // a pid that cannot be a live process of ours: far above pid_max's default
    writeFileSync(join(dataDir, 'node.addresses.json'), JSON.stringify({ pid: 2 ** 30, peerId: 'x', multiaddrs: ['/ip4/127.0.0.1/tcp/1/ws/p2p/x'] }))
    const listening = JSON.parse(await firstLine(['web', '--listen', '127.0.0.1:0', '--json', '--home', join(cwd, 'home')], cwd)) as { nodes: string[] }
    assert.deepEqual(listening.nodes, [])
  })
})
