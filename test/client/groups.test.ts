// Groups with real clients on a five-node in-process mesh over TCP: a group of
// four on different nodes where everyone reads everyone; a removed member gets
// nothing it can read (asserted on the very bytes of later messages); an added
// member reads from its join on, not before; rename and leave propagate.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { SealedStore } from '../../client/store/sealed-store.js'
import { LocalIdentity } from '../../client/local-identity.js'
import { GroupStore } from '../../client/groups/group-store.js'
import { isFanout, openFanout } from '../../client/groups/fanout.js'
import { lookupUser } from '../../client/messaging/user-directory.js'
import type { NodeConnection } from '../../client/transport/node-connection.js'
import { groupDecrypt } from '../../protocol/crypto/sender-keys.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { stampedSend } from '../helpers/sealed-send.js'
import type { SendChannel } from '../../client/transport/send-channel.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'
const NAMES = ['alice', 'bob', 'carol', 'dave', 'eve'] as const
type Name = typeof NAMES[number]

interface Sent { mailboxes: Uint8Array[], payload: Uint8Array }

function connectionOf (c: Client): NodeConnection {
  // test-only introspection: the client's current node connection
  const conn = (c as unknown as { p: { conns: { connection: NodeConnection | undefined } } }).p.conns.connection
  assert.ok(conn !== undefined, 'client is attached')
  return conn
}

/** Record every SEND a client makes from now on (the exact bytes the node gets). */
function tap (c: Client): Sent[] {
  // test-only introspection: every send leaves through the client's send channel
  const channel = (c as unknown as { ctx: { outbound: SendChannel } }).ctx.outbound
  const sent: Sent[] = []
  const send = channel.send.bind(channel)
  channel.send = async (to, id, payload, options) => {
    sent.push({ mailboxes: to.map((r) => r.mailbox), payload })
    return await send(to, id, payload, options)
  }
  return sent
}

async function rejectsWith (p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => RelaymeshError.is(err, code) || assert.fail(`expected ${code}, got ${String(err)}`))
}

function throwsCode (fn: () => unknown, code: ErrorCode): void {
  assert.throws(fn, (err: unknown) => RelaymeshError.is(err, code) || assert.fail(`expected ${code}, got ${String(err)}`))
}

