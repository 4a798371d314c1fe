#!/usr/bin/env node
// The build behind `npm run build` and `npm start`: tsc (incremental, its
// state in dist/.tsbuildinfo), then the CLI entry made executable again (tsc
// writes 0644). `--if-stale` (npm start) does nothing when dist/ is newer
// than every source, so a start with nothing changed does not compile at all.
// `npm run build` deletes dist/ first: a clean build for CI and tests.
// The web client is bundled after tsc by scripts/web/build-app.mjs (esbuild).
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')
const stamp = join(dist, '.tsbuildinfo')
/** what tsc reads: the folders of tsconfig.json's "include", and the two config files (and the web client's .html/.css) */
const SOURCES = ['protocol', 'node', 'client', 'scripts', 'test']
const CONFIGS = ['tsconfig.json', 'package.json']

function newestSource () {
  let newest = Math.max(...CONFIGS.map((f) => statSync(join(root, f)).mtimeMs))
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/\.(ts|html|css)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs)
    }
  }
  for (const d of SOURCES) if (existsSync(join(root, d))) walk(join(root, d))
  return newest
}

const args = process.argv.slice(2)
if (args.includes('--clean')) rmSync(dist, { recursive: true, force: true })
if (args.includes('--if-stale') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) process.exit(0)
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', stamp], { stdio: 'inherit' })
chmodSync(join(dist, 'client', 'cli', 'index.js'), 0o755)
// the web client's bundle (scripts/web/build-app.mjs), once it exists
const webBuild = join(root, 'scripts', 'web', 'build-app.mjs')
if (existsSync(webBuild)) execFileSync(process.execPath, [webBuild], { stdio: 'inherit' })
// tsc leaves its state file alone when nothing changed: mark this build's time
const now = new Date()
utimesSync(stamp, now, now)
