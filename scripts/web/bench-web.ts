// `npm run bench:web`: the web client's bundle size (dist/web/build-info.json,
// written by scripts/web/build-app.mjs) and its first-load time in headless
// Chromium: from navigation start to an interactive identity screen (the
// "Create identity" button can be clicked), median of N loads, each in a
// fresh browser context (empty cache and IndexedDB), served by the same
// static server `relaymesh web` uses. Prints a table, or JSON with --json.
// Usage: npm run bench:web -- [--runs N] [--json]
import '../../node/runtime/polyfills.js'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startStaticServer } from '../../client/cli/web/static-server.js'
import { launchBrowser } from './launch-browser.js'

interface Sizes { [file: string]: { bytes: number, gzip: number } }

function arg (name: string, fallback: number): number {
  const i = process.argv.indexOf(name)
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback
}

function quantile (values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN
}

async function main (): Promise<void> {
  const runs = arg('--runs', 15)
  const json = process.argv.includes('--json')
  const root = resolve(import.meta.dirname, '..', '..', 'web')
  const info = JSON.parse(readFileSync(join(root, 'build-info.json'), 'utf8')) as { sizes: Sizes, buildMs: number }
  const server = await startStaticServer({ root, host: '127.0.0.1', port: 0, config: { nodes: [] } })
  const chromium = await launchBrowser()
  const loads: number[] = []
  const dcl: number[] = []
  try {
    for (let i = 0; i < runs + 1; i++) {
      const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } })
      const page = await context.newPage()
      const t0 = performance.now()
      await page.goto(server.url, { waitUntil: 'commit' })
      await page.getByRole('button', { name: 'Create identity' }).click({ trial: true, timeout: 30_000 })
      const t = performance.now() - t0
      const domContentLoaded = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined
        return nav?.domContentLoadedEventEnd ?? NaN
      })
      await context.close()
      if (i === 0) continue // the first load warms Chromium itself up
      loads.push(t)
      dcl.push(domContentLoaded)
    }
  } finally {
    await chromium.close()
    await server.close()
  }
  const app = info.sizes['app.js'] ?? { bytes: NaN, gzip: NaN }
  const result = {
    bundle: { appJsBytes: app.bytes, appJsGzipBytes: app.gzip, totalBytes: Object.values(info.sizes).reduce((n, s) => n + s.bytes, 0), totalGzipBytes: Object.values(info.sizes).reduce((n, s) => n + s.gzip, 0), buildMs: info.buildMs },
    firstLoad: { runs, medianMs: Math.round(quantile(loads, 0.5)), p90Ms: Math.round(quantile(loads, 0.9)), minMs: Math.round(Math.min(...loads)), domContentLoadedMedianMs: Math.round(quantile(dcl, 0.5)) }
  }
  if (json) { process.stdout.write(JSON.stringify(result) + '\n'); return }
  const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`
  const rows: Array<[string, string]> = [
    ['app.js (raw)', kib(result.bundle.appJsBytes)],
    ['app.js (gzip -9)', kib(result.bundle.appJsGzipBytes)],
    ['all files (raw / gzip)', `${kib(result.bundle.totalBytes)} / ${kib(result.bundle.totalGzipBytes)}`],
    ['bundle build time', `${result.bundle.buildMs} ms`],
    [`first load to interactive identity screen, median of ${runs}`, `${result.firstLoad.medianMs} ms`],
    ['first load p90 / min', `${result.firstLoad.p90Ms} / ${result.firstLoad.minMs} ms`],
    ['DOMContentLoaded, median', `${result.firstLoad.domContentLoadedMedianMs} ms`]
  ]
  const w = Math.max(...rows.map((r) => r[0].length))
  process.stdout.write(`| ${'measure'.padEnd(w)} | value |\n|${'-'.repeat(w + 2)}|-------|\n`)
  for (const [k, v] of rows) process.stdout.write(`| ${k.padEnd(w)} | ${v} |\n`)
}

if (process.argv.includes('--help') || process.argv.includes('-h')) process.stdout.write('usage: npm run bench:web -- [--runs N] [--json]\n  bundle size (dist/web/build-info.json) and first-load time to an interactive identity screen in headless Chromium, median of N fresh loads (default 15)\n')
else await main()
