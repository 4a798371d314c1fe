// Real clients on a five-node in-process mesh over TCP: 1:1 messages both
// ways, offline delivery through another node, exactly once across client
// restarts, nothing readable on the relays, unknown users, session reset.
import { strict as assert } from 'node:assert'
import { openRecord } from '../../protocol/records.js'
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { SealedStore } from '../../client/store/sealed-store.js'
import { PREFIX as CLIENT_PREFIX } from '../../client/store/keys.js'
import { LocalIdentity } from '../../client/local-identity.js'
import { createDeviceCredentials } from '../../client/device.js'
import { PREFIX as NODE_PREFIX } from '../../node/store/keys.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { receiveN } from '../helpers/receive.js'

const PASS = 'pass phrase'

async function rejectsWith (p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => RelaymeshError.is(err, code) || assert.fail(`expected ${code}, got ${String(err)}`))
}

/** receive() until `n` messages arrived (or the deadline); returns all of them. */

describe('client messaging over a five-node mesh', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const homes: Record<string, string> = {}
  const ids: Record<string, string> = {}
  const open: Client[] = []
  let alice: Client
  let bob: Client

  async function start (who: string, node: RelayNode): Promise<Client> {
    const c = await openClient({ home: homes[who] as string, passphrase: PASS, nodes: [addressOf(node)], gapGraceMs: 4_000 })
    open.push(c)
    await c.connect()
    return c
  }

  async function stop (c: Client): Promise<void> {
    await c.close()
    open.splice(open.indexOf(c), 1)
  }

  /** until `node` holds `userId`'s device list and bundle (gossip) */
  async function known (node: RelayNode, userId: string): Promise<void> {
    await waitFor(async () => (await node.records.userRecords(userId)).length >= 2, { what: `${userId} on ${node.peerId.toString()}` })
  }

  before(async () => {
    nodes = await startMesh(5)
    dir = tempDir('relaymesh-clients-')
    for (const who of ['alice', 'bob', 'carol']) {
      homes[who] = join(dir, who)
      ids[who] = (await initIdentity(homes[who] as string, PASS, { name: who })).userId
    }
    alice = await start('alice', nodes[0]!)
    bob = await start('bob', nodes[2]!)
    await known(nodes[0]!, ids.bob!)
    await known(nodes[2]!, ids.alice!)
  })

  after(async () => {
    for (const c of [...open]) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('Alice on node 1 and Bob on node 3 exchange messages both ways', async () => {
    const sent = await alice.send(ids.bob!, 'hello Bob, this is Alice')
    assert.match(sent.id, /^[0-9a-f]{32}$/)
    const atBob = await receiveN(bob, 1)
    assert.equal(atBob.length, 1)
    assert.deepEqual({ ...atBob[0], sentAt: 0 }, { id: sent.id, from: ids.alice, group: null, text: 'hello Bob, this is Alice', sentAt: 0 })

    const reply = await bob.send(ids.alice!, 'hi Alice ✓')
    const atAlice = await receiveN(alice, 1)
    assert.deepEqual(atAlice.map((m) => [m.id, m.from, m.text]), [[reply.id, ids.bob, 'hi Alice ✓']])

    // a few more rounds on the established ratchet
    for (let i = 0; i < 3; i++) {
      await alice.send(ids.bob!, `ping ${i}`)
      assert.deepEqual((await receiveN(bob, 1)).map((m) => m.text), [`ping ${i}`])
      await bob.send(ids.alice!, `pong ${i}`)
      assert.deepEqual((await receiveN(alice, 1)).map((m) => m.text), [`pong ${i}`])
    }
    const hist = await bob.history(ids.alice)
    assert.deepEqual(hist.map((m) => m.text), ['hello Bob, this is Alice', 'hi Alice ✓', 'ping 0', 'pong 0', 'ping 1', 'pong 1', 'ping 2', 'pong 2'])
    assert.deepEqual(await bob.receive(), [], 'nothing twice')
  })

  it('a contact who has not shared a profile key shows as unknown, never online (contacts-only presence)', async () => {
    await bob.addContact('alice', ids.alice!)
    // Alice is attached (and has published her presence blobs) the whole time: Bob, without her profile key, cannot see it
    assert.deepEqual(await bob.contacts(), [{ alias: 'alice', userId: ids.alice, online: null }])
    assert.equal(await bob.presenceOf(ids.alice!), 'unknown')
    // Alice holds her own profile key: her own devices' presence she sees
    assert.equal(await alice.presenceOf(ids.alice!), 'online')
    assert.equal(await bob.safetyNumber(ids.alice!), await alice.safetyNumber(ids.bob!))
    assert.match(await bob.safetyNumber(ids.alice!), /^\d{60}$/)
  })

  it('keeps messages for offline Bob and delivers them once, in order, when he attaches to node 5; relays hold no plaintext or sender id', async () => {
    await stop(bob)
    // Alice's identity key, as the mesh publishes it in her signed device list
    const aliceRecords = await nodes[0]!.records.userRecords(ids.alice!)
    const aliceIdentityKey = Buffer.from(openRecord(aliceRecords[0]!, Date.now()).identityKey)
    const needles = [Buffer.from('SECRET-'), Buffer.from(ids.alice!), Buffer.from('offline message'), aliceIdentityKey]

    // what every node receives from clients: every envelope handed to its mailbox service
    const received: Uint8Array[] = []
    const restore = nodes.map((node) => {
      const original = node.mailbox.store
      node.mailbox.store = async (env, options) => { received.push(env.payload.slice(), env.id.slice(), env.mailbox.slice()); return await original(env, options) }
      return () => { node.mailbox.store = original }
    })
    const texts = Array.from({ length: 20 }, (_, i) => `offline message ${i} SECRET-${i}-MARKER`)
    try {
      for (const t of texts) await alice.send(ids.bob!, t)
    } finally {
      for (const r of restore) r()
    }
    assert.ok(received.length >= 3 * 20, 'every send passed through a node')
    for (const bytes of received) for (const n of needles) assert.ok(!Buffer.from(bytes).includes(n), `a node received ${n.toString('hex').slice(0, 16)}… in an envelope`)

    // what the relays hold now: every key and value outside the public signed records
    let envelopes = 0
    for (const node of nodes) {
      for await (const [key, value] of node.store.range({ gte: '', lt: '\xff' })) {
        if (key.startsWith(NODE_PREFIX.record)) continue // public signed records (device lists, bundles, presence), by design
        // the proofs behind tombstones: the recipient device's signature over acknowledged ids and its user's
        // public device list (a replica can compute every listed device's mailbox from it anyway), by design
        if (key.startsWith(NODE_PREFIX.ackProof)) continue
        if (key.startsWith(NODE_PREFIX.envelope)) envelopes++
        for (const n of needles) {
          assert.ok(!Buffer.from(value).includes(n), `${key} holds ${n.toString()}`)
          assert.ok(!key.includes(n.toString()), `key ${key} names ${n.toString()}`)
        }
      }
    }
    assert.ok(envelopes >= 2 * 20, `the 20 envelopes sit on their replicas (${envelopes} copies seen)`)

    bob = await start('bob', nodes[4]!)
    const got = await receiveN(bob, 20)
    assert.deepEqual(got.map((m) => m.text), texts)
    assert.ok(got.every((m) => m.from === ids.alice))
    assert.deepEqual(await bob.receive({ waitMs: 300 }), [], 'nothing twice')
  })

  it('delivers nothing twice across a restart of Bob\'s client, including messages stored but not yet handed out', async () => {
    await alice.send(ids.bob!, 'before restart')
    assert.deepEqual((await receiveN(bob, 1)).map((m) => m.text), ['before restart'])
    // live pushes are stored (and acknowledged) while no receive() runs...
    const n = (await bob.history()).length
    await alice.send(ids.bob!, 'pushed 1')
    await alice.send(ids.bob!, 'pushed 2')
    await waitFor(async () => (await bob.history()).length === n + 2, { what: 'pushes stored' })
    await stop(bob)
    // ...and handed out once after the restart
    bob = await start('bob', nodes[4]!)
    assert.deepEqual((await receiveN(bob, 2)).map((m) => m.text), ['pushed 1', 'pushed 2'])
    await stop(bob)
    bob = await start('bob', nodes[2]!)
    assert.deepEqual(await bob.receive({ waitMs: 300 }), [])
    await alice.send(ids.bob!, 'after restart')
    assert.deepEqual((await receiveN(bob, 1)).map((m) => m.text), ['after restart'])
  })

  it('settles two sessions started at the same time from both sides (simultaneous initiation)', async () => {
    const carol = await start('carol', nodes[1]!)
    await known(nodes[1]!, ids.alice!)
    await known(nodes[0]!, ids.carol!)
    // neither holds a session: both run PQXDH at once, each message is a PqxdhInitial on its own session
    await Promise.all([alice.send(ids.carol!, 'A1'), carol.send(ids.alice!, 'C1')])
    await Promise.all([alice.send(ids.carol!, 'A2'), carol.send(ids.alice!, 'C2')])
    const [atCarol, atAlice] = await Promise.all([receiveN(carol, 2), receiveN(alice, 2)])
    assert.deepEqual(atCarol.map((m) => m.text), ['A1', 'A2'])
    assert.deepEqual(atAlice.map((m) => m.text), ['C1', 'C2'])
    // each side now holds both sessions; every message reads, whichever one either side picks
    for (let i = 0; i < 3; i++) {
      await Promise.all([alice.send(ids.carol!, `a${i}`), carol.send(ids.alice!, `c${i}`)])
      const [c, a] = await Promise.all([receiveN(carol, 1), receiveN(alice, 1)])
      assert.deepEqual([c.map((m) => m.text), a.map((m) => m.text)], [[`a${i}`], [`c${i}`]])
    }
    await stop(carol)
  })

  it('says NotFound for an unknown user and Invalid for a malformed id', async () => {
    await rejectsWith(alice.send(createDeviceCredentials().userId, 'anyone?'), ErrorCode.NotFound)
    await rejectsWith(alice.send('rm1-not-a-user', 'x'), ErrorCode.Invalid)
    await rejectsWith(alice.send(ids.alice!, 'me'), ErrorCode.Invalid)
  })

  /** Bob loses his sessions (as after restoring an old backup); his client restarts on node 3. */
  async function bobLosesSessions (): Promise<void> {
    await stop(bob)
    const store = await SealedStore.open(homes.bob!, PASS)
    const dels: Array<{ type: 'del', key: string }> = []
    for await (const key of store.keys(CLIENT_PREFIX.session)) dels.push({ type: 'del', key })
    assert.ok(dels.length > 0)
    await store.batch(dels)
    assert.equal((await LocalIdentity.load(store)).userId, ids.bob)
    await store.close()
    bob = await start('bob', nodes[2]!)
  }

  /**
   * The messages a broken session cost are reported missing and resent with their original ids
   * (client/gaps). `early`: what Bob received while waiting for the first readable message (a
   * resend may come in with it).
   */
  async function refilled (texts: string[], early: IncomingMessage[], options: { resent?: boolean } = {}): Promise<void> {
    const got: IncomingMessage[] = [...early]
    const notice = (): boolean => got.some((m) => m.system === true && new RegExp(`^\\d+ messages? missing from ${ids.alice!}`).test(m.text))
    // Alice's client drains too (as its periodic resync would): it answers Bob's resend request
    // whether the request reaches it by live push or waits in its mailbox
    await waitFor(async () => {
      await alice.receive({ waitMs: 100 })
      got.push(...await bob.receive({ waitMs: 300 }))
      return options.resent === false ? notice() : texts.every((t) => got.some((m) => m.text === t))
    }, { timeout: 25_000, what: options.resent === false ? 'the gap reported' : `${texts.join(', ')} resent` })
    assert.ok(notice(), 'the gap was reported')
    // a retried 'after the reset' that was lost too comes back as well; nothing else does, and nothing twice
    const texts2 = got.filter((m) => m.system !== true).map((m) => m.text)
    assert.ok(texts2.every((t) => texts.includes(t) || t === 'after the reset'), JSON.stringify(texts2))
    assert.equal(new Set(got.map((m) => m.id)).size, got.length)
  }

  it('resets a broken session automatically and tells the user', async () => {
    await bobLosesSessions()

    await alice.send(ids.bob!, 'lost in the broken session')
    const notice = await receiveN(bob, 1)
    assert.equal(notice.length, 1)
    assert.equal(notice[0]?.system, true)
    assert.equal(notice[0]?.from, ids.alice)
    // Bob's client answered with a fresh session (a SESSION_RESET content); Alice's next message reads fine
    // (the gap's resends may arrive in the same receive: they are checked by refilled)
    const early: IncomingMessage[] = []
    await waitFor(async () => {
      await alice.receive()
      await alice.send(ids.bob!, 'after the reset')
      early.push(...await receiveN(bob, 1, 2000))
      return early.some((m) => m.system !== true && m.text === 'after the reset')
    }, { timeout: 20_000, what: 'a readable message after the reset' })
    await refilled(['lost in the broken session'], early)
  })

  it('keeps a reset session when a message on the old session arrives after it (reset racing a message in flight)', async () => {
    await bobLosesSessions()
    // everything Bob's client sends (through node 3) is held: Alice does not see his reset yet
    const node = nodes[2]!
    const original = node.mailbox.store
    const held: Array<() => void> = []
    node.mailbox.store = async (env, options) => {
      await new Promise<void>((resolve) => held.push(resolve))
      return await original(env, options)
    }
    try {
      await alice.send(ids.bob!, 'lost in the broken session')
      const first = await receiveN(bob, 1)
      assert.deepEqual(first.map((m) => m.system), [true])
      // Bob's fresh session is in place (it is persisted before the reset is sent)
      await waitFor(() => held.length > 0, { what: 'Bob\'s SESSION_RESET' })
      // Alice, not knowing yet, sends once more on the session Bob lost: it cannot be read, but
      // must not cost Bob the fresh session Alice is about to accept
      await alice.send(ids.bob!, 'sent before the reset arrived')
      const second = await receiveN(bob, 1)
      assert.deepEqual(second.map((m) => m.system), [true])
    } finally {
      node.mailbox.store = original
      for (const release of held.splice(0)) release()
    }
    // Bob sends no second reset (at most one a minute), so the first one has to do
    // (the gap's resends may arrive in the same receive: they are checked by refilled)
    const early: IncomingMessage[] = []
    await waitFor(async () => {
      await alice.receive()
      await alice.send(ids.bob!, 'after the reset')
      early.push(...await receiveN(bob, 1, 2000))
      return early.some((m) => m.system !== true && m.text === 'after the reset')
    }, { timeout: 20_000, what: 'a readable message after the reset' })
    // a resend request is asked once: when Alice answers it before she has taken Bob's reset, her
    // resend goes out on the session Bob lost and is not asked again (a known limit, docs/protocol.md
    // §8h); what this race promises is the report, and that nothing arrives twice or unasked
    await refilled(['lost in the broken session', 'sent before the reset arrived'], early, { resent: false })
  })

  it('measures end-to-end throughput (Alice -> Bob, 100 messages sequentially and 100 in parallel)', async () => {
    const n = 100
    const t0 = performance.now()
    const receiving = receiveN(bob, n, 30_000)
    for (let i = 0; i < n; i++) await alice.send(ids.bob!, `bulk ${i}`)
    const sentMs = performance.now() - t0
    const got = await receiving
    const totalMs = performance.now() - t0
    assert.deepEqual(got.map((m) => m.text), Array.from({ length: n }, (_, i) => `bulk ${i}`))
    console.log(`      ${n} messages one after another: sent (stored on a quorum) at ${(n / sentMs * 1000).toFixed(0)}/s, received end to end at ${(n / totalMs * 1000).toFixed(0)}/s`)

    // many sends in flight at once (the session lock orders the encryptions; the stores overlap)
    const t1 = performance.now()
    const receiving2 = receiveN(bob, n, 30_000)
    await Promise.all(Array.from({ length: n }, async (_, i) => await alice.send(ids.bob!, `parallel ${i}`)))
    const sent2 = performance.now() - t1
    const got2 = await receiving2
    const total2 = performance.now() - t1
    assert.deepEqual(got2.map((m) => m.text).sort(), Array.from({ length: n }, (_, i) => `parallel ${i}`).sort())
    console.log(`      ${n} messages in parallel: sent at ${(n / sent2 * 1000).toFixed(0)}/s, received end to end at ${(n / total2 * 1000).toFixed(0)}/s`)
  })

  it('reconnects to the next node of its list when its node goes away', async () => {
    await stop(bob)
    const c = await openClient({ home: homes.bob!, passphrase: PASS, nodes: [addressOf(nodes[2]!), addressOf(nodes[3]!)] })
    open.push(c)
    bob = c
    await bob.connect()
    await nodes[2]!.stop() // Bob's node goes away (stopAll stops it again harmlessly)
    await alice.send(ids.bob!, 'while you moved')
    assert.deepEqual((await receiveN(bob, 1, 20_000)).map((m) => m.text), ['while you moved'])
  })

  it('a receive that is waiting fetches, right after a re-attach, what was stored while the client was detached', async () => {
    await stop(bob)
    bob = await openClient({ home: homes.bob!, passphrase: PASS, nodes: [addressOf(nodes[3]!), addressOf(nodes[4]!)] })
    open.push(bob)
    await bob.connect()
    // one long receive is running when Bob's node goes away
    const got: string[] = []
    const waiting = bob.receive({ waitMs: 60_000, onMessage: (m) => { if (m.system !== true) got.push(m.text) } })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await nodes[3]!.stop()
    // stored on the replicas while Bob re-attaches elsewhere: no node pushes it to him, only a fetch finds it
    await alice.send(ids.bob!, 'stored while you were away')
    await waitFor(() => got.includes('stored while you were away'), { timeout: 20_000, what: 'the message, within the same receive' })
    await bob.close()
    open.splice(open.indexOf(bob), 1)
    await waiting
  })
})
