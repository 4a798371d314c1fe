// `npm run bench:crypto-browser [-- --quick] [-- --json]`: the relaymesh rows of
// bench:crypto (PQXDH session setup, ping-pong, streaming, 16 KiB throughput)
// in the Node build (node:crypto backend) and in the browser bundle (@noble
// backend, built by scripts/web/bundle.mjs exactly as the web app is) running
// in headless Chromium, side by side in one run. Node and browser alternate
// (Node, browser, Node, browser) and each figure is the better of its two
// passes' medians, so a burst of load on the machine hits both alike.
import os from 'node:os'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launchBrowser } from './web/launch-browser.js'
import { RATE_ROWS, relaymeshRates, type RatePlans, type RateRow } from './bench/crypto-rates.js'

const LABELS: Record<RateRow, string> = {
  setup: 'session setup /s (PQXDH: bundle -> 1st message decrypted)',
  pingPong: 'ping-pong pairs/s, 256 B (ratchet keys pooled)',
  pingPongInline: 'ping-pong pairs/s, 256 B (ratchet keys inline)',
  streaming: 'streaming pairs/s, 256 B, one direction',
  throughput: 'throughput, 16 KiB messages/s, one direction'
}

function plans (quick: boolean): RatePlans {
  return quick
    ? { setup: { rounds: 3, roundSeconds: 0.3, warmupOps: 10, minOps: 5 }, messages: { rounds: 3, roundSeconds: 0.25, warmupOps: 100, minOps: 20 } }
    : { setup: { rounds: 5, roundSeconds: 0.8, warmupOps: 20, minOps: 10 }, messages: { rounds: 5, roundSeconds: 0.6, warmupOps: 200, minOps: 50 } }
}

async function main (): Promise<void> {
  const args = process.argv.slice(2)
  for (const a of args) {
    if (a === '--help' || a === '-h') { process.stdout.write('usage: bench-crypto-browser [--quick] [--json]\n'); return }
    if (a !== '--json' && a !== '--quick') { process.stderr.write(`bench-crypto-browser: unknown argument ${a}\n`); process.exit(2) }
  }
  const json = args.includes('--json')
  const plan = plans(args.includes('--quick'))
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const { bundleForBrowser } = await import(join(root, 'scripts', 'web', 'bundle.mjs')) as { bundleForBrowser: (o: { entry: string, outfile: string, minify?: boolean }) => Promise<unknown> }
  const dir = await mkdtemp(join(os.tmpdir(), 'relaymesh-bench-'))
  const outfile = join(dir, 'bench.js')
  await bundleForBrowser({ entry: join(root, 'scripts', 'bench', 'crypto-browser-entry.ts'), outfile, minify: true })
  const bundle = await readFile(outfile, 'utf8')
  const b = await launchBrowser()
  try {
    const page = await b.browser.newPage()
    page.setDefaultTimeout(600_000)
    await page.addScriptTag({ content: bundle, type: 'module' })
    await page.waitForFunction(() => 'relaymeshRates' in globalThis)
    const browserUA = await page.evaluate(() => navigator.userAgent)
    const node: Array<Record<RateRow, number>> = []
    const browser: Array<Record<RateRow, number>> = []
    for (let pass = 0; pass < 2; pass++) {
      process.stderr.write(`bench:crypto-browser pass ${pass + 1}/2: node\n`)
      node.push(await relaymeshRates(plan))
      process.stderr.write(`bench:crypto-browser pass ${pass + 1}/2: browser\n`)
      browser.push(await page.evaluate(async (p) => await (globalThis as unknown as { relaymeshRates: typeof relaymeshRates }).relaymeshRates(p), plan))
    }
    const best = (xs: Array<Record<RateRow, number>>, r: RateRow): number => Math.max(...xs.map((x) => x[r]))
    const rows = RATE_ROWS.map((r) => ({ row: r, label: LABELS[r], node: best(node, r), browser: best(browser, r), ratio: best(browser, r) / best(node, r) }))
    if (json) {
      process.stdout.write(JSON.stringify({
        runtime: { node: process.version, browser: browserUA, cpus: os.cpus().length },
        rows: Object.fromEntries(rows.map((x) => [x.row, { node: x.node, browser: x.browser }])),
        ratios: Object.fromEntries(rows.map((x) => [x.row, x.ratio]))
      }) + '\n')
    } else {
      const w = Math.max(...rows.map((x) => x.label.length))
      process.stdout.write(`${'relaymesh crypto'.padEnd(w)}  ${'node'.padStart(9)}  ${'browser'.padStart(9)}  browser/node\n`)
      for (const x of rows) process.stdout.write(`${x.label.padEnd(w)}  ${x.node.toFixed(0).padStart(9)}  ${x.browser.toFixed(0).padStart(9)}  ${x.ratio.toFixed(2)}x\n`)
      process.stdout.write(`node ${process.version} (node:crypto backend) vs ${browserUA.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium'} (@noble backend); best of 2 alternating passes, each the median of ${plan.messages.rounds} rounds\n`)
    }
  } finally {
    await b.close()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err) => { process.stderr.write(`bench-crypto-browser: ${(err as Error).message}\n`); process.exit(1) })
