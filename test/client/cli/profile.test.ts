// Profiles through the CLI, as separate processes over a three-node mesh:
// Alice sets a name and an avatar; Bob can open them only once Alice has
// messaged him as a contact; Dave, to whom Alice wrote without making him a
// contact, never can; the relays hold only ciphertext; after Alice removes
// Carol, Carol cannot open Alice's new profile while Bob can. Names shown by
// recv follow alias > profile name > short id.
import { strict as assert } from 'node:assert'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { RecordKind } from '../../../protocol/constants.js'
import { randomBytes } from '../../../protocol/crypto/primitives.js'
import { recordKey } from '../../../protocol/records.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, fails, noStackTrace, ok } from './run-cli.js'

const NAME = 'Alice Liddell'
const NEW_NAME = 'Alice in Wonderland'

describe('relaymesh profile CLI: set, show, contacts remove (processes)', function () {
  this.timeout(180_000)
  let nodes: RelayNode[] = []
  let dir: string
  const home: Record<string, string> = {}
  const id: Record<string, string> = {}
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)
  const as = (who: string, i: number, args: string[]): string[] => [...args, '--home', home[who] as string, '--node', at(i)]
  /** commands without a node (contacts add) */
  const local = (who: string, args: string[]): string[] => [...args, '--home', home[who] as string]
  const avatar = randomBytes(3000)
  avatar.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

  /** the seq of the newest profile record of `userId` a node holds (gossip) */
  function profileSeq (node: RelayNode, userId: string): number | undefined {
    return node.records.latestSeq(recordKey(RecordKind.Profile, userId))
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-cli-profile-')
    // separate homes: the inits run side by side
    await Promise.all(([['alice', 0], ['bob', 1], ['carol', 2], ['dave', 1]] as const).map(async ([who, i]) => {
      home[who] = join(dir, who)
      const [r] = await ok(['init', '--home', home[who] as string, '--node', at(i), '--json'])
      id[who] = r?.userId as string
    }))
    // everyone's device list and bundle everywhere
    await waitFor(async () => (await Promise.all(nodes.flatMap((n) => Object.values(id).map(async (u) => (await n.records.userRecords(u)).length >= 2)))).every(Boolean),
      { what: 'every user on every node' })
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  it('--help on each new command', async () => {
    for (const args of [['profile', 'set'], ['profile', 'show'], ['contacts', 'remove']]) {
      const r = await cli([...args, '--help'])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^Usage: relaymesh /m)
    }
    const r = await cli(['profile', 'set', '--help'])
    assert.match(r.stdout, /--name <name>/)
    assert.match(r.stdout, /--avatar <file>/)
    assert.match((await cli(['profile', 'show', '--help'])).stdout, /--save-avatar <file>/)
  })

  it('set checks its input: no name, a control character, a file that is no image, an oversized avatar', async () => {
    await fails(as('alice', 0, ['profile', 'set', '--name', 'bad\u0007name']), /control characters/)
    writeFileSync(join(dir, 'not-an-image.txt'), 'hello')
    await fails(as('alice', 0, ['profile', 'set', '--name', 'A', '--avatar', join(dir, 'not-an-image.txt')]), /not a PNG, JPEG, GIF or WebP image/)
    writeFileSync(join(dir, 'huge.png'), Buffer.concat([Buffer.from(avatar.subarray(0, 8)), Buffer.alloc(20_000)]))
    await fails(as('alice', 0, ['profile', 'set', '--name', 'A', '--avatar', join(dir, 'huge.png')]), /at most 16384/)
    await fails(as('alice', 0, ['profile', 'show']), /you have not set a profile/)
  })

  it('Alice sets her profile; Bob opens it only after Alice messaged him as a contact; Dave (not a contact) never', async () => {
    writeFileSync(join(dir, 'avatar.png'), avatar)
    const [set] = await ok(as('alice', 0, ['profile', 'set', '--name', NAME, '--avatar', join(dir, 'avatar.png'), '--json']))
    assert.deepEqual({ ...set, seq: undefined }, { userId: id.alice, name: NAME, avatarType: 'image/png', avatarBytes: 3000, seq: undefined })
    assert.deepEqual(await ok(as('alice', 0, ['profile', 'show', '--json'])), [set])
    await waitFor(() => nodes.every((n) => profileSeq(n, id.alice as string) === set?.seq), { what: 'Alice\'s profile on every node' })

    // the record is there, but Bob holds no key yet
    await fails(as('bob', 1, ['profile', 'show', id.alice as string]), new RegExp(`${id.alice as string} has not shared a profile with you`))

    await ok(local('alice', ['contacts', 'add', 'bob', id.bob as string, '--json']))
    await ok(local('alice', ['contacts', 'add', 'carol', id.carol as string, '--json']))
    await ok(as('alice', 0, ['send', '--to', 'bob', 'hello Bob', '--json']))
    await ok(as('alice', 0, ['send', '--to', 'carol', 'hello Carol', '--json']))
    await ok(as('alice', 0, ['send', '--to', id.dave as string, 'hello stranger', '--json']))

    // Bob has not added Alice: her first message is a request, named by the profile she shared with it
    const first = await cli(as('bob', 1, ['recv']))
    assert.equal(first.code, 0, first.stderr)
    // a self-chosen name comes with the short id it cannot fake
    assert.match(first.stdout, new RegExp(`message request from ${NAME} \\(${(id.alice as string).slice(0, 12)}\\) \\(1 message\\): "hello Bob"`))
    const [request] = await ok(local('bob', ['requests', '--json']))
    assert.deepEqual([request?.userId, request?.name, request?.firstMessage], [id.alice, NAME, 'hello Bob'])
    await Promise.all(['carol', 'dave'].map(async (who) => await ok(as(who, who === 'carol' ? 2 : 1, ['recv', '--json']))))

    const avatarOut = join(dir, 'seen-by-bob.png')
    const [shown] = await ok(as('bob', 1, ['profile', 'show', id.alice as string, '--save-avatar', avatarOut, '--json']))
    assert.deepEqual(shown, { ...set, savedAvatar: avatarOut })
    assert.deepEqual(readFileSync(avatarOut), Buffer.from(avatar))
    const text = await cli(as('bob', 1, ['profile', 'show', id.alice as string]))
    assert.equal(text.code, 0, text.stderr)
    assert.match(text.stdout, new RegExp(`^name: +${NAME}$`, 'm'))
    assert.match(text.stdout, /^avatar: +image\/png, 3000 bytes$/m)
    const [carolSees] = await ok(as('carol', 2, ['profile', 'show', id.alice as string, '--json']))
    assert.equal(carolSees?.name, NAME)

    // Dave got a message, not the key
    await fails(as('dave', 1, ['profile', 'show', id.alice as string]), /has not shared a profile with you/)

    // Dave, who got no key, sees the request by a short id
    const [daveRequest] = await ok(local('dave', ['requests', '--json']))
    assert.deepEqual([daveRequest?.userId, daveRequest?.name], [id.alice, null])

    // Carol accepts without an alias: Alice becomes a contact named after her profile
    const carolAccepted = await ok(as('carol', 2, ['requests', 'accept', id.alice as string, '--json']))
    assert.deepEqual(carolAccepted.map((l) => [l.event, l.text ?? l.alias]), [['message', 'hello Carol'], ['accepted', 'Alice-Liddell']])
    // Bob accepts her as "ally": the alias he gave is how she is shown from then on
    const accepted = await ok(as('bob', 1, ['requests', 'accept', id.alice as string, '--alias', 'ally', '--json']))
    assert.deepEqual(accepted.map((l) => [l.event, l.text ?? l.alias]), [['message', 'hello Bob'], ['accepted', 'ally']])
    await ok(as('alice', 0, ['send', '--to', 'bob', 'third', '--json']))
    const third = await cli(as('bob', 1, ['recv']))
    assert.match(third.stdout, /\] ally: third$/m)
    noStackTrace(third.stderr)
  })

  it('the relays hold Alice\'s profile as ciphertext only (no name, no avatar bytes in any LevelDB)', async () => {
    const needles = [Buffer.from(NAME), Buffer.from(avatar.subarray(100, 132))]
    let profiles = 0
    for (const node of nodes) {
      for await (const [k, v] of node.store.range({ gte: '', lt: '\xff' })) {
        if (k.endsWith(recordKey(RecordKind.Profile, id.alice as string))) profiles++
        const bytes = Buffer.concat([Buffer.from(k), Buffer.from(v)])
        for (const n of needles) assert.equal(bytes.indexOf(n), -1, `found ${n.byteLength} profile bytes under ${k}`)
      }
    }
    assert.equal(profiles, nodes.length)
  })

  it('after Alice removes Carol, Bob opens her new profile and Carol cannot', async () => {
    const before = profileSeq(nodes[0] as RelayNode, id.alice as string) as number
    const [removed] = await ok(as('alice', 0, ['contacts', 'remove', 'carol', '--json']))
    assert.deepEqual(removed, { event: 'contact-removed', userId: id.carol, aliases: ['carol'], notified: 1, failed: 0 })
    const listed = await ok(as('alice', 0, ['contacts', 'list', '--json']))
    assert.deepEqual(listed.map((c) => c.alias), ['bob'])
    await fails(as('alice', 0, ['contacts', 'remove', 'carol']), /not one of your contacts/)

    const [set] = await ok(as('alice', 0, ['profile', 'set', '--name', NEW_NAME, '--json']))
    assert.ok((set?.seq as number) > before)
    await waitFor(() => nodes.every((n) => profileSeq(n, id.alice as string) === set?.seq), { what: 'Alice\'s new profile on every node' })

    // Bob takes the new key from his mailbox (the PROFILE_KEY content is no message)
    const lines = await ok(as('bob', 1, ['recv', '--json']))
    assert.deepEqual(lines, [])
    const [bobSees] = await ok(as('bob', 1, ['profile', 'show', 'ally', '--json']))
    assert.equal(bobSees?.name, NEW_NAME)
    assert.equal(bobSees?.avatarType, null)

    await ok(as('carol', 2, ['recv', '--json']))
    await fails(as('carol', 2, ['profile', 'show', id.alice as string]), /has not shared a profile with you/)
  })
})
