// The client library runs unchanged in a real browser (issue 12): the fixture
// entry is bundled with scripts/web/bundle.mjs (the browser twins of the
// store, home, files and host chosen at build time) and run in headless
// Chromium. An identity is created in IndexedDB, opened, used locally,
// closed, reopened after a page reload with the passphrase (the data is
// there), and refused with a wrong one; a second tab is refused while the
// first holds the home; a client given only TCP nodes says it can dial none.
// Files: a File is read through the Blob source into the browser's sink (the
// sealed store), comes back as a Blob after a reload, is nowhere in IndexedDB
// in clear, and is gone once removed. Over a real two-node mesh, two browser
// clients (two browser contexts, each its own IndexedDB) attach to the
// nodes' /ws addresses and send a File from one to the other; the receiver
// gets it back as a Blob, also after a reload.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { launchBrowser, type TestBrowser } from '../../scripts/web/launch-browser.js'
import type { RelayNode } from '../../node/relay-node.js'
import { startMesh, stopAll, wsAddressOf } from '../helpers/mesh.js'
import { waitFor } from '../helpers/wait.js'

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
      const existedBefore = await rm.identityExists('alice')
      const id = await rm.initIdentity('alice', 'correct horse', { name: 'Alice' })
      const existsAfter = await rm.identityExists('alice')
      const bob = await rm.initIdentity('bob', 'battery staple')
      const dbs = (await indexedDB.databases()).map((d) => d.name)
      const client = await rm.openClient({ home: 'alice', passphrase: 'correct horse', nodes: [] })
      await client.addContact('bob', bob.userId)
      const contacts = await client.contacts()
      const out = { id, bob, dbs, existedBefore, existsAfter, userId: client.userId, name: client.name, contacts }
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
    assert.deepEqual([created.existedBefore, created.existsAfter], [false, true])

    // a reload: nothing in memory survives, the IndexedDB database does
    await page.reload()
    await page.waitForFunction(() => 'relaymesh' in globalThis)
    const reopened = await page.evaluate(async () => {
      const rm = (globalThis as any).relaymesh
      const client = await rm.openClient({ home: 'alice', passphrase: 'correct horse', nodes: [] })
      const out = { userId: client.userId, contacts: (await client.contacts()).map((c: { alias: string, userId: string }) => [c.alias, c.userId]) }
      await client.close()
      // a browser dials WebSockets only: a TCP-only node list is refused before any dial, saying why
      const tcpOnly = await rm.openClient({ home: 'alice', passphrase: 'correct horse', nodes: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWHFrmLWTTDD4NodngMXvTDzDgBT6qrsLLXLmq6KskVfuA'] })
      let dial = ''
      try { await tcpOnly.connect() } catch (err: any) { dial = `${err.code} ${err.message}` }
      await tcpOnly.close()
      const codes: string[] = []
      for (const [home, pass] of [['alice', 'wrong horse'], ['nobody', 'x']]) {
        try { await rm.openClient({ home, passphrase: pass, nodes: [] }); codes.push('opened') } catch (err: any) { codes.push(err.code) }
      }
      return { ...out, codes, dial }
    })
    assert.equal(reopened.userId, created.id.userId)
    assert.deepEqual(reopened.contacts, [['bob', created.bob.userId]])
    assert.deepEqual(reopened.codes, ['ERR_WRONG_PASSPHRASE', 'ERR_NOT_FOUND'])
    assert.match(reopened.dial, /^ERR_UNAVAILABLE .*\/ws or \/wss/)
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

  it('a File goes through the Blob source into the sealed-store sink, survives a reload as a Blob, is never in IndexedDB in clear, and is gone once removed; an unfinished one is cleaned up on open', async function () {
    const context = await browser.browser.newContext()
    const page = await context.newPage()
    await load(page, url)
    const first = await page.evaluate(async () => {
      const { files } = (globalThis as any).relaymesh
      const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
      // 2.5 chunks of random bytes with a marker in each chunk, as a File
      const size = Math.floor(files.CHUNK_BYTES * 2.5)
      const bytes = new Uint8Array(size)
      for (let o = 0; o < size; o += 65536) crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)))
      const marker = new TextEncoder().encode('RELAYMESH-PLAINTEXT-MARKER-0123456789')
      for (let o = 1000; o + marker.length < size; o += files.CHUNK_BYTES) bytes.set(marker, o)
      const file = new File([bytes], 'photo.png', { type: 'image/png' })
      await (globalThis as any).relaymesh.initIdentity('dave', 'pass')
      const store = await files.SealedStore.open('dave', 'pass')
      const source = await files.openFileSource(file)
      const sink = await files.openSink(store, source.name)
      const h = files.newSha256()
      for (let o = 0; o < source.size; o += files.CHUNK_BYTES) {
        const part = await source.read(o, Math.min(files.CHUNK_BYTES, source.size - o))
        h.update(part)
        await sink.write(part)
      }
      const path = await sink.commit()
      // a sink dropped half way leaves nothing behind
      const dropped = await files.openSink(store, 'x')
      await dropped.write(bytes.subarray(0, 1000))
      await dropped.abort()
      // a sink cut short (the tab closes mid-file): its records stay until the next open
      const cut = await files.openSink(store, 'y')
      await cut.write(bytes.subarray(0, 1000))
      await cut.write(bytes.subarray(1000, 2000))
      let fdKeys = 0
      for await (const _ of store.keys('fd!')) fdKeys++
      await store.close()
      return { path, size, sha: hex(h.digest()), name: source.name, mime: source.mime, fdKeys, marker: Array.from(marker) }
    })
    assert.equal(first.name, 'photo.png')
    assert.equal(first.mime, 'image/png')
    assert.match(first.path, /^relaymesh-store:[0-9a-f]{32}$/)
    assert.equal(first.fdKeys, 1 + 3 + 2, 'one head and three chunks; the dropped sink left nothing; the cut one left two chunks')

    await page.reload()
    await page.waitForFunction(() => 'relaymesh' in globalThis)
    const after = await page.evaluate(async ({ path, marker }) => {
      const { files } = (globalThis as any).relaymesh
      const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
      // opening the client deletes what the cut sink left (records of a file without a head)
      const client = await (globalThis as any).relaymesh.openClient({ home: 'dave', passphrase: 'pass', nodes: [] })
      await client.close()
      const store = await files.SealedStore.open('dave', 'pass')
      let fdKeys = 0
      for await (const _ of store.keys('fd!')) fdKeys++
      const blob: Blob = await files.receivedFileBlob(store, path, 'image/png')
      const h = files.newSha256()
      h.update(new Uint8Array(await blob.arrayBuffer()))
      // every raw value in the IndexedDB database: the marker must be in none
      const raw: Uint8Array[] = await new Promise((resolve, reject) => {
        const req = indexedDB.open('relaymesh-dave')
        req.onerror = () => { reject(req.error) }
        req.onsuccess = () => {
          const db = req.result
          const names = Array.from(db.objectStoreNames)
          const tx = db.transaction(names, 'readonly')
          const out: Uint8Array[] = []
          let pending = names.length
          for (const n of names) {
            const all = tx.objectStore(n).getAll()
            all.onsuccess = () => {
              for (const v of all.result) out.push(v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer))
              if (--pending === 0) { db.close(); resolve(out) }
            }
          }
        }
      })
      const found = (needle: Uint8Array): boolean => raw.some((v) => {
        outer: for (let i = 0; i + needle.length <= v.length; i++) {
          for (let j = 0; j < needle.length; j++) if (v[i + j] !== needle[j]) continue outer
          return true
        }
        return false
      })
      const inClear = found(Uint8Array.from(marker))
      // the scan does see clear bytes: the store's one unsealed record (the KDF header) is found
      const kdfSeen = found(new TextEncoder().encode('"salt":'))
      const rawBytes = raw.reduce((n, v) => n + v.length, 0)
      await files.removeReceivedFile(store, path)
      let gone = ''
      try { await files.receivedFileBlob(store, path) } catch (err: any) { gone = err.code }
      await store.close()
      return { type: blob.type, size: blob.size, sha: hex(h.digest()), inClear, kdfSeen, rawBytes, gone, fdKeys }
    }, { path: first.path, marker: first.marker })
    assert.equal(after.fdKeys, 1 + 3, 'the cut file\'s records are gone, the whole one stays')
    assert.deepEqual([after.type, after.size, after.sha], ['image/png', first.size, first.sha])
    assert.ok(after.rawBytes > first.size, `IndexedDB holds the file (${after.rawBytes} bytes)`)
    assert.equal(after.kdfSeen, true, 'the scan finds the unsealed KDF header')
    assert.equal(after.inClear, false, 'the plaintext marker is in a raw IndexedDB value')
    assert.equal(after.gone, 'ERR_NOT_FOUND')
    await context.close()
  })
})

