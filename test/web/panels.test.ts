// The web panels (client/web/panels) in real headless Chromium, through a tiny
// harness page (test/web/fixtures/panel-harness.ts: the client library in the
// browser, its identity in IndexedDB, attached to a real node over libp2p
// WebSockets), with real CLI users on another node of a real two-node mesh:
// a group made in the browser reaches a CLI member; a CLI stranger's request
// shows and is accepted; browser and CLI read each other's channel posts; a
// profile set in the browser is what the CLI contact sees (and the CLI's
// avatar shows in the browser); the safety number shown equals the CLI's.
// Controls are found by role and label, as a person with a screen reader
// finds them; the page is 390x844 (a phone) and must never scroll sideways.
import { strict as assert } from 'node:assert'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import type { RelayNode } from '../../node/relay-node.js'
import { initIdentity } from '../../client/client.js'
import { randomBytes } from '../../protocol/crypto/primitives.js'
import { addressOf, removeDir, startNode, stopAll, tempDir, waitForFullDirectory, wsAddressOf } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'
import { launchBrowser, type TestBrowser } from '../../scripts/web/launch-browser.js'
import { ok, PASS } from '../client/cli/run-cli.js'
// the harness's window.harness (type only: the page runs the bundle)
import type {} from './fixtures/panel-harness.js'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const UI_TIMEOUT_MS = 15_000
/** a PNG by its signature, 3000 bytes */
const AVATAR = Buffer.from(randomBytes(3000))
AVATAR.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/**
 * The web app's Content-Security-Policy (what `relaymesh web` sends: own
 * scripts and styles only, images also from blob:, sockets to the node): the
 * panels must work under it (no inline style, avatars from Blob URLs).
 */
function appPolicy (wsAddress: string): string {
  const m = /^\/ip4\/([\d.]+)\/tcp\/(\d+)\/ws/.exec(wsAddress)
  if (m === null) throw new Error(`not a /ws address: ${wsAddress}`)
  return `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self' ws://${m[1] as string}:${m[2] as string}; base-uri 'none'; form-action 'none'; object-src 'none'`
}

