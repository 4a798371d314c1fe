// Linked devices over a three-node in-process mesh (real clients, TCP):
// a second device joins with a pairing code, receives what the first one
// receives and sees what the first one sends; a wrong code fails clearly and
// changes nothing; a removed device gets nothing new.
import { strict as assert } from 'node:assert'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { initIdentity, joinDevice, openClient, type Client } from '../../client/client.js'
import { encodePairingCode, parsePairingCode } from '../../client/devices/pairing-code.js'
import { verifyUserRecords } from '../../client/messaging/user-directory.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { receiveN } from '../helpers/receive.js'

const PASS = 'pass phrase'

async function rejectsWith (p: Promise<unknown>, code: ErrorCode, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    if (!RelaymeshError.is(err, code)) assert.fail(`expected ${code}, got ${String(err)}`)
    if (message !== undefined) assert.match((err as Error).message, message)
    return true
  })
}


/** until `node` holds a device list of `userId` whose devices with a bundle are exactly `ids` */
async function devicesOn (node: RelayNode, userId: string, ids: number[]): Promise<void> {
  await waitFor(async () => {
    const user = verifyUserRecords(userId, await node.records.userRecords(userId), Date.now())
    const listed = user.devices.filter((d) => d.bundle !== undefined).map((d) => d.deviceId).sort()
    return JSON.stringify(listed) === JSON.stringify(ids) && user.devices.length === ids.length
  }, { what: `${userId} devices ${ids.join(',')} on ${node.peerId.toString()}` })
}

