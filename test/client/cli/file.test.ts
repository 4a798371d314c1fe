// `relaymesh file send` and `relaymesh recv` as separate processes on a
// two-node mesh: the sender gets the stored event (progress on stderr), the
// receiver prints the contract's file event and the saved file is the same.
import { strict as assert } from 'node:assert'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { cli, fails, interactive, ok } from './run-cli.js'

describe('relaymesh file send / recv (processes, two nodes)', function () {
  this.timeout(60_000)
  let nodes: RelayNode[] = []
  let dir: string
  const homes: Record<string, string> = {}
  const ids: Record<string, string> = {}
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-cli-file-')
    for (const [i, who] of ['alice', 'bob'].entries()) {
      homes[who] = join(dir, who)
      const [r] = await ok(['init', '--home', homes[who] as string, '--node', at(i), '--json'])
      ids[who] = r?.userId as string
    }
    await waitFor(async () => {
      for (const n of nodes) for (const id of Object.values(ids)) if ((await n.records.userRecords(id)).length < 2) return false
      return true
    }, { what: 'user records on every node' })
    // Alice is Bob's contact: her file is not held as a request (client/requests)
    await ok(['contacts', 'add', 'alice', ids.alice as string, '--home', homes.bob as string])
  })

  after(async () => {
    await stopAll(nodes)
    removeDir(dir)
  })

  it('file send prints the stored event and progress on stderr; recv --json prints the file event; the saved file matches', async () => {
    const src = join(dir, 'photo of us.jpg')
    const bytes = randomBytes(700 * 1024 + 3)
    writeFileSync(src, bytes)
    const sent = await cli(['file', 'send', '--to', ids.bob as string, src, '--home', homes.alice as string, '--node', at(0), '--json'])
    assert.equal(sent.code, 0, sent.stderr)
    assert.deepEqual(Object.keys(sent.json[0] ?? {}), ['event', 'id'])
    assert.equal(sent.json.length, 1)
    assert.equal(sent.json[0]?.event, 'stored')
    assert.match(String(sent.json[0]?.id), /^[0-9a-f]{32}$/)
    assert.match(sent.stderr, /100% \(4\/4 chunks, 716803 of 716803 bytes\)/)

    const events = await ok(['recv', '--home', homes.bob as string, '--node', at(1), '--json'])
    assert.equal(events.length, 1)
    const e = events[0] as Record<string, unknown>
    assert.deepEqual(Object.keys(e), ['event', 'id', 'from', 'name', 'size', 'path', 'sentAt'])
    const path = join(homes.bob as string, 'downloads', 'photo of us.jpg')
    assert.ok(Math.abs((e.sentAt as number) - Date.now()) < 60_000, 'the file event carries its time')
    assert.deepEqual(e, { event: 'file', id: sent.json[0]?.id, from: ids.alice, name: 'photo of us.jpg', size: bytes.byteLength, path, sentAt: e.sentAt })
    assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), createHash('sha256').update(bytes).digest('hex'))
    assert.equal(statSync(path).mode & 0o777, 0o600)
    // once
    assert.deepEqual(await ok(['recv', '--home', homes.bob as string, '--node', at(1), '--json']), [])
  })

  it('file send --expires 24h: the file event says when the copy goes; a bad duration is one clear error', async () => {
    const src = join(dir, 'for a day.txt')
    writeFileSync(src, 'today only\n')
    const t0 = Date.now()
    const [stored] = await ok(['file', 'send', '--to', ids.bob as string, src, '--expires', '24h', '--home', homes.alice as string, '--node', at(0), '--json'])
    const [e] = await ok(['recv', '--home', homes.bob as string, '--node', at(1), '--json'])
    assert.equal(e?.id, stored?.id)
    assert.ok(Math.abs((e?.expiresAt as number) - t0 - 24 * 3600_000) < 60_000, `expiresAt ${String(e?.expiresAt)}`)
    const text = await cli(['file', 'send', '--to', ids.bob as string, src, '--expires', '3w', '--home', homes.alice as string, '--node', at(0)])
    assert.equal(text.code, 1)
    assert.match(text.stderr, /--expires.*expected a duration such as 24h, 7d or 90m, or never/)
  })

  it('chat: /file expands ~ (no shell does it there) and the stored line follows the progress', async () => {
    writeFileSync(join(dir, 'from chat.txt'), 'sent from chat\n')
    const chat = interactive(['chat', '--home', homes.alice as string, '--node', at(0), '--json'], { env: { HOME: dir } })
    chat.type(`/file ${ids.bob as string} ~/from chat.txt`)
    const stored = await waitFor(() => chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((x) => x.event === 'stored'), { what: `stored in chat (stderr: ${chat.stderr()})`, timeout: 30_000 })
    chat.type('/quit')
    assert.equal(await chat.exited, 0, chat.stderr())
    assert.match(chat.stderr(), /from chat\.txt: 100% \(1\/1 chunks/)
    const [e] = await ok(['recv', '--home', homes.bob as string, '--node', at(1), '--json'])
    assert.deepEqual([e?.event, e?.id, e?.name], ['file', stored.id, 'from chat.txt'])
  })

  it('a missing file is one clear error line', async () => {
    await fails(['file', 'send', '--to', ids.bob as string, join(dir, 'nope'), '--home', homes.alice as string, '--node', at(0), '--json'], /cannot read .*nope/)
  })
})
