// The client's sealed local store without any node: init, unlock, wrong
// passphrase, corruption, permissions, contacts, and unreachable nodes.
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import { initIdentity, openClient } from '../../client/client.js'
import { looseModes } from '../../client/store/permissions.js'
import { PREFIX, rangeEnd } from '../../client/store/keys.js'
import { STORE_FOLDER } from '../../client/store/sealed-store.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { createDeviceCredentials } from '../../client/device.js'

const PASS = 'correct horse battery staple'

async function rejectsWith (p: Promise<unknown>, code: ErrorCode): Promise<RelaymeshError> {
  try {
    await p
  } catch (err) {
    assert.ok(RelaymeshError.is(err), `expected a RelaymeshError, got ${String(err)}`)
    assert.equal(err.code, code, err.message)
    return err
  }
  assert.fail(`expected ${code}`)
}

/** Raw access to the LevelDB folder (the client must be closed). */
async function raw<T> (home: string, fn: (db: ClassicLevel<string, Uint8Array>) => Promise<T>): Promise<T> {
  const db = new ClassicLevel<string, Uint8Array>(join(home, STORE_FOLDER), { keyEncoding: 'utf8', valueEncoding: 'view' })
  await db.open()
  try {
    return await fn(db)
  } finally {
    await db.close()
  }
}

