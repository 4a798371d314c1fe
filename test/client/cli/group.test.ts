// `relaymesh group …` as separate processes on a three-node mesh: create a
// group of three, everyone reads a group message, a removed member reads
// nothing sent after its removal.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { ok } from './run-cli.js'

describe('relaymesh group CLI (processes, three nodes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  const homes: Record<string, string> = {}
  const ids: Record<string, string> = {}

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-cli-group-')
    // separate homes: the inits run side by side
    await Promise.all(['alice', 'bob', 'carol'].map(async (who, i) => {
      homes[who] = join(dir, who)
      const [r] = await ok(['init', '--home', homes[who] as string, '--node', addressOf(nodes[i] as RelayNode), '--json'])
      ids[who] = r?.userId as string
    }))
    // every node knows every user before the group is made
    await waitFor(async () => {
      for (const n of nodes) for (const id of Object.values(ids)) if ((await n.records.userRecords(id)).length < 2) return false
      return true
    }, { what: 'user records on every node' })
    // Alice is Bob's and Carol's contact: her invitation is not held as a request (client/requests)
    await Promise.all(['bob', 'carol'].map(async (who) => await ok(['contacts', 'add', 'alice', ids.alice as string, '--home', homes[who] as string])))
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  const texts = async (who: string): Promise<Array<Record<string, unknown>>> =>
    (await ok(['recv', '--home', homes[who] as string, '--node', addressOf(nodes[['alice', 'bob', 'carol'].indexOf(who)] as RelayNode), '--json'])).filter((e) => e.event === 'message')

  it('creates a group, delivers to every member, and shuts a removed member out', async () => {
    const [created] = await ok(['group', 'create', 'friends', '--members', `${ids.bob},${ids.carol}`, '--home', homes.alice as string, '--node', addressOf(nodes[0]!), '--json'])
    const groupId = created?.groupId as string
    assert.match(groupId, /^[0-9a-f]{32}$/)

    // the members learn of the group (and get Alice's sender key) from their mailboxes
    for (const who of ['bob', 'carol']) await texts(who)
    const [list] = await ok(['group', 'list', '--home', homes.bob as string, '--json'])
    assert.equal(list?.groupId, groupId)
    assert.equal((list?.members as string[]).length, 3)

    const [stored] = await ok(['group', 'send', groupId, 'hello', 'all', '--home', homes.alice as string, '--node', addressOf(nodes[0]!), '--json'])
    assert.equal(stored?.event, 'stored')
    for (const who of ['bob', 'carol']) {
      const got = await waitFor(async () => (await texts(who)).find((m) => m.text === 'hello all'), { timeout: 30_000, what: `${who} reads the group message` })
      assert.equal(got.group, groupId)
      assert.equal(got.from, ids.alice)
    }

    await ok(['group', 'remove', groupId, ids.carol as string, '--home', homes.alice as string, '--node', addressOf(nodes[0]!), '--json'])
    await texts('bob') // Bob applies the removal and rotates
    await ok(['group', 'send', groupId, 'after carol left', '--home', homes.alice as string, '--node', addressOf(nodes[0]!), '--json'])
    const bobGot = await waitFor(async () => (await texts('bob')).find((m) => m.text === 'after carol left'), { timeout: 30_000, what: 'Bob reads the message after the removal' })
    assert.equal(bobGot.group, groupId)
    // Carol drains her mailbox: nothing sent after her removal reaches her
    const carolGot = await texts('carol')
    assert.equal(carolGot.find((m) => m.text === 'after carol left'), undefined)
  })
})
