// Prekey rotation and one-time prekey top-up with an injected clock, and the
// content encoding (padding, bounds); then one-time prekeys with real clients
// on a real four-node mesh over TCP: an upload whose answer was lost, a
// drained pool refilled on the next attach, an empty pool (last resort), and
// a key handed out twice by a hostile replica.
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PreKeys, ONE_TIME_LOW, ONE_TIME_POOL, SIGNED_PREKEY_GRACE_MS, SIGNED_PREKEY_ROTATE_MS } from '../../client/keys/prekeys.js'
import { SealedStore } from '../../client/store/sealed-store.js'
import { CONTENT_PAD_BLOCK, ContentKind, MAX_TEXT_BYTES, decodeContent, encodeContent, newMessageId } from '../../client/messaging/content.js'
import { EnvelopeIds } from '../../client/messaging/envelope-id.js'
import { ed25519GenerateKeyPair } from '../../protocol/crypto/primitives.js'
import { openRecord } from '../../protocol/records.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import { DAY_MS } from '../../client/device.js'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { LocalIdentity } from '../../client/local-identity.js'
import { createClientHost } from '../../client/transport/client-host.js'
import { NodeConnection } from '../../client/transport/node-connection.js'
import { OneTimePreKey } from '../../protocol/pb/records.js'
import { encode } from '../../protocol/codec.js'
import type { RelayNode } from '../../node/relay-node.js'
import { PREFIX as NODE_PREFIX, rangeEnd } from '../../node/store/keys.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { closestReference } from '../helpers/placement.js'
import { waitFor } from '../helpers/wait.js'

