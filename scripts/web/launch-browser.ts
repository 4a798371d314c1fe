// A real headless Chromium for browser tests and benchmarks, driven by playwright-core.
// Chromium comes from Debian's `chromium` package (.ci/run installs it when
// missing; README: `apt-get install -y chromium`). RELAYMESH_CHROMIUM names
// another binary. Flags: the machine has no outside network, so everything
// Chromium would fetch on its own is turned off.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM_PATH = process.env.RELAYMESH_CHROMIUM ?? '/usr/bin/chromium'

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'
]

export interface TestBrowser { browser: Browser, close: () => Promise<void> }

/** Launch headless Chromium; throws a one-line reason when it is not installed. */
export async function launchBrowser (): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (.ci/run does) or set RELAYMESH_CHROMIUM`)
  }
  // a fresh empty profile: playwright makes one per launch and deletes it on close
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS })
  return { browser, close: async () => { await browser.close().catch(() => {}) } }
}
