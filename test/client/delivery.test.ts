// Delivery state and the outbox with real clients on one in-process node over
// TCP: ticks move stored → delivered → read as status events (onStatus), per
// member for a group message (receipts count only from members it went to);
// a message sent while the only node is down is reported queued, waits in the
// outbox, and goes out once the node is back (the recipient gets it once).
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type IncomingMessage, type MessageStatus } from '../../client/client.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startNode, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'
const NAMES = ['alice', 'bob', 'carol', 'dave'] as const
type Name = typeof NAMES[number]

async function receiveUntil (c: Client, want: (got: IncomingMessage[]) => boolean, timeout = 15_000): Promise<IncomingMessage[]> {
  const got: IncomingMessage[] = []
  const deadline = Date.now() + timeout
  while (!want(got) && Date.now() < deadline) got.push(...await c.receive({ waitMs: 200 }))
  assert.ok(want(got), `received ${JSON.stringify(got.map((m) => m.text))}`)
  return got
}

describe('delivery state and outbox (one node over TCP)', function () {
  this.timeout(60_000)
  let node: RelayNode
  let dataDir: string
  let listen: string
  let dir: string
  const c: Partial<Record<Name, Client>> = {}
  const ids: Partial<Record<Name, string>> = {}
  const events: MessageStatus[] = []
  const client = (n: Name): Client => c[n] as Client
  const id = (n: Name): string => ids[n] as string

  /** Alice takes in receipts until `id`'s status satisfies `ok`. */
  async function aliceSees (mid: string, ok: (s: MessageStatus) => boolean, what: string): Promise<MessageStatus> {
    return await waitFor(async () => {
      await client('alice').receive({ waitMs: 100 })
      const s = await client('alice').messageStatus(mid)
      return s !== undefined && ok(s) ? s : undefined
    }, { what })
  }

  before(async () => {
    dir = tempDir('relaymesh-delivery-')
    dataDir = join(dir, 'node')
    node = await startNode({ dataDir, replicas: 1 })
    listen = addressOf(node)
    for (const n of NAMES) {
      ids[n] = (await initIdentity(join(dir, n), PASS)).userId
      c[n] = await openClient({ home: join(dir, n), passphrase: PASS, nodes: [listen], receiptDelayMs: 0 })
      await client(n).connect()
    }
    await waitFor(async () => { for (const n of NAMES) if ((await node.records.userRecords(id(n))).length < 2) return false; return true }, { what: 'users known' })
    client('alice').onStatus((s) => { events.push(s) })
  })

  after(async () => {
    for (const n of NAMES) await c[n]?.close().catch(() => {})
    await node?.stop().catch(() => {})
    removeDir(dir)
  })

  it('1:1: status events move queued → sending → stored → delivered → read, with deliveredTo and readBy', async () => {
    const sent = await client('alice').send(id('bob'), 'tick me', { timeoutMs: 10_000 })
    assert.equal(sent.state, 'stored')
    const stored = await client('alice').messageStatus(sent.id)
    assert.deepEqual([stored?.state, stored?.to, stored?.storedOn, stored?.deliveredTo, stored?.readBy], ['stored', id('bob'), sent.replicas, [], []])
    const got = await receiveUntil(client('bob'), (g) => g.some((m) => m.id === sent.id))
    await aliceSees(sent.id, (s) => s.state === 'delivered', 'delivered')
    await client('bob').markRead(got)
    const read = await aliceSees(sent.id, (s) => s.state === 'read', 'read')
    assert.deepEqual([read.deliveredTo, read.readBy], [[id('bob')], [id('bob')]])
    const states = events.filter((s) => s.id === sent.id).map((s) => s.state)
    assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), ['queued', 'sending', 'stored', 'delivered', 'read'])
  })

  it('group: per-member delivered and read; a receipt from a non-member changes nothing', async () => {
    const { groupId } = await client('alice').createGroup('ticks', [id('bob'), id('carol')])
    for (const n of ['bob', 'carol'] as const) {
      await waitFor(async () => { await client(n).receive({ waitMs: 100 }); return (await client(n).groups()).some((g) => g.groupId === groupId) }, { what: `${n} in the group` })
    }
    // Carol is offline for now (an attached client takes pushes and answers them at once)
    await client('carol').close()
    const sent = await client('alice').sendGroup(groupId, 'hello group', { timeoutMs: 10_000 })
    assert.equal(sent.state, 'stored')
    const s0 = await client('alice').messageStatus(sent.id)
    assert.deepEqual([s0?.group, [...(s0?.recipients ?? [])].sort(), s0?.deliveredTo], [groupId, [id('bob'), id('carol')].sort(), []])

    const atBob = await receiveUntil(client('bob'), (g) => g.some((m) => m.id === sent.id))
    const one = await aliceSees(sent.id, (s) => s.deliveredTo.length === 1, 'delivered to bob')
    assert.deepEqual([one.state, one.deliveredTo], ['stored', [id('bob')]])

    // Dave is no member: his authentic read receipt for the group message is ignored
    await client('dave').markRead([{ id: sent.id, from: id('alice') }])
    await client('bob').markRead(atBob)
    const bobRead = await aliceSees(sent.id, (s) => s.readBy.length === 1, 'read by bob')
    assert.deepEqual([bobRead.state, bobRead.readBy], ['stored', [id('bob')]])

    c.carol = await openClient({ home: join(dir, 'carol'), passphrase: PASS, nodes: [listen], receiptDelayMs: 0 })
    const atCarol = await receiveUntil(client('carol'), (g) => g.some((m) => m.id === sent.id))
    await client('carol').markRead(atCarol)
    const all = await aliceSees(sent.id, (s) => s.state === 'read', 'read by every member')
    assert.deepEqual([[...all.deliveredTo].sort(), [...all.readBy].sort()], [[id('bob'), id('carol')].sort(), [id('bob'), id('carol')].sort()])
    assert.ok(!all.readBy.includes(id('dave')) && !all.deliveredTo.includes(id('dave')))
    const states = events.filter((s) => s.id === sent.id).map((s) => s.state)
    assert.deepEqual(states.filter((s, i) => s !== states[i - 1]), ['queued', 'sending', 'stored', 'delivered', 'read'])
  })

  it('outbox: sent while the only node is down → queued; goes out once, when the node is back', async () => {
    await node.stop()
    const sent = await client('alice').send(id('bob'), 'written while down', { timeoutMs: 1_500 })
    assert.equal(sent.state, 'queued')
    assert.equal((await client('alice').messageStatus(sent.id))?.state, 'queued')
    const waiting = await client('alice').outbox()
    assert.deepEqual(waiting.map((e) => [e.id, e.to, e.text]), [[sent.id, id('bob'), 'written while down']])

    node = await startNode({ dataDir, replicas: 1, listen: [listen.replace(/\/p2p\/.*$/, '')] })
    // the clients re-attach by themselves; Alice's attach sends what waits
    await waitFor(async () => (await client('alice').outbox()).length === 0, { timeout: 40_000, what: 'outbox flushed' })
    assert.equal((await client('alice').messageStatus(sent.id))?.state !== 'queued', true)
    const got = await receiveUntil(client('bob'), (g) => g.some((m) => m.id === sent.id), 30_000)
    assert.deepEqual(got.filter((m) => m.id === sent.id).map((m) => m.text), ['written while down'])
    assert.deepEqual(await client('bob').receive({ waitMs: 500 }), [], 'exactly once')
  })
})
