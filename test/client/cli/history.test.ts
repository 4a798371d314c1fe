// History, conversations with unread counts, and names instead of ids, as
// separate processes on a two-node mesh: every command is a fresh process,
// so what `history` shows comes back from the sealed store after a restart.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, fails, noStackTrace, ok } from './run-cli.js'

describe('relaymesh history, conversations and names (processes, two nodes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  const homes: Record<string, string> = {}
  const ids: Record<string, string> = {}
  const as = (who: string, args: string[]): string[] => [...args, '--home', homes[who] as string, '--json']

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-cli-history-')
    for (const who of ['alice', 'bob']) {
      homes[who] = join(dir, who)
      await ok(['config', 'set', 'node', addressOf(nodes[0] as RelayNode), '--home', homes[who] as string])
      const [r] = await ok(['init', '--home', homes[who] as string, '--json'])
      ids[who] = r?.userId as string
    }
    await waitFor(async () => {
      for (const n of nodes) for (const id of Object.values(ids)) if ((await n.records.userRecords(id)).length < 2) return false
      return true
    }, { what: 'user records on every node' })
    await ok(as('bob', ['contacts', 'add', 'alice', ids.alice as string]))
    await ok(as('alice', ['contacts', 'add', 'bob', ids.bob as string]))
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  const unread = async (who: string): Promise<Array<Record<string, unknown>>> => await ok(as(who, ['conversations']))

  it('counts unread messages as they arrive, and recv brings them to 0', async () => {
    await ok(as('alice', ['send', '--to', 'bob', 'first from alice']))
    await ok(as('alice', ['send', '--to', 'bob', 'Second From Alice']))
    let list = await unread('bob')
    assert.equal(list.length, 1)
    assert.deepEqual({ ...list[0], last: undefined }, { id: ids.alice, kind: 'direct', name: 'alice', unread: 2, last: undefined })
    assert.equal((list[0]?.last as Record<string, unknown>).text, 'Second From Alice')

    await ok(as('alice', ['send', '--to', 'bob', 'third from alice']))
    list = await unread('bob')
    assert.equal(list[0]?.unread, 3, 'the count goes up with a new message')

    const got = (await ok(as('bob', ['recv']))).filter((e) => e.event === 'message')
    assert.equal(got.length, 3)
    list = await unread('bob')
    assert.equal(list[0]?.unread, 0, 'what recv printed is read')
    await ok(as('bob', ['send', '--to', 'alice', 'reply from bob']))
  })

  it('history after a restart: both ways, oldest first, --limit and --search', async () => {
    const all = await ok(as('bob', ['history', 'alice']))
    assert.deepEqual(all.map((m) => [m.from, m.text, m.outgoing]), [
      [ids.alice, 'first from alice', false],
      [ids.alice, 'Second From Alice', false],
      [ids.alice, 'third from alice', false],
      [ids.bob, 'reply from bob', true]
    ])
    const mine = all[3] as Record<string, unknown>
    assert.equal(mine.to, ids.alice)
    assert.equal(mine.state, 'stored', 'our own 1:1 message carries its delivery state')
    assert.equal((all[0] as Record<string, unknown>).to, ids.bob)
    for (const m of all) {
      assert.match(String(m.id), /^[0-9a-f]{32}$/)
      assert.equal(typeof m.sentAt, 'number')
      assert.equal(typeof m.receivedAt, 'number')
    }

    assert.deepEqual((await ok(as('bob', ['history', 'alice', '--limit', '2']))).map((m) => m.text), ['third from alice', 'reply from bob'])
    assert.deepEqual((await ok(as('bob', ['history', '--search', 'from alice']))).map((m) => m.text), ['first from alice', 'Second From Alice', 'third from alice'])
    assert.deepEqual((await ok(as('bob', ['history', ids.alice as string, '--search', 'SECOND', '--limit', '5']))).map((m) => m.text), ['Second From Alice'])
    // Alice sees the same conversation from her side
    assert.deepEqual((await ok(as('alice', ['history', 'bob', '--limit', '1']))).map((m) => [m.from, m.text, m.outgoing]), [[ids.alice, 'third from alice', true]])
    await ok(as('alice', ['recv']))
    assert.deepEqual((await ok(as('alice', ['history', 'bob', '--limit', '1']))).map((m) => [m.from, m.text, m.outgoing]), [[ids.bob, 'reply from bob', false]])
    // text mode: time, name, text, and the state of our own
    const text = await cli(['history', 'alice', '--home', homes.bob as string])
    assert.equal(text.code, 0)
    assert.match(text.stdout, /^\[\d{4}-\d\d-\d\d \d\d:\d\d\] alice: first from alice$/m)
    assert.match(text.stdout, /^\[.+\] you: reply from bob {2}\[(stored|delivered|read)\]$/m)
  })

  it('contacts rename; own id and mistyped ids are refused', async () => {
    assert.deepEqual(await ok(as('bob', ['contacts', 'rename', 'alice', 'ally'])), [{ event: 'contact-renamed', from: 'alice', alias: 'ally', userId: ids.alice }])
    assert.equal((await ok(as('bob', ['history', 'ally', '--limit', '1']))).length, 1)
    assert.equal((await unread('bob'))[0]?.name, 'ally')
    await fails(['contacts', 'rename', 'alice', 'x', '--home', homes.bob as string], /unknown contact "alice"/)

    await fails(['contacts', 'add', 'me', ids.bob as string, '--home', homes.bob as string], /that is your own user id/)
    const id = ids.alice as string
    await fails(['contacts', 'add', 'typo', id.slice(0, -1), '--home', homes.bob as string], /not a user id/)
    await fails(['contacts', 'add', 'typo', id.slice(0, 10) + '1' + id.slice(11), '--home', homes.bob as string], /not a user id/)
    // a typo that still reads as a user id: only the mesh can tell
    const swapped = id.slice(0, 10) + (id[10] === 'a' ? 'b' : 'a') + id.slice(11)
    await fails(['contacts', 'add', 'typo', swapped, '--check', '--home', homes.bob as string], /no user rm1\S+ on the mesh/)
    assert.equal((await ok(as('bob', ['contacts', 'list']))).length, 1)
  })

  it('groups by name: send, ambiguous names, notices and the list show names', async () => {
    const [g1] = await ok(as('alice', ['group', 'create', 'Friends', '--members', 'bob']))
    const groupId = g1?.groupId as string
    const notices = await cli(['recv', '--home', homes.bob as string])
    assert.equal(notices.code, 0)
    // the creation notice names Alice by Bob's alias for her, never by her id
    assert.match(notices.stdout, /^\* Friends: ally created the group "Friends"$/m)
    assert.doesNotMatch(notices.stdout, /rm1/)

    assert.equal((await ok(as('alice', ['group', 'send', 'friends', 'hello group'])))[0]?.group, groupId)
    const text = await cli(['recv', '--home', homes.bob as string])
    assert.match(text.stdout, /\] ally in Friends: hello group$/m)
    assert.deepEqual((await ok(as('bob', ['history', 'FRIENDS']))).filter((m) => m.notice !== true).map((m) => [m.group, m.text]), [[groupId, 'hello group']])

    const list = await unread('bob')
    assert.deepEqual(list.map((c) => [c.kind, c.name, c.unread]), [['group', 'Friends', 0], ['direct', 'ally', 0]], 'newest activity first')

    const [g2] = await ok(as('alice', ['group', 'create', 'friends', '--members', 'bob']))
    const r = await fails(['group', 'send', 'friends', 'which one', '--home', homes.alice as string], /ambiguous/)
    assert.ok(r.stderr.includes(groupId) && r.stderr.includes(g2?.groupId as string), `lists both ids: ${r.stderr}`)
    await fails(['group', 'info', 'enemies', '--home', homes.alice as string], /no group named "enemies"/)
    const [info] = await ok(as('alice', ['group', 'info', g2?.groupId as string]))
    assert.equal(info?.name, 'friends')
    noStackTrace(r.stderr)
  })
})
