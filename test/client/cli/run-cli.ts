// Running `relaymesh …` chat commands as real processes, the way a person or
// a script does, and reading their output.
import { spawn, type ChildProcess } from 'node:child_process'
import { strict as assert } from 'node:assert'
import { createInterface } from 'node:readline'
import { CLI } from '../../helpers/mesh.js'

export const PASS = 'correct horse battery staple'
/** a command that does not end by then has hung */
const RUN_TIMEOUT_MS = 30_000

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed as one JSON object per line (only when every line is JSON) */
  json: Array<Record<string, unknown>>
}

export function cliEnv (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RELAYMESH_PASSPHRASE: PASS, ...extra }
  delete env.RELAYMESH_HOME
  delete env.RELAYMESH_LOG
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k]
  return env
}

/** `relaymesh …args`; resolves when the process exits (never rejects on a non-zero exit). */
export async function cli (args: string[], options: { env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const proc = spawn(process.execPath, [CLI, ...args], { env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const timer = setTimeout(() => { proc.kill('SIGKILL') }, RUN_TIMEOUT_MS)
  const code = await new Promise<number | null>((resolve) => proc.once('close', (c) => { resolve(c) }))
  clearTimeout(timer)
  return { code, stdout, stderr, json: parseLines(stdout) }
}

function parseLines (stdout: string): Array<Record<string, unknown>> {
  try {
    return stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
  } catch {
    return []
  }
}

/** exit 0; returns the JSON lines */
export async function ok (args: string[], options: { env?: Record<string, string | undefined> } = {}): Promise<Array<Record<string, unknown>>> {
  const r = await cli(args, options)
  assert.equal(r.code, 0, `relaymesh ${args.join(' ')} exited ${String(r.code)}: ${r.stderr}`)
  noStackTrace(r.stderr)
  return r.json
}

/** a non-zero exit with one clear line matching `message` on stderr, no stack trace */
export async function fails (args: string[], message: RegExp, options: { env?: Record<string, string | undefined> } = {}): Promise<CliResult> {
  const r = await cli(args, options)
  assert.notEqual(r.code, 0, `relaymesh ${args.join(' ')} should fail; stdout: ${r.stdout}`)
  assert.match(r.stderr, message)
  assert.match(r.stderr, /^relaymesh: .+ \(ERR_[A-Z_]+\)\n$/, `one clear line, got: ${r.stderr}`)
  noStackTrace(r.stderr)
  assert.equal(r.stdout, '', 'nothing on stdout')
  return r
}

export function noStackTrace (stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, `stack trace on stderr: ${stderr}`)
}

/** A long-running command (chat) with a line-by-line view of its stdout and a stdin to type into. */
export interface Interactive {
  proc: ChildProcess
  lines: string[]
  stderr: () => string
  type: (line: string) => void
  exited: Promise<number | null>
}

export function interactive (args: string[], options: { env?: Record<string, string | undefined> } = {}): Interactive {
  const proc = spawn(process.execPath, [CLI, ...args], { env: cliEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: string[] = []
  let stderr = ''
  createInterface({ input: proc.stdout }).on('line', (l) => lines.push(l))
  proc.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<number | null>((resolve) => proc.once('close', (c) => { resolve(c) }))
  return { proc, lines, stderr: () => stderr, type: (line) => { proc.stdin.write(line + '\n') }, exited }
}
