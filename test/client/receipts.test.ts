// Delivered and read receipts over a three-node in-process mesh: the sender
// sees stored (N replicas) → delivered → read; receipts are end-to-end
// encrypted contents that never show up as messages; a receipt from someone
// the message did not go to changes nothing.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type MessageStatus } from '../../client/client.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { receiveN } from '../helpers/receive.js'

const PASS = 'pass phrase'


describe('delivery and read receipts over a three-node mesh', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []
  const ids: Record<string, string> = {}
  let alice: Client
  let bob: Client
  let carol: Client

  async function start (who: string, node: RelayNode): Promise<Client> {
    const c = await openClient({ home: join(dir, who), passphrase: PASS, nodes: [addressOf(node)] })
    open.push(c)
    await c.connect()
    return c
  }

  /** Alice receives (receipts are processed like any envelope) until `id` reaches `state`; nothing shows up as a message. */
  async function aliceSees (id: string, state: MessageStatus['state']): Promise<MessageStatus> {
    return await waitFor(async () => {
      assert.deepEqual(await alice.receive({ waitMs: 100 }), [], 'receipts are never shown as messages')
      const s = await alice.messageStatus(id)
      return s?.state === state ? s : undefined
    }, { what: `message ${id} ${state}` })
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-receipts-')
    for (const who of ['alice', 'bob', 'carol']) ids[who] = (await initIdentity(join(dir, who), PASS)).userId
    alice = await start('alice', nodes[0]!)
    bob = await start('bob', nodes[1]!)
    carol = await start('carol', nodes[2]!)
    for (const node of nodes) {
      for (const id of Object.values(ids)) await waitFor(async () => (await node.records.userRecords(id)).length >= 2, { what: `${id} known` })
    }
  })

  after(async () => {
    for (const c of [...open]) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('Alice sees stored on N replicas, then delivered when Bob received, then read when Bob read', async () => {
    const { id } = await alice.send(ids.bob!, 'did you get this?')
    const stored = await alice.messageStatus(id)
    assert.equal(stored?.state, 'stored')
    assert.equal(stored?.to, ids.bob)
    assert.ok((stored?.replicas ?? 0) >= 2, `stored on a write quorum, got ${String(stored?.replicas)}`)

    const got = await receiveN(bob, 1)
    assert.deepEqual(got.map((m) => m.id), [id])
    const delivered = await aliceSees(id, 'delivered')
    assert.equal(typeof delivered.deliveredAt, 'number')
    assert.equal(delivered.readAt, undefined)

    await bob.markRead(got)
    const read = await aliceSees(id, 'read')
    assert.equal(typeof read.readAt, 'number')
    assert.equal(read.replicas, stored?.replicas)
    // Bob got no receipt for his receipts, and nothing else
    assert.deepEqual(await bob.receive(), [])
    assert.deepEqual((await bob.history()).map((m) => m.text), ['did you get this?'])
    assert.deepEqual((await alice.history()).map((m) => m.text), ['did you get this?'])
  })

  it('a receipt from someone who was not the recipient is ignored', async () => {
    const { id } = await alice.send(ids.bob!, 'for Bob only')
    // Carol claims to have read Alice's message to Bob: an authentic receipt from the wrong user
    await carol.markRead([{ id, from: ids.alice! }])
    await alice.receive() // drains Carol's receipt (already stored: markRead resolves once the mesh stored it)
    // (Bob's attached client may already have sent its delivered receipt on the live push: that one counts)
    const after = await alice.messageStatus(id)
    assert.notEqual(after?.state, 'read')
    assert.equal(after?.readAt, undefined)
    // Bob's own receipts still count
    const got = await receiveN(bob, 1)
    await aliceSees(id, 'delivered')
    await bob.markRead(got)
    await aliceSees(id, 'read')
  })

  it('states never go back, and only messages we sent have one', async () => {
    const { id } = await alice.send(ids.bob!, 'third')
    const got = await receiveN(bob, 1)
    await bob.markRead(got) // read may overtake delivered
    await aliceSees(id, 'read')
    await alice.receive({ waitMs: 300 })
    assert.equal((await alice.messageStatus(id))?.state, 'read')
    assert.equal(await bob.messageStatus(id), undefined)
    await assert.rejects(alice.messageStatus('nope'), (err: unknown) => RelaymeshError.is(err, ErrorCode.Invalid))
  })

  it('delivered receipts owed when the receiver closes are sent before it closes', async () => {
    // Dave gathers delivered receipts for a minute: only close() sends them here
    await initIdentity(join(dir, 'dave'), PASS)
    const dave = await openClient({ home: join(dir, 'dave'), passphrase: PASS, nodes: [addressOf(nodes[2]!)], receiptDelayMs: 60_000 })
    open.push(dave)
    await dave.connect()
    for (const node of nodes) await waitFor(async () => (await node.records.userRecords(dave.userId)).length >= 2, { what: 'dave known' })
    const sent: string[] = []
    for (const text of ['one', 'two', 'three']) sent.push((await alice.send(dave.userId, text)).id)
    const got = await receiveN(dave, 3)
    assert.deepEqual(got.map((m) => m.text), ['one', 'two', 'three'])
    // nothing was sent yet: Alice's messages are still only stored
    assert.deepEqual(await alice.receive({ waitMs: 300 }), [])
    for (const id of sent) assert.equal((await alice.messageStatus(id))?.state, 'stored')
    await dave.close()
    for (const id of sent) await aliceSees(id, 'delivered')
  })
})