describe('client local store', function () {
  this.timeout(20_000)
  let home: string
  let userId: string

  before(async () => {
    home = join(mkdtempSync(join(tmpdir(), 'relaymesh-client-')), 'home')
    const id = await initIdentity(home, PASS, { name: 'alice' })
    userId = id.userId
    assert.equal(id.deviceId, 1)
    assert.match(userId, /^rm1[a-z2-7]{32}$/)
  })

  after(() => { rmSync(join(home, '..'), { recursive: true, force: true }) })

  it('creates the home 0700 with owner-only files, and refuses a second init', async () => {
    assert.equal(statSync(home).mode & 0o777, 0o700)
    assert.deepEqual(await looseModes(home), [])
    const err = await rejectsWith(initIdentity(home, PASS), ErrorCode.Invalid)
    assert.match(err.message, /already initialised/)
  })

  it('opens with the passphrase and keeps name, user id and device id', async () => {
    const c = await openClient({ home, passphrase: PASS, nodes: [] })
    assert.equal(c.userId, userId)
    assert.equal(c.deviceId, 1)
    assert.equal(c.name, 'alice')
    await c.close()
    assert.deepEqual(await looseModes(home), [], 'still owner-only after LevelDB wrote more files')
  })

  it('opens a store written by classic-level itself, as before the move to `level` (same folder, encodings, records)', async () => {
    // every record copied by classic-level (utf8 keys, raw values: the encodings the store had) into a new home
    const copy = join(home, '..', 'classic-copy')
    const entries = await raw(home, async (db) => await db.iterator().all())
    const db = new ClassicLevel<string, Uint8Array>(join(copy, STORE_FOLDER), { keyEncoding: 'utf8', valueEncoding: 'view' })
    await db.open()
    await db.batch(entries.map(([key, value]) => ({ type: 'put' as const, key, value })), { sync: true })
    await db.close()
    const c = await openClient({ home: copy, passphrase: PASS, nodes: [] })
    assert.deepEqual([c.userId, c.deviceId, c.name], [userId, 1, 'alice'])
    await c.close()
  })

  it('says WrongPassphrase for a wrong passphrase and leaves the store intact', async () => {
    const before = await raw(home, async (db) => await db.iterator().all())
    await rejectsWith(openClient({ home, passphrase: 'wrong', nodes: [] }), ErrorCode.WrongPassphrase)
    const after = await raw(home, async (db) => await db.iterator().all())
    assert.deepEqual(after.map(([k, v]) => [k, Buffer.from(v).toString('hex')]), before.map(([k, v]) => [k, Buffer.from(v).toString('hex')]))
    const c = await openClient({ home, passphrase: PASS, nodes: [] })
    assert.equal(c.userId, userId)
    await c.close()
  })

  it('says NotFound for a home without a store', async () => {
    await rejectsWith(openClient({ home: join(home, 'nothing-here'), passphrase: PASS, nodes: [] }), ErrorCode.NotFound)
  })

  it('keeps contacts sealed under hashed keys and resolves aliases', async () => {
    const bob = createDeviceCredentials().userId
    const carol = createDeviceCredentials().userId
    const c = await openClient({ home, passphrase: PASS, nodes: [] })
    await c.addContact('bob', bob)
    await c.addContact('carol', carol)
    assert.equal(await c.resolveUser('bob'), bob)
    assert.equal(await c.resolveUser(carol), carol)
    await rejectsWith(c.resolveUser('dave'), ErrorCode.NotFound)
    await rejectsWith(c.addContact('x', 'rm1notanid'), ErrorCode.Invalid)
    await rejectsWith(c.addContact('has space', bob), ErrorCode.Invalid)
    assert.deepEqual(await c.contacts(), [{ alias: 'bob', userId: bob, online: null }, { alias: 'carol', userId: carol, online: null }])
    await c.close()
    const dump = await raw(home, async (db) => await db.iterator().all())
    for (const [k, v] of dump) {
      for (const secret of ['bob', bob, carol, 'alice', userId]) {
        assert.ok(!k.includes(secret) || k.startsWith('meta!'), `key ${k} names ${secret}`)
        assert.ok(!Buffer.from(v).includes(Buffer.from(secret)), `value of ${k} contains ${secret} in the clear`)
      }
    }
  })

  it('reports a corrupted record as InvalidState and loses none of the others', async () => {
    const contactKeys = await raw(home, async (db) => await db.keys({ gte: PREFIX.contact, lt: rangeEnd(PREFIX.contact) }).all())
    assert.equal(contactKeys.length, 2)
    const [k1, k2] = contactKeys as [string, string]
    const saved = await raw(home, async (db) => ({ id: await db.get(PREFIX.identity), c1: await db.get(k1), c2: await db.get(k2) }))

    // a flipped byte in the identity record: the store opens no further
    await raw(home, async (db) => {
      const bad = Uint8Array.from(saved.id as Uint8Array)
      bad[bad.length - 5] = (bad[bad.length - 5] as number) ^ 1
      await db.put(PREFIX.identity, bad)
    })
    const err = await rejectsWith(openClient({ home, passphrase: PASS, nodes: [] }), ErrorCode.InvalidState)
    assert.match(err.message, /corrupted/)
    await raw(home, async (db) => { await db.put(PREFIX.identity, saved.id as Uint8Array) })

    // two sealed values swapped between keys: each is bound to its key, so neither opens
    await raw(home, async (db) => { await db.batch([{ type: 'put', key: k1, value: saved.c2 as Uint8Array }, { type: 'put', key: k2, value: saved.c1 as Uint8Array }]) })
    const c = await openClient({ home, passphrase: PASS, nodes: [] })
    await rejectsWith(c.contacts(), ErrorCode.InvalidState)
    assert.equal(c.userId, userId, 'everything else still opens')
    await c.close()

    // restoring the two values restores everything
    await raw(home, async (db) => { await db.batch([{ type: 'put', key: k1, value: saved.c1 as Uint8Array }, { type: 'put', key: k2, value: saved.c2 as Uint8Array }]) })
    const again = await openClient({ home, passphrase: PASS, nodes: [] })
    assert.deepEqual((await again.contacts()).map((x) => x.alias), ['bob', 'carol'])
    await again.close()
  })

  it('says Unavailable, naming every node tried, when no node answers', async () => {
    const c = await openClient({ home, passphrase: PASS, nodes: ['/ip4/127.0.0.1/tcp/9', '/ip4/127.0.0.1/tcp/7'] })
    try {
      const err = await rejectsWith(c.connect(), ErrorCode.Unavailable)
      assert.match(err.message, /\/tcp\/9/)
      assert.match(err.message, /\/tcp\/7/)
      await rejectsWith(c.send(createDeviceCredentials().userId, 'hi'), ErrorCode.Unavailable)
      await rejectsWith(c.send('not-a-user-id', 'hi'), ErrorCode.Invalid)
    } finally {
      await c.close()
    }
    const none = await openClient({ home, passphrase: PASS, nodes: [] })
    await rejectsWith(none.connect(), ErrorCode.Unavailable)
    await none.close()
  })
})
