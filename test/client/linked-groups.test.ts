// A linked device gets the groups of its account, over a real three-node mesh:
// Alice (device 1), Bob and Carol are in a group; Alice links device 2. The
// new device lists the group at once (from the link answer), reads what
// device 1 sends, can send to the group (Bob, Carol and device 1 receive
// it), and reads what Bob and Carol send after it joined.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, joinDevice, openClient, type Client, type IncomingMessage } from '../../client/client.js'
import { verifyUserRecords } from '../../client/messaging/user-directory.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'

describe('linked devices get the groups of the account (three nodes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []
  /** what each client received so far */
  const got = new Map<Client, IncomingMessage[]>()

  async function start (home: string, node: RelayNode): Promise<Client> {
    const c = await openClient({ home, passphrase: PASS, nodes: [addressOf(node)] })
    open.push(c)
    got.set(c, [])
    await c.connect()
    return c
  }

  /** receive until a message with `text` in `group` is there */
  async function sees (c: Client, group: string, text: string): Promise<IncomingMessage> {
    const list = got.get(c) as IncomingMessage[]
    return await waitFor(async () => {
      list.push(...await c.receive({ waitMs: 200 }))
      return list.find((m) => m.group === group && m.text === text)
    }, { what: `"${text}" at ${c.userId.slice(0, 10)}/${c.deviceId}`, timeout: 30_000 })
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-linked-groups-')
  })

  after(async () => {
    for (const c of [...open]) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('a device that joins lists the group, sends to it, and reads what members send after it joined', async () => {
    const aliceId = (await initIdentity(join(dir, 'alice1'), PASS)).userId
    const bobId = (await initIdentity(join(dir, 'bob'), PASS)).userId
    const carolId = (await initIdentity(join(dir, 'carol'), PASS)).userId
    const alice1 = await start(join(dir, 'alice1'), nodes[0] as RelayNode)
    const bob = await start(join(dir, 'bob'), nodes[1] as RelayNode)
    const carol = await start(join(dir, 'carol'), nodes[2] as RelayNode)
    for (const node of nodes) for (const id of [aliceId, bobId, carolId]) await waitFor(async () => (await node.records.userRecords(id)).length >= 2, { what: `${id} known` })

    const { groupId } = await alice1.createGroup('hikers', [bobId, carolId])
    // everyone holds everyone's sender key before device 2 exists
    await alice1.sendGroup(groupId, 'before the phone')
    await sees(bob, groupId, 'before the phone')
    await sees(carol, groupId, 'before the phone')
    await bob.sendGroup(groupId, 'bob before')
    await sees(alice1, groupId, 'bob before')
    await sees(carol, groupId, 'bob before')
    await carol.sendGroup(groupId, 'carol before')
    await sees(alice1, groupId, 'carol before')
    await sees(bob, groupId, 'carol before')

    const link = await alice1.startLink()
    await Promise.all([
      joinDevice({ home: join(dir, 'alice2'), passphrase: PASS, nodes: [addressOf(nodes[2] as RelayNode)], code: link.code, timeoutMs: 20_000 }),
      alice1.awaitLink(link.linkId, { timeoutMs: 20_000 })
    ])
    const alice2 = await start(join(dir, 'alice2'), nodes[2] as RelayNode)
    // the group came with the link answer: name and members, no network needed
    assert.deepEqual(await alice2.groups(), [{ groupId, name: 'hikers', members: [aliceId, bobId, carolId] }])
    for (const node of nodes) {
      await waitFor(async () => verifyUserRecords(aliceId, await node.records.userRecords(aliceId), Date.now()).devices.filter((d) => d.bundle !== undefined).length === 2, { what: 'both devices of Alice known' })
    }

    // the new device sends to the group: every member (and device 1) reads it
    await alice2.sendGroup(groupId, 'hello from the phone')
    for (const c of [bob, carol, alice1]) {
      const m = await sees(c, groupId, 'hello from the phone')
      assert.equal(m.from, aliceId)
    }
    // members write after it joined: the new device reads them (their keys were rotated to reach it)
    await bob.sendGroup(groupId, 'bob after')
    await carol.sendGroup(groupId, 'carol after')
    await alice1.sendGroup(groupId, 'alice1 after')
    assert.equal((await sees(alice2, groupId, 'bob after')).from, bobId)
    assert.equal((await sees(alice2, groupId, 'carol after')).from, carolId)
    assert.equal((await sees(alice2, groupId, 'alice1 after')).from, aliceId)
    // and nobody lost anything on the way
    await sees(carol, groupId, 'bob after')
    await sees(bob, groupId, 'carol after')
  })
})
