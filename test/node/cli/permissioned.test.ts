// A permissioned mesh as an operator builds it, with real `relaymesh`
// processes: `mesh keygen`, `node id`, `mesh admit`, then `node start
// --mesh-public-key --admission`. Nodes of the mesh admit a certified node
// and refuse an uncertified one (and one certified by another mesh key).
import { strict as assert } from 'node:assert'
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parseMeshPublicKey } from '../../../node/relays/admission-certificate.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { CLI, killAll, removeDir, spawnNode, startNode, stopAll, tempDir, type NodeProcess } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'

const execFileP = promisify(execFile)

async function cli (...args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [CLI, ...args])
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number, stdout?: string, stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

async function json<T> (...args: string[]): Promise<T> {
  const r = await cli(...args, '--json')
  assert.equal(r.code, 0, r.stderr)
  return JSON.parse(r.stdout) as T
}

describe('permissioned mesh (relaymesh mesh keygen / admit, node start --mesh-public-key)', function () {
  this.timeout(90_000)
  const procs: NodeProcess[] = []
  const dirs: string[] = []
  let observer: RelayNode | undefined
  after(async () => {
    await stopAll([observer])
    await killAll(procs)
    for (const d of dirs) removeDir(d)
  })

  it('admits certified nodes and refuses an uncertified one', async () => {
    const work = tempDir()
    dirs.push(work)
    const keyFile = join(work, 'mesh.key')
    const { publicKey } = await json<{ publicKey: string }>('mesh', 'keygen', '--out', keyFile)
    assert.equal(statSync(keyFile).mode & 0o777, 0o600)
    assert.equal(parseMeshPublicKey(publicKey).byteLength, 32)

    const certified = async (name: string): Promise<{ dataDir: string, peerId: string, cert: string }> => {
      const dataDir = tempDir()
      dirs.push(dataDir)
      const { peerId } = await json<{ peerId: string }>('node', 'id', '--data', dataDir)
      const cert = join(work, `${name}.cert`)
      const admitted = await json<{ peerId: string, meshPublicKey: string, notAfter: number }>('mesh', 'admit', peerId, '--mesh-key', keyFile, '--days', '2', '--out', cert)
      assert.equal(admitted.peerId, peerId)
      assert.equal(admitted.meshPublicKey, publicKey)
      assert.ok(admitted.notAfter > Date.now() + 86_400_000)
      return { dataDir, peerId, cert }
    }
    const mesh = (cert: string): string[] => ['--mesh-public-key', publicKey, '--admission', cert]

    // three certificates (two CLI processes each), made side by side
    const [a, b, d] = await Promise.all([certified('a'), certified('b'), certified('d')]) as [Awaited<ReturnType<typeof certified>>, Awaited<ReturnType<typeof certified>>, Awaited<ReturnType<typeof certified>>]
    const pa = await spawnNode({ dataDir: a.dataDir, extra: mesh(a.cert) })
    procs.push(pa)
    assert.equal(pa.peerId, a.peerId)
    // a second member and an open-mesh node (no certificate) that dials into the mesh, started side by side
    const [pb, pc] = await Promise.all([spawnNode({ dataDir: b.dataDir, bootstrap: [pa.address], extra: mesh(b.cert) }), spawnNode({ bootstrap: [pa.address] })])
    procs.push(pb, pc)
    dirs.push(pc.dataDir)

    // an in-process member of the mesh watches whom it admits (certificate made by the CLI as well)
    const { readFile } = await import('node:fs/promises')
    observer = await startNode({
      dataDir: d.dataDir,
      bootstrap: [pa.address, pc.address],
      mesh: { publicKey: parseMeshPublicKey(publicKey), certificate: new Uint8Array(Buffer.from((await readFile(d.cert, 'utf8')).trim(), 'base64url')) }
    })
    const o = observer
    const lists = (id: string): boolean => o.relays.peers().some((p) => p.toString() === id)
    await waitFor(() => lists(pa.peerId) && lists(pb.peerId), { what: 'the observer to admit both certified nodes', timeout: 30_000 })
    // it met the uncertified node (its bootstrap) and refused its record
    await waitFor(async () => (await o.metrics.gossipRejected.get()).values.some((v) => v.labels.reason === 'unauthorized' && v.value > 0),
      { what: 'the uncertified record refused', timeout: 30_000 })
    assert.ok(!lists(pc.peerId))
    assert.equal(o.relays.isAdmitted((await import('@libp2p/peer-id')).peerIdFromString(pc.peerId)), false)
    assert.ok(!o.relays.nodeRecords().some((r) => r.id === pc.peerId))
  })

  it('refuses to start with a certificate of another mesh key, or half the options; clear one-line errors', async () => {
    const work = tempDir()
    dirs.push(work)
    const dataDir = tempDir()
    dirs.push(dataDir)
    // independent processes run side by side
    const [{ publicKey }, , { peerId }] = await Promise.all([
      json<{ publicKey: string }>('mesh', 'keygen', '--out', join(work, 'one.key')),
      json('mesh', 'keygen', '--out', join(work, 'other.key')),
      json<{ peerId: string }>('node', 'id', '--data', dataDir)
    ])
    const cert = join(work, 'x.cert')
    await json('mesh', 'admit', peerId, '--mesh-key', join(work, 'other.key'), '--out', cert)

    const start = (...extra: string[]): Promise<{ code: number, stdout: string, stderr: string }> =>
      cli('node', 'start', '--data', dataDir, '--listen', '/ip4/127.0.0.1/tcp/0', '--log-level', 'warn', '--id-difficulty', '0', ...extra)
    // every refusal below happens before the node opens its data directory: the processes run side by side
    const helps = [['mesh', 'keygen'], ['mesh', 'admit'], ['node', 'id'], ['node', 'start']]
    const [wrongKey, half, badKey, exists, badPeer, ...helped] = await Promise.all([
      start('--mesh-public-key', publicKey, '--admission', cert),
      start('--mesh-public-key', publicKey),
      start('--mesh-public-key', 'nope', '--admission', cert),
      cli('mesh', 'keygen', '--out', join(work, 'one.key')),
      cli('mesh', 'admit', 'not-a-peer', '--mesh-key', join(work, 'one.key')),
      ...helps.map(async (cmd) => await cli(...cmd, '--help'))
    ])
    assert.equal(wrongKey?.code, 1)
    assert.match(wrongKey?.stderr ?? '', /^relaymesh: .*signed by another mesh key.*\(ERR_UNAUTHORIZED\)\n$/)
    assert.equal(half?.code, 1)
    assert.match(half?.stderr ?? '', /^relaymesh: a permissioned node needs both --mesh-public-key and --admission\n$/)
    assert.equal(badKey?.code, 1)
    assert.match(badKey?.stderr ?? '', /^relaymesh: a mesh public key is 32 bytes/)

    assert.equal(exists?.code, 1)
    assert.match(exists?.stderr ?? '', /exists; pass --force/)
    assert.equal(badPeer?.code, 1)
    assert.match(badPeer?.stderr ?? '', /^relaymesh: "not-a-peer" is not a peer id/)
    assert.equal(helped.length, helps.length)
    for (const help of helped) {
      assert.equal(help.code, 0)
      assert.match(help.stdout, /^Usage: relaymesh /)
    }
  })
})
