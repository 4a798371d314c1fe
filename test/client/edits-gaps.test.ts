// Edits, deletes, typing indicators and gaps over a three-node in-process mesh
// (real nodes over TCP, real LevelDB; docs/protocol.md §8g-8h):
// an edit and a delete reach the recipient and history shows them; a group
// member cannot edit another member's message; a typing indicator arrives
// live and is never stored; a message that never arrived is reported
// ("1 message missing") and resent by the sender with its original id.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { createClientHost } from '../../client/transport/client-host.js'
import { NodeConnection } from '../../client/transport/node-connection.js'
import type { DeviceCredentials } from '../../client/device.js'
import { sendDirectContent } from '../../client/edits/direct-content.js'
import { ContentKind, newMessageId } from '../../client/messaging/content.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'

describe('edits, deletes, typing and gaps over a three-node mesh', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open = new Set<Client>()
  const ids: Record<string, string> = {}
  let alice: Client
  let bob: Client
  let carol: Client

  async function start (who: string, node: RelayNode): Promise<Client> {
    const c = await openClient({ home: join(dir, who), passphrase: PASS, nodes: [addressOf(node)], receiptDelayMs: 0, gapGraceMs: 1_000 })
    open.add(c)
    await c.connect()
    return c
  }

  async function close (c: Client): Promise<void> {
    open.delete(c)
    await c.close()
  }

  /** receive until `pred` holds for what arrived (everything received is returned) */
  async function receiveUntil (c: Client, pred: (got: IncomingMessage[]) => boolean, what: string, timeout = 20_000): Promise<IncomingMessage[]> {
    const got: IncomingMessage[] = []
    await waitFor(async () => { got.push(...await c.receive({ waitMs: 300 })); return pred(got) }, { timeout, what })
    return got
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-edits-')
    for (const who of ['alice', 'bob', 'carol']) ids[who] = (await initIdentity(join(dir, who), PASS)).userId
    alice = await start('alice', nodes[0]!)
    bob = await start('bob', nodes[1]!)
    carol = await start('carol', nodes[2]!)
    for (const node of nodes) {
      for (const id of Object.values(ids)) await waitFor(async () => (await node.records.userRecords(id)).length >= 2, { what: `${id} known` })
    }
  })

  after(async () => {
    for (const c of open) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('an edit and a delete reach the recipient; history shows the edited text and the deleted row', async () => {
    const first = await alice.send(ids.bob!, 'hello bob')
    const second = await alice.send(ids.bob!, 'a secret')
    await receiveUntil(bob, (g) => g.filter((m) => m.from === ids.alice).length >= 2, 'two messages')
    const edit = await alice.editMessage(first.id, 'hello, bob!')
    await alice.deleteMessage(second.id)
    const events = await receiveUntil(bob, (g) => g.some((m) => m.edit !== undefined) && g.some((m) => m.deleted !== undefined), 'the edit and the delete')
    const e = events.find((m) => m.edit !== undefined)!
    assert.equal(e.id, edit.id)
    assert.deepEqual(e.edit, { target: first.id, text: 'hello, bob!' })
    assert.deepEqual(events.find((m) => m.deleted !== undefined)?.deleted, { target: second.id })
    const hist = await bob.history(ids.alice)
    assert.equal(hist.find((m) => m.id === first.id)?.text, 'hello, bob!')
    assert.equal(hist.find((m) => m.id === second.id)?.text, '', 'a deleted message keeps its row, not its text')
    assert.equal(hist.filter((m) => m.id === edit.id).length, 0, 'events are not history rows')
    // the author's own history too
    const mine = await alice.history(ids.bob)
    assert.equal(mine.find((m) => m.id === first.id)?.text, 'hello, bob!')
    assert.equal(mine.find((m) => m.id === second.id)?.text, '')
    // someone else's message cannot be edited from the library
    await assert.rejects(bob.editMessage(first.id, 'mine now'), /no message of yours/)
  })

  it('a group member cannot edit another member\'s message (refused at every receiver)', async () => {
    const { groupId } = await alice.createGroup('trio', [ids.bob!, ids.carol!])
    await receiveUntil(bob, (g) => g.some((m) => m.group === groupId), 'the group at bob')
    await receiveUntil(carol, (g) => g.some((m) => m.group === groupId), 'the group at carol')
    const sent = await alice.sendGroup(groupId, 'group hello')
    await receiveUntil(bob, (g) => g.some((m) => m.id === sent.id), 'the group message at bob')
    await receiveUntil(carol, (g) => g.some((m) => m.id === sent.id), 'the group message at carol')
    // carol forges an EDIT of alice's message, over a real 1:1 session to bob, and as a group message
    const forged = { messageId: newMessageId(), sentAt: Date.now(), kind: ContentKind.EDIT, text: 'forged', targetId: new Uint8Array(Buffer.from(sent.id, 'hex')) }
    const deps = (carol as unknown as { p: { editOps: { d: Parameters<typeof sendDirectContent>[0] } } }).p.editOps.d
    await sendDirectContent(deps, ids.bob!, forged)
    await (carol as unknown as { p: { groupOps: { send: (g: string, t: string, f: object) => Promise<unknown> } } }).p.groupOps.send(groupId, 'forged', { ...forged, messageId: newMessageId() })
    // alice's own edit afterwards is applied: the forged ones were processed before it and changed nothing
    await alice.editMessage(sent.id, 'group hello (edited)')
    const got = await receiveUntil(bob, (g) => g.some((m) => m.edit !== undefined && m.from === ids.alice), 'alice\'s edit at bob')
    assert.equal(got.filter((m) => m.edit !== undefined && m.from === ids.carol).length, 0, 'no edit event from carol')
    assert.equal((await bob.history()).find((m) => m.id === sent.id)?.text, 'group hello (edited)')
  })

  it('a resend never gives a member added later what was sent before it joined', async () => {
    const { groupId } = await alice.createGroup('pair', [ids.bob!])
    await receiveUntil(bob, (g) => g.some((m) => m.group === groupId), 'the group at bob')
    const early = await alice.sendGroup(groupId, 'before carol joined')
    await receiveUntil(bob, (g) => g.some((m) => m.id === early.id), 'the early message at bob')
    await alice.addMember(groupId, ids.carol!)
    await receiveUntil(carol, (g) => g.some((m) => m.group === groupId), 'the group at carol')
    const later = await alice.sendGroup(groupId, 'after carol joined')
    await receiveUntil(carol, (g) => g.some((m) => m.id === later.id), 'the later message at carol')
    // carol asks alice's device for the group's first message (sequence 1)
    const deps = (carol as unknown as { p: { editOps: { d: Parameters<typeof sendDirectContent>[0] } } }).p.editOps.d
    await sendDirectContent(deps, ids.alice!, { messageId: newMessageId(), sentAt: Date.now(), kind: ContentKind.RESEND, text: '', resendSeqs: [1], resendDevice: alice.deviceId, groupId: new Uint8Array(Buffer.from(groupId, 'hex')) })
    await receiveUntil(alice, () => true, 'alice processes the request', 5_000)
    await alice.receive({ waitMs: 1_500 })
    const atCarol = await carol.receive({ waitMs: 2_000 })
    assert.equal(atCarol.filter((m) => m.id === early.id).length, 0, 'the message from before carol joined was not resent to her')
  })

  it('typing arrives live, never as a message, and is not kept for an offline peer', async () => {
    // what earlier tests left for bob (group notices, messages) is taken first: only a 1:1 message could be typing
    await bob.receive({ waitMs: 1_000 })
    const seen: Array<{ from: string, state: string }> = []
    const stop = bob.onTyping((e) => { seen.push({ from: e.from, state: e.state }) })
    const waiting = bob.receive({ waitMs: 2_500 })
    await waitFor(async () => { await alice.sendTyping(ids.bob!, 'started'); return seen.length > 0 }, { what: 'typing at bob', timeout: 10_000, interval: 500 })
    assert.deepEqual(seen[0], { from: ids.alice, state: 'started' })
    const shown = await waiting
    assert.deepEqual(shown.filter((m) => m.from === ids.alice && m.group === null), [], 'typing is not a message')
    stop()
    // carol offline: her typing indicator is dropped by the node, never delivered later
    await close(carol)
    await bob.sendTyping(ids.carol!, 'started')
    carol = await start('carol', nodes[2]!)
    const seenByCarol: unknown[] = []
    carol.onTyping((e) => { seenByCarol.push(e) })
    await carol.receive({ waitMs: 1_000 })
    assert.deepEqual(seenByCarol, [])
  })

  it('a message that never arrived is reported and resent with its original id', async () => {
    // a first message arrives: the first sequence number bob sees of alice's device is his baseline
    const before = await alice.send(ids.bob!, 'zero')
    await receiveUntil(bob, (g) => g.some((m) => m.id === before.id), 'the first message')
    // bob is offline; alice's next message is taken out of his mailbox (acknowledged with his own key) before he fetches
    const creds: DeviceCredentials = (bob as unknown as { ctx: { identity: { credentials: () => DeviceCredentials } } }).ctx.identity.credentials()
    await close(bob)
    const lost = await alice.send(ids.bob!, 'one (lost)')
    const host = await createClientHost()
    try {
      const conn = await NodeConnection.connect(host, addressOf(nodes[1]!))
      await conn.attach(creds, { onEnvelope: () => {} })
      const page = await conn.fetch({ limit: 256 })
      assert.equal(page.envelopes.length, 1, 'only the lost message waits')
      await conn.ack(creds, page.envelopes.map((e) => e.id))
      await conn.detach()
    } finally {
      await host.stop()
    }
    const two = await alice.send(ids.bob!, 'two')
    const three = await alice.send(ids.bob!, 'three')
    bob = await start('bob', nodes[1]!)
    // alice answers resend requests while bob receives
    const aliceListens = alice.receive({ waitMs: 15_000 })
    const got = await receiveUntil(bob, (g) => g.some((m) => m.id === lost.id), 'the lost message, resent', 20_000)
    const notice = got.find((m) => m.system === true && /1 message missing/.test(m.text))
    assert.ok(notice !== undefined, `a "1 message missing" notice (got ${JSON.stringify(got.map((m) => m.text))})`)
    assert.ok(got.some((m) => m.id === two.id) && got.some((m) => m.id === three.id))
    assert.equal(got.find((m) => m.id === lost.id)?.text, 'one (lost)')
    assert.equal(got.filter((m) => m.id === lost.id).length, 1)
    // alice's receive() ends when she closes (after all)
    aliceListens.catch(() => {})
  })
})