describe('client prekeys', function () {
  this.timeout(20_000)
  let dir: string
  let store: SealedStore
  const identity = ed25519GenerateKeyPair()
  const t0 = Date.UTC(2026, 0, 1)

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relaymesh-prekeys-'))
    store = await SealedStore.create(join(dir, 'home'), 'pw', { scrypt: { N: 1 << 10, r: 8, p: 1 } })
  })

  after(async () => {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('rotates the signed prekeys weekly and keeps the previous ones for the grace period, across reloads', async () => {
    const { prekeys, ops } = PreKeys.create(store, identity, t0)
    await store.batch(ops)
    assert.equal(prekeys.currentSignedPreKey.id, 1)
    assert.deepEqual(prekeys.rotateIfDue(t0 + SIGNED_PREKEY_ROTATE_MS - 1), { ops: [], rotated: false })

    const r1 = prekeys.rotateIfDue(t0 + SIGNED_PREKEY_ROTATE_MS)
    assert.equal(r1.rotated, true)
    await store.batch(r1.ops)
    let p = await PreKeys.load(store, identity)
    assert.equal(p.currentSignedPreKey.id, 2)
    const src = p.source()
    assert.ok(src.signedPreKey(1) !== undefined && src.kemPreKey(1) !== undefined, 'previous kept for messages in flight')

    // the current one is due again a week later; the one it replaced stays through its grace period
    const replaced = t0 + SIGNED_PREKEY_ROTATE_MS
    const r2 = p.rotateIfDue(replaced + SIGNED_PREKEY_GRACE_MS - 1)
    assert.equal(r2.rotated, true)
    await store.batch(r2.ops)
    p = await PreKeys.load(store, identity)
    assert.equal(p.currentSignedPreKey.id, 3)
    assert.ok(p.source().signedPreKey(1) !== undefined, 'one ms before the grace period ends')
    const r3 = p.rotateIfDue(replaced + SIGNED_PREKEY_GRACE_MS)
    assert.equal(r3.rotated, false)
    await store.batch(r3.ops)
    p = await PreKeys.load(store, identity)
    assert.equal(p.source().signedPreKey(1), undefined)
    assert.equal(p.source().kemPreKey(1), undefined)
    assert.ok(p.source().signedPreKey(2) !== undefined, 'the one replaced later is still in its grace period')
    assert.equal(p.currentSignedPreKey.id, 3)

    // the bundle names the current keys and verifies
    const now = replaced + SIGNED_PREKEY_GRACE_MS
    const bundle = openRecord(p.signBundle(1, now).record, now)
    assert.equal((bundle.body as { signedPrekey?: { id: number } }).signedPrekey?.id, 3)
  })

  it('uploads each one-time prekey once and tops the pool up when the mesh runs low', async () => {
    const p = await PreKeys.load(store, identity)
    const first = p.planUpload()
    assert.equal(first.keys.length, ONE_TIME_POOL)
    await store.batch(first.ops)
    await store.batch([p.uploaded(ONE_TIME_POOL)])
    assert.equal(p.planUpload().keys.length, 0, 'nothing uploaded twice')

    // used keys (accepted sessions) lower the estimate; below the low mark fresh keys are made
    const src = p.source()
    for (let id = 1; id <= ONE_TIME_POOL - ONE_TIME_LOW + 1; id++) src.removeOneTimePreKey(id)
    await store.batch(src.takeRemovals())
    assert.equal(p.remoteEstimate, ONE_TIME_LOW - 1)
    const again = p.planUpload()
    assert.equal(again.keys.length, ONE_TIME_POOL - (ONE_TIME_LOW - 1))
    const idsOf = (keys: Uint8Array[]): number[] => keys.map((k) => OneTimePreKey.decode(k).id)
    assert.ok(Math.min(...idsOf(again.keys)) > Math.max(...idsOf(first.keys)), 'fresh ids only')
    await store.batch(again.ops)
    // the node's own count wins over the estimate
    await store.batch([p.uploaded(30)])
    const third = p.planUpload(30)
    assert.equal(third.keys.length, ONE_TIME_POOL - 30)
    await store.batch(third.ops)
    const reloaded = await PreKeys.load(store, identity)
    assert.equal(reloaded.oneTimeCount, p.oneTimeCount)
  })

  it('never plans an id twice: an upload whose answer was lost is not sent again', async () => {
    const s = await SealedStore.create(join(dir, 'lost'), 'pw', { scrypt: { N: 1 << 10, r: 8, p: 1 } })
    try {
      const { prekeys, ops } = PreKeys.create(s, identity, t0)
      await s.batch(ops)
      const first = prekeys.planUpload()
      await s.batch(first.ops)
      // the upload leaves and its answer is lost: nothing more is recorded; the process restarts
      const again = await PreKeys.load(s, identity)
      const second = again.planUpload(0)
      const idsOf = (keys: Uint8Array[]): number[] => keys.map((k) => OneTimePreKey.decode(k).id)
      assert.equal(first.keys.length, ONE_TIME_POOL)
      assert.deepEqual(idsOf(second.keys).filter((id) => idsOf(first.keys).includes(id)), [], 'an id planned twice')
      assert.equal(second.keys.length, ONE_TIME_POOL, 'the node said none remain: a whole pool of fresh ids')
    } finally {
      await s.close()
    }
  })
})

const PASS = 'pass phrase'

