// The chat CLI as separate processes against a five-node in-process mesh:
// Alice on node 1 and Bob on node 3 exchange 1:1 messages both ways (init,
// id, send, recv --json); offline Bob drains everything once and in order on
// node 5; contacts and aliases; equal safety numbers; chat prints live.
import { strict as assert } from 'node:assert'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, interactive, noStackTrace, ok, type Interactive } from './run-cli.js'

describe('relaymesh chat CLI: 1:1 over a five-node mesh (processes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  let alice: string
  let bob: string
  let aliceId: string
  let bobId: string
  const running: Interactive[] = []
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)

  /** until `node` holds `userId`'s device list and bundle (gossip) */
  async function known (node: RelayNode, userId: string): Promise<void> {
    await waitFor(async () => (await node.records.userRecords(userId)).length >= 2, { what: `${userId} on ${node.peerId.toString()}` })
  }

  before(async () => {
    nodes = await startMesh(5)
    dir = tempDir('relaymesh-cli-')
    alice = join(dir, 'alice')
    bob = join(dir, 'bob')
  })

  after(async () => {
    for (const r of running) r.proc.kill('SIGKILL')
    await stopAll(nodes)
    removeDir(dir)
  })

  it('init publishes an identity; id prints the same object; config keeps the node 0600', async () => {
    // Alice keeps node 1 in her config; Bob names node 3 on the command line
    assert.deepEqual(await ok(['config', 'set', 'node', at(0), '--home', alice, '--json']), [{ event: 'config', key: 'node', value: [at(0)] }])
    assert.equal(statSync(join(alice, 'config.json')).mode & 0o777, 0o600)
    assert.equal(statSync(alice).mode & 0o777, 0o700)
    assert.deepEqual(await ok(['config', 'get', 'node', '--home', alice, '--json']), [{ key: 'node', value: [at(0)] }])

    const [a] = await ok(['init', '--name', 'Alice', '--home', alice, '--json'])
    const [b] = await ok(['init', '--home', bob, '--node', at(2), '--json'])
    assert.match(String(a?.userId), /^rm1[a-z2-7]+$/)
    assert.deepEqual(Object.keys(a ?? {}), ['userId', 'deviceId'])
    assert.equal(a?.deviceId, '1')
    aliceId = a?.userId as string
    bobId = b?.userId as string
    assert.notEqual(aliceId, bobId)
    assert.deepEqual(await ok(['id', '--home', alice, '--json']), [a])
    // the root accepts the global options before the subcommand too
    assert.deepEqual(await ok(['--home', bob, '--json', 'id']), [b])
    const text = await cli(['id', '--home', alice])
    assert.equal(text.code, 0)
    assert.match(text.stdout, new RegExp(`^user id: +${aliceId}\n`))

    // init attached and published: each node of the other learns the user by gossip
    await known(nodes[0] as RelayNode, bobId)
    await known(nodes[2] as RelayNode, aliceId)
    // Alice is Bob's contact: her messages are not held as requests (client/requests, test/client/cli/requests.test.ts)
    await ok(['contacts', 'add', 'alice', aliceId, '--home', bob])
  })

  it('Alice on node 1 and Bob on node 3 exchange messages both ways', async () => {
    const [stored] = await ok(['send', '--to', bobId, 'hello Bob, this is Alice', '--home', alice, '--json'])
    assert.equal(stored?.event, 'stored')
    assert.match(String(stored?.id), /^[0-9a-f]{32}$/)

    const atBob = await ok(['recv', '--home', bob, '--node', at(2), '--json'])
    assert.equal(atBob.length, 1)
    const m = atBob[0] as Record<string, unknown>
    assert.deepEqual(Object.keys(m), ['event', 'id', 'from', 'group', 'text', 'sentAt'])
    assert.deepEqual({ ...m, sentAt: 0 }, { event: 'message', id: stored?.id, from: aliceId, group: null, text: 'hello Bob, this is Alice', sentAt: 0 })
    assert.equal(typeof m.sentAt, 'number')

    // Bob answers; several words are joined with spaces
    const [reply] = await ok(['send', '--to', aliceId, 'hi', 'Alice', '--home', bob, '--node', at(2), '--json'])
    const atAlice = await ok(['recv', '--home', alice, '--json'])
    assert.deepEqual(atAlice.map((x) => [x.event, x.id, x.from, x.text]), [['message', reply?.id, bobId, 'hi Alice']])
    // exactly once: nothing more
    assert.deepEqual(await ok(['recv', '--home', alice, '--json']), [])
  })

  it('offline Bob receives everything, once and in order, on node 5', async () => {
    const texts = ['one', 'two', 'three', 'four']
    const ids: string[] = []
    for (const t of texts) ids.push((await ok(['send', '--to', bobId, t, '--home', alice, '--json']))[0]?.id as string)
    const got = await ok(['recv', '--home', bob, '--node', at(4), '--json'])
    assert.deepEqual(got.map((x) => x.text), texts)
    assert.deepEqual(got.map((x) => x.id), ids)
    assert.ok(got.every((x) => x.from === aliceId && x.group === null))
    assert.deepEqual(await ok(['recv', '--home', bob, '--node', at(4), '--json']), [])
  })

  it('contacts add, then send --to ALIAS; text mode names the contact', async () => {
    assert.deepEqual(await ok(['contacts', 'add', 'bob', bobId, '--home', alice, '--json']), [{ event: 'contact', alias: 'bob', userId: bobId }])
    await ok(['contacts', 'add', 'alice', aliceId, '--home', bob])
    const [stored] = await ok(['send', '--to', 'bob', 'by alias', '--home', alice, '--json'])
    const text = await cli(['recv', '--home', bob, '--node', at(2)])
    assert.equal(text.code, 0)
    assert.match(text.stdout, /^\[\d{4}-\d\d-\d\d \d\d:\d\d\] alice: by alias\n$/)
    assert.match(text.stderr, /1 new message/)
    const list = await ok(['contacts', 'list', '--home', alice, '--json'])
    assert.deepEqual(list.map((c) => [c.alias, c.userId]), [['bob', bobId]])
    // Bob added Alice back and answered her: his profile key came with it, so she sees his presence
    // (contacts-only presence): offline, no command of his is attached now
    assert.equal(list[0]?.online, false)
    assert.ok(stored?.id !== undefined)
  })

  it('safety numbers are equal on both sides', async () => {
    const [a] = await ok(['safety-number', 'bob', '--home', alice, '--json'])
    const [b] = await ok(['safety-number', aliceId, '--home', bob, '--node', at(2), '--json'])
    assert.match(String(a?.safetyNumber), /^\d{60}$/)
    assert.equal(a?.safetyNumber, b?.safetyNumber)
    assert.equal(a?.userId, bobId)
    assert.equal(b?.userId, aliceId)
  })

  it('recv --wait prints live messages as they arrive, then exits 0', async () => {
    const recv = interactive(['recv', '--wait', '20', '--home', bob, '--node', at(2), '--json'])
    running.push(recv)
    // attached once node 3 counts a device (node status is the node's public status request)
    await waitFor(async () => Number((await ok(['node', 'status', at(2), '--json']))[0]?.attached) >= 1, { what: 'bob attached to node 3', interval: 200 })
    const [stored] = await ok(['send', '--to', 'bob', 'live while waiting', '--home', alice, '--json'])
    const shown = await waitFor(() => recv.lines.find((l) => l.includes('live while waiting')), { what: 'live message' })
    assert.equal((JSON.parse(shown) as { id: string }).id, stored?.id)
    assert.equal(recv.proc.exitCode, null, 'still waiting')
    recv.proc.kill('SIGINT') // Ctrl-C: closes the client cleanly; the message was printed and is not handed out again
    assert.equal(await recv.exited, 130)
    noStackTrace(recv.stderr())
    assert.deepEqual(await ok(['recv', '--home', bob, '--node', at(2), '--json']), [])
    // and a short wait ends by itself with exit 0
    const short = await cli(['recv', '--wait', '0.5', '--home', bob, '--node', at(2), '--json'])
    assert.equal(short.code, 0)
    assert.equal(short.stdout, '')
  })

  it('chat: live messages, presence, /open and plain lines, /tell, /file, /group usage', async () => {
    const chat = interactive(['chat', '--home', bob, '--node', at(2), '--json'])
    running.push(chat)
    chat.type('/contacts') // answered once attached (/list shows conversations)
    await waitFor(() => chat.lines.some((l) => l.includes('"alias":"alice"')), { what: 'chat /contacts' })

    // Bob is attached (node status counts him; presence is for contacts holding his profile key), and her message shows up live
    await waitFor(async () => Number((await ok(['node', 'status', at(2), '--json']))[0]?.attached) >= 1, { what: 'bob attached to node 3', interval: 200 })
    const [stored] = await ok(['send', '--to', 'bob', 'are you there?', '--home', alice, '--json'])
    const shown = await waitFor(() => chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((x) => x.event === 'message'), { what: 'live message in chat' })
    assert.deepEqual([shown.id, shown.from, shown.text, shown.group], [stored?.id, aliceId, 'are you there?', null])

    const attachment = join(dir, 'note.txt')
    writeFileSync(attachment, 'a file sent from chat\n')
    chat.type('/group create x')
    chat.type(`/file alice ${attachment}`)
    chat.type('/open alice')
    chat.type('yes, here')
    chat.type(`/tell ${aliceId} and via /tell`)
    chat.type('/quit')
    assert.equal(await chat.exited, 0, chat.stderr())
    assert.match(chat.stderr(), /usage: \/group list/)
    const events = chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.deepEqual(events.filter((e) => e.event === 'open'), [{ event: 'open', userId: aliceId }])
    // the file is stored before /file returns; the lines are echoed as sent, and their ticks follow (chat/ticks.ts)
    assert.equal(events.filter((e) => e.event === 'stored').length, 1)
    const sent = events.filter((e) => e.event === 'sent')
    assert.deepEqual(sent.map((e) => [e.to, e.text]), [[aliceId, 'yes, here'], [aliceId, 'and via /tell']])
    for (const e of sent) assert.ok(events.some((x) => x.event === 'status' && x.id === e.id && x.state === 'stored'), `${String(e.text)} stored before chat ended`)

    const atAlice = await ok(['recv', '--home', alice, '--json'])
    assert.deepEqual(atAlice.filter((x) => x.event === 'message').map((x) => x.text), ['yes, here', 'and via /tell'])
    const file = atAlice.find((x) => x.event === 'file')
    assert.equal(file?.name, 'note.txt')
    assert.equal(readFileSync(file?.path as string, 'utf8'), 'a file sent from chat\n')
  })
})
