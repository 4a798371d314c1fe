// Profile keys among a user's own devices (real clients over a three-node
// mesh): a linked device gets the profile key with the identity (provisioning)
// and opens the profile the first device set; when the first device removes a
// contact and rotates the key, the other device adopts the new key from the
// PROFILE_KEY content and opens the re-sealed profile; the device list the
// mesh holds carries the new access key's verifier.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { initIdentity, joinDevice, openClient, type Client } from '../../client/client.js'
import { RecordKind } from '../../protocol/constants.js'
import { openRecord, recordKey } from '../../protocol/records.js'
import type { DeviceList } from '../../protocol/pb/records.js'
import type { RelayNode } from '../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

const PASS = 'pass phrase'

describe('profiles across a user\'s own devices', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  const open: Client[] = []
  let alice1: Client
  let alice2: Client
  let aliceId: string

  async function start (home: string, node: RelayNode): Promise<Client> {
    const c = await openClient({ home, passphrase: PASS, nodes: [addressOf(node)] })
    open.push(c)
    await c.connect()
    return c
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-profiles-')
    aliceId = (await initIdentity(join(dir, 'alice1'), PASS)).userId
    alice1 = await start(join(dir, 'alice1'), nodes[0] as RelayNode)
  })

  after(async () => {
    for (const c of open) await c.close().catch(() => {})
    await stopAll(nodes)
    removeDir(dir)
  })

  it('a linked device gets the profile key with the identity and opens the profile the first device set', async () => {
    const set = await alice1.setProfile({ name: 'Alice' })
    const link = await alice1.startLink()
    await Promise.all([
      joinDevice({ home: join(dir, 'alice2'), passphrase: PASS, nodes: [addressOf(nodes[1] as RelayNode)], code: link.code, timeoutMs: 20_000 }),
      alice1.awaitLink(link.linkId, { timeoutMs: 20_000 })
    ])
    alice2 = await start(join(dir, 'alice2'), nodes[1] as RelayNode)
    await waitFor(() => nodes[1]?.records.latestSeq(recordKey(RecordKind.Profile, aliceId)) === set.seq, { what: 'the profile on node 2' })
    assert.equal((await alice2.profileOf(aliceId))?.name, 'Alice')
  })

  it('removing a contact on one device rotates the key; the other device adopts it and opens the re-sealed profile', async () => {
    const bob = (await initIdentity(join(dir, 'bob'), PASS)).userId
    const carol = (await initIdentity(join(dir, 'carol'), PASS)).userId
    for (const [who, i] of [['bob', 2], ['carol', 2]] as const) await (await start(join(dir, who), nodes[i] as RelayNode)).close()
    await alice1.addContact('bob', bob)
    await alice1.addContact('carol', carol)
    await alice1.addContact('carol-again', carol)
    const before = nodes[0]?.records.latestSeq(recordKey(RecordKind.Profile, aliceId)) as number
    const listBefore = await nodes[0]?.records.get(recordKey(RecordKind.DeviceList, aliceId))

    const removed = await alice1.removeContact('carol')
    // every alias of Carol goes; Bob and Alice's other device are told
    assert.deepEqual(removed.aliases.sort(), ['carol', 'carol-again'])
    assert.equal(removed.notified, 2, JSON.stringify(removed.failed))
    assert.deepEqual((await alice1.contacts()).map((c) => c.alias), ['bob'])

    // the mesh holds the re-sealed profile and a device list with another access verifier
    const after = nodes[1]?.records.latestSeq(recordKey(RecordKind.Profile, aliceId))
    await waitFor(() => (nodes[1]?.records.latestSeq(recordKey(RecordKind.Profile, aliceId)) ?? 0) > before, { what: `the new profile on node 2 (${String(after)})` })
    const listAfter = await nodes[0]?.records.get(recordKey(RecordKind.DeviceList, aliceId))
    const verifier = (bytes: Uint8Array | undefined): string => Buffer.from((openRecord(bytes as Uint8Array, Date.now()).body as DeviceList).accessVerifier ?? []).toString('hex')
    assert.notEqual(verifier(listAfter), verifier(listBefore))

    // the other device adopts the new key (pushed, or fetched) and opens the re-sealed profile with it
    await waitFor(async () => {
      await alice2.receive({ waitMs: 200 })
      return (await alice2.profileOf(aliceId))?.name === 'Alice'
    }, { what: 'the other device to adopt the new profile key' })
    // no message was stored for it
    assert.deepEqual((await alice2.history()).filter((m) => m.text !== ''), [])
  })
})
