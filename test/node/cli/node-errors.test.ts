// `relaymesh node start` and `node status` as an operator meets their failures
// (issue 11): each is ONE line `relaymesh: … (ERR_…)` that says what to do,
// never libp2p's or LevelDB's multi-line trace; `node status` counts admitted
// relays, not open connections. Real processes against real nodes.
import { strict as assert } from 'node:assert'
import { createServer, type Server } from 'node:net'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, startNode, stopAll, tempDir, TEST_NODE_ARGS } from '../../helpers/mesh.js'
import { cli, noStackTrace, type CliResult } from '../../client/cli/run-cli.js'

/** a non-zero exit and exactly one line on stderr: `relaymesh: <message> (ERR_…)` */
function oneLine (r: CliResult, message: RegExp): void {
  assert.notEqual(r.code, 0, `should fail; stdout: ${r.stdout}`)
  assert.match(r.stderr, /^relaymesh: [^\n]+ \(ERR_[A-Z_]+\)\n$/, `one line, got: ${r.stderr}`)
  assert.match(r.stderr, message)
  noStackTrace(r.stderr)
}

const start = (args: string[]): Promise<CliResult> => cli(['node', 'start', '--log-level', 'warn', ...TEST_NODE_ARGS, ...args])

describe('relaymesh node start / node status: one-line errors, relays counted right (processes)', function () {
  this.timeout(60_000)
  const dirs: string[] = []
  const nodes: RelayNode[] = []
  let server: Server | undefined
  after(async () => {
    server?.close()
    await stopAll(nodes)
    for (const d of dirs) removeDir(d)
  })
  const dir = (): string => { const d = tempDir('relaymesh-node-errors-'); dirs.push(d); return d }

  it('a port in use', async () => {
    server = createServer()
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    oneLine(await start(['--data', dir(), '--listen', `/ip4/127.0.0.1/tcp/${port}`]),
      new RegExp(`port ${port} is in use: another node\\? pick another with --listen /ip4/127\\.0\\.0\\.1/tcp/PORT`))
  })

  it('the --data of a running node', async () => {
    const data = dir()
    nodes.push(await startNode({ dataDir: data }))
    oneLine(await start(['--data', data, '--listen', '/ip4/127.0.0.1/tcp/0']), /--data .* is in use by another running node/)
  })

  it('a --listen that is not a multiaddr, a --bootstrap without /p2p/', async () => {
    oneLine(await start(['--data', dir(), '--listen', '127.0.0.1:4009']), /--listen expects a multiaddr like \/ip4\/127\.0\.0\.1\/tcp\/4009, got 127\.0\.0\.1:4009/)
    oneLine(await start(['--data', dir(), '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', '/ip4/127.0.0.1/tcp/4009']), /--bootstrap needs \/p2p\/<peer id>/)
    oneLine(await start(['--data', dir(), '--listen', '/ip4/127.0.0.1/tcp/0', '--bootstrap', 'localhost:4009']), /--bootstrap expects a multiaddr/)
  })

  it('node status: a wrong peer id in the address, an address that is no multiaddr', async () => {
    const [a] = nodes
    assert.ok(a !== undefined)
    const other = await startNode()
    nodes.push(other)
    const wrong = addressOf(a).replace(/\/p2p\/.*$/, `/p2p/${other.peerId.toString()}`)
    oneLine(await cli(['node', 'status', wrong]), new RegExp(`the node at ${wrong} has peer id ${a.peerId.toString()}, not ${other.peerId.toString()}`))
    oneLine(await cli(['node', 'status', '127.0.0.1:4009']), /not a multiaddr: 127\.0\.0\.1:4009/)
  })

  it('node status counts admitted relays apart from connections', async () => {
    const status = async (node: RelayNode): Promise<Record<string, unknown>> => {
      const r = await cli(['node', 'status', addressOf(node), '--json'])
      assert.equal(r.code, 0, r.stderr)
      return JSON.parse(r.stdout) as Record<string, unknown>
    }
    // a lone node: the status call's own connection is no relay
    const alone = await status(nodes[0] as RelayNode)
    assert.equal(alone.relays, 0)
    assert.equal(alone.nodeRecords, 0)
    assert.ok((alone.connections as number) >= 1)

    const mesh = await startMesh(2)
    nodes.push(...mesh)
    const s = await status(mesh[0] as RelayNode)
    assert.equal(s.relays, 1)
    assert.equal(s.nodeRecords, 1)
    assert.ok((s.connections as number) >= 2, `the other relay and this status call: ${JSON.stringify(s)}`)
    // root --json before the command works too; text names both counts
    const text = await cli(['node', 'status', addressOf(mesh[0] as RelayNode)])
    assert.match(text.stdout, /^relays \(admitted, live; self excluded\): 1$/m)
    assert.match(text.stdout, /^open connections .*: \d+$/m)
    const rootJson = await cli(['--json', 'node', 'status', addressOf(mesh[0] as RelayNode)])
    assert.equal((JSON.parse(rootJson.stdout) as { relays: number }).relays, 1)
  })
})
