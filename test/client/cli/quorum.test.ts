// `relaymesh send` on a two-node mesh (k = 3, quorum 2), as real processes:
// it says on how many relays the message is stored, and when one node has
// stopped it waits in the outbox (exit 75, "queued") with the reason ("1 relay
// reachable, 2 needed") on stderr, no stack trace, while what was stored before is read
// from the remaining node (the README's two-node walkthrough).
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, noStackTrace, ok } from './run-cli.js'

describe('relaymesh send: honest quorum (processes, two nodes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  let alice: string
  let bob: string
  let bobId: string

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-cli-quorum-')
    alice = join(dir, 'alice')
    bob = join(dir, 'bob')
    await ok(['init', '--home', alice, '--node', addressOf(nodes[0]!)])
    bobId = (await ok(['init', '--home', bob, '--node', addressOf(nodes[1]!), '--json']))[0]?.userId as string
    await waitFor(async () => (await nodes[0]?.records.userRecords(bobId) ?? []).length >= 2, { what: 'bob on node 0' })
    // Alice is Bob's contact: her messages are not held as requests (client/requests)
    await ok(['contacts', 'add', 'alice', (await ok(['id', '--home', alice, '--json']))[0]?.userId as string, '--home', bob])
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  it('says on how many relays the message is stored (text and --json)', async () => {
    const [stored] = await ok(['send', '--to', bobId, 'stored twice', '--home', alice, '--node', addressOf(nodes[0]!), '--json'])
    assert.equal(stored?.event, 'stored')
    assert.equal(stored?.replicas, 2, 'both relays of the two-node mesh hold it')
    const text = await cli(['send', '--to', bobId, 'in words', '--home', alice, '--node', addressOf(nodes[0]!)])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /^stored on 2 relays for rm1\S+ \(message [0-9a-f]+\)\n$/)
  })

  it('with one of the two nodes stopped, it waits in the outbox (exit 75) saying "1 relay reachable, 2 needed"', async () => {
    await nodes[1]!.stop()
    const text = await cli(['send', '--to', bobId, 'only one node left', '--home', alice, '--node', addressOf(nodes[0]!), '--timeout', '2'])
    assert.equal(text.code, 75, text.stderr)
    assert.match(text.stderr, /^relaymesh: not stored yet: .*1 relay reachable, 2 needed.*\n$/)
    assert.match(text.stdout, /^queued for rm1\S+: .*\(message [0-9a-f]{32}\)\n$/)
    const json = await cli(['send', '--to', bobId, 'still one node', '--home', alice, '--node', addressOf(nodes[0]!), '--json', '--timeout', '2'])
    assert.equal(json.code, 75, json.stderr)
    assert.deepEqual(json.json.map((e) => [e.event, e.to]), [['queued', bobId]])
    noStackTrace(text.stderr + json.stderr)
    // what was stored before is on the remaining node too: Bob reads it there (his home names node 1)
    const got = await ok(['recv', '--home', bob, '--node', addressOf(nodes[0]!), '--json'])
    assert.deepEqual(got.filter((e) => e.event === 'message').map((e) => e.text), ['stored twice', 'in words'])
  })
})
