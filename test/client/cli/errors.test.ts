// The chat CLI's failures, as a person meets them: wrong passphrase, unknown
// user, unreachable node, corrupted local store, no `init`, no passphrase.
// Each is one clear line on stderr and a non-zero exit, never a stack trace,
// and loses nothing: the messages sent meanwhile all arrive afterwards (one sent
// while no node answers waits in the outbox, exit 75, and goes with the next send).
import { strict as assert } from 'node:assert'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, fails, noStackTrace, ok } from './run-cli.js'

/** a loopback TCP port nothing listens on */
async function closedPort (): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((resolve) => srv.close(() => { resolve() }))
  return port
}

describe('relaymesh chat CLI: errors are clear and lose nothing (processes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  let alice: string
  let bob: string
  let carol: string
  let bobId: string
  let carolId: string
  const sent: string[] = []
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)

  async function send (text: string): Promise<void> {
    const [stored] = await ok(['send', '--to', bobId, text, '--home', alice, '--json'])
    assert.equal(stored?.event, 'stored')
    sent.push(stored?.id as string)
  }

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-cli-errors-')
    alice = join(dir, 'alice')
    bob = join(dir, 'bob')
    carol = join(dir, 'carol')
    await ok(['config', 'set', 'node', at(0), '--home', alice])
    await ok(['init', '--home', alice])
    bobId = (await ok(['init', '--home', bob, '--node', at(1), '--json']))[0]?.userId as string
    // Carol never attaches: a well-formed user id the mesh has never heard of
    const c = await cli(['init', '--home', carol, '--json'])
    assert.equal(c.code, 0)
    assert.match(c.stderr, /no relay node configured yet/)
    carolId = c.json[0]?.userId as string
    await waitFor(async () => (await nodes[0]?.records.userRecords(bobId) ?? []).length >= 2, { what: 'bob on node 1' })
    // Alice is Bob's contact: her messages are not held as requests (client/requests)
    await ok(['contacts', 'add', 'alice', (await ok(['id', '--home', alice, '--json']))[0]?.userId as string, '--home', bob])
    await send('before anything went wrong')
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  it('wrong passphrase', async () => {
    const wrong = { env: { RELAYMESH_PASSPHRASE: 'not the passphrase' } }
    await fails(['recv', '--home', bob, '--node', at(1), '--json'], /wrong passphrase.*\(ERR_WRONG_PASSPHRASE\)/, wrong)
    await fails(['send', '--to', bobId, 'x', '--home', alice], /wrong passphrase/, wrong)
    await send('after a wrong passphrase')
  })

  it('unknown user id, malformed user id, unknown alias', async () => {
    await fails(['send', '--to', carolId, 'hello?', '--home', alice], new RegExp(`unknown user ${carolId}.*\\(ERR_NOT_FOUND\\)`))
    await fails(['send', '--to', 'rm1-not-an-id', 'hello?', '--home', alice], /not a user id.*\(ERR_INVALID\)/)
    await fails(['send', '--to', 'dave', 'hello?', '--home', alice], /unknown contact "dave".*contacts add/)
    await fails(['contacts', 'add', 'dave', 'nonsense', '--home', alice], /not a user id/)
    await fails(['safety-number', carolId, '--home', alice], /unknown user/)
    await send('after an unknown user')
  })

  it('unreachable node (a closed port), no node configured, a bad node address', async () => {
    const dead = `/ip4/127.0.0.1/tcp/${await closedPort()}/p2p/${nodes[0]?.peerId.toString() ?? ''}`
    await fails(['recv', '--home', bob, '--node', dead, '--json'], /no relay node answered; tried .*ECONNREFUSED.*\(ERR_UNAVAILABLE\)/)
    // nothing typed is lost: it waits in the outbox (exit 75) and goes out with Alice's next attach (below)
    const queued = await cli(['send', '--to', bobId, 'kept in the outbox', '--home', alice, '--node', dead, '--timeout', '1', '--json'])
    assert.equal(queued.code, 75, queued.stderr)
    assert.match(queued.stderr, /^relaymesh: not stored yet: no relay node answered; tried .*ECONNREFUSED.*\n$/)
    assert.deepEqual(queued.json.map((e) => e.event), ['queued'])
    noStackTrace(queued.stderr)
    sent.push(queued.json[0]?.id as string)
    await fails(['recv', '--home', carol], /no relay node configured: pass --node MULTIADDR or run `relaymesh config set node MULTIADDR`/)
    await fails(['config', 'set', 'node', '/ip4/127.0.0.1/tcp/1', '--home', carol], /no \/p2p\/<peer id> part/)
    await fails(['config', 'set', 'node', 'not-a-multiaddr', '--home', carol], /not a multiaddr/)
    await fails(['config', 'set', 'colour', 'blue', '--home', carol], /unknown config key "colour"/)
    // a dead node first in the list, a live one second: tried in order
    await ok(['recv', '--home', carol, '--node', dead, '--node', at(2)])
    await send('after an unreachable node')
  })

  it('corrupted local store, damaged config file', async () => {
    const current = join(bob, 'store', 'CURRENT')
    const backup = join(dir, 'CURRENT.bak')
    copyFileSync(current, backup)
    writeFileSync(current, Buffer.alloc(readFileSync(current).byteLength, 0x41))
    await fails(['recv', '--home', bob, '--node', at(1), '--json'], /local store .* does not open.*Corruption.*restore .* from a backup.*\(ERR_INVALID_STATE\)/)
    await fails(['id', '--home', bob], /does not open/)
    copyFileSync(backup, current)
    assert.equal((await ok(['id', '--home', bob, '--json']))[0]?.userId, bobId)

    writeFileSync(join(carol, 'config.json'), '{ not json')
    await fails(['recv', '--home', carol], /config\.json is not valid JSON/)
    await send('after a corrupted store')
  })

  it('missing init, no passphrase without a terminal, init twice, bad options', async () => {
    await fails(['id', '--home', join(dir, 'nobody')], /no identity in .*nobody: run `relaymesh init` first \(ERR_NOT_FOUND\)/)
    await fails(['recv', '--home', join(dir, 'nobody'), '--node', at(0)], /run `relaymesh init` first/)
    await fails(['id', '--home', alice], /no passphrase: set RELAYMESH_PASSPHRASE or run in a terminal/, { env: { RELAYMESH_PASSPHRASE: undefined } })
    await fails(['init', '--home', alice], /already initialised/)
    for (const args of [['recv', '--wait', 'soon', '--home', bob], ['send', 'no recipient', '--home', alice], ['init', '--name', '', '--home', join(dir, 'x')]]) {
      const r = await cli(args)
      assert.notEqual(r.code, 0, args.join(' '))
      assert.match(r.stderr, /^error: /)
      noStackTrace(r.stderr)
    }
  })

  it('lost nothing: Bob receives every message once, in order', async () => {
    const got = await ok(['recv', '--home', bob, '--node', at(2), '--json'])
    assert.deepEqual(got.map((m) => m.id), sent)
    assert.deepEqual(got.map((m) => m.text), [
      'before anything went wrong', 'after a wrong passphrase', 'after an unknown user', 'kept in the outbox', 'after an unreachable node', 'after a corrupted store'
    ])
    assert.deepEqual(await ok(['recv', '--home', bob, '--node', at(2), '--json']), [])
  })
})
