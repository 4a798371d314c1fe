// The client library runs unchanged in a real browser (issue 12): the fixture
// entry is bundled with scripts/web/bundle.mjs (the browser twins of the
// store, home, files and host chosen at build time) and run in headless
// Chromium. An identity is created in IndexedDB, opened, used locally,
// closed, reopened after a page reload with the passphrase (the data is
// there), and refused with a wrong one.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { launchBrowser, type TestBrowser } from '../../scripts/web/launch-browser.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

interface Bundler { bundleForBrowser: (o: { entry: string, outfile: string, minify?: boolean }) => Promise<unknown> }

/** Bundle the fixture entry into `dir`; returns the bundle's text. */
async function bundleEntry (dir: string): Promise<string> {
  const { bundleForBrowser } = await import(pathToFileURL(join(ROOT, 'scripts', 'web', 'bundle.mjs')).href) as Bundler
  const outfile = join(dir, 'library.js')
  await bundleForBrowser({ entry: join(ROOT, 'test', 'web', 'fixtures', 'library-entry.ts'), outfile, minify: false })
  return await readFile(outfile, 'utf8')
}

/** A page on 127.0.0.1 (IndexedDB needs a real origin) that loads the bundle as a module. */
async function serve (bundle: string): Promise<{ server: Server, url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/library.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      res.end(bundle)
    } else {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>relaymesh library test</title><script type="module" src="/library.js"></script>')
    }
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const { port } = server.address() as { port: number }
  return { server, url: `http://127.0.0.1:${port}/` }
}

async function load (page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.waitForFunction(() => 'relaymesh' in globalThis)
}

describe('the client library in a real browser (Chromium)', function () {
  this.timeout(120_000)
  let dir: string
  let browser: TestBrowser
  let server: Server
  let url: string
  const errors: string[] = []

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'relaymesh-web-'))
    const bundle = await bundleEntry(dir)
    ;({ server, url } = await serve(bundle))
    browser = await launchBrowser()
  })

  after(async function () {
    await browser?.close()
    server?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('creates an identity in IndexedDB, opens it, keeps contacts across a reload, refuses a wrong passphrase', async function () {
    const context = await browser.browser.newContext()
    const page = await context.newPage()
    page.on('pageerror', (err) => { errors.push(err.message) })
    await load(page, url)

    const created = await page.evaluate(async () => {
      const rm = (globalThis as any).relaymesh
      const id = await rm.initIdentity('alice', 'correct horse', { name: 'Alice' })
      const bob = await rm.initIdentity('bob', 'battery staple')
      const dbs = (await indexedDB.databases()).map((d) => d.name)
      const client = await rm.openClient({ home: 'alice', passphrase: 'correct horse', nodes: [] })
      await client.addContact('bob', bob.userId)
      const contacts = await client.contacts()
      const out = { id, bob, dbs, userId: client.userId, name: client.name, contacts }
      await client.close()
      let again = ''
      try { await rm.initIdentity('alice', 'other') } catch (err: any) { again = err.code }
      return { ...out, again }
    })
    assert.match(created.id.userId, /^rm1/)
    assert.equal(created.userId, created.id.userId)
    assert.equal(created.name, 'Alice')
    assert.notEqual(created.bob.userId, created.id.userId)
    assert.ok(created.dbs.includes('relaymesh-alice') && created.dbs.includes('relaymesh-bob'), `IndexedDB databases: ${created.dbs.join(', ')}`)
    assert.deepEqual(created.contacts.map((c: { alias: string, userId: string }) => [c.alias, c.userId]), [['bob', created.bob.userId]])
    assert.equal(created.again, 'ERR_INVALID')

    // a reload: nothing in memory survives, the IndexedDB database does
    await page.reload()
    await page.waitForFunction(() => 'relaymesh' in globalThis)
    const reopened = await page.evaluate(async () => {
      const rm = (globalThis as any).relaymesh
      const client = await rm.openClient({ home: 'alice', passphrase: 'correct horse', nodes: [] })
      const out = { userId: client.userId, contacts: (await client.contacts()).map((c: { alias: string, userId: string }) => [c.alias, c.userId]) }
      await client.close()
      const codes: string[] = []
      for (const [home, pass] of [['alice', 'wrong horse'], ['nobody', 'x']]) {
        try { await rm.openClient({ home, passphrase: pass, nodes: [] }); codes.push('opened') } catch (err: any) { codes.push(err.code) }
      }
      return { ...out, codes }
    })
    assert.equal(reopened.userId, created.id.userId)
    assert.deepEqual(reopened.contacts, [['bob', created.bob.userId]])
    assert.deepEqual(reopened.codes, ['ERR_WRONG_PASSPHRASE', 'ERR_NOT_FOUND'])
    assert.deepEqual(errors, [])
    await context.close()
  })

  it('one tab at a time holds a home: a second tab is refused while the first has it open', async function () {
    const context = await browser.browser.newContext()
    const [first, second] = [await context.newPage(), await context.newPage()]
    await load(first, url)
    await load(second, url)
    await first.evaluate(async () => {
      const rm = (globalThis as any).relaymesh
      await rm.initIdentity('carol', 'pass')
      ;(globalThis as any).carol = await rm.openClient({ home: 'carol', passphrase: 'pass', nodes: [] })
    })
    const tryOpen = async (): Promise<string> => await second.evaluate(async () => {
      const rm = (globalThis as any).relaymesh
      try {
        const c = await rm.openClient({ home: 'carol', passphrase: 'pass', nodes: [] })
        await c.close()
        return 'opened'
      } catch (err: any) { return err.code }
    })
    assert.equal(await tryOpen(), 'ERR_INVALID_STATE')
    await first.evaluate(async () => { await (globalThis as any).carol.close() })
    assert.equal(await tryOpen(), 'opened')
    await context.close()
  })
})
