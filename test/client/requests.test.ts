// Message requests and blocking in the client library over a three-node
// mesh (issue 10, point 4): a stranger's message is held (persisted across a
// restart, never handed out) and earns no delivered receipt until accepted;
// a blocked user's message is dropped after decryption, is stored nowhere in the sealed store and earns no receipt.
import { strict as assert } from 'node:assert'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
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

  it('holds a stranger\'s file as a request: accept hands it out, decline deletes it', async () => {
    const alice = clients.alice as Client
    const carol = clients.carol as Client
    const src = join(dir, 'from-carol.txt')
    writeFileSync(src, 'a file from a stranger\n')
    const sent = await carol.sendFile(ids.alice as string, src)
    assert.deepEqual(await alice.receive(), [])
    assert.deepEqual((await alice.requests()).map((r) => [r.userId, r.firstMessage, r.count]), [[ids.carol, '[file] from-carol.txt (23 bytes)', 1]])
    const [file] = await alice.acceptRequest(ids.carol as string, 'carol')
    assert.equal(file?.id, sent.id)
    assert.equal(readFileSync(file?.file?.path as string, 'utf8'), 'a file from a stranger\n')
    assert.deepEqual((await alice.contacts()).map((c) => [c.alias, c.userId]).filter(([a]) => a === 'carol'), [['carol', ids.carol]])

    // a declined file is deleted (Dave is a new stranger)
    const dave = await initIdentity(join(dir, 'dave'), PASS)
    ids.dave = dave.userId
    const d = await start('dave', 2)
    await waitFor(async () => (await nodes[0]!.records.userRecords(dave.userId)).length >= 2, { what: 'dave known' })
    writeFileSync(src, 'unwanted\n')
    await d.sendFile(ids.alice as string, src)
    assert.deepEqual(await alice.receive(), [])
    const held = (await alice.requests()).find((r) => r.userId === dave.userId)
    assert.equal(held?.firstMessage, '[file] from-carol.txt (9 bytes)')
    const downloads = join(dir, 'alice', 'downloads')
    const kept = readdirSync(downloads).filter((f) => f.startsWith('from-carol') && readFileSync(join(downloads, f), 'utf8') === 'unwanted\n')
    assert.equal(kept.length, 1, 'assembled while held')
    await alice.declineRequest(dave.userId)
    assert.equal(existsSync(join(downloads, kept[0] as string)), false, 'a declined file is deleted')
    assert.deepEqual(await alice.requests(), [])
    await assert.rejects(alice.declineRequest(dave.userId), (err: unknown) => RelaymeshError.is(err, ErrorCode.NotFound))
  })

  it('drops a blocked user\'s message after decryption: stored nowhere, no request, no receipt', async () => {
    const alice = clients.alice as Client
    const dave = clients.dave as Client
    await alice.block(ids.dave as string)
    const secret = 'a secret from dave that must not be kept'
    const { id } = await dave.send(ids.alice as string, secret)
    const requests: unknown[] = []
    assert.deepEqual(await alice.receive({ onRequest: (r) => { requests.push(r) } }), [])
    assert.deepEqual(requests, [])
    assert.deepEqual(await alice.requests(), [])
    assert.equal(await stateAt('dave', id), 'stored', 'a blocked user gets no receipt')

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
    assert.deepEqual((await again.blocked()).map((b) => b.userId), [ids.dave])

    // unblocked, Dave is a stranger again: his next message is a request
    await again.unblock(ids.dave as string)
    await dave.send(ids.alice as string, 'and now?')
    assert.deepEqual(await again.receive(), [])
    assert.deepEqual((await again.requests()).map((r) => [r.userId, r.firstMessage]), [[ids.dave, 'and now?']])
  })
})