describe('two browser clients over a two-node mesh (WebSockets)', function () {
  this.timeout(180_000)
  let dir: string
  let browser: TestBrowser
  let server: Server
  let url: string
  let nodes: RelayNode[] = []

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), 'relaymesh-web-mesh-'))
    ;({ server, url } = await serve(await bundleEntry(dir)))
    browser = await launchBrowser()
    nodes = await startMesh(2)
  })

  after(async function () {
    await browser?.close()
    server?.close()
    await stopAll(nodes)
    await rm(dir, { recursive: true, force: true })
  })

  it('a File from Alice (node 1) reaches Bob (node 2) intact, as a Blob, and is still there after his reload', async function () {
    const [alicePage, bobPage] = [await (await browser.browser.newContext()).newPage(), await (await browser.browser.newContext()).newPage()]
    const errors: string[] = []
    for (const p of [alicePage, bobPage]) p.on('pageerror', (err) => { errors.push(err.message) })
    await load(alicePage, url)
    await load(bobPage, url)
    const start = async (page: Page, home: string, node: string): Promise<string> => await page.evaluate(async ({ home, node }) => {
      const rm = (globalThis as any).relaymesh
      await rm.initIdentity(home, 'pass')
      const client = await rm.openClient({ home, passphrase: 'pass', nodes: [node] })
      await client.connect()
      ;(globalThis as any).client = client
      return client.userId as string
    }, { home, node })
    const alice = await start(alicePage, 'alice', wsAddressOf(nodes[0] as RelayNode))
    const bob = await start(bobPage, 'bob', wsAddressOf(nodes[1] as RelayNode))
    for (const n of nodes) {
      await waitFor(async () => (await n.records.userRecords(alice)).length >= 2 && (await n.records.userRecords(bob)).length >= 2, { what: 'both browser users on every node' })
    }

    const sent = await alicePage.evaluate(async ({ bob }) => {
      const hex = (b: ArrayBuffer): string => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')
      const bytes = new Uint8Array(1536 * 1024 + 7)
      for (let o = 0; o < bytes.length; o += 65536) crypto.getRandomValues(bytes.subarray(o, Math.min(bytes.length, o + 65536)))
      const progress: number[] = []
      const r = await (globalThis as any).client.sendFile(bob, new File([bytes], 'holiday.jpg', { type: 'image/jpeg' }), { onProgress: (p: { chunksStored: number }) => { progress.push(p.chunksStored) } })
      return { id: r.id as string, chunks: r.chunks as number, size: bytes.length, sha: hex(await crypto.subtle.digest('SHA-256', bytes)), progress }
    }, { bob })
    assert.equal(sent.chunks, 9)
    assert.deepEqual(sent.progress, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])

    const got = await bobPage.evaluate(async ({ id, alice }) => {
      const hex = (b: ArrayBuffer): string => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')
      const client = (globalThis as any).client
      const deadline = Date.now() + 60_000
      let m: any
      while (m === undefined && Date.now() < deadline) m = (await client.receive({ waitMs: 500 })).find((x: any) => x.id === id)
      if (m === undefined) return { arrived: false }
      const blob: Blob = await client.receivedFile(m)
      const out = { arrived: true, from: m.from === alice, name: m.file.name, size: blob.size, type: blob.type, sha: hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())) }
      await client.close()
      return out
    }, { id: sent.id, alice })
    assert.deepEqual(got, { arrived: true, from: true, name: 'holiday.jpg', size: sent.size, type: 'image/jpeg', sha: sent.sha })

    await bobPage.reload()
    await bobPage.waitForFunction(() => 'relaymesh' in globalThis)
    const again = await bobPage.evaluate(async ({ id, alice }) => {
      const hex = (b: ArrayBuffer): string => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')
      const client = await (globalThis as any).relaymesh.openClient({ home: 'bob', passphrase: 'pass', nodes: [] })
      const h = (await client.history(alice)).find((x: any) => x.id === id)
      const blob: Blob = await client.receivedFile(h)
      const out = { text: h.text, sha: hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())) }
      await client.close()
      return out
    }, { id: sent.id, alice })
    assert.deepEqual(again, { text: `[file] holiday.jpg (${sent.size} bytes)`, sha: sent.sha })
    await alicePage.evaluate(async () => { await (globalThis as any).client.close() })
    assert.deepEqual(errors, [])
  })
})