describe('client groups over a five-node mesh', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const homes = {} as Record<Name, string>
  const ids = {} as Record<Name, string>
  const clients = {} as Record<Name, Client | undefined>
  const inbox = {} as Record<Name, IncomingMessage[]>
  let gid: string
  // bytes kept for the last test
  let afterRemoval: Sent | undefined
  let beforeEve: Sent | undefined

  const c = (who: Name): Client => clients[who] as Client
  const groupTexts = (who: Name): string[] => inbox[who].filter((m) => m.group === gid && m.system !== true).map((m) => m.text)

  async function start (who: Name): Promise<Client> {
    const client = await openClient({ home: homes[who], passphrase: PASS, nodes: [addressOf(nodes[NAMES.indexOf(who)] as RelayNode)] })
    clients[who] = client
    await client.connect()
    return client
  }

  async function stop (who: Name): Promise<void> {
    await clients[who]?.close()
    clients[who] = undefined
  }

  /** receive on every running client until `done` holds */
  async function pump (done: () => boolean | Promise<boolean>, what: string, timeout = 20_000): Promise<void> {
    await waitFor(async () => {
      for (const who of NAMES) {
        const client = clients[who]
        if (client !== undefined) inbox[who].push(...await client.receive({ waitMs: 50 }))
      }
      return await done()
    }, { timeout, interval: 10, what })
  }

  const groupOf = async (who: Name): Promise<{ name: string, members: string[] } | undefined> => (await c(who).groups()).find((g) => g.groupId === gid)
  const sorted = (xs: string[]): string[] => [...xs].sort()

  before(async () => {
    nodes = await startMesh(5)
    dir = tempDir('relaymesh-groups-')
    for (const who of NAMES) {
      homes[who] = join(dir, who)
      ids[who] = (await initIdentity(homes[who], PASS, { name: who })).userId
      inbox[who] = []
    }
    for (const who of NAMES) await start(who)
    // every node holds every user's device list and bundle (gossip)
    await waitFor(async () => {
      for (const node of nodes) for (const who of NAMES) if ((await node.records.userRecords(ids[who])).length < 2) return false
      return true
    }, { what: 'every user known on every node', timeout: 30_000 })
  })

  after(async () => {
    for (const who of NAMES) await clients[who]?.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('a group of four on four nodes: everyone reads everyone\'s messages, once', async () => {
    ;({ groupId: gid } = await c('alice').createGroup('friends', [ids.bob, ids.carol, ids.dave, ids.bob]))
    assert.match(gid, /^[0-9a-f]{32}$/)
    const four = sorted([ids.alice, ids.bob, ids.carol, ids.dave])
    await pump(async () => {
      for (const who of ['bob', 'carol', 'dave'] as const) if ((await groupOf(who))?.name !== 'friends') return false
      return true
    }, 'the group to reach bob, carol and dave')
    for (const who of ['alice', 'bob', 'carol', 'dave'] as const) assert.deepEqual(sorted((await groupOf(who))?.members ?? []), four, who)
    assert.deepEqual(await c('eve').groups(), [])

    const members = ['alice', 'bob', 'carol', 'dave'] as const
    const sent = new Map<string, string>()
    for (const who of members) {
      const text = `hello from ${who}`
      sent.set(text, (await c(who).sendGroup(gid, text)).id)
    }
    await pump(() => members.every((who) => groupTexts(who).length >= 3), 'every member to read the three others')
    for (const who of members) {
      assert.deepEqual(sorted(groupTexts(who)), sorted(members.filter((m) => m !== who).map((m) => `hello from ${m}`)), who)
      for (const m of inbox[who].filter((x) => x.group === gid && x.system !== true)) {
        assert.equal(m.id, sent.get(m.text))
        assert.equal(m.from, ids[m.text.slice('hello from '.length) as Name])
      }
    }
    // the group message went out as ONE payload fanned out to every other member device
    const taps = tap(c('carol'))
    await c('carol').sendGroup(gid, 'one payload')
    const fanouts = taps.filter((s) => isFanout(s.payload))
    assert.equal(fanouts.length, 1)
    assert.equal(fanouts[0]?.mailboxes.length, 3)
    await pump(() => ['alice', 'bob', 'dave'].every((who) => groupTexts(who as Name).includes('one payload')), 'the fanned-out message')
    assert.ok(groupTexts('carol').every((t) => t !== 'one payload'), 'not delivered back to its sender')
    assert.deepEqual(inbox.eve.filter((m) => m.group === gid), [])
  })

  it('a removed member gets nothing it can read from then on', async () => {
    await c('alice').removeMember(gid, ids.dave)
    await pump(async () => (await groupOf('dave')) === undefined &&
      (await groupOf('bob'))?.members.length === 3 && (await groupOf('carol'))?.members.length === 3, 'the removal to reach everyone')
    assert.ok(inbox.dave.some((m) => m.group === gid && m.system === true && m.text.includes('removed you')), 'dave is told')
    const daveBefore = groupTexts('dave').length

    const taps = tap(c('bob'))
    await c('bob').sendGroup(gid, 'after removal: SECRET-AFTER-REMOVAL')
    await c('alice').sendGroup(gid, 'after removal from alice')
    afterRemoval = taps.find((s) => isFanout(s.payload))
    assert.ok(afterRemoval !== undefined)
    assert.equal(afterRemoval.mailboxes.length, 2, 'fanned out to alice and carol only')
    await pump(() => groupTexts('carol').includes('after removal: SECRET-AFTER-REMOVAL') && groupTexts('carol').includes('after removal from alice') &&
      groupTexts('alice').includes('after removal: SECRET-AFTER-REMOVAL'), 'the remaining members to read it')

    // the bytes reach Dave anyway (a relay or a member forwards them to his mailbox)
    const daveMailbox = (await lookupUser(connectionOf(c('alice')), ids.dave, Date.now())).devices[0]?.mailbox as Uint8Array
    await stampedSend(connectionOf(c('alice')), [daveMailbox], randomBytes(16), afterRemoval.payload)
    await c('alice').send(ids.dave, 'a 1:1 message after the forwarded one') // proves Dave's mailbox was drained past it
    await pump(() => inbox.dave.some((m) => m.text === 'a 1:1 message after the forwarded one'), 'dave to drain his mailbox')
    assert.equal(groupTexts('dave').length, daveBefore, 'nothing of the group reaches Dave\'s application')
    assert.ok(inbox.dave.every((m) => !m.text.includes('SECRET-AFTER-REMOVAL')))
    await rejectsWith(c('dave').sendGroup(gid, 'still here?'), ErrorCode.NotFound)
  })

  it('an added member reads from its join on, not what was sent before', async () => {
    const taps = tap(c('alice'))
    await c('alice').sendGroup(gid, 'before eve joined')
    beforeEve = taps.find((s) => isFanout(s.payload))
    await pump(() => groupTexts('bob').includes('before eve joined'), 'bob to read it')

    await c('alice').addMember(gid, ids.eve)
    await pump(async () => (await groupOf('eve'))?.members.length === 4 && (await groupOf('bob'))?.members.includes(ids.eve) === true &&
      (await groupOf('carol'))?.members.includes(ids.eve) === true, 'the add to reach everyone')
    assert.deepEqual(sorted((await groupOf('eve'))?.members ?? []), sorted([ids.alice, ids.bob, ids.carol, ids.eve]))
    assert.equal((await groupOf('eve'))?.name, 'friends')

    for (const who of ['alice', 'bob', 'carol'] as const) await c(who).sendGroup(gid, `welcome eve from ${who}`)
    await c('eve').sendGroup(gid, 'thanks from eve')
    await pump(() => groupTexts('eve').length >= 3 && ['alice', 'bob', 'carol'].every((w) => groupTexts(w as Name).includes('thanks from eve')), 'eve to read and be read')
    assert.deepEqual(sorted(groupTexts('eve')), ['welcome eve from alice', 'welcome eve from bob', 'welcome eve from carol'])
    assert.equal(groupTexts('dave').filter((t) => t.includes('eve')).length, 0)
  })

  it('rename and leave propagate', async () => {
    await c('carol').renameGroup(gid, 'friends 2')
    await pump(async () => {
      for (const who of ['alice', 'bob', 'eve'] as const) if ((await groupOf(who))?.name !== 'friends 2') return false
      return true
    }, 'the rename to reach everyone')

    await c('bob').leaveGroup(gid)
    assert.equal(await groupOf('bob'), undefined)
    await pump(async () => {
      for (const who of ['alice', 'carol', 'eve'] as const) if ((await groupOf(who))?.members.includes(ids.bob) !== false) return false
      return true
    }, 'the leave to reach everyone')
    await rejectsWith(c('bob').sendGroup(gid, 'gone'), ErrorCode.NotFound)
    await rejectsWith(c('bob').renameGroup(gid, 'x'), ErrorCode.NotFound)

    const bobBefore = groupTexts('bob').length
    await c('eve').sendGroup(gid, 'after bob left')
    await pump(() => groupTexts('alice').includes('after bob left') && groupTexts('carol').includes('after bob left'), 'the others to read it')
    await c('alice').send(ids.bob, 'marker for bob')
    await pump(() => inbox.bob.some((m) => m.text === 'marker for bob'), 'bob to drain')
    assert.equal(groupTexts('bob').length, bobBefore)
    assert.deepEqual(sorted((await groupOf('alice'))?.members ?? []), sorted([ids.alice, ids.carol, ids.eve]))
  })

  it('checks operations on groups (bad ids, non-members, unknown users)', async () => {
    await rejectsWith(c('alice').sendGroup('nothex', 'x'), ErrorCode.Invalid)
    await rejectsWith(c('alice').sendGroup('00'.repeat(16), 'x'), ErrorCode.NotFound)
    await rejectsWith(c('alice').createGroup('', [ids.bob]), ErrorCode.Invalid)
    await rejectsWith(c('alice').createGroup('g', ['not a user id']), ErrorCode.Invalid)
    await rejectsWith(c('alice').addMember(gid, ids.carol), ErrorCode.Invalid)
    await rejectsWith(c('alice').removeMember(gid, ids.bob), ErrorCode.NotFound)
    await rejectsWith(c('alice').removeMember(gid, ids.alice), ErrorCode.Invalid)
  })

  it('on the bytes: the removed member\'s keys and the new member\'s keys open nothing outside their membership', async () => {
    assert.ok(afterRemoval !== undefined && beforeEve !== undefined)
    for (const who of ['carol', 'dave', 'eve'] as const) await stop(who)
    const load = async (who: Name): Promise<{ store: SealedStore, identity: LocalIdentity, groups: GroupStore }> => {
      const store = await SealedStore.open(homes[who], PASS)
      return { store, identity: await LocalIdentity.load(store), groups: new GroupStore(store) }
    }
    const carol = await load('carol')
    const dave = await load('dave')
    const eve = await load('eve')
    try {
      // a member (Carol) opens both: the inner GroupMessages, signed with the senders' sender keys
      const innerAfterRemoval = openFanout(carol.identity.identity, afterRemoval.payload).groupMessage
      const innerBeforeEve = openFanout(carol.identity.identity, beforeEve.payload).groupMessage

      // Dave: no header opens for him ...
      throwsCode(() => openFanout(dave.identity.identity, afterRemoval!.payload), ErrorCode.DecryptFailed)
      // ... and even given the inner message, the sender key he holds from Bob is the pre-removal chain
      const daveFromBob = await dave.groups.record(gid, ids.bob, 1)
      assert.ok(daveFromBob !== undefined, 'dave holds bob\'s old sender key')
      throwsCode(() => groupDecrypt(daveFromBob, innerAfterRemoval), ErrorCode.InvalidState)

      // Eve: the message sent before her join has no header for her, and her key from Alice is the post-join chain
      throwsCode(() => openFanout(eve.identity.identity, beforeEve!.payload), ErrorCode.DecryptFailed)
      const eveFromAlice = await eve.groups.record(gid, ids.alice, 1)
      assert.ok(eveFromAlice !== undefined)
      throwsCode(() => groupDecrypt(eveFromAlice, innerBeforeEve), ErrorCode.InvalidState)

      // relays see no sender and no text: the payload carries neither in the clear
      for (const s of [afterRemoval, beforeEve]) {
        const bytes = Buffer.from(s.payload)
        for (const needle of [ids.alice, ids.bob, 'SECRET-AFTER-REMOVAL', 'before eve']) assert.ok(!bytes.includes(Buffer.from(needle)), needle)
      }
    } finally {
      for (const x of [carol, dave, eve]) await x.store.close()
    }
  })
})
