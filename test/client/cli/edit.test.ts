// `relaymesh edit` / `relaymesh delete` and chat's /edit as real processes
// against a three-node in-process mesh: the recipient's recv --json shows
// {"event":"edited"} and {"event":"deleted"}, its history (its own store,
// opened after the processes exit) the edited text and the emptied row; a
// user cannot edit someone else's message.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import { openClient } from '../../../client/client.js'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { fails, interactive, ok, PASS, type Interactive } from './run-cli.js'

describe('relaymesh edit / delete / chat /edit (processes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  let alice: string
  let bob: string
  let aliceId: string
  let bobId: string
  const running: Interactive[] = []
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)

  before(async () => {
    nodes = await startMesh(3)
    dir = tempDir('relaymesh-cli-edit-')
    alice = join(dir, 'alice')
    bob = join(dir, 'bob')
    // separate homes: side by side
    const [a, b] = await Promise.all([[alice, at(0)], [bob, at(1)]].map(async ([home, node]) => {
      await ok(['config', 'set', 'node', node as string, '--home', home as string])
      return (await ok(['init', '--home', home as string, '--json']))[0]?.userId as string
    }))
    aliceId = a as string
    bobId = b as string
    for (const n of nodes) for (const u of [aliceId, bobId]) await waitFor(async () => (await n.records.userRecords(u)).length >= 2, { what: `${u} known` })
    await Promise.all([ok(['contacts', 'add', 'alice', aliceId, '--home', bob]), ok(['contacts', 'add', 'bob', bobId, '--home', alice])])
  })

  after(async () => {
    for (const r of running) r.proc.kill('SIGKILL')
    await stopAll(nodes)
    removeDir(dir)
  })

  it('an edit and a delete reach the recipient; a non-author edit is refused', async () => {
    const [first] = await ok(['send', '--to', 'bob', 'see you at 5', '--home', alice, '--json'])
    const [second] = await ok(['send', '--to', 'bob', 'my pin is 1234', '--home', alice, '--json'])
    const got = await ok(['recv', '--home', bob, '--json'])
    assert.deepEqual(got.map((m) => m.text), ['see you at 5', 'my pin is 1234'])

    const [edited] = await ok(['edit', String(first?.id), 'see', 'you', 'at', '6', '--home', alice, '--json'])
    assert.deepEqual({ ...edited, id: 'x' }, { event: 'edited', id: 'x', target: first?.id, text: 'see you at 6' })
    const [deleted] = await ok(['delete', String(second?.id), '--home', alice, '--json'])
    assert.deepEqual({ ...deleted, id: 'x' }, { event: 'deleted', id: 'x', target: second?.id })

    const events = await ok(['recv', '--home', bob, '--json'])
    const e = events.find((x) => x.event === 'edited')
    const d = events.find((x) => x.event === 'deleted')
    assert.deepEqual([e?.id, e?.target, e?.text, e?.from], [edited?.id, first?.id, 'see you at 6', aliceId])
    assert.deepEqual([d?.id, d?.target, d?.from], [deleted?.id, second?.id, aliceId])
    assert.equal(events.filter((x) => x.event === 'message').length, 0, 'no new messages, only the two events')

    // bob cannot edit alice's message
    await fails(['edit', String(first?.id), 'hijacked', '--home', bob], /no message of yours/)

    const c = await openClient({ home: bob, passphrase: PASS, nodes: [] })
    try {
      const hist = await c.history(aliceId)
      assert.equal(hist.find((m) => m.id === first?.id)?.text, 'see you at 6')
      assert.equal(hist.find((m) => m.id === second?.id)?.text, '')
    } finally {
      await c.close()
    }
  })

  it('chat: /edit without an id changes your last message here, and the other side sees it live', async () => {
    const chat = interactive(['chat', '--home', alice, '--json'])
    running.push(chat)
    const recv = interactive(['recv', '--wait', '25', '--home', bob, '--json'])
    running.push(recv)
    chat.type('/open bob')
    chat.type('lunch?')
    // chat echoes the line ("sent"), then its tick: once stored it is in the history /edit looks at
    const sent = await waitFor(() => chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((x) => x.event === 'status' && ['stored', 'delivered', 'read'].includes(String(x.state))), { what: 'stored in chat' })
    chat.type('/edit lunch at noon?')
    const ed = await waitFor(() => chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((x) => x.event === 'edited'), { what: 'edited in chat' })
    assert.equal(ed.target, sent.id)
    const seen = await waitFor(() => recv.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((x) => x.event === 'edited'), { what: 'the edit at bob', timeout: 20_000 })
    assert.deepEqual([seen.target, seen.text], [sent.id, 'lunch at noon?'])
    chat.type('/quit')
    assert.equal(await chat.exited, 0)
    recv.proc.kill('SIGINT')
  })
})
