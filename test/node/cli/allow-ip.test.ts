// `relaymesh node start` and the per-IP limit, as operators run it (real
// processes): without --allow-ip a node holds at most maxConnectionsPerIp
// (16) connections from one IP, loopback included; `--allow-ip 127.0.0.0/8`
// (what tests and the simulator pass) lifts it; a malformed range is refused.
import { strict as assert } from 'node:assert'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Libp2p } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import { createClientHost } from '../../../client/transport/client-host.js'
import { DEFAULT_LIMITS } from '../../../node/config.js'
import { CLI, killAll, removeDir, spawnNode, type NodeProcess } from '../../helpers/mesh.js'

const run = promisify(execFile)
/** NodeLimits.maxConnectionsPerIp's default (checked below) */
const CAP = 16
const DIALERS = CAP + 3

describe('relaymesh node start --allow-ip (CLI process)', function () {
  this.timeout(90_000)
  const procs: NodeProcess[] = []
  const hosts: Libp2p[] = []
  after(async () => {
    await Promise.all(hosts.map(async (h) => { await Promise.resolve(h.stop()).catch(() => {}) }))
    await killAll(procs)
    for (const p of procs) removeDir(p.dataDir)
  })

  /** DIALERS separate peers dial `address` one after another (under the 10/s threshold); how many still hold a connection */
  async function holding (address: string): Promise<number> {
    const mine: Libp2p[] = []
    for (let i = 0; i < DIALERS; i++) {
      const h = await createClientHost()
      mine.push(h)
      hosts.push(h)
      await h.dial(multiaddr(address), { signal: AbortSignal.timeout(5_000) }).catch(() => {})
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    // the node closes a refused socket at once: give the dialers a moment to see it
    await new Promise((resolve) => setTimeout(resolve, 500))
    return mine.filter((h) => h.getConnections().some((c) => c.status === 'open')).length
  }

  it(`holds at most ${CAP} connections from one IP without --allow-ip, all with it`, async () => {
    assert.equal(DEFAULT_LIMITS.maxConnectionsPerIp, CAP)
    // both processes start side by side; each is dialled in turn
    const [strict, lenient] = await Promise.all([spawnNode({ allowLoopback: false }), spawnNode({ extra: [] })])
    procs.push(strict, lenient)
    assert.equal(await holding(strict.address), CAP)
    assert.equal(await holding(lenient.address), DIALERS)
  })

  it('refuses a malformed range in one line', async () => {
    await assert.rejects(run(process.execPath, [CLI, 'node', 'start', '--allow-ip', '127.0.0.0/40']), (err: { code: number, stderr: string }) => {
      assert.notEqual(err.code, 0)
      assert.match(err.stderr, /--allow-ip/)
      assert.match(err.stderr, /prefix length/)
      assert.equal(err.stderr.trim().split('\n').length, 1, `one line: ${err.stderr}`)
      return true
    })
  })
})
