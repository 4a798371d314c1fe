// The web client in real headless Chromium against real relay nodes and real
// `relaymesh` CLI processes: a browser user (on node A, over /ws) and a CLI
// user (on node B, over TCP) write both ways, ticks reach "read", a 5 MiB
// file goes from the browser to the CLI, a reload keeps identity and history
// (IndexedDB), and a second browser context links as a device of the first.
// Selectors are roles and labels only: the test is also an accessibility check.
import { strict as assert } from 'node:assert'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import type { RelayNode } from '../../node/relay-node.js'
import { launchBrowser, type TestBrowser } from '../../scripts/web/launch-browser.js'
import { addressOf, removeDir, startMesh, stopAll, tempDir, wsAddressOf } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { interactive, ok } from '../client/cli/run-cli.js'
import { addContact, createIdentity, myUserId, startWeb, watchPage, type WebServer } from './web-harness.js'

const BROWSER_PASS = 'browser passphrase for the web test'
const FILE_BYTES = 5 * 1024 * 1024

describe('web client in Chromium (real nodes, CLI processes)', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let web: WebServer | undefined
  let chromium: TestBrowser | undefined
  let context: BrowserContext
  let page: Page
  let problems: string[] = []
  let dir: string
  let carolHome: string
  let carolId: string
  let bobId: string
  const nodeB = (): string => addressOf(nodes[1] as RelayNode)
  const carol = async (args: string[]): Promise<Array<Record<string, unknown>>> => await ok([...args, '--home', carolHome, '--node', nodeB(), '--json'])
  const messages = (): ReturnType<Page['getByRole']> => page.getByRole('log', { name: 'Messages' })

  before(async function () {
    nodes = await startMesh(2)
    dir = tempDir('relaymesh-web-app-')
    carolHome = join(dir, 'carol')
    const [init] = await ok(['init', '--home', carolHome, '--node', nodeB(), '--json'])
    carolId = String(init?.userId)
    web = await startWeb([wsAddressOf(nodes[0] as RelayNode)])
    chromium = await launchBrowser()
    context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    page = await context.newPage()
    problems = watchPage(page)
  })

  after(async () => {
    await chromium?.close()
    await web?.stop()
    await stopAll(nodes)
    if (dir !== undefined) removeDir(dir)
  })

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && problems.length > 0) console.error(problems.join('\n'))
  })

  it('relaymesh web serves the page with a CSP that allows sockets only to the node', async () => {
    const res = await fetch(web!.url)
    assert.equal(res.status, 200)
    const ws = wsAddressOf(nodes[0] as RelayNode)
    const port = /\/tcp\/([0-9]+)\/ws/.exec(ws)?.[1]
    assert.match(res.headers.get('content-security-policy') ?? '', new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${port ?? 'x'}(;|$)`))
    assert.deepEqual(await (await fetch(new URL('/config.json', web!.url))).json(), { nodes: [ws] })
  })

  it('relaymesh web --node TCP: one line says a browser needs /ws, and the /ws address the node reports is served', async () => {
    const tcp = addressOf(nodes[0] as RelayNode)
    const other = await startWeb([tcp])
    try {
      assert.deepEqual(await (await fetch(new URL('/config.json', other.url))).json(), { nodes: [wsAddressOf(nodes[0] as RelayNode)] })
      const lines = other.stderr().trim().split('\n')
      assert.equal(lines.length, 1, other.stderr())
      assert.match(lines[0] ?? '', /is a TCP address: a browser needs the node's \/ws address; using \/ip4\/127\.0\.0\.1\/tcp\/[0-9]+\/ws\/p2p\//)
    } finally {
      await other.stop()
    }
  })

  it('a browser user creates an identity (passphrase), sees the id and its QR code, and adds the CLI user', async () => {
    bobId = await createIdentity(page, web!.url, BROWSER_PASS, 'Bob')
    assert.match(bobId, /^rm1/)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'You' }).click()
    await page.getByRole('img', { name: 'QR code of your user id' }).waitFor()
    await addContact(page, 'carol', carolId)
    await carol(['contacts', 'add', 'bob', bobId])
    // both users' records reached both nodes
    await waitFor(async () => {
      for (const n of nodes) for (const id of [bobId, carolId]) if ((await n.records.userRecords(id)).length === 0) return false
      return true
    }, { what: 'user records on every node', timeout: 30_000 })
  })

  it('browser → CLI: the message arrives, and its tick goes to "read" once the CLI shows it', async () => {
    await page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: 'Chat with carol' }).click()
    await page.getByRole('textbox', { name: 'Message' }).fill('hello from the browser')
    await page.getByRole('button', { name: 'Send' }).click()
    const mine = messages().getByRole('listitem').filter({ hasText: 'hello from the browser' })
    await mine.getByText(/✓ stored|✓✓/).waitFor({ timeout: 30_000 })
    const got = await waitFor(async () => {
      const events = await carol(['recv', '--wait', '1', '--no-channel'])
      return events.find((e) => e.event === 'message' && e.text === 'hello from the browser')
    }, { what: 'the CLI to receive the browser message', timeout: 40_000 })
    assert.equal(got.from, bobId)
    await mine.getByText('✓✓ read').waitFor({ timeout: 30_000 })
  })

  it('CLI → browser: the message shows in the open conversation and the conversation list', async () => {
    const [stored] = await carol(['send', '--to', 'bob', 'hi bob, from the terminal'])
    assert.equal(stored?.event, 'stored')
    await messages().getByText('hi bob, from the terminal').waitFor({ timeout: 30_000 })
    await page.getByRole('list', { name: 'Conversations' }).getByRole('listitem').filter({ hasText: 'carol' }).waitFor()
    // the browser showed it: a read receipt reaches the CLI's status
    await waitFor(async () => {
      // receipts reach the CLI's store when it receives
      await carol(['recv', '--wait', '1', '--no-channel'])
      const [s] = await carol(['status', String(stored?.id)])
      return s?.state === 'read'
    }, { what: 'the CLI message to be read in the browser', timeout: 30_000 })
  })

  it('edits and deletes of a browser message reach the CLI', async () => {
    await page.getByRole('textbox', { name: 'Message' }).fill('a typo hre')
    await page.getByRole('button', { name: 'Send' }).click()
    const mine = messages().getByRole('listitem').filter({ hasText: 'a typo hre' })
    await mine.getByText(/✓/).waitFor({ timeout: 30_000 })
    await mine.getByRole('button', { name: 'Edit message' }).click()
    await page.getByRole('textbox', { name: 'Message' }).fill('a typo here, fixed')
    await page.keyboard.press('Enter')
    const edited = messages().getByRole('listitem').filter({ hasText: 'a typo here, fixed' })
    await edited.getByText(/edited/).waitFor()
    page.once('dialog', (d) => { void d.accept() })
    await edited.getByRole('button', { name: 'Delete message' }).click()
    await messages().getByRole('listitem').filter({ hasText: 'This message was deleted' }).waitFor()
    const seen: Array<Record<string, unknown>> = []
    await waitFor(async () => {
      seen.push(...await carol(['recv', '--wait', '1', '--no-channel']))
      return seen.some((e) => e.event === 'deleted') ? true : undefined
    }, { what: 'the CLI to get the edit and the delete', timeout: 40_000 })
    // the original (recv shows a message with the text it has by then), its edit and its delete
    const edit = seen.find((e) => e.event === 'edited' && e.text === 'a typo here, fixed')
    assert.ok(edit !== undefined, JSON.stringify(seen))
    assert.ok(seen.some((e) => e.event === 'message' && e.id === edit.target && e.from === bobId), JSON.stringify(seen))
    assert.ok(seen.some((e) => e.event === 'deleted' && e.target === edit.target), JSON.stringify(seen))
  })

  it('typing in the browser shows in the CLI chat (online only)', async () => {
    const chat = interactive(['chat', '--home', carolHome, '--node', nodeB(), '--json'])
    try {
      const box = page.getByRole('textbox', { name: 'Message' })
      await waitFor(async () => {
        await box.press('a') // "started" goes out at most every 3 s while keys come
        return chat.lines.some((l) => l.includes('"event":"typing"') && l.includes(bobId) && l.includes('"started"'))
      }, { what: `the chat to show the browser user typing (chat said: ${chat.lines.join(' ')} ${chat.stderr()})`, timeout: 30_000, interval: 700 })
      await box.fill('')
    } finally {
      chat.type('/quit')
      await Promise.race([chat.exited, new Promise((resolve) => setTimeout(resolve, 5_000))])
      chat.proc.kill('SIGKILL')
    }
  })

  it('browser → CLI: a 5 MiB file with a progress bar; the CLI saves the same bytes', async () => {
    const bytes = randomBytes(FILE_BYTES)
    await page.getByLabel('Attach a file').setInputFiles({ name: 'five.bin', mimeType: 'application/octet-stream', buffer: bytes })
    await page.getByRole('progressbar', { name: 'Sending five.bin' }).waitFor()
    await page.getByText('Sent five.bin').waitFor({ timeout: 90_000 })
    const file = await waitFor(async () => {
      const events = await carol(['recv', '--wait', '1', '--no-channel'])
      return events.find((e) => e.event === 'file' && e.name === 'five.bin')
    }, { what: 'the CLI to receive the file', timeout: 60_000 })
    assert.equal(file.size, FILE_BYTES)
    assert.equal(createHash('sha256').update(readFileSync(String(file.path))).digest('hex'), createHash('sha256').update(bytes).digest('hex'))
  })

  it('CLI → browser: a 5 MiB file arrives with a download link that gives the same bytes', async () => {
    const bytes = randomBytes(FILE_BYTES)
    const src = join(dir, 'from-carol.bin')
    writeFileSync(src, bytes)
    const [stored] = await carol(['file', 'send', '--to', 'bob', src])
    assert.equal(stored?.event, 'stored')
    const link = messages().getByRole('link', { name: 'Download from-carol.bin' })
    await link.waitFor({ timeout: 60_000 })
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), link.click()])
    const saved = await download.path()
    assert.equal(createHash('sha256').update(readFileSync(saved)).digest('hex'), createHash('sha256').update(bytes).digest('hex'))
  })

  it('a reload keeps the identity and the history (IndexedDB): unlock with the passphrase', async () => {
    await page.reload()
    await page.getByRole('heading', { name: 'Unlock' }).waitFor()
    await page.getByLabel('Passphrase', { exact: true }).fill('wrong passphrase')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('alert').filter({ hasText: /passphrase/i }).waitFor()
    await page.getByLabel('Passphrase', { exact: true }).fill(BROWSER_PASS)
    await page.getByRole('button', { name: 'Unlock' }).click()
    assert.equal(await myUserId(page), bobId)
    await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /carol/ }).click()
    await messages().getByText('hello from the browser').waitFor()
    await messages().getByText('hi bob, from the terminal').waitFor()
    await messages().getByRole('listitem').filter({ hasText: 'hello from the browser' }).getByText('✓✓ read').waitFor()
  })

  it('a second browser links as a device of the first with a pairing code', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Devices' }).click()
    await page.getByRole('button', { name: 'Link a new device' }).click()
    const code = ((await page.getByLabel('Pairing code').textContent()) ?? '').trim()
    assert.ok(code.length > 0)
    const second = await chromium!.browser.newContext({ viewport: { width: 390, height: 844 } })
    try {
      const other = await second.newPage()
      const otherProblems = watchPage(other)
      await other.goto(web!.url)
      await other.getByRole('button', { name: 'Link to an existing account' }).click()
      await other.getByLabel('Pairing code').fill(code)
      await other.getByLabel('New passphrase for this browser').fill('second browser passphrase')
      await other.getByRole('button', { name: 'Link this browser' }).click()
      assert.equal(await myUserId(other), bobId, otherProblems.join('\n'))
      await page.getByText(/Device [0-9]+ linked/).waitFor({ timeout: 30_000 })
    } finally {
      await second.close()
    }
  })

  it('with no node reachable, a banner says so and the message waits in the outbox', async () => {
    // a /ws address nobody listens on
    const dead = wsAddressOf(nodes[0] as RelayNode).replace(/\/tcp\/[0-9]+\//, '/tcp/9/')
    const offline = await startWeb([dead])
    const ctx = await chromium!.browser.newContext({ viewport: { width: 390, height: 844 } })
    try {
      const p = await ctx.newPage()
      await createIdentity(p, offline.url, 'offline passphrase')
      await p.getByRole('alert').filter({ hasText: 'No relay node is reachable' }).waitFor({ timeout: 30_000 })
      await addContact(p, 'carol', carolId)
      await p.getByRole('button', { name: 'Chat with carol' }).click()
      await p.getByRole('textbox', { name: 'Message' }).fill('waiting for a node')
      await p.getByRole('button', { name: 'Send' }).click()
      const queued = p.getByRole('log', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'waiting for a node' })
      await queued.waitFor({ timeout: 10_000 }).catch(async (err: Error) => { throw new Error(`${err.message}: ${(await p.getByRole('alert').allTextContents()).join(' | ')}`) })
      await queued.getByText('… queued').waitFor({ timeout: 10_000 }).catch(async (err: Error) => { throw new Error(`${err.message}: ${await queued.textContent() ?? ''} ${await p.getByRole('alert').allTextContents()}`) })
      await p.getByRole('alert').filter({ hasText: '1 message waits in the outbox' }).waitFor({ timeout: 10_000 })
    } finally {
      await ctx.close()
      await offline.stop()
    }
  })
})
