// Message requests and blocking from the CLI (issue 10, point 4), as real
// processes on a three-node mesh: a stranger's first message lands in
// `requests`, not in `recv`; accept shows it and later messages arrive as
// usual; decline drops it; block stops 1:1 and group messages (and future
// requests) and unblock restores them; writing to a stranger accepts them;
// a stranger's group invitation is a request; chat announces requests and
// /accept works.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { fails, interactive, ok, type Interactive } from './run-cli.js'

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'] as const
type User = typeof USERS[number]

describe('relaymesh requests, block, unblock (processes, three nodes)', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let dir: string
  const home = {} as Record<User, string>
  const id = {} as Record<User, string>
  const running: Interactive[] = []
  const nodeOf = (u: User): string => addressOf(nodes[USERS.indexOf(u) % 3] as RelayNode)
  const run = async (u: User, args: string[]): Promise<Array<Record<string, unknown>>> => await ok([...args, '--home', home[u], '--node', nodeOf(u), '--json'])
  const send = async (from: User, to: User, text: string): Promise<void> => { assert.equal((await run(from, ['send', '--to', id[to], text]))[0]?.event, 'stored') }
  const recv = async (u: User): Promise<Array<Record<string, unknown>>> => await run(u, ['recv'])
  const messages = (events: Array<Record<string, unknown>>): unknown[] => events.filter((e) => e.event === 'message').map((e) => e.text)

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-cli-requests-')
    // separate homes: the inits run side by side
    await Promise.all(USERS.map(async (u) => {
      home[u] = join(dir, u)
      const [r] = await ok(['init', '--home', home[u], '--node', nodeOf(u), '--json'])
      id[u] = r?.userId as string
    }))
    await waitFor(async () => {
      for (const n of nodes) for (const u of USERS) if ((await n.records.userRecords(id[u])).length < 2) return false
      return true
    }, { what: 'every user known on every node', timeout: 30_000 })
  })

  after(async () => {
    for (const r of running) r.proc.kill('SIGKILL')
    await stopAll(nodes)
    removeDir(dir)
  })

  it('a stranger\'s first messages land in `requests`, not in `recv`; accept shows them, later ones arrive as usual', async () => {
    await send('bob', 'alice', 'hi Alice, this is Bob')
    await send('bob', 'alice', 'second')
    const first = await recv('alice')
    assert.deepEqual(messages(first), [], 'no message from a stranger in recv')
    assert.deepEqual(first.map((e) => [e.event, e.from, e.firstMessage, e.count]), [
      ['request', id.bob, 'hi Alice, this is Bob', 1],
      ['request', id.bob, 'hi Alice, this is Bob', 2]
    ])
    const list = await run('alice', ['requests'])
    assert.equal(list.length, 1)
    assert.deepEqual(Object.keys(list[0] ?? {}), ['userId', 'name', 'firstMessage', 'at', 'count'])
    assert.deepEqual({ ...list[0], at: 0 }, { userId: id.bob, name: null, firstMessage: 'hi Alice, this is Bob', at: 0, count: 2 })
    assert.equal(typeof list[0]?.at, 'number')
    // held, not handed out: a second recv shows nothing either
    assert.deepEqual(await recv('alice'), [])

    await fails(['requests', 'accept', id.carol, '--home', home.alice], /no request from rm1/)
    // the short id a person sees is enough
    const accepted = await ok(['requests', 'accept', id.bob.slice(0, 12), '--home', home.alice, '--json'])
    assert.deepEqual(messages(accepted), ['hi Alice, this is Bob', 'second'])
    assert.ok(accepted.filter((e) => e.event === 'message').every((e) => e.from === id.bob && e.group === null))
    const done = accepted[accepted.length - 1]
    assert.deepEqual(done, { event: 'accepted', userId: id.bob, alias: `user-${id.bob.slice(3, 12)}` })
    assert.deepEqual(await run('alice', ['requests']), [])
    assert.ok((await run('alice', ['contacts', 'list'])).some((c) => c.userId === id.bob && c.alias === done?.alias))

    await send('bob', 'alice', 'third')
    assert.deepEqual(messages(await recv('alice')), ['third'])
  })

  it('decline drops a request without blocking: a new message makes a new request', async () => {
    await send('carol', 'alice', 'buy now')
    assert.deepEqual((await recv('alice')).map((e) => e.event), ['request'])
    assert.deepEqual(await ok(['requests', 'decline', id.carol, '--home', home.alice, '--json']), [{ event: 'declined', userId: id.carol }])
    assert.deepEqual(await run('alice', ['requests']), [])
    await fails(['requests', 'decline', id.carol, '--home', home.alice], /no request from rm1/)
    await send('carol', 'alice', 'really, buy now')
    assert.deepEqual((await recv('alice')).map((e) => [e.event, e.firstMessage, e.count]), [['request', 'really, buy now', 1]])
  })

  it('block stops 1:1 and group messages and future requests; unblock restores them', async () => {
    // blocking drops Carol's pending request
    assert.deepEqual(await ok(['block', id.carol, '--home', home.alice, '--json']), [{ event: 'blocked', userId: id.carol }])
    assert.deepEqual(await run('alice', ['requests']), [])
    const blocked = await ok(['blocked', '--home', home.alice, '--json'])
    assert.deepEqual(blocked.map((b) => [b.userId, b.name]), [[id.carol, null]])

    // Bob (accepted) makes a group of the three; Carol is Bob's stranger but Bob wrote to her, so she sees it as a request
    const [created] = await run('bob', ['group', 'create', 'trio', '--members', `${id.alice},${id.carol}`])
    const groupId = created?.groupId as string
    await recv('alice')
    assert.deepEqual((await run('alice', ['group', 'list'])).map((g) => g.groupId), [groupId])
    await ok(['requests', 'accept', id.bob, '--home', home.carol, '--node', nodeOf('carol')])
    assert.deepEqual((await run('carol', ['group', 'list'])).map((g) => g.groupId), [groupId])

    await send('carol', 'alice', 'let me in')
    await run('carol', ['group', 'send', groupId, 'carol in the group'])
    await run('bob', ['group', 'send', groupId, 'bob in the group'])
    const got = await waitFor(async () => {
      const events = await recv('alice')
      return events.some((e) => e.text === 'bob in the group') ? events : undefined
    }, { what: 'Bob\'s group message at Alice', timeout: 60_000 })
    assert.deepEqual(got.filter((e) => e.from === id.carol), [], 'nothing from blocked Carol, not even a request')
    assert.deepEqual(await run('alice', ['requests']), [])

    await fails(['send', '--to', id.carol, 'hello?', '--home', home.alice, '--node', nodeOf('alice')], /is blocked: unblock them first/)
    assert.deepEqual(await ok(['unblock', id.carol, '--home', home.alice, '--json']), [{ event: 'unblocked', userId: id.carol }])
    assert.deepEqual(await ok(['blocked', '--home', home.alice, '--json']), [])
    await fails(['unblock', id.carol, '--home', home.alice], /is not blocked/)

    // unblocked: Carol's group messages arrive again, and her 1:1 message is a request again (she is no contact)
    await send('carol', 'alice', 'unblocked?')
    await run('carol', ['group', 'send', groupId, 'carol again'])
    const after: Array<Record<string, unknown>> = []
    await waitFor(async () => {
      after.push(...await recv('alice'))
      return after.some((e) => e.text === 'carol again')
    }, { what: 'Carol\'s group message after unblock', timeout: 60_000 })
    assert.deepEqual(after.filter((e) => e.from === id.carol).map((e) => [e.event, (e as Record<string, unknown>).text ?? e.firstMessage]).sort(), [
      ['message', 'carol again'],
      ['request', 'unblocked?']
    ])
    assert.deepEqual((await run('alice', ['requests'])).map((r) => r.firstMessage), ['unblocked?'])
  })

  it('writing to a stranger accepts them: what they sent arrives, then everything else', async () => {
    await send('dave', 'alice', 'hello from Dave')
    assert.deepEqual((await recv('alice')).map((e) => [e.event, e.from]), [['request', id.dave]])
    await send('alice', 'dave', 'hi Dave')
    assert.deepEqual((await run('alice', ['requests'])).map((r) => r.userId), [id.carol])
    assert.deepEqual(messages(await recv('alice')), ['hello from Dave'])
    await send('dave', 'alice', 'great')
    assert.deepEqual(messages(await recv('alice')), ['great'])
  })

  it('a stranger\'s group invitation is a request: the group is joined only on accept', async () => {
    const [created] = await run('erin', ['group', 'create', 'erins', '--members', id.alice])
    const groupId = created?.groupId as string
    const events = await recv('alice')
    assert.deepEqual(events.map((e) => [e.event, e.from, e.firstMessage]), [['request', id.erin, 'invites you to the group "erins"']])
    const groups = async (): Promise<unknown[]> => (await run('alice', ['group', 'list'])).map((g) => g.groupId)
    assert.equal((await groups()).includes(groupId), false, 'not joined before accepting')
    await run('erin', ['group', 'send', groupId, 'welcome'])

    const accepted = await ok(['requests', 'accept', id.erin, '--alias', 'erin', '--home', home.alice, '--node', nodeOf('alice'), '--json'])
    const notice = accepted[0] as Record<string, unknown>
    assert.deepEqual([notice.event, notice.from], ['notice', id.erin])
    assert.match(String(notice.text), /created the group "erins"/)
    assert.deepEqual(accepted[accepted.length - 1], { event: 'accepted', userId: id.erin, alias: 'erin' })
    assert.equal((await groups()).includes(groupId), true, 'joined on accept')
    // the group message that waited for the group (and any later one) arrives as usual
    const texts: unknown[] = messages(accepted)
    await run('erin', ['group', 'send', groupId, 'and now'])
    await waitFor(async () => { texts.push(...messages(await recv('alice'))); return texts.includes('and now') }, { what: 'Erin\'s group message', timeout: 30_000 })
    assert.deepEqual(texts, ['welcome', 'and now'])
  })

  it('chat announces a request as it arrives; /accept (the latest requester) shows it; /decline without requests says so', async () => {
    const chat = interactive(['chat', '--home', home.alice, '--node', nodeOf('alice'), '--json'])
    running.push(chat)
    chat.type('/requests')
    await waitFor(() => chat.lines.some((l) => l.includes(`"userId":"${id.carol}"`)), { what: 'chat /requests' })
    chat.type(`/decline ${id.carol.slice(0, 12)}`)
    await waitFor(() => chat.lines.some((l) => l.includes('"event":"declined"')), { what: 'chat /decline' })

    await send('frank', 'alice', 'hi from Frank')
    const announced = await waitFor(() => chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === 'request'), { what: 'request announced in chat', timeout: 30_000 })
    assert.deepEqual([announced.from, announced.firstMessage], [id.frank, 'hi from Frank'])
    assert.equal(chat.lines.some((l) => l.includes('"event":"message"')), false)
    chat.type('/accept')
    await waitFor(() => chat.lines.some((l) => l.includes('"event":"accepted"')), { what: 'chat /accept' })
    await send('frank', 'alice', 'thanks')
    await waitFor(() => chat.lines.some((l) => l.includes('"text":"thanks"')), { what: 'Frank\'s next message live', timeout: 30_000 })
    chat.type('/decline')
    chat.type('/quit')
    assert.equal(await chat.exited, 0, chat.stderr())
    assert.match(chat.stderr(), /no message requests/)
    const events = chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.deepEqual(events.filter((e) => e.event === 'message').map((e) => [e.from, e.text]), [[id.frank, 'hi from Frank'], [id.frank, 'thanks']])
    assert.deepEqual(events.find((e) => e.event === 'accepted'), { event: 'accepted', userId: id.frank, alias: `user-${id.frank.slice(3, 12)}` })
  })
})