describe('one-time prekeys with real clients on a four-node mesh', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []

  interface User { home: string, userId: string, mailbox: Uint8Array }

  before(async () => {
    nodes = await startMesh(4)
    dir = tempDir('relaymesh-otk-')
  })

  after(async () => {
    for (const c of open) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  async function newUser (name: string): Promise<User> {
    const home = join(dir, name)
    const { userId } = await initIdentity(home, PASS, { name })
    const s = await SealedStore.open(home, PASS)
    const mailbox = (await LocalIdentity.load(s)).credentials().mailbox
    await s.close()
    return { home, userId, mailbox }
  }

  async function attach (u: User, node: RelayNode): Promise<Client> {
    const c = await openClient({ home: u.home, passphrase: PASS, nodes: [addressOf(node)] })
    open.push(c)
    await c.connect()
    return c
  }

  async function close (c: Client): Promise<void> {
    open.splice(open.indexOf(c), 1)
    await c.close()
  }

  /** the mailbox's replicas in order of closeness */
  function replicas (mailbox: Uint8Array): RelayNode[] {
    return closestReference(mailbox, nodes.map((n) => n.peerId.toString()), 3)
      .map((id) => nodes.find((n) => n.peerId.toString() === id) as RelayNode)
  }

  /** one-time prekeys the nodes hold for `mailbox`, straight from their LevelDB */
  async function held (mailbox: Uint8Array): Promise<number> {
    const prefix = `${NODE_PREFIX.oneTimePreKey}${Buffer.from(mailbox).toString('hex')}!`
    let n = 0
    for (const node of nodes) for await (const _ of node.store.keys({ gte: prefix, lt: rangeEnd(prefix) })) n++
    return n
  }

  /** claims (as senders do, through every node in turn) until none is left or `max` were taken; the keys handed out */
  async function take (mailbox: Uint8Array, max = Infinity): Promise<OneTimePreKey[]> {
    const out: OneTimePreKey[] = []
    for (let i = 0; out.length < max; i++) {
      const got = await nodes[i % nodes.length]!.prekeys.claim(mailbox)
      if (got.key === undefined) break
      out.push(OneTimePreKey.decode(got.key))
    }
    return out
  }

  function twice (ids: number[]): number[] {
    const seen = new Set<number>()
    return ids.filter((id) => seen.has(id) || (seen.add(id), false))
  }

  async function known (node: RelayNode, userId: string): Promise<void> {
    await waitFor(async () => (await node.records.userRecords(userId)).length >= 2, { what: `${userId} on ${node.peerId.toString()}` })
  }

  async function receiveN (c: Client, n: number, timeout = 15_000): Promise<IncomingMessage[]> {
    const got: IncomingMessage[] = []
    const deadline = Date.now() + timeout
    while (got.length < n && Date.now() < deadline) got.push(...await c.receive({ waitMs: 200 }))
    return got
  }

  it('an upload whose answer was lost: no id is handed out twice', async () => {
    const u = await newUser('lost')
    // the first upload, made as the client makes it; it is stored, but its answer never reaches the client's state
    const s = await SealedStore.open(u.home, PASS)
    const me = await LocalIdentity.load(s)
    const prekeys = await PreKeys.load(s, me.identity)
    const plan = prekeys.planUpload()
    await s.batch(plan.ops)
    const host = await createClientHost()
    const conn = await NodeConnection.connect(host, addressOf(nodes[0]!))
    await conn.attach(me.credentials(), { onEnvelope: () => {} })
    assert.equal(conn.prekeysRemaining, 0, 'the attach answer counts the replicas\' keys')
    await conn.uploadPreKeys(plan.keys)
    await conn.detach()
    await host.stop()
    await s.close()
    assert.equal(await held(u.mailbox), ONE_TIME_POOL)
    // senders take 40 keys; then the device attaches again
    const first = await take(u.mailbox, 40)
    const c = await attach(u, nodes[1]!)
    const rest = await take(u.mailbox)
    await close(c)
    const ids = [...first, ...rest].map((k) => k.id)
    assert.deepEqual(twice(ids), [], 'ids handed out twice')
    const keys = [...first, ...rest].map((k) => Buffer.from(k.publicKey).toString('hex'))
    assert.equal(new Set(keys).size, keys.length, 'a key handed out twice')
  })

  it('the client refills its pool on the next attach once it is low, and once it is empty', async () => {
    const u = await newUser('drained')
    let c = await attach(u, nodes[2]!)
    assert.equal(await held(u.mailbox), ONE_TIME_POOL)
    const taken = await take(u.mailbox, ONE_TIME_POOL - ONE_TIME_LOW + 10)
    await close(c)
    c = await attach(u, nodes[3]!)
    assert.equal(await held(u.mailbox), ONE_TIME_POOL, 'refilled from below the low-water mark')
    taken.push(...await take(u.mailbox))
    assert.equal(await held(u.mailbox), 0)
    await close(c)
    c = await attach(u, nodes[0]!)
    assert.equal(await held(u.mailbox), ONE_TIME_POOL, 'refilled from empty')
    const fresh = await take(u.mailbox)
    await close(c)
    assert.deepEqual(twice([...taken, ...fresh].map((k) => k.id)), [], 'an id handed out twice')
  })

  it('a one-time prekey handed out twice (a hostile replica) is refused by the device; an empty pool falls back to the signed last-resort keys', async () => {
    const [bob, alice, carol, dave] = await Promise.all(['bob', 'alice', 'carol', 'dave'].map(async (n) => await newUser(n))) as [User, User, User, User]
    const bobC = await attach(bob, nodes[0]!)
    const aliceC = await attach(alice, nodes[1]!)
    const carolC = await attach(carol, nodes[2]!)
    const daveC = await attach(dave, nodes[3]!)
    for (const n of [nodes[1]!, nodes[2]!, nodes[3]!]) await known(n, bob.userId)
    await known(nodes[0]!, alice.userId)
    await known(nodes[0]!, carol.userId)
    await known(nodes[0]!, dave.userId)
    // every key of Bob's is taken; a hostile replica then hands one of them out again, twice
    const all = await take(bob.mailbox)
    assert.equal(all.length, ONE_TIME_POOL)
    const k = all[0] as OneTimePreKey
    const hostile = replicas(bob.mailbox)[0] as RelayNode
    const slot = `${NODE_PREFIX.oneTimePreKey}${Buffer.from(bob.mailbox).toString('hex')}!${k.id.toString(16).padStart(8, '0')}`
    await hostile.store.put(slot, encode(OneTimePreKey, k))
    await aliceC.send(bob.userId, 'from Alice, on the one-time prekey')
    assert.equal(await held(bob.mailbox), 0, 'Alice took it')
    const a = await receiveN(bobC, 1)
    assert.deepEqual(a.map((m) => [m.from, m.text]), [[alice.userId, 'from Alice, on the one-time prekey']])
    await hostile.store.put(slot, encode(OneTimePreKey, k))
    await carolC.send(bob.userId, 'from Carol, on the same one-time prekey')
    assert.equal(await held(bob.mailbox), 0, 'Carol took it')
    const b = await receiveN(bobC, 1)
    assert.equal(b.length, 1)
    assert.equal(b[0]!.system, true, 'a notice, not Carol\'s text')
    assert.ok(!b.some((m) => m.text.includes('from Carol')))
    // nothing left: Dave's handshake uses the signed prekey and the ML-KEM last-resort key only
    assert.deepEqual(await nodes[3]!.prekeys.claim(bob.mailbox), { key: undefined, remaining: 0 })
    await daveC.send(bob.userId, 'from Dave, on the last-resort keys')
    const d = await receiveN(bobC, 1)
    assert.deepEqual(d.map((m) => [m.from, m.text]), [[dave.userId, 'from Dave, on the last-resort keys']])
    for (const c of [bobC, aliceC, carolC, daveC]) await close(c)
  })
})

describe('client content encoding', () => {
  it('pads to a multiple of the block and round-trips', () => {
    for (const text of ['', 'hi', 'x'.repeat(150), 'é'.repeat(500), 'y'.repeat(5000)]) {
      const c = { messageId: newMessageId(), sentAt: Date.now(), kind: ContentKind.TEXT, text }
      const bytes = encodeContent(c)
      assert.ok(bytes.byteLength % CONTENT_PAD_BLOCK <= 1, `${bytes.byteLength} bytes for ${text.length} chars`)
      assert.deepEqual(decodeContent(bytes), c)
    }
  })

  it('refuses text over the limit and malformed content', () => {
    assert.throws(() => encodeContent({ messageId: newMessageId(), sentAt: 1, kind: ContentKind.TEXT, text: 'z'.repeat(MAX_TEXT_BYTES + 1) }), (e: unknown) => RelaymeshError.is(e, ErrorCode.Invalid))
    assert.throws(() => decodeContent(Uint8Array.of(0x08, 0x01, 0x12, 0x01, 0x00)), (e: unknown) => RelaymeshError.is(e, ErrorCode.Decode))
    assert.throws(() => decodeContent(Uint8Array.of(0xff, 0xff)), (e: unknown) => RelaymeshError.is(e, ErrorCode.Decode))
  })

  it('makes strictly increasing envelope ids, also within one millisecond', () => {
    const gen = new EnvelopeIds()
    let last = Buffer.alloc(16)
    for (let i = 0; i < 1000; i++) {
      const id = Buffer.from(gen.next(t0()))
      assert.equal(Buffer.compare(id, last), 1)
      last = id
    }
    function t0 (): number { return 1_700_000_000_000 + Math.floor(DAY_MS / DAY_MS) }
  })
})
