#!/usr/bin/env node
// Builds the web client: client/web/main.ts bundled for the browser (esbuild,
// browser twins: scripts/web/bundle.mjs) into dist/web/app.js, with
// index.html and style.css beside it; prints the bundle size (raw and gzip)
// and writes dist/web/build-info.json. scripts/build.mjs runs it after tsc.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { bundleForBrowser, root } from './bundle.mjs'

const started = performance.now()
const source = join(root, 'client', 'web')
const out = join(root, 'dist', 'web')
mkdirSync(out, { recursive: true })
await bundleForBrowser({ entry: join(source, 'main.ts'), outfile: join(out, 'app.js'), minify: true })
for (const f of ['index.html', 'style.css']) copyFileSync(join(source, f), join(out, f))

const sizes = {}
for (const f of ['app.js', 'style.css', 'index.html']) {
  const bytes = readFileSync(join(out, f))
  sizes[f] = { bytes: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength }
}
const buildMs = Math.round(performance.now() - started)
writeFileSync(join(out, 'build-info.json'), JSON.stringify({ builtAt: new Date().toISOString(), buildMs, sizes }, null, 2) + '\n')
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
process.stdout.write(`web client: dist/web/app.js ${kib(sizes['app.js'].bytes)} (gzip ${kib(sizes['app.js'].gzip)}), built in ${buildMs} ms\n`)
