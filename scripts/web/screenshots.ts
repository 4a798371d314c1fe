// `npm run web:screenshots`: screenshots of the web client's main views in
// headless Chromium, written to docs/screenshots/*.png (1280x800, and two at
// 390x844). Everything is real: two relay nodes on loopback, the page served
// by the static server of `relaymesh web`, and two people (Alice, Carol) on
// the client library in Node writing to the browser user (Bob).
import '../../node/runtime/polyfills.js'
import { mkdirSync, rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { createRelayNode, type RelayNode } from '../../node/relay-node.js'
import { initIdentity, openClient, type Client } from '../../client/client.js'
import { startStaticServer } from '../../client/cli/web/static-server.js'
import { launchBrowser } from './launch-browser.js'

const ROOT = resolve(import.meta.dirname, '..', '..', '..')
const OUT = join(ROOT, 'docs', 'screenshots')
const PASS = 'screenshot passphrase'
const LOOPBACK = ['127.0.0.0/8', '::1/128']

async function until<T> (what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try { const v = await fn(); if (v !== undefined) return v } catch (err) { last = err }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}${last instanceof Error ? ` (${last.message})` : ''}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

async function person (dir: string, name: string, node: string): Promise<Client> {
  const home = join(dir, name)
  await initIdentity(home, PASS, { name })
  const client = await openClient({ home, passphrase: PASS, nodes: [node], messageRequests: false })
  await client.connect()
  return client
}

async function shot (page: Page, file: string): Promise<void> {
  await page.waitForTimeout(300) // let the last refresh paint
  await page.screenshot({ path: join(OUT, file) })
  process.stdout.write(`docs/screenshots/${file}\n`)
}

async function main (): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const dir = await mkdtemp(join(tmpdir(), 'relaymesh-shots-'))
  const opts = { idDifficulty: 0, stableAfterMs: 0, stampBits: 8, allowIps: LOOPBACK }
  const nodes: RelayNode[] = []
  const clients: Client[] = []
  const chromium = await launchBrowser()
  try {
    nodes.push(await createRelayNode({ ...opts, listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], dataDir: join(dir, 'n0') }))
    const boot = nodes[0]!.multiaddrs().find((m) => m.includes('/127.0.0.1/tcp/') && !m.includes('/ws'))!
    nodes.push(await createRelayNode({ ...opts, listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'], dataDir: join(dir, 'n1'), bootstrap: [boot] }))
    const ws = nodes[0]!.multiaddrs().find((m) => m.includes('/127.0.0.1/tcp/') && m.includes('/ws/'))!
    const tcp1 = nodes[1]!.multiaddrs().find((m) => m.includes('/127.0.0.1/tcp/') && !m.includes('/ws'))!
    const server = await startStaticServer({ root: join(ROOT, 'dist', 'web'), host: '127.0.0.1', port: 0, config: { nodes: [ws] } })
    const alice = await person(dir, 'Alice', tcp1)
    const carol = await person(dir, 'Carol', tcp1)
    clients.push(alice, carol)

    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.goto(server.url)
    await page.getByRole('button', { name: 'Create identity' }).waitFor()
    await page.getByLabel('Your name (optional)').fill('Bob')
    await shot(page, 'identity.png')
    await page.getByLabel('Passphrase', { exact: true }).fill(PASS)
    await page.getByLabel('Repeat passphrase').fill(PASS)
    await page.getByRole('button', { name: 'Create identity' }).click()
    const nav = page.getByRole('navigation', { name: 'Main' })
    await nav.getByRole('button', { name: 'You' }).click({ timeout: 60_000 })
    const bob = ((await page.getByLabel('Your user id', { exact: true }).textContent()) ?? '').trim()
    await page.getByRole('img', { name: 'QR code of your user id' }).waitFor()
    await shot(page, 'you-and-qr.png')

    for (const [alias, c] of [['Alice', alice], ['Carol', carol]] as const) {
      await c.addContact('Bob', bob)
      await nav.getByRole('button', { name: 'Contacts' }).click()
      await page.getByLabel('Name', { exact: true }).fill(alias)
      await page.getByLabel('User id').fill(c.userId)
      await page.getByRole('button', { name: 'Add contact' }).click()
      await page.getByRole('button', { name: `Chat with ${alias}` }).waitFor()
    }
    await until('Carol reaches Bob', async () => await carol.send(bob, 'Lunch on Friday?', { timeoutMs: 5_000 }).then((r) => r.state === 'stored' ? r : undefined))
    await until('Alice reaches Bob', async () => await alice.send(bob, 'Hi Bob! Did the web client work for you?', { timeoutMs: 5_000 }).then((r) => r.state === 'stored' ? r : undefined))
    await nav.getByRole('button', { name: 'Chats' }).click()
    await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: /Alice/ }).click()
    const box = page.getByRole('textbox', { name: 'Message' })
    await box.fill('It does: same keys, same relays, nothing to install.')
    await page.getByRole('button', { name: 'Send' }).click()
    const read = async (): Promise<void> => { const got = await alice.receive({ waitMs: 1_500 }); await alice.markRead(got) }
    await until('Alice reads it', async () => { await read(); return (await page.getByText('✓✓ read').count()) > 0 ? true : undefined })
    await alice.send(bob, 'Great. The ticks go to "read" when I see your message.', { timeoutMs: 10_000 })
    await page.getByRole('log', { name: 'Messages' }).getByText('The ticks go to').waitFor({ timeout: 30_000 })
    await box.fill('And I am typing this one…')
    await shot(page, 'conversation.png')

    await box.fill('')
    await page.getByLabel('Attach a file').setInputFiles({ name: 'holiday-photos.zip', mimeType: 'application/zip', buffer: randomBytes(5 * 1024 * 1024) })
    await until('the transfer half way', async () => {
      const v = await page.getByRole('progressbar', { name: 'Sending holiday-photos.zip' }).evaluate((e) => (e as HTMLProgressElement).value / (e as HTMLProgressElement).max).catch(() => 0)
      return v >= 0.4 ? true : undefined
    }, 60_000)
    await shot(page, 'file-transfer.png')
    await page.getByText('Sent holiday-photos.zip').waitFor({ timeout: 90_000 })

    await page.setViewportSize({ width: 390, height: 844 })
    await shot(page, 'phone-conversation.png')
    await page.getByRole('button', { name: 'Back to conversations' }).click()
    await shot(page, 'phone-conversations.png')
    await context.close()
    await server.close()
  } finally {
    for (const c of clients) await c.close().catch(() => {})
    await chromium.close()
    for (const n of nodes) await n.stop().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv.includes('--help') || process.argv.includes('-h')) process.stdout.write('usage: npm run web:screenshots\n  starts two loopback relay nodes, serves dist/web, and writes docs/screenshots/*.png (1280x800 and 390x844) from headless Chromium\n')
else await main()
