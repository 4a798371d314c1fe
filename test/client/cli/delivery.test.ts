// Delivery state and the outbox through the CLI, as real processes against one
// in-process node over TCP (k = 1): chat echoes your line with a tick that moves
// to read once the other chat shows it (chat sends read receipts); `status`
// prints the state; with the only node down `send --timeout` exits 75 with
// "queued", `outbox` lists what waits (also after the sending process was
// killed), and the next command that attaches sends it, received exactly once;
// a line typed in chat while the node is down goes out when chat re-attaches.
import { strict as assert } from 'node:assert'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, CLI, removeDir, startNode, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, cliEnv, fails, interactive, ok, type Interactive } from './run-cli.js'

type Json = Record<string, unknown>

function events (chat: Interactive): Json[] {
  return chat.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Json)
}

describe('relaymesh status, outbox, send --timeout and chat ticks (processes, one node)', function () {
  this.timeout(120_000)
  let node: RelayNode
  let dir: string
  let dataDir: string
  let listen: string
  let alice: string
  let bob: string
  let bobId: string
  const running: Interactive[] = []

  async function restartNode (): Promise<void> {
    node = await startNode({ dataDir, replicas: 1, listen: [listen.replace(/\/p2p\/.*$/, '')] })
  }

  before(async () => {
    dir = tempDir('relaymesh-cli-delivery-')
    dataDir = join(dir, 'node')
    node = await startNode({ dataDir, replicas: 1 })
    listen = addressOf(node)
    alice = join(dir, 'alice')
    bob = join(dir, 'bob')
    // Alice is Bob's contact (her messages are not held as requests); she names him by his id
    // separate homes: side by side
    const [aliceInit, bobInit] = await Promise.all([alice, bob].map(async (home) => await ok(['init', '--home', home, '--node', listen, '--json'])))
    const aliceId = aliceInit?.[0]?.userId as string
    bobId = bobInit?.[0]?.userId as string
    await ok(['contacts', 'add', 'alice', aliceId, '--home', bob])
    await waitFor(async () => (await node.records.userRecords(bobId)).length >= 2, { what: 'bob on the node' })
  })

  after(async () => {
    for (const r of running) r.proc.kill('SIGKILL')
    await node?.stop().catch(() => {})
    removeDir(dir)
  })

  it('chat: your line is echoed with a tick that moves stored → read when the other chat shows it; status prints it', async () => {
    const a = interactive(['chat', '--home', alice, '--node', listen, '--json'])
    const b = interactive(['chat', '--home', bob, '--node', listen, '--json'])
    running.push(a, b)
    b.type('/contacts')
    a.type(`/open ${bobId}`)
    await waitFor(() => a.lines.some((l) => l.includes('"event":"open"')) && b.lines.some((l) => l.includes('"alias":"alice"')), { what: 'both chats attached' })
    a.type('hello ticks')
    const sent = await waitFor(() => events(a).find((e) => e.event === 'sent'), { what: 'echo' })
    assert.deepEqual([sent.to, sent.text, typeof sent.sentAt, typeof sent.id], [bobId, 'hello ticks', 'number', 'string'])
    await waitFor(() => events(b).some((e) => e.event === 'message' && e.id === sent.id), { what: 'bob shows it' })
    await waitFor(() => events(a).some((e) => e.event === 'status' && e.id === sent.id && e.state === 'read'), { what: 'tick moves to read' })
    const states = events(a).filter((e) => e.event === 'status' && e.id === sent.id).map((e) => e.state)
    assert.ok(states.indexOf('stored') >= 0 && states.indexOf('stored') < states.indexOf('read'), `states in order: ${states.join(', ')}`)
    const read = events(a).find((e) => e.event === 'status' && e.state === 'read')
    assert.deepEqual([read?.storedOn, read?.deliveredTo, read?.readBy], [1, [bobId], [bobId]])
    a.type('/quit')
    b.type('/quit')
    assert.equal(await a.exited, 0, a.stderr())
    assert.equal(await b.exited, 0, b.stderr())

    const [status] = await ok(['status', sent.id as string, '--home', alice, '--node', listen, '--json'])
    assert.deepEqual(
      { id: status?.id, state: status?.state, storedOn: status?.storedOn, deliveredTo: status?.deliveredTo, readBy: status?.readBy, to: status?.to },
      { id: sent.id, state: 'read', storedOn: 1, deliveredTo: [bobId], readBy: [bobId], to: bobId })
    const text = await cli(['status', sent.id as string, '--home', alice, '--node', listen])
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, /state: +read \(stored on 1 relay\) +✓✓ read/)
    assert.match(text.stdout, /read by: +rm1\S+/)
    await fails(['status', 'xyz', '--home', alice, '--node', listen], /not a message id: xyz.*\(ERR_INVALID\)/)
    await fails(['status', '00'.repeat(16), '--home', alice, '--node', listen], /no message 0{32} was sent from this device.*\(ERR_NOT_FOUND\)/)
  })

  it('node down: send --timeout exits 75 queued; outbox lists it, also after a kill; the next attach sends it, once', async () => {
    await node.stop()
    const queued = await cli(['send', '--to', bobId, 'while down', '--home', alice, '--node', listen, '--timeout', '2', '--json'])
    assert.equal(queued.code, 75, queued.stderr)
    assert.deepEqual(queued.json.map((e) => [e.event, e.to]), [['queued', bobId]])
    assert.match(queued.stderr, /not stored yet: .*no relay node answered/)
    const words = await cli(['send', '--to', bobId, 'in words', '--home', alice, '--node', listen, '--timeout', '1'])
    assert.equal(words.code, 75, words.stderr)
    assert.match(words.stderr, /not stored yet: /)
    assert.match(words.stdout, /^queued for rm1\S+: .*outbox.*\(message [0-9a-f]{32}\)\n$/)

    // killed while it waits for a node: what it wrote to the outbox stays
    const env = { ...cliEnv(), RELAYMESH_LOG: 'debug' }
    const killed = spawn(process.execPath, [CLI, 'send', '--to', bobId, 'survives a kill', '--home', alice, '--node', listen, '--timeout', '30'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let log = ''
    killed.stderr.on('data', (d: Buffer) => { log += d.toString() })
    const gone = new Promise((resolve) => killed.once('close', resolve))
    await waitFor(() => log.includes('message stays in the outbox'), { what: 'an attempt failed in the killed process', timeout: 20_000 })
    killed.kill('SIGKILL')
    await gone

    const waiting = await ok(['outbox', '--home', alice, '--node', listen, '--json'])
    assert.deepEqual(waiting.map((e) => [e.id === undefined, e.to, e.text]), [[false, bobId, 'while down'], [false, bobId, 'in words'], [false, bobId, 'survives a kill']])
    assert.ok(waiting.every((e) => typeof e.queuedAt === 'number' && typeof e.attempts === 'number'), JSON.stringify(waiting))
    assert.ok((waiting[0]?.attempts as number) >= 1, 'the oldest was tried (the later ones wait behind it)')
    assert.equal(waiting[0]?.id, queued.json[0]?.id)

    await restartNode()
    // any command that attaches sends what waits (here: recv)
    await ok(['recv', '--home', alice, '--node', listen, '--json'])
    assert.deepEqual(await ok(['outbox', '--home', alice, '--node', listen, '--json']), [])
    const got = await ok(['recv', '--home', bob, '--node', listen, '--json'])
    // exactly once: every attempt was over before Alice's recv ended, so a repeat would be in this drain
    assert.deepEqual(got.filter((e) => e.event === 'message').map((e) => e.text), ['while down', 'in words', 'survives a kill'])
  })

  it('chat: a line typed while the node is down is echoed queued and goes out when chat re-attaches', async () => {
    const a = interactive(['chat', '--home', alice, '--node', listen])
    running.push(a)
    a.type(`/open ${bobId}`)
    await waitFor(() => a.lines.some((l) => l.startsWith('talking to ')), { what: 'chat open' })
    await node.stop()
    a.type('typed while down')
    await waitFor(() => a.lines.some((l) => /^\[\d\d:\d\d\] you → rm1\S+: typed while down {2}… queued$/.test(l)), { what: 'queued echo' })
    await restartNode()
    await waitFor(() => a.lines.some((l) => /^\[\d\d:\d\d\] you → rm1\S+: typed while down {2}✓$/.test(l)), { what: 'stored tick after re-attach', timeout: 45_000 })
    a.type('/quit')
    assert.equal(await a.exited, 0, a.stderr())
    const got = await ok(['recv', '--home', bob, '--node', listen, '--json'])
    assert.deepEqual(got.filter((e) => e.event === 'message').map((e) => e.text), ['typed while down'])
  })
})
