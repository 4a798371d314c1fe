// Message requests and blocking in the client library over a three-node
// mesh (issue 10, point 4): a stranger's message is held (persisted across a
// restart, never handed out) and earns no delivered receipt until accepted;
// a blocked user's message is dropped after decryption, is stored nowhere in the sealed store and earns no receipt.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client } from '../../client/client.js'
import { PREFIX } from '../../client/store/keys.js'
import { SealedStore } from '../../client/store/sealed-store.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'

describe('message requests and blocking (client library, three nodes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const ids: Record<string, string> = {}
  const clients: Record<string, Client> = {}

  async function start (who: string, i: number): Promise<Client> {
    // receipts leave at once (receiptDelayMs 0): once receive() returns, every receipt it owed is in the mesh
    const c = await openClient({ home: join(dir, who), passphrase: PASS, nodes: [addressOf(nodes[i] as RelayNode)], receiptDelayMs: 0, ackDelayMs: 0, messageRequests: true })
    await c.connect()
    clients[who] = c
    return c
  }

  /** `who` drains its mailbox (applying any receipt) and reports its message's state */
  async function stateAt (who: string, id: string): Promise<string | undefined> {
    const c = clients[who] as Client
    await c.receive()
    return (await c.messageStatus(id))?.state
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-requests-')
    for (const who of ['alice', 'bob', 'carol']) ids[who] = (await initIdentity(join(dir, who), PASS)).userId
    for (const [i, who] of ['alice', 'bob', 'carol'].entries()) await start(who, i)
    for (const node of nodes) {
      for (const id of Object.values(ids)) await waitFor(async () => (await node.records.userRecords(id)).length >= 2, { what: `${id} known` })
    }
  })

  after(async () => {
    for (const c of Object.values(clients)) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('holds a stranger\'s message across a restart, sends no receipt until accepted, then hands it out once', async () => {
    const alice = clients.alice as Client
    const bob = clients.bob as Client
    const { id } = await bob.send(ids.alice as string, 'hello stranger')
    const seen: string[] = []
    assert.deepEqual(await alice.receive({ onRequest: (r) => { seen.push(r.userId) } }), [])
    assert.deepEqual(seen, [ids.bob])
    // Alice's receive() returned: had she owed a receipt, it would be in Bob's mailbox now
    assert.equal(await stateAt('bob', id), 'stored', 'a requester gets no delivered receipt')
    await alice.markRead([{ id, from: ids.bob as string }])
    assert.equal(await stateAt('bob', id), 'stored', 'nor a read receipt, whatever the application says')

    // persisted, not in memory only
    await alice.close()
    const again = await start('alice', 0)
    const [r] = await again.requests()
    assert.deepEqual({ ...r, at: 0 }, { userId: ids.bob, firstMessage: 'hello stranger', at: 0, count: 1 })
    assert.deepEqual(await again.receive(), [])

    const shown = await again.acceptRequest(ids.bob as string)
    assert.deepEqual(shown.map((m) => [m.id, m.from, m.text]), [[id, ids.bob, 'hello stranger']])
    assert.deepEqual(await again.requests(), [])
    assert.deepEqual(await again.receive(), [], 'handed out by accept, not again by receive')
    assert.equal(await stateAt('bob', id), 'delivered', 'accepting sends the delivered receipt')
    await assert.rejects(again.acceptRequest(ids.bob as string), (err: unknown) => RelaymeshError.is(err, ErrorCode.NotFound))
  })

  it('drops a blocked user\'s message after decryption: stored nowhere, no request, no receipt', async () => {
    const alice = clients.alice as Client
    const carol = clients.carol as Client
    await alice.block(ids.carol as string)
    const secret = 'a secret from carol that must not be kept'
    const { id } = await carol.send(ids.alice as string, secret)
    const requests: unknown[] = []
    assert.deepEqual(await alice.receive({ onRequest: (r) => { requests.push(r) } }), [])
    assert.deepEqual(requests, [])
    assert.deepEqual(await alice.requests(), [])
    assert.equal(await stateAt('carol', id), 'stored', 'a blocked user gets no receipt')

    // the sealed store holds nothing of it: open every record and look for the text
    await alice.close()
    const store = await SealedStore.open(join(dir, 'alice'), PASS)
    try {
      const needle = Buffer.from(secret)
      for (const [name, prefix] of Object.entries(PREFIX)) {
        if (name === 'kdf' || name === 'check' || name === 'nameKey') continue
        for await (const [key, value] of store.range(prefix)) assert.equal(Buffer.from(value).includes(needle), false, `${key} holds the blocked message`)
      }
    } finally {
      await store.close()
    }
    const again = await start('alice', 0)
    assert.deepEqual((await again.blocked()).map((b) => b.userId), [ids.carol])

    // unblocked, Carol is a stranger again: her next message is a request
    await again.unblock(ids.carol as string)
    await carol.send(ids.alice as string, 'and now?')
    assert.deepEqual(await again.receive(), [])
    assert.deepEqual((await again.requests()).map((r) => [r.userId, r.firstMessage]), [[ids.carol, 'and now?']])
  })
})
