// History, conversations with unread counts, and names instead of ids, as
// separate processes on a two-node mesh: every command is a fresh process,
// so what `history` shows comes back from the sealed store after a restart.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, fails, interactive, ok } from './run-cli.js'

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
    // separate homes: side by side
    await Promise.all(['alice', 'bob'].map(async (who) => {
      homes[who] = join(dir, who)
      await ok(['config', 'set', 'node', addressOf(nodes[0] as RelayNode), '--home', homes[who] as string])
      const [r] = await ok(['init', '--home', homes[who] as string, '--json'])
      ids[who] = r?.userId as string
    }))
    await waitFor(async () => {
      for (const n of nodes) for (const id of Object.values(ids)) if ((await n.records.userRecords(id)).length < 2) return false
      return true
    }, { what: 'user records on every node' })
    await ok(as('bob', ['contacts', 'add', 'alice', ids.alice as string]))
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  const unread = async (who: string): Promise<Array<Record<string, unknown>>> => await ok(as(who, ['conversations']))

  it('unread counts, then history after a restart: both ways, oldest first, --limit and --search', async () => {
    await ok(as('alice', ['send', '--to', ids.bob as string, 'first from alice']))
    await ok(as('alice', ['send', '--to', ids.bob as string, 'Second From Alice']))
    // conversations fetches the mailbox: the two count as unread until recv shows them
    let list = await unread('bob')
    assert.deepEqual(list.map((c) => ({ ...c, last: (c.last as Record<string, unknown>).text })), [{ id: ids.alice, kind: 'direct', name: 'alice', unread: 2, last: 'Second From Alice' }])
    assert.equal((await ok(as('bob', ['recv']))).filter((e) => e.event === 'message').length, 2)
    list = await unread('bob')
    assert.equal(list[0]?.unread, 0, 'what recv printed is read')
    await ok(as('bob', ['send', '--to', 'alice', 'reply from bob']))

    // chat: /open shows the last messages (and marks them seen), /history N, /search, /list (conversations), /contacts
    const chat = interactive(['chat', '--home', homes.bob as string, '--json'])
    for (const line of ['/open alice', '/history 1', '/search second', '/list', '/contacts']) chat.type(line)
    chat.proc.stdin?.end()
    assert.equal(await chat.exited, 0, chat.stderr())
    const lines = chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.deepEqual(lines.map((l) => l.event ?? l.text ?? l.name ?? l.alias), [
      'open', 'first from alice', 'Second From Alice', 'reply from bob', // /open: the last 20
      'reply from bob', // /history 1
      'Second From Alice', // /search second
      'alice', // /list
      'alice' // /contacts
    ])
    assert.equal(lines[6]?.unread, 0)
    assert.equal(lines[7]?.userId, ids.alice)

    // every command is a new process: history comes back from the sealed store
    const all = await ok(as('bob', ['history', 'alice']))
    assert.deepEqual(all.map((m) => [m.from, m.to, m.text, m.outgoing]), [
      [ids.alice, ids.bob, 'first from alice', false],
      [ids.alice, ids.bob, 'Second From Alice', false],
      [ids.bob, ids.alice, 'reply from bob', true]
    ])
    assert.equal(all[2]?.state, 'stored', 'our own 1:1 message carries its delivery state')
    for (const m of all) {
      assert.match(String(m.id), /^[0-9a-f]{32}$/)
      assert.equal(typeof m.sentAt, 'number')
      assert.equal(typeof m.receivedAt, 'number')
    }
    assert.deepEqual((await ok(as('bob', ['history', '--search', 'FROM', '--limit', '2']))).map((m) => m.text), ['Second From Alice', 'reply from bob'])
    // text mode: time, name, text, and the state of our own
    const text = await cli(['history', 'alice', '--home', homes.bob as string])
    assert.equal(text.code, 0)
    assert.match(text.stdout, /^\[\d{4}-\d\d-\d\d \d\d:\d\d\] alice: first from alice$/m)
    assert.match(text.stdout, /^\[.+\] you: reply from bob {2}\[(stored|delivered|read)\]$/m)
  })

  it('contacts rename; our own id and a mistyped id are refused', async () => {
    assert.deepEqual(await ok(as('bob', ['contacts', 'rename', 'alice', 'ally'])), [{ event: 'contact-renamed', from: 'alice', alias: 'ally', userId: ids.alice }])
    await fails(['contacts', 'add', 'me', ids.bob as string, '--home', homes.bob as string], /that is your own user id/)
    // a typo that still reads as a user id: only the mesh can tell
    const id = ids.alice as string
    const typo = id.slice(0, 10) + (id[10] === 'a' ? 'b' : 'a') + id.slice(11)
    await fails(['contacts', 'add', 'typo', typo, '--check', '--home', homes.bob as string], /no user rm1\S+ on the mesh: check the id for a typo/)
  })

  it('groups by name: send by name, an ambiguous name is an error, notices and messages show names', async () => {
    const [g1] = await ok(as('alice', ['group', 'create', 'Friends', '--members', ids.bob as string]))
    const groupId = g1?.groupId as string
    assert.equal((await ok(as('alice', ['group', 'send', 'friends', 'hello group'])))[0]?.group, groupId)
    // Bob learns of the group and reads its message in one drain: names, never ids
    const shown = await cli(['recv', '--home', homes.bob as string])
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, /^\* Friends: ally created the group "Friends"$/m)
    assert.match(shown.stdout, /\] ally in Friends: hello group$/m)
    assert.doesNotMatch(shown.stdout, /rm1|[0-9a-f]{32}/)

    const [g2] = await ok(as('alice', ['group', 'create', 'friends', '--members', ids.bob as string]))
    const r = await fails(['group', 'send', 'FRIENDS', 'which one', '--home', homes.alice as string], /"FRIENDS" is ambiguous/)
    assert.ok(r.stderr.includes(groupId) && r.stderr.includes(g2?.groupId as string), `lists both ids: ${r.stderr}`)
  })
})
