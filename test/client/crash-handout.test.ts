// A client process killed (SIGKILL) the instant its application was handed a
// message must not hand that message out again when it restarts: the
// message is marked handed out before the application sees it, and it stays
// in the history.
import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import type { RelayNode } from '../../node/relay-node.js'
import { initIdentity, openClient, type Client } from '../../client/client.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'correct horse battery staple'
const CRASHER = resolve(import.meta.dirname, '../helpers/receive-then-crash.js')

describe('client: a crash right after the application got a message', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []

  before(async () => { nodes = await startMesh(3) })
  after(async () => {
    for (const c of open) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('does not hand the message out again after the restart, and keeps it in the history', async () => {
    dir = tempDir('relaymesh-crash-')
    const homes = { alice: join(dir, 'alice'), bob: join(dir, 'bob') }
    const aliceId = (await initIdentity(homes.alice, PASS)).userId
    const bobId = (await initIdentity(homes.bob, PASS)).userId
    // Bob attaches once so his bundle and device list are known, then closes
    const bob0 = await openClient({ home: homes.bob, passphrase: PASS, nodes: [addressOf(nodes[1]!)] })
    await bob0.connect()
    await bob0.close()
    const alice = await openClient({ home: homes.alice, passphrase: PASS, nodes: [addressOf(nodes[0]!)] })
    open.push(alice)
    await alice.connect()
    await waitFor(async () => (await nodes[0]!.records.userRecords(bobId)).length >= 2, { what: 'Bob known to node 0' })
    await alice.send(bobId, 'seen once')

    // Bob's client in its own process, killed as soon as its application has the message
    const child = spawn(process.execPath, [CRASHER, homes.bob, PASS, addressOf(nodes[1]!)], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (c, s) => { resolve([c, s]) }))
    assert.equal(signal, 'SIGKILL', `the client process was killed in the callback (exit ${code}, output ${out})`)
    assert.match(out, /got seen once/)

    const bob = await openClient({ home: homes.bob, passphrase: PASS, nodes: [addressOf(nodes[2]!)] })
    open.push(bob)
    await bob.connect()
    const again: string[] = []
    await bob.receive({ waitMs: 3000, onMessage: (m) => { if (m.system !== true) again.push(m.text) } })
    assert.deepEqual(again, [], 'handed out a second time after the crash')
    assert.deepEqual((await bob.history(aliceId)).map((m) => m.text), ['seen once'])
    // and the conversation goes on both ways
    await bob.send(aliceId, 'still here')
    const got: string[] = []
    await waitFor(async () => { await alice.receive({ onMessage: (m) => { if (m.system !== true) got.push(m.text) } }); return got.includes('still here') }, { what: "Bob's reply" })
  })
})
