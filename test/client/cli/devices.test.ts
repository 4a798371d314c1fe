// Linking a device through the CLI, as separate processes: `devices link`
// waits in the background on Alice's first device while `devices join CODE`
// runs on her new one; Carol's message then reaches both devices (`recv`),
// and `recv` marks it read, which Carol's client sees as a read receipt.
import { strict as assert } from 'node:assert'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { openClient } from '../../../client/client.js'
import { readConfig } from '../../../client/config.js'
import { verifyUserRecords } from '../../../client/messaging/user-directory.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { fails, interactive, ok, PASS, type Interactive } from './run-cli.js'

describe('relaymesh devices CLI: link, join, list (processes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const running: Interactive[] = []
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-cli-devices-')
  })

  after(async () => {
    for (const r of running) r.proc.kill('SIGKILL')
    await stopAll(nodes)
    removeDir(dir)
  })

  it('devices link + devices join, then a message reaches both devices and is marked read', async () => {
    const alice1 = join(dir, 'alice1')
    const alice2 = join(dir, 'alice2')
    const carol = join(dir, 'carol')
    // separate homes: these processes run side by side
    const [[a], [c]] = await Promise.all([
      ok(['init', '--home', alice1, '--node', at(0), '--json']),
      ok(['init', '--home', carol, '--node', at(2), '--json'])
    ])
    const aliceId = a?.userId as string
    await Promise.all([
      // Carol is Alice's contact (else her message is a request); contacts come along to a linked device
      ok(['contacts', 'add', 'carol', c?.userId as string, '--home', alice1]),
      // a mistyped code fails at once, and creates no home
      fails(['devices', 'join', 'rml1notacode', '--home', alice2, '--node', at(1), '--json'], /not a pairing code/)
    ])
    assert.equal(existsSync(alice2), false)

    const link = interactive(['devices', 'link', '--home', alice1, '--node', at(0), '--json', '--wait', '40'])
    running.push(link)
    const first = await waitFor(() => link.lines[0], { what: `a pairing code (stderr: ${link.stderr()})`, timeout: 20_000 })
    const event = JSON.parse(first) as { event: string, code: string }
    assert.equal(event.event, 'pairing-code')
    assert.match(event.code, /^rml1[a-z2-7]{64}$/)

    const [joined] = await ok(['devices', 'join', event.code, '--home', alice2, '--node', at(1), '--json'])
    assert.deepEqual(joined, { userId: aliceId, deviceId: '2' })
    assert.equal(await link.exited, 0, link.stderr())
    assert.deepEqual(JSON.parse(link.lines[1] ?? '{}'), { event: 'linked', deviceId: '2' })

    // `devices join --node` saved the node into the new home's config: later commands there need no --node
    assert.deepEqual((await readConfig(alice2)).node, [at(1)])
    const listed = await ok(['devices', 'list', '--home', alice2, '--json'])
    assert.deepEqual(listed.map((d) => [d.deviceId, d.current]), [['1', false], ['2', true]])

    // Carol's node knows both of Alice's devices with their bundles
    await waitFor(async () => verifyUserRecords(aliceId, await nodes[2]!.records.userRecords(aliceId), Date.now()).devices.filter((d) => d.bundle !== undefined).length === 2, { what: 'both devices of Alice on node 3' })
    const [sent] = await ok(['send', '--to', aliceId, 'hello', 'Alice', '--home', carol, '--node', at(2), '--json'])
    await Promise.all([alice1, alice2].map(async (home) => {
      const lines = await ok(['recv', '--home', home, ...(home === alice1 ? ['--node', at(0)] : []), '--json'])
      assert.deepEqual(lines.map((l) => [l.event, l.id, l.from, l.text]), [['message', sent?.id, c?.userId, 'hello Alice']])
    }))

    // recv marked it read: Carol's client sees the read receipt
    const client = await openClient({ home: carol, passphrase: PASS, nodes: [at(2)] })
    try {
      await client.connect()
      await waitFor(async () => {
        await client.receive({ waitMs: 100 })
        return (await client.messageStatus(sent?.id as string))?.state === 'read'
      }, { what: 'the read receipt' })
    } finally {
      await client.close()
    }
  })
})
