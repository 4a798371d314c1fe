#!/usr/bin/env node
// Regenerates protons output for every .proto under protocol/pb (or, with
// --out DIR, into DIR instead, which the freshness test uses to compare).
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'protocol', 'pb')
const outIdx = process.argv.indexOf('--out')
const out = outIdx > 0 ? resolve(process.argv[outIdx + 1]) : src
const protos = readdirSync(src).filter((f) => f.endsWith('.proto')).sort()
if (out !== src) {
  mkdirSync(out, { recursive: true })
  for (const f of protos) cpSync(join(src, f), join(out, f))
}
const protonsBin = join(root, 'node_modules', 'protons', 'dist', 'bin', 'protons.js')
execFileSync(process.execPath, [protonsBin, ...protos.map((f) => join(out, f))], { stdio: 'inherit' })
console.log(`generated ${protos.length} files in ${out}`)
