// Files that expire, between real clients on a two-node mesh over TCP: the
// expiry travels in the manifest, the chunk envelopes the relays hold carry
// it as expires_at, and the receiver deletes its saved copy when it is due
// (from a timer while running, and on open), its history saying "expired";
// a file that expired before it arrived is reported, never saved.
import { strict as assert } from 'node:assert'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { isFileChunk } from '../../client/files/chunk-crypto.js'
import { PREFIX as NODE_PREFIX } from '../../node/store/keys.js'
import { decode } from '../../protocol/codec.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { Envelope } from '../../protocol/pb/envelope.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'

describe('files with an expiry over a two-node mesh', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const homes: Record<string, string> = {}
  const ids: Record<string, string> = {}
  const open: Client[] = []
  /** Bob's clock runs this far ahead (ms) */
  let bobSkew = 0

  async function start (who: string, node: number): Promise<Client> {
    const c = await openClient({ home: homes[who] as string, passphrase: PASS, nodes: [addressOf(nodes[node] as RelayNode)], ...(who === 'bob' ? { now: () => Date.now() + bobSkew } : {}) })
    open.push(c)
    await c.connect()
    return c
  }

  async function stop (c: Client): Promise<void> {
    await c.close()
    open.splice(open.indexOf(c), 1)
  }

  async function receiveFile (c: Client): Promise<IncomingMessage> {
    let got: IncomingMessage | undefined
    await waitFor(async () => {
      got = (await c.receive({ waitMs: 250 })).find((m) => m.file !== undefined || m.system === true) ?? got
      return got !== undefined
    }, { what: 'a file (or a notice about one)', timeout: 20_000 })
    return got as IncomingMessage
  }

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-file-expiry-')
    for (const who of ['alice', 'bob']) {
      homes[who] = join(dir, who)
      ids[who] = (await initIdentity(homes[who] as string, PASS, { name: who })).userId
    }
    for (const [who, i] of [['alice', 0], ['bob', 1]] as const) await stop(await start(who, i))
    for (const n of nodes) for (const id of Object.values(ids)) await waitFor(async () => (await n.records.userRecords(id)).length >= 2, { what: `${id} known` })
    // contacts both ways: nothing is held as a request
    const a = await start('alice', 0)
    await a.addContact('bob', ids.bob as string)
    await stop(a)
  })

  after(async () => {
    for (const c of [...open]) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('refuses an expiry out of bounds before sending anything', async () => {
    const alice = await start('alice', 0)
    const src = join(dir, 'x.txt')
    writeFileSync(src, 'x')
    for (const expiresInMs of [1, -5, 1.5, 31 * 24 * 3600 * 1000]) {
      await assert.rejects(alice.sendFile(ids.bob as string, src, { expiresInMs }), (err: unknown) => RelaymeshError.is(err, ErrorCode.Invalid))
    }
    await stop(alice)
  })

  it('the chunks on the relays expire with the file; Bob\'s copy is deleted when due (timer), history says expired', async () => {
    const alice = await start('alice', 0)
    const bob = await start('bob', 1)
    const src = join(dir, 'soon.txt')
    writeFileSync(src, 'gone soon\n'.repeat(1000))
    const sent = await alice.sendFile(ids.bob as string, src, { expiresInMs: 4000 })
    assert.ok(sent.expiresAt !== undefined && Math.abs(sent.expiresAt - Date.now() - 4000) < 3000, `expiresAt ${String(sent.expiresAt)}`)
    // every relay copy of the chunk carries the file's expiry as expires_at
    let chunks = 0
    for (const node of nodes) {
      for await (const [, value] of node.store.range({ gte: NODE_PREFIX.envelope, lt: NODE_PREFIX.envelope + '\xff' })) {
        const env = decode(Envelope, value, 1024 * 1024, 'Envelope')
        if (!isFileChunk(env.payload)) continue
        assert.equal(env.expiresAt, sent.expiresAt)
        chunks++
      }
    }
    assert.ok(chunks >= 1, 'a chunk envelope is stored')

    const file = await receiveFile(bob)
    assert.equal(file.file?.expiresAt, sent.expiresAt)
    const path = file.file?.path as string
    assert.ok(existsSync(path))
    // nothing to do with Bob's clock: the timer of the running client deletes it
    await waitFor(() => !existsSync(path), { what: 'the expired file deleted', timeout: 15_000 })
    await waitFor(async () => (await bob.history(ids.alice)).at(-1)?.file?.expired === true, { what: 'history marked expired' })
    const last = (await bob.history(ids.alice)).at(-1) as IncomingMessage
    assert.equal(last.text, '[file] soon.txt (10000 bytes), expired')
    await stop(alice)
    await stop(bob)
  })

  it('a copy due while Bob was away is deleted when he opens; a file that expired before it arrived is never saved', async () => {
    const alice = await start('alice', 0)
    let bob = await start('bob', 1)
    const src = join(dir, 'later.txt')
    writeFileSync(src, 'a day\n')
    await alice.sendFile(ids.bob as string, src, { expiresInMs: 24 * 3600 * 1000 })
    const file = await receiveFile(bob)
    const path = file.file?.path as string
    assert.ok(existsSync(path))
    await stop(bob)
    // a day later, by Bob's clock
    bobSkew = 25 * 3600 * 1000
    bob = await openClient({ home: homes.bob as string, passphrase: PASS, nodes: [addressOf(nodes[1] as RelayNode)], now: () => Date.now() + bobSkew })
    open.push(bob)
    await waitFor(() => !existsSync(path), { what: 'the file deleted on open' })
    await waitFor(async () => (await bob.history(ids.alice)).at(-1)?.text === '[file] later.txt (6 bytes), expired', { what: 'history marked expired' })
    await stop(bob)

    // sent with a short expiry while Bob is away: the relays drop the chunk, the manifest says it expired
    bobSkew = 0
    const gone = join(dir, 'gone.txt')
    writeFileSync(gone, 'never seen\n')
    await alice.sendFile(ids.bob as string, gone, { expiresInMs: 1000 })
    await new Promise((resolve) => setTimeout(resolve, 1500))
    bob = await start('bob', 1)
    const notice = await receiveFile(bob)
    assert.equal(notice.system, true)
    assert.match(notice.text, /file "gone\.txt" from .* expired before it arrived; it was not saved/)
    assert.ok(!existsSync(join(homes.bob as string, 'downloads', 'gone.txt')))
    await stop(bob)
    await stop(alice)
  })
})