/** serve the harness page and its bundle on 127.0.0.1 (a secure context: WebCrypto and IndexedDB work) */
async function serve (dir: string, csp: string): Promise<{ server: Server, url: string }> {
  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/harness.js': ['harness.js', 'text/javascript; charset=utf-8'],
    '/harness.js.map': ['harness.js.map', 'application/json']
  }
  const server = createServer((req, res) => {
    const f = files[new URL(req.url ?? '/', 'http://x').pathname]
    if (f === undefined) { res.writeHead(404).end(); return }
    readFile(join(dir, f[0])).then((body) => { res.writeHead(200, { 'content-type': f[1], 'content-security-policy': csp }).end(body) }, () => { res.writeHead(500).end() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return { server, url: `http://127.0.0.1:${port}/` }
}

describe('web panels in Chromium: groups, requests, channel, profile, safety numbers (real nodes, CLI users)', function () {
  this.timeout(120_000)
  let nodes: RelayNode[] = []
  let dir: string
  let web: TestBrowser | undefined
  let server: Server | undefined
  let page: Page
  let webId: string
  const id: Record<string, string> = {}
  const home = (u: string): string => join(dir, u)
  /** a CLI command as `u`, on node 1 (the browser is on node 0), --json */
  const as = async (u: string, args: string[]): Promise<Array<Record<string, unknown>>> =>
    await ok([...args, '--home', home(u), '--node', addressOf(nodes[1] as RelayNode), '--json'])
  const panel = async (label: string): Promise<void> => {
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: label, exact: true }).click()
  }
  /** no sideways scroll at phone width; the panels' sheet applies; nothing broke the page's CSP; all is labelled */
  const noSideways = async (): Promise<void> => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    assert.ok(width <= 390, `the page scrolls sideways at 390 px: ${width} px wide`)
    const display = await page.evaluate(() => { const p = document.querySelector('[data-panel]'); return p === null ? null : getComputedStyle(p).display })
    assert.equal(display, 'flex', 'the panels\' stylesheet is adopted')
    assert.deepEqual(await page.evaluate(() => window.harness.violations), [])
    // every control of the panel has a name, every list a label
    const unnamed = await page.evaluate(() => {
      const panel = document.querySelector('[data-panel]')
      if (panel === null) return ['no panel']
      const named = (el: Element): boolean => (el.getAttribute('aria-label') ?? '').trim() !== '' ||
        ('labels' in el && ((el as HTMLInputElement).labels?.length ?? 0) > 0) || (el.tagName === 'BUTTON' && (el.textContent ?? '').trim() !== '')
      return [...panel.querySelectorAll('button, input, select, textarea, ul, ol')].filter((el) =>
        /^(UL|OL)$/.test(el.tagName) ? el.getAttribute('role') !== 'list' || !named(el) : !named(el)).map((el) => el.outerHTML.slice(0, 80))
    })
    assert.deepEqual(unnamed, [], 'unlabelled controls or lists')
  }

  before(async () => {
    dir = tempDir('relaymesh-web-panels-')
    const [built, first] = await Promise.all([
      (async () => {
        const { bundleForBrowser } = await import(pathToFileURL(join(ROOT, 'scripts', 'web', 'bundle.mjs')).href) as { bundleForBrowser: (o: Record<string, unknown>) => Promise<unknown> }
        await bundleForBrowser({ entry: join(ROOT, 'test', 'web', 'fixtures', 'panel-harness.ts'), outfile: join(dir, 'harness.js'), minify: false })
        await writeFile(join(dir, 'index.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>panels</title></head><body><script type="module" src="/harness.js"></script></body></html>')
        return true
      })(),
      startNode()
    ])
    assert.ok(built)
    nodes = [first, await startNode({ bootstrap: [addressOf(first)] })]
    await waitForFullDirectory(nodes)
    for (const u of ['bob', 'carol', 'dave']) id[u] = (await initIdentity(home(u), PASS)).userId
    // bob sets a profile with an avatar (and so is on the mesh) while the browser starts
    await writeFile(join(dir, 'bob.png'), AVATAR)
    const bobReady = as('bob', ['profile', 'set', '--name', 'Bob Builder', '--avatar', join(dir, 'bob.png')])
    server = (await serve(dir, appPolicy(wsAddressOf(nodes[0] as RelayNode)))).server
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
    web = await launchBrowser()
    const context = await web.browser.newContext({ viewport: { width: 390, height: 844 } })
    page = await context.newPage()
    page.on('pageerror', (err) => { process.stderr.write(`page error: ${err.message}\n`) })
    await page.goto(`${url}#nodes=${encodeURIComponent(wsAddressOf(nodes[0] as RelayNode))}&panel=groups`)
    await page.waitForFunction(() => window.harness.ready || window.harness.error !== undefined, undefined, { timeout: 30_000 })
    const error = await page.evaluate(() => window.harness.error)
    assert.equal(error, undefined, `the harness did not start: ${String(error)}`)
    webId = await page.evaluate(() => window.harness.userId as string)
    // bob knows the browser user as a contact (its group invitation is no request);
    // the browser user has bob as a contact (the contacts view is the shell's, not a panel)
    await bobReady
    await as('bob', ['contacts', 'add', 'web', webId])
    await page.evaluate(async (bob) => { await window.harness.client?.addContact('bob', bob) }, id.bob as string)
  })

  after(async () => {
    await web?.close()
    server?.close()
    await stopAll(nodes)
    removeDir(dir)
  })

  it('groups: a group created in the browser with a CLI contact, renamed there; the CLI member reads its message; remove, add back, leave', async () => {
    await panel('Groups')
    await page.getByLabel('Group name', { exact: true }).fill('Tea')
    await page.getByRole('group', { name: 'Members (your contacts)' }).getByRole('checkbox', { name: 'bob' }).check()
    await page.getByRole('button', { name: 'Create group' }).click()
    const groups = page.getByRole('list', { name: 'Your groups' })
    await groups.getByRole('listitem', { name: 'Tea' }).waitFor({ timeout: UI_TIMEOUT_MS })
    await noSideways()
    // open it: the shell is asked to show that conversation
    await page.getByRole('button', { name: 'Open Tea' }).click()
    const opened = await page.evaluate(() => window.harness.opened)
    const groupId = (opened[0] as { kind: 'group', groupId: string }).groupId
    assert.deepEqual(opened, [{ kind: 'group', groupId }])
    // manage; rename with the keyboard (Tab from the box to its button, Space)
    await page.getByRole('button', { name: 'Manage Tea' }).click()
    await page.getByRole('list', { name: 'Members of Tea' }).getByRole('button', { name: 'Remove bob from Tea' }).waitFor()
    await page.getByLabel('New name for Tea').fill('Tea room')
    await page.getByLabel('New name for Tea').press('Tab')
    await page.keyboard.press('Space')
    await groups.getByRole('listitem', { name: 'Tea room' }).waitFor({ timeout: UI_TIMEOUT_MS })
    await noSideways()
    await page.evaluate(async (g) => { await window.harness.client?.sendGroup(g, 'hello from the browser group') }, groupId)
    const got = await waitFor(async () => {
      const events = await as('bob', ['recv', '--wait', '1'])
      return events.some((e) => e.event === 'message' && e.group === groupId) ? events : undefined
    }, { what: 'bob to read the group message', timeout: 30_000 })
    assert.ok(got.some((e) => e.event === 'message' && e.group === groupId && e.from === webId && e.text === 'hello from the browser group'), JSON.stringify(got))
    const [info] = await as('bob', ['group', 'list'])
    assert.deepEqual({ groupId: info?.groupId, name: info?.name, members: (info?.members as string[]).sort() }, { groupId, name: 'Tea room', members: [webId, id.bob].sort() })
    // remove bob, add him back, then leave (asked twice)
    const members = page.getByRole('list', { name: 'Members of Tea room' })
    await members.getByRole('button', { name: 'Remove bob from Tea room' }).click()
    await page.getByText('Only you.').waitFor({ timeout: UI_TIMEOUT_MS })
    await page.getByLabel('Add a member to Tea room', { exact: true }).selectOption({ label: 'bob' })
    await page.getByRole('button', { name: 'Add member to Tea room' }).click()
    await members.getByRole('button', { name: 'Remove bob from Tea room' }).waitFor({ timeout: UI_TIMEOUT_MS })
    assert.deepEqual((await page.evaluate(async () => await window.harness.client?.groups()))?.map((g) => g.members.sort()), [[webId, id.bob].sort()])
    await page.getByRole('button', { name: 'Leave Tea room' }).click()
    await page.getByRole('button', { name: 'Yes, leave Tea room' }).click()
    await page.getByText('You are in no group yet.').waitFor({ timeout: UI_TIMEOUT_MS })
    assert.deepEqual(await page.evaluate(async () => await window.harness.client?.groups()), [])
    await noSideways()
  })

  it('requests: a CLI stranger\'s message shows as a request; accept makes them a contact; decline; block and unblock', async () => {
    await panel('Requests')
    await as('carol', ['send', '--to', webId, 'hi, this is carol'])
    const short = (id.carol as string).slice(0, 12)
    const requests = page.getByRole('list', { name: 'Message requests' })
    const item = requests.getByRole('listitem', { name: `Request from ${short}` })
    await item.waitFor({ timeout: UI_TIMEOUT_MS })
    assert.match(await item.innerText(), /hi, this is carol/)
    assert.match(await item.innerText(), /1 message/)
    await noSideways()
    await page.getByLabel(`Alias for ${short} (optional)`).fill('carol')
    await page.getByRole('button', { name: `Accept ${short}` }).click()
    await page.getByText('No message requests.').waitFor({ timeout: UI_TIMEOUT_MS })
    assert.equal(await requests.getByRole('listitem').count(), 0)
    const contacts = await page.evaluate(async () => await window.harness.client?.contacts())
    assert.ok(contacts?.some((c) => c.alias === 'carol' && c.userId === id.carol), JSON.stringify(contacts))
    const notices = await page.evaluate(() => window.harness.notices)
    assert.ok(notices.some((n) => n.kind === 'info' && n.text.startsWith(`Accepted ${short}: 1 message moved`)), JSON.stringify(notices))
    const history = await page.evaluate(async (c) => await window.harness.client?.history(c), id.carol as string)
    assert.ok(history?.some((m) => m.text === 'hi, this is carol'), JSON.stringify(history))
    // a second stranger: decline drops the request and blocks nobody
    await as('dave', ['send', '--to', webId, 'buy my stuff'])
    const daveShort = (id.dave as string).slice(0, 12)
    await requests.getByRole('listitem', { name: `Request from ${daveShort}` }).waitFor({ timeout: UI_TIMEOUT_MS })
    await page.getByRole('button', { name: `Decline ${daveShort}` }).click()
    await page.getByText('No message requests.').waitFor({ timeout: UI_TIMEOUT_MS })
    assert.deepEqual(await page.evaluate(async () => await window.harness.client?.blocked()), [])
    // block by id, then unblock from the blocked list
    await page.getByLabel('User to block', { exact: true }).fill(id.dave as string)
    await page.getByRole('button', { name: 'Block', exact: true }).click()
    const blocked = page.getByRole('list', { name: 'Blocked users' })
    await blocked.getByRole('listitem', { name: `Blocked ${daveShort}` }).waitFor({ timeout: UI_TIMEOUT_MS })
    assert.deepEqual((await page.evaluate(async () => await window.harness.client?.blocked()))?.map((b) => b.userId), [id.dave])
    await blocked.getByRole('button', { name: `Unblock ${daveShort}` }).click()
    await page.getByText('Nobody is blocked.').waitFor({ timeout: UI_TIMEOUT_MS })
    // a library error is one line in the panel's alert, no stack
    await page.getByLabel('User to block', { exact: true }).fill('nobody-at-all')
    await page.getByRole('button', { name: 'Block', exact: true }).click()
    const alert = page.locator('[data-panel=requests] [role=alert]')
    await alert.filter({ hasText: /\S/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    const text = await alert.innerText()
    assert.match(text, /^Error: [^\n]+$/)
    assert.doesNotMatch(text, /\bat .+:\d+:\d+/)
  })

  it('channel: a post from the browser is read by the CLI, and the CLI\'s post shows in the browser', async () => {
    await panel('Public channel')
    // with the keyboard: type, Tab to the button, Enter
    await page.getByLabel('Post', { exact: true }).fill('hello channel from the browser')
    await page.getByLabel('Post', { exact: true }).press('Tab')
    await page.keyboard.press('Enter')
    const posts = page.getByRole('list', { name: 'Posts in #all' })
    await posts.getByText('hello channel from the browser').waitFor({ timeout: UI_TIMEOUT_MS })
    const read = await waitFor(async () => {
      const r = await as('bob', ['channel', 'read'])
      return r.some((p) => p.text === 'hello channel from the browser') ? r : undefined
    }, { what: 'the browser\'s post read by the CLI on the other node', timeout: 30_000 })
    assert.ok(read.some((p) => p.from === webId && p.channel === 'all' && p.text === 'hello channel from the browser'), JSON.stringify(read))
    // a hostile post is text, never markup
    const hostile = 'hello from the CLI <img src=x onerror="window.pwned=1"><b>bold?</b>'
    await as('bob', ['channel', 'post', hostile])
    await waitFor(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click()
      return await posts.getByText('hello from the CLI').count() > 0
    }, { what: 'the CLI post in the browser', timeout: 30_000, interval: 500 })
    const item = posts.getByRole('listitem').filter({ hasText: 'hello from the CLI' })
    assert.match(await item.innerText(), /^bob\b/)
    assert.ok((await item.innerText()).includes(hostile))
    assert.equal(await item.locator('img, b').count(), 0)
    assert.equal(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined)
    await noSideways()
  })

  it('profile: the library\'s limits show as one-line errors; the name set in the browser is what the CLI contact sees; a contact\'s avatar shows', async () => {
    await panel('Profile')
    const alert = page.locator('[data-panel=profile] [role=alert]')
    await page.getByLabel('Display name', { exact: true }).fill('Wendy Web')
    // too large: refused before it is read
    await page.getByLabel('Avatar', { exact: true }).setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(20_000, 1) })
    await page.getByRole('button', { name: 'Save profile' }).click()
    await alert.filter({ hasText: /^Error: avatar big\.png is 20000 bytes; at most 16384/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    // not an image: the library's own error
    await page.getByLabel('Avatar', { exact: true }).setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('just some text, not an image') })
    await page.getByRole('button', { name: 'Save profile' }).click()
    await alert.filter({ hasText: /avatar/i }).filter({ hasNotText: /at most 16384/ }).waitFor({ timeout: UI_TIMEOUT_MS })
    assert.doesNotMatch(await alert.innerText(), /\n|\bat .+:\d+:\d+/)
    // a PNG (by its signature) of 3000 bytes
    await page.getByLabel('Avatar', { exact: true }).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: AVATAR })
    await page.getByRole('button', { name: 'Save profile' }).click()
    await page.getByRole('img', { name: 'Your avatar' }).waitFor({ timeout: UI_TIMEOUT_MS })
    assert.equal(await alert.innerText(), '')
    await noSideways()
    // a message to bob carries the profile key; bob's CLI opens the profile
    await page.evaluate(async (bob) => { await window.harness.client?.send(bob, 'my profile key comes with this') }, id.bob as string)
    await as('bob', ['recv'])
    const [shown] = await as('bob', ['profile', 'show', webId])
    assert.deepEqual({ name: shown?.name, avatarBytes: shown?.avatarBytes, avatarType: shown?.avatarType }, { name: 'Wendy Web', avatarBytes: 3000, avatarType: 'image/png' })
    // bob's profile (set at the start) with an avatar, shared by his message: shown in the browser from a Blob URL
    await as('bob', ['send', '--to', webId, 'and here is mine'])
    await page.waitForFunction((bob) => window.harness.messages.some((m) => m.from === bob && m.text === 'and here is mine'), id.bob, { timeout: UI_TIMEOUT_MS })
    await page.getByLabel('Contact', { exact: true }).selectOption({ label: 'bob' })
    await page.getByRole('button', { name: 'Show profile' }).click()
    const img = page.getByRole('img', { name: 'Avatar of Bob Builder' })
    await img.waitFor({ timeout: UI_TIMEOUT_MS })
    assert.match(await img.getAttribute('src') ?? '', /^blob:http:\/\/127\.0\.0\.1:/)
    assert.match(await page.locator('[data-panel=profile]').innerText(), /bob's profile name: Bob Builder/)
  })

  it('safety numbers: the panel shows the number the CLI prints, and checks a pasted one', async () => {
    await panel('Safety numbers')
    await page.getByLabel('Contact', { exact: true }).selectOption({ label: 'bob' })
    await page.getByRole('button', { name: 'Show safety number' }).click()
    const number = page.getByLabel('Safety number with bob')
    await number.waitFor({ timeout: UI_TIMEOUT_MS })
    const [cliView] = await as('bob', ['safety-number', webId])
    const digits = cliView?.safetyNumber as string
    assert.match(digits, /^\d{60}$/)
    const shown = await number.innerText()
    assert.equal(shown.replace(/\s/g, ''), digits)
    assert.deepEqual(shown.split('\n').map((r) => r.trim()), (digits.match(/.{20}/g) ?? []).map((r) => (r.match(/.{5}/g) ?? []).join(' ')))
    const theirs = page.getByLabel('Number bob\'s device shows')
    const verdict = page.locator('[data-panel=safety] [role=status]')
    await theirs.fill((digits.match(/.{5}/g) ?? []).join(' '))
    assert.match(await verdict.innerText(), /^✓ Matches/)
    const wrong = digits.slice(0, 59) + String((Number(digits[59]) + 1) % 10)
    await theirs.fill(wrong)
    assert.match(await verdict.innerText(), /^✗ Does not match/)
    await theirs.fill(digits.slice(0, 30))
    assert.match(await verdict.innerText(), /30 of 60 digits/)
    await noSideways()
  })
})
