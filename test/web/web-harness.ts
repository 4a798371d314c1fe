// What the browser tests share: real relay nodes (their /ws addresses for the
// page, TCP for the CLI), `relaymesh web` as a real process serving the built
// app, and headless Chromium (scripts/web/launch-browser.ts).
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import type { Page } from 'playwright-core'
import { CLI } from '../helpers/mesh.js'
import { cliEnv } from '../client/cli/run-cli.js'

export interface WebServer { url: string, proc: ChildProcess, stderr: () => string, stop: () => Promise<void> }

/** `relaymesh web --listen 127.0.0.1:0 --node … --json`; resolves on its listening line */
export async function startWeb (nodes: string[], extra: string[] = []): Promise<WebServer> {
  const proc = spawn(process.execPath, [CLI, 'web', '--listen', '127.0.0.1:0', ...nodes.flatMap((n) => ['--node', n]), '--json', ...extra], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (c) => { resolve(c) }))
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error(`relaymesh web did not start: ${stderr}`)) }, 20_000)
    createInterface({ input: proc.stdout! }).once('line', (l) => { clearTimeout(timer); resolve(l) })
    void exited.then((c) => { clearTimeout(timer); reject(new Error(`relaymesh web exited ${String(c)}: ${stderr}`)) })
  })
  const event = JSON.parse(line) as { event: string, url: string }
  if (event.event !== 'listening') throw new Error(`unexpected first line: ${line}`)
  return {
    url: event.url,
    proc,
    stderr: () => stderr,
    stop: async () => { proc.kill('SIGTERM'); await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]); proc.kill('SIGKILL') }
  }
}

/** Page errors and console errors, for a clear failure message. */
export function watchPage (page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (e) => { problems.push(`pageerror: ${e.message}`) })
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
  return problems
}

/** create a browser identity through the page */
export async function createIdentity (page: Page, url: string, passphrase: string, name?: string): Promise<string> {
  await page.goto(url)
  if (name !== undefined) await page.getByLabel('Your name (optional)').fill(name)
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase)
  await page.getByLabel('Repeat passphrase').fill(passphrase)
  await page.getByRole('button', { name: 'Create identity' }).click()
  return await myUserId(page)
}

/** the user id the "You" view shows */
export async function myUserId (page: Page): Promise<string> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'You' }).click({ timeout: 60_000 })
  const id = (await page.getByLabel('Your user id', { exact: true }).textContent()) ?? ''
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Chats' }).click()
  return id.trim()
}

export async function addContact (page: Page, alias: string, userId: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Contacts' }).click()
  await page.getByLabel('Name', { exact: true }).fill(alias)
  await page.getByLabel('User id').fill(userId)
  await page.getByRole('button', { name: 'Add contact' }).click()
  await page.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: `Chat with ${alias}` }).waitFor()
}