describe('linked devices over a three-node mesh', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []
  let aliceId: string
  let bobId: string
  let alice1: Client
  let alice2: Client
  let bob: Client

  async function start (home: string, node: RelayNode): Promise<Client> {
    const c = await openClient({ home, passphrase: PASS, nodes: [addressOf(node)] })
    open.push(c)
    await c.connect()
    return c
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-devices-')
    aliceId = (await initIdentity(join(dir, 'alice1'), PASS, { name: 'Alice' })).userId
    bobId = (await initIdentity(join(dir, 'bob'), PASS)).userId
    alice1 = await start(join(dir, 'alice1'), nodes[0]!)
    bob = await start(join(dir, 'bob'), nodes[2]!)
    await alice1.addContact('bob', bobId)
  })

  after(async () => {
    for (const c of [...open]) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('pairing codes round-trip and reject typos', () => {
    const secret = randomBytes(16)
    const code = encodePairingCode({ userId: aliceId, deviceId: 1, secret })
    assert.match(code, /^rml1[a-z2-7]{64}$/)
    const back = parsePairingCode(` ${code.toUpperCase()} `)
    assert.deepEqual({ ...back, secret: [...back.secret] }, { userId: aliceId, deviceId: 1, secret: [...secret] })
    const typo = code.slice(0, 20) + (code[20] === 'a' ? 'b' : 'a') + code.slice(21)
    assert.throws(() => parsePairingCode(typo), (err: unknown) => RelaymeshError.is(err, ErrorCode.Invalid) && /checksum/.test((err as Error).message))
    assert.throws(() => parsePairingCode(aliceId), (err: unknown) => RelaymeshError.is(err, ErrorCode.Invalid))
  })

  it('a second device joins with the code, receives what the first receives and sees what the first sends', async () => {
    const link = await alice1.startLink()
    const [joined, linked] = await Promise.all([
      joinDevice({ home: join(dir, 'alice2'), passphrase: PASS, nodes: [addressOf(nodes[1]!)], code: link.code, timeoutMs: 20_000 }),
      alice1.awaitLink(link.linkId, { timeoutMs: 20_000 })
    ])
    assert.deepEqual(joined, { userId: aliceId, deviceId: 2 })
    assert.deepEqual(linked, { deviceId: 2 })
    alice2 = await start(join(dir, 'alice2'), nodes[1]!)
    assert.equal(alice2.userId, aliceId)
    assert.equal(alice2.deviceId, 2)
    assert.equal(alice2.name, 'Alice')
    // contacts came along; both devices list both devices
    assert.deepEqual((await alice2.contacts()).map((c) => [c.alias, c.userId]), [['bob', bobId]])
    assert.deepEqual((await alice1.devices()).devices.map((d) => [d.deviceId, d.current]), [[1, true], [2, false]])
    assert.deepEqual((await alice2.devices()).devices.map((d) => [d.deviceId, d.current]), [[1, false], [2, true]])
    // the new list and device 2's bundle reach the other nodes by gossip
    for (const node of nodes) await devicesOn(node, aliceId, [1, 2])

    // Bob writes to Alice: both devices get it
    const m = await bob.send(aliceId, 'hello both of you')
    const at1 = await receiveN(alice1, 1)
    const at2 = await receiveN(alice2, 1)
    for (const got of [at1, at2]) assert.deepEqual(got.map((x) => [x.id, x.from, x.text]), [[m.id, bobId, 'hello both of you']])

    // Alice writes from device 1: Bob gets it, device 2 sees it as sent by Alice (sent-message sync)
    const r = await alice1.send(bobId, 'reply from my laptop')
    assert.deepEqual((await receiveN(bob, 1)).map((x) => [x.id, x.from, x.text]), [[r.id, aliceId, 'reply from my laptop']])
    assert.deepEqual((await receiveN(alice2, 1)).map((x) => [x.id, x.from, x.text]), [[r.id, aliceId, 'reply from my laptop']])
    assert.deepEqual((await alice2.history(bobId)).map((x) => [x.from, x.text]), [[bobId, 'hello both of you'], [aliceId, 'reply from my laptop']])

    // and from device 2: device 1 sees it
    const r2 = await alice2.send(bobId, 'and from my phone')
    assert.deepEqual((await receiveN(bob, 1)).map((x) => x.text), ['and from my phone'])
    assert.deepEqual((await receiveN(alice1, 1)).map((x) => [x.id, x.from, x.text]), [[r2.id, aliceId, 'and from my phone']])
  })

  it('a wrong pairing code fails with a clear error and changes nothing', async () => {
    const before = (await alice1.devices()).devices.map((d) => d.deviceId)
    const link = await alice1.startLink()
    const real = parsePairingCode(link.code)
    // well-formed, right user and device, wrong secret: the first device cannot open the request
    const wrong = encodePairingCode({ userId: real.userId, deviceId: real.deviceId, secret: randomBytes(16) })
    let rejected = 0
    const waiting = alice1.awaitLink(link.linkId, { timeoutMs: 4_000, onRejected: () => { rejected++ } })
    const home = join(dir, 'mallory')
    await rejectsWith(joinDevice({ home, passphrase: PASS, nodes: [addressOf(nodes[1]!)], code: wrong, timeoutMs: 3_000 }), ErrorCode.Timeout, /check the pairing code/)
    await rejectsWith(waiting, ErrorCode.Timeout)
    assert.ok(rejected >= 1, 'the first device noticed the wrong code')
    assert.equal(existsSync(home), false, 'no home is created')
    // a mistyped code fails at once, an unknown user clearly
    await rejectsWith(joinDevice({ home, passphrase: PASS, nodes: [addressOf(nodes[1]!)], code: link.code.slice(0, -1) + (link.code.endsWith('a') ? 'b' : 'a') }), ErrorCode.Invalid, /pairing code/)
    const stranger = encodePairingCode({ userId: (await initIdentity(join(dir, 'nobody'), PASS)).userId, deviceId: 1, secret: randomBytes(16) })
    await rejectsWith(joinDevice({ home, passphrase: PASS, nodes: [addressOf(nodes[1]!)], code: stranger }), ErrorCode.NotFound, /does not know/)
    assert.equal(existsSync(home), false)
    assert.deepEqual((await alice1.devices()).devices.map((d) => d.deviceId), before)
    await devicesOn(nodes[2]!, aliceId, [1, 2])
  })

  it('a removed device gets nothing new and learns it was removed', async () => {
    await alice1.removeDevice(2)
    assert.deepEqual((await alice1.devices()).devices.map((d) => d.deviceId), [1])
    await rejectsWith(alice1.removeDevice(1), ErrorCode.Invalid)
    await rejectsWith(alice1.removeDevice(7), ErrorCode.NotFound)
    await devicesOn(nodes[2]!, aliceId, [1])
    // a fresh Bob (no cached lookup of Alice) encrypts to device 1 only
    await bob.close()
    open.splice(open.indexOf(bob), 1)
    bob = await start(join(dir, 'bob'), nodes[2]!)
    const m = await bob.send(aliceId, 'only for the laptop now')
    // send() resolved: every envelope is stored on its replicas, so device 2's mailbox would hold one by now;
    // the node no longer serves device 2 at all (it is off the latest list)
    await rejectsWith(alice2.receive(), ErrorCode.Unauthorized, /not in the user's latest device list/)
    assert.deepEqual((await receiveN(alice1, 1)).map((x) => [x.id, x.text]), [[m.id, 'only for the laptop now']])
    // device 2 learns of its removal on its next attach, which the node refuses (its list is no longer the latest)
    await alice2.close()
    open.splice(open.indexOf(alice2), 1)
    await rejectsWith(start(join(dir, 'alice2'), nodes[1]!), ErrorCode.Unauthorized, /removed from your device list/)
    alice2 = open[open.length - 1]!
    assert.equal((await alice2.devices()).removed, true)
    await rejectsWith(alice2.startLink(), ErrorCode.InvalidState)
  })
})
