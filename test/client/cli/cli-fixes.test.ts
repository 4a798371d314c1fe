// CLI fixes a new user found (issue 11), as real processes: the bin is
// executable whatever rebuilt dist/; --home, --node and --json work after every
// client command; nothing asks a passphrase for a command that fails on a cheap
// check; Ctrl-C at the passphrase prompt exits 130 (under a real pty from
// util-linux `script`); a wrong peer id in --node is named as such.
import { strict as assert } from 'node:assert'
import { execFile, execFileSync, spawn } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import type { RelayNode } from '../../../node/relay-node.js'
import { addressOf, CLI, removeDir, startNode, stopAll, tempDir } from '../../helpers/mesh.js'
import { cli, cliEnv, fails, ok, type CliResult } from './run-cli.js'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../../../..')
const NO_PASSPHRASE = { env: { RELAYMESH_PASSPHRASE: undefined } }

/** a loopback TCP port nothing listens on */
async function closedPort (): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((resolve) => srv.close(() => { resolve() }))
  return port
}

function hasScript (): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * `relaymesh …args` on a pseudo-terminal (util-linux `script`), with no
 * RELAYMESH_PASSPHRASE: `onPrompt` runs when "passphrase: " appears, and may type.
 */
async function onTty (args: string[], onPrompt: (type: (s: string) => void) => void): Promise<{ code: number | null, output: string, prompts: number }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ')
  const proc = spawn('script', ['-qefc', command, '/dev/null'], { env: cliEnv({ RELAYMESH_PASSPHRASE: undefined }), stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  let prompts = 0
  proc.stdout.on('data', (d: Buffer) => {
    output += d.toString()
    const seen = output.split('passphrase: ').length - 1
    if (seen > prompts) {
      prompts = seen
      onPrompt((s) => { proc.stdin.write(s) })
    }
  })
  const timer = setTimeout(() => { proc.kill('SIGKILL') }, 20_000)
  const code = await new Promise<number | null>((resolve) => proc.once('close', (c) => { resolve(c) }))
  clearTimeout(timer)
  return { code, output, prompts }
}

describe('relaymesh CLI fixes found by a new user (processes)', function () {
  this.timeout(90_000)
  let dir: string
  let alice: string
  let bob: string
  let bobId: string
  let dead: string
  let node: RelayNode | undefined

  before(async () => {
    dir = tempDir('relaymesh-cli-fixes-')
    alice = join(dir, 'alice')
    await ok(['init', '--home', alice])
    bob = join(dir, 'bob')
    bobId = (await ok(['init', '--home', bob, '--json']))[0]?.userId as string
    await ok(['contacts', 'add', 'bob', bobId, '--home', alice])
    node = await startNode()
    // a well-formed node address where nothing listens: a command that attaches names it when it fails
    dead = `/ip4/127.0.0.1/tcp/${await closedPort()}/p2p/${node.peerId.toString()}`
  })

  after(async () => {
    await stopAll([node])
    removeDir(dir)
  })

  it('the bin is a committed executable file that runs, whatever rebuilt dist/', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>, scripts: Record<string, string> }
    const bin = join(ROOT, pkg.bin.relaymesh ?? '')
    assert.ok(!bin.includes(`${join(ROOT, 'dist')}`), 'the bin lives outside dist/ (which every build deletes)')
    assert.notEqual(statSync(bin).mode & 0o111, 0, `${bin} is executable`)
    // git records it as executable: a fresh clone gets the bit too
    assert.match(execFileSync('git', ['ls-files', '-s', pkg.bin.relaymesh ?? ''], { cwd: ROOT }).toString(), /^100755 /)
    const { stdout } = await run(bin, ['--version'])
    assert.match(stdout, /^\d+\.\d+\.\d+\n$/)
    // npm start does not delete dist/: it rebuilds only what changed, and only when a source is newer
    assert.doesNotMatch(pkg.scripts.start ?? '', /rmSync|--clean|npm run build\b/)
  })

  it('--home, --node and --json after every client command (commands x positions)', async () => {
    const n = ['--node', dead]
    // one queue per home (a home's store is opened by one process at a time); the queues run side by side
    const queues = new Map<string, Array<{ args: string[], check: (r: CliResult) => void }>>()
    const add = (home: string, args: string[], check: (r: CliResult) => void): void => {
      queues.set(home, [...(queues.get(home) ?? []), { args, check }])
    }
    const works = (home: string, args: string[], json?: (lines: Array<Record<string, unknown>>) => void): void => {
      add(home, args, (r) => { assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`); if (json !== undefined) json(r.json) })
    }
    // an attaching command took --home (else: no identity) and --node (it names it when it fails, or warns and shows what is stored)
    const attaches = (home: string, args: string[]): void => {
      add(home, args, (r) => { assert.match(r.stderr, new RegExp(`no relay node answered[^\\n]*${dead.replace(/\//g, '\\/')}`), `${args.join(' ')}: ${r.stderr}`) })
    }
    const isUser = (lines: Array<Record<string, unknown>>): void => { assert.match(String(lines[0]?.userId), /^rm1/) }
    const hasBob = (lines: Array<Record<string, unknown>>): void => { assert.ok(lines.some((l) => l.userId === bobId), JSON.stringify(lines)) }
    const a = ['--home', alice]
    const b = ['--home', bob]
    works(alice, ['id', ...a, '--json', ...n], isUser) // --node on a command that never attaches: accepted
    works(alice, ['contacts', ...a, '--json', 'list'], hasBob)
    works(alice, ['group', 'list', ...a, '--json'])
    // a send no node can store waits in the outbox: exit 75, and the reason names the node it tried
    add(alice, ['send', '--to', 'bob', 'hi', '--timeout', '2', ...n, ...a], (r) => {
      assert.equal(r.code, 75, r.stderr)
      assert.match(r.stderr, new RegExp(`no relay node answered[^\\n]*${dead.replace(/\//g, '\\/')}`), r.stderr)
    })
    works(alice, ['blocked', ...a, '--json', ...n])
    works(bob, ['--json', 'id', ...b], isUser)
    works(bob, ['group', ...b, 'list'])
    attaches(bob, ['recv', ...b, ...n, '--json'])
    attaches(bob, ['devices', 'list', ...n, ...b])
    attaches(bob, ['profile', 'show', ...b, ...n, '--json'])
    works('config', ['config', 'list', ...a, '--json', ...n])
    works('config', ['config', ...b, 'get', 'node'])
    await Promise.all([...queues.values()].map(async (queue) => {
      for (const e of queue) {
        const r = await cli(e.args)
        assert.doesNotMatch(r.stderr, /unknown option|too many arguments/, `${e.args.join(' ')}: ${r.stderr}`)
        e.check(r)
      }
    }))
  })

  it('cheap checks come before the passphrase (no terminal, no RELAYMESH_PASSPHRASE)', async () => {
    await fails(['init', '--home', alice], /already initialised/, NO_PASSPHRASE)
    await fails(['id', '--home', join(dir, 'nobody')], /no identity in .*nobody: run `relaymesh init` first/, NO_PASSPHRASE)
    await fails(['recv', '--home', alice, '--node', '127.0.0.1:4009'], /not a multiaddr: 127\.0\.0\.1:4009/, NO_PASSPHRASE)
    await fails(['init', '--home', join(dir, 'carol'), '--node', '/ip4/127.0.0.1/tcp/4009'], /no \/p2p\/<peer id> part/, NO_PASSPHRASE)
  })

  it('a wrong peer id in --node is named as such', async () => {
    const a = node as RelayNode
    const wrong = addressOf(a).replace(/\/p2p\/.*$/, `/p2p/${bobLikePeerId()}`)
    await fails(['recv', '--home', alice, '--node', wrong], new RegExp(`the node at ${wrong} has peer id ${a.peerId.toString()}, not ${bobLikePeerId()}: fix the /p2p/ part`))
  })

  it('on a terminal: init on an existing home asks nothing; Ctrl-C at the prompt exits 130', async function () {
    if (!hasScript()) this.skip() // util-linux `script` gives the pty; without it only the handler's byte check is untested
    const existing = await onTty(['init', '--home', alice], () => { assert.fail('asked for a passphrase') })
    assert.equal(existing.prompts, 0)
    assert.match(existing.output, /already initialised/)
    assert.notEqual(existing.code, 0)

    const interrupted = await onTty(['id', '--home', alice], (type) => { type('\u0003') })
    assert.equal(interrupted.prompts, 1)
    assert.equal(interrupted.code, 130, interrupted.output)

    const typed = await onTty(['id', '--home', alice, '--json'], (type) => { type('correct horse battery staple\r') })
    assert.equal(typed.code, 0, typed.output)
    assert.match(typed.output, /"userId":"rm1/)
  })
})

/** a valid peer id that is not the node's */
function bobLikePeerId (): string {
  return '12D3KooWFEMWDpRicASnTqTderY1UbEM1zS7h7i9oqNwGD7hHAo1'
}
