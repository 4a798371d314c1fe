// client/history as library calls over a two-node in-process mesh: history
// both ways with limit and search (the limited read is the newest N, oldest
// first), unread counts that rise on arrival and drop when shown or marked
// seen, the conversation list order and names, groups named by name
// (ambiguous and unknown names are errors), contacts renamed, our own id
// refused as a contact.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client } from '../../client/client.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { receiveN } from '../helpers/receive.js'

const PASS = 'pass phrase'


describe('history, conversations, unread marks and names (library, two nodes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []
  const ids: Record<string, string> = {}
  let alice: Client
  let bob: Client

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-history-')
    for (const who of ['alice', 'bob']) ids[who] = (await initIdentity(join(dir, who), PASS)).userId
    for (const [i, who] of ['alice', 'bob'].entries()) {
      const c = await openClient({ home: join(dir, who), passphrase: PASS, nodes: [addressOf(nodes[i]!)] })
      open.push(c)
      await c.connect()
    }
    ;[alice, bob] = open as [Client, Client]
    for (const node of nodes) {
      for (const id of Object.values(ids)) await waitFor(async () => (await node.records.userRecords(id)).length >= 2, { what: `${id} known` })
    }
    await bob.addContact('alice', ids.alice!)
  })

  after(async () => {
    for (const c of [...open]) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('history both ways with limit and search; unread rises on arrival and drops when shown', async () => {
    for (const text of ['one apple', 'two Apples', 'three pears']) await alice.send(ids.bob!, text)
    await bob.sync() // stored here, not yet shown
    let [c] = await bob.conversations()
    assert.equal(c?.unread, 3)
    assert.equal(c?.name, 'alice')
    assert.equal(c?.last?.text, 'three pears')

    const shown = await receiveN(bob, 3)
    await bob.markShown(shown.slice(0, 2)) // the application showed two of them
    ;[c] = await bob.conversations()
    assert.equal(c?.unread, 1)
    await alice.send(ids.bob!, 'four apples')
    await bob.sync()
    assert.equal((await bob.conversations())[0]?.unread, 2, 'a new message counts')
    await receiveN(bob, 1)
    await bob.markSeen(ids.alice)
    assert.equal((await bob.conversations())[0]?.unread, 0)

    const { id: reply } = await bob.send(ids.alice!, 'an apple a day')
    const all = await bob.history(ids.alice)
    assert.deepEqual(all.map((m) => [m.text, m.outgoing]), [['one apple', false], ['two Apples', false], ['three pears', false], ['four apples', false], ['an apple a day', true]])
    assert.equal(all[4]?.id, reply)
    assert.equal(all[4]?.state, 'stored')
    assert.equal(all[0]?.state, undefined, 'no state on received messages')
    assert.ok(all.every((m) => m.receivedAt >= m.sentAt - 60_000 && m.conversation === ids.alice))
    assert.deepEqual((await bob.history(ids.alice, { limit: 2 })).map((m) => m.text), ['four apples', 'an apple a day'])
    assert.deepEqual((await bob.history(undefined, { search: 'APPLE' })).map((m) => m.text), ['one apple', 'two Apples', 'four apples', 'an apple a day'])
    assert.deepEqual((await bob.history(ids.alice, { search: 'apple', limit: 2 })).map((m) => m.text), ['four apples', 'an apple a day'])
    assert.deepEqual(await bob.history(ids.alice, { search: 'banana' }), [])
    // the old call shape still works, and alice's side holds both ways too
    assert.deepEqual((await alice.history()).map((m) => m.text).slice(0, 4), ['one apple', 'two Apples', 'three pears', 'four apples'])
    await assert.rejects(bob.history(ids.alice, { limit: 0 }), (e: unknown) => RelaymeshError.is(e, ErrorCode.Invalid))
    await assert.rejects(bob.history('bob'), (e: unknown) => RelaymeshError.is(e, ErrorCode.Invalid))
  })

  it('groups by name, conversation order, renamed contacts, our own id refused', async () => {
    const { groupId: g1 } = await alice.createGroup('Book club', [ids.bob!])
    await receiveN(bob, 1) // the creation notice
    assert.equal(await bob.resolveGroup('book CLUB'), g1)
    assert.equal(await bob.resolveGroup(g1), g1)
    assert.deepEqual(await bob.resolveConversation('Book club'), { id: g1, kind: 'group' })
    assert.deepEqual(await bob.resolveConversation('alice'), { id: ids.alice, kind: 'direct' })
    await alice.sendGroup(await alice.resolveGroup('book club'), 'chapter one')
    const [got] = await receiveN(bob, 1)
    assert.equal(got?.group, g1)

    let list = await bob.conversations()
    assert.deepEqual(list.map((c) => [c.kind, c.name, c.unread]), [['group', 'Book club', 1], ['direct', 'alice', 0]], 'newest activity first')
    await bob.markShown([got!])
    assert.equal((await bob.conversations())[0]?.unread, 0)

    const { groupId: g2 } = await alice.createGroup('book club', [ids.bob!])
    await assert.rejects(alice.resolveGroup('Book Club'), (e: unknown) => RelaymeshError.is(e, ErrorCode.Invalid) && e.message.includes(g1) && e.message.includes(g2))
    await assert.rejects(alice.resolveGroup('chess'), (e: unknown) => RelaymeshError.is(e, ErrorCode.NotFound))

    await bob.renameContact('alice', 'ally')
    list = await bob.conversations()
    assert.ok(list.some((c) => c.id === ids.alice && c.name === 'ally'))
    assert.equal(await bob.resolveUser('ally'), ids.alice)
    await assert.rejects(bob.resolveUser('alice'), (e: unknown) => RelaymeshError.is(e, ErrorCode.NotFound))
    await assert.rejects(bob.renameContact('nobody', 'x'), (e: unknown) => RelaymeshError.is(e, ErrorCode.NotFound))
    await assert.rejects(bob.addContact('me', ids.bob!), (e: unknown) => RelaymeshError.is(e, ErrorCode.Invalid) && /your own user id/.test(e.message))
  })
})
