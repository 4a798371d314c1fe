// The public channel from the CLI, as real processes on a two-node mesh:
// `channel post` and `channel read` (with --since, --json and names in text
// mode), recv showing a post once (and live while waiting), chat's /all and
// chat showing posts; bad names and oversize posts fail with one clear line.
import { strict as assert } from 'node:assert'
import { join } from 'node:path'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir } from '../../helpers/mesh.js'
import { waitFor } from '../../helpers/wait.js'
import { initIdentity } from '../../../client/client.js'
import { parseSince } from '../../../client/cli/commands/channel.js'
import { cli, fails, interactive, noStackTrace, ok, PASS, type Interactive } from './run-cli.js'

describe('relaymesh channel (processes, two nodes)', function () {
  this.timeout(90_000)
  let nodes: RelayNode[] = []
  let dir: string
  const running: Interactive[] = []
  const home = (u: string): string => join(dir, u)
  const nodeOf: Record<string, number> = { alice: 0, bob: 1, carol: 1 }
  const at = (i: number): string => addressOf(nodes[i] as RelayNode)
  const id: Record<string, string> = {}
  const channelEvents = (events: Array<Record<string, unknown>>): Array<Record<string, unknown>> => events.filter((e) => e.event === 'channel')

  before(async () => {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-cli-channel-')
    // identities made by the library (what `relaymesh init` runs), to keep the process count down
    for (const u of ['alice', 'bob', 'carol']) id[u] = (await initIdentity(home(u), PASS)).userId
  })

  after(async () => {
    for (const r of running) r.proc.kill('SIGKILL')
    await stopAll(nodes)
    removeDir(dir)
  })

  it('channel post, then channel read and recv on another node show it (recv once)', async () => {
    const [posted] = await ok(['channel', 'post', 'hello', 'everyone', '--home', home('alice'), '--node', at(nodeOf.alice as number), '--json'])
    assert.deepEqual(Object.keys(posted ?? {}).sort(), ['channel', 'event', 'id', 'sentAt'])
    assert.equal(posted?.event, 'posted')
    assert.equal(posted?.channel, 'all')
    const expected = { event: 'channel', channel: 'all', id: posted?.id, from: id.alice, text: 'hello everyone', sentAt: posted?.sentAt }
    const read = await waitFor(async () => {
      const r = await ok(['channel', 'read', '--home', home('bob'), '--node', at(nodeOf.bob as number), '--json'])
      return r.length > 0 ? r : undefined
    }, { what: 'the post read at node 2', interval: 200 })
    assert.deepEqual(read, [expected])
    // at once: recv shows the channel's posts not shown before (bob: this one now, not again);
    // text mode with --since names the author by short id (carol knows no alias or profile name)
    const recvs = (async () => {
      const r1 = await ok(['recv', '--home', home('bob'), '--node', at(1), '--json'])
      return [r1, await ok(['recv', '--home', home('bob'), '--node', at(1), '--json'])] as const
    })()
    const text = await cli(['channel', 'read', '--since', '1h', '--home', home('carol'), '--node', at(1)])
    const [first, second] = await recvs
    assert.deepEqual(channelEvents(first), [expected])
    assert.deepEqual(second, [])
    assert.equal(text.code, 0, text.stderr)
    assert.equal(text.stdout.split('\n').length, 2)
    assert.match(text.stdout, new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\] #all ${(id.alice as string).slice(0, 8)}\\S*: hello everyone\n$`))
  })

  it('refuses a bad channel name and an oversize post with one clear line; --since takes a time or a duration', async () => {
    await Promise.all([
      fails(['channel', 'read', '--channel', 'No Spaces', '--home', home('bob'), '--node', at(1)], /channel name/),
      fails(['channel', 'post', 'x'.repeat(2049), '--home', home('alice'), '--node', at(0)], /exceeds 2048/)
    ])
    // --since: an ISO time or a duration back from now
    const now = Date.parse('2026-12-05T12:00:00Z')
    assert.equal(parseSince('1h', now), now - 3_600_000)
    assert.equal(parseSince('90s', now), now - 90_000)
    assert.equal(parseSince('2026-12-05T10:00:00Z', now), Date.parse('2026-12-05T10:00:00Z'))
    for (const bad of ['yesterday', '1w', '-1h', '']) assert.throws(() => parseSince(bad, now), /ISO time/)
  })

  it('recv --wait shows a post live; chat posts with /all and shows others\' posts', async () => {
    const recv = interactive(['recv', '--wait', '20', '--home', home('bob'), '--node', at(nodeOf.bob as number), '--json'])
    running.push(recv)
    const chat = interactive(['chat', '--home', home('carol'), '--node', at(nodeOf.carol as number), '--json'])
    running.push(chat)
    // carol's chat shows the post made before it started (first look: everything nodes keep)
    await waitFor(() => chat.lines.some((l) => l.includes('"hello everyone"')), { what: 'the earlier post in carol\'s chat' })

    chat.type('/all hi from chat')
    const posted = await waitFor(() => chat.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === 'posted'), { what: '/all posted' })
    const live = await waitFor(() => recv.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === 'channel'), { what: 'the post live in recv --wait' })
    assert.deepEqual(live, { event: 'channel', channel: 'all', id: posted.id, from: id.carol, text: 'hi from chat', sentAt: posted.sentAt })

    // and a post by alice shows up in carol's chat while it runs
    const [later] = await ok(['channel', 'post', 'still there?', '--home', home('alice'), '--node', at(nodeOf.alice as number), '--json'])
    await waitFor(() => chat.lines.some((l) => l.includes(`"id":"${String(later?.id)}"`)), { what: 'alice\'s post live in chat' })
    chat.type('/quit')
    assert.equal(await chat.exited, 0, chat.stderr())
    // carol's own post is not shown back to her as a channel event
    assert.equal(chat.lines.some((l) => l.includes('"event":"channel"') && l.includes('hi from chat')), false)
    recv.proc.kill('SIGINT')
    assert.equal(await recv.exited, 130)
    noStackTrace(recv.stderr())
  })
})
