// `relaymesh node start`: the checks made before anything starts, and the
// failures of a start turned into one line an operator can act on (a port in
// use, a data directory locked by a running node) instead of libp2p's or
// LevelDB's multi-line traces.
import { multiaddr } from '@multiformats/multiaddr'
import { ErrorCode, RelaymeshError } from '../../protocol/errors.js'

const EXAMPLE = '/ip4/127.0.0.1/tcp/4009'

function parse (option: string, value: string, example: string): ReturnType<typeof multiaddr> {
  try {
    return multiaddr(value)
  } catch {
    throw new RelaymeshError(ErrorCode.Invalid, `${option} expects a multiaddr like ${example}, got ${value}`)
  }
}

/** --listen: each value an IP and a TCP port, plain (nodes, the CLI) or with /ws (browsers). */
export function checkListen (values: string[]): string[] {
  for (const v of values) {
    const names = parse('--listen', v, EXAMPLE).getComponents().map((c) => c.name)
    const ip = names[0] === 'ip4' || names[0] === 'ip6'
    const rest = names.slice(1).join('/')
    if (!ip || (rest !== 'tcp' && rest !== 'tcp/ws')) {
      throw new RelaymeshError(ErrorCode.Invalid, `--listen expects a TCP multiaddr like ${EXAMPLE} or a WebSocket one like ${EXAMPLE}/ws, got ${v}`)
    }
  }
  return values
}

/** --bootstrap: each value a multiaddr that names the node's peer id (libp2p silently skips one without). */
export function checkBootstrap (values: string[]): string[] {
  const example = `${EXAMPLE}/p2p/<peer id>`
  for (const v of values) {
    const ma = parse('--bootstrap', v, example)
    if (ma.getComponents().find((c) => c.name === 'p2p')?.value === undefined) {
      throw new RelaymeshError(ErrorCode.Invalid, `--bootstrap needs /p2p/<peer id>: ${v} has none (copy the address from that node's "listening on" lines, e.g. ${example})`)
    }
  }
  return values
}

function chain (err: unknown): Array<{ message: string, code?: unknown }> {
  const out: Array<{ message: string, code?: unknown }> = []
  let e: unknown = err
  for (let i = 0; i < 8 && e instanceof Error; i++) {
    out.push(e as Error & { code?: unknown })
    // AggregateError (libp2p's listen failures) and cause chains
    const inner = (e as { errors?: unknown[] }).errors
    if (Array.isArray(inner) && inner[0] instanceof Error) out.push(...chain(inner[0]))
    e = e.cause
  }
  return out
}

/** A start failure as one actionable line (a RelaymeshError); other errors unchanged. */
export function explainStartError (err: unknown, dataDir: string): unknown {
  const all = chain(err)
  const text = all.map((e) => e.message).join('\n')
  const inUse = /EADDRINUSE[^\n]*?(\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f:]+\]?):(\d+)/i.exec(text)
  if (inUse !== null || all.some((e) => e.code === 'EADDRINUSE')) {
    const port = inUse?.[2] ?? '?'
    return new RelaymeshError(ErrorCode.Unavailable, `port ${port} is in use: another node? pick another with --listen /ip4/127.0.0.1/tcp/PORT (or /tcp/0 for any free port)`, { cause: err })
  }
  if (all.some((e) => e.code === 'LEVEL_LOCKED' || /\bLOCK\b.*(?:unavailable|temporarily|held)|lock hold by current process/i.test(e.message))) {
    return new RelaymeshError(ErrorCode.Unavailable, `--data ${dataDir} is in use by another running node: stop it, or pick another --data`, { cause: err })
  }
  return err
}
