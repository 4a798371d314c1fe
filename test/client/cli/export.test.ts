// Signed transcript export through the CLI, as separate processes: Alice and
// Bob write to each other, Alice exports the conversation (`export bob --out
// FILE`), `verify FILE` names her as the signer; one changed character makes
// `verify` exit 1 with a clear error.
import { strict as assert } from 'node:assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { initIdentity, openClient } from '../../../client/client.js'
import { waitFor } from '../../helpers/wait.js'
import { fails, ok, PASS } from './run-cli.js'

describe('relaymesh export / verify CLI: a signed transcript (processes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-cli-export-')
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  it('export writes a transcript signed by the exporter; verify checks it and rejects a tampered copy', async () => {
    // the conversation is set up through the library (quicker); export and verify run as processes
    const alice = join(dir, 'alice')
    const bob = join(dir, 'bob')
    const aliceId = (await initIdentity(alice, PASS)).userId
    const bobId = (await initIdentity(bob, PASS)).userId
    const ca = await openClient({ home: alice, passphrase: PASS, nodes: [at(0)] })
    const cb = await openClient({ home: bob, passphrase: PASS, nodes: [at(0)] })
    let s1: { id: string }
    let s2: { id: string }
    try {
      await ca.connect()
      await cb.connect()
      await ca.addContact('bob', bobId)
      await cb.addContact('alice', aliceId)
      s1 = await ca.send(bobId, 'the meeting is at noon')
      await waitFor(async () => (await cb.receive({ waitMs: 200 })).length > 0 || (await cb.history(aliceId)).length > 0, { what: 'Bob got it' })
      s2 = await cb.send(aliceId, 'see you then')
      await waitFor(async () => (await ca.receive({ waitMs: 200 })).length > 0 || (await ca.history(bobId)).length > 1, { what: 'Alice got it' })
    } finally {
      await ca.close()
      await cb.close()
    }

    const file = join(dir, 'alice-bob.json')
    const [exported] = await ok(['export', 'bob', '--out', file, '--home', alice, '--json'])
    assert.deepEqual({ ...exported, exportedAt: 0 }, { event: 'exported', path: file, exporter: aliceId, peer: bobId, messages: 2, exportedAt: 0 })
    const t = JSON.parse(readFileSync(file, 'utf8')) as { messages: Array<{ id: string, from: string, to: string, text: string }> }
    assert.deepEqual(t.messages.map((m) => [m.id, m.from, m.to, m.text]), [[s1.id, aliceId, bobId, 'the meeting is at noon'], [s2.id, bobId, aliceId, 'see you then']])
    // an existing file is never replaced
    await fails(['export', 'bob', '--out', file, '--home', alice], /exists/)

    const [verified] = await ok(['verify', file, '--json'])
    assert.equal(verified?.event, 'verified')
    assert.equal(verified?.exporter, aliceId)
    assert.equal(verified?.peer, bobId)
    assert.equal(verified?.messages, 2)
    const text = await ok(['verify', file])
    assert.deepEqual(text, []) // text mode: not JSON lines

    // one character changed: noon -> moon
    const tampered = join(dir, 'tampered.json')
    writeFileSync(tampered, readFileSync(file, 'utf8').replace('at noon', 'at moon'))
    await fails(['verify', tampered], /NOT VERIFIED.*signature does not match.*\(ERR_BAD_SIGNATURE\)/)
  })
})
